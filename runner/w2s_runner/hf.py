"""Small shims over the transformers versions a cluster may have (4.51 … 5.x): renamed and removed
arguments are mapped here once, so the rest of the runner speaks one dialect."""

from __future__ import annotations

import dataclasses
import inspect
import os
from typing import Any


def version_tuple(module: Any) -> tuple[int, ...]:
    parts = []
    for p in module.__version__.split(".")[:2]:
        digits = "".join(ch for ch in p if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def dtype_kwargs(transformers: Any, dtype: Any) -> dict[str, Any]:
    """`dtype=` since 4.56 (and the only name in 5.x); `torch_dtype=` before."""
    return {"dtype": dtype} if version_tuple(transformers) >= (4, 56) else {"torch_dtype": dtype}


def training_arguments(transformers: Any, notes: list[str], **kwargs: Any) -> Any:
    """Builds TrainingArguments from what this version knows. 5.x: `warmup_ratio` is gone (a float
    `warmup_steps` below 1 is the ratio), `group_by_length` is gone (batching.py does it),
    `evaluation_strategy` became `eval_strategy` (4.46)."""
    TrainingArguments = transformers.TrainingArguments
    names = {f.name for f in dataclasses.fields(TrainingArguments)}
    ratio = kwargs.pop("warmup_ratio", 0.0) or 0.0
    if version_tuple(transformers) >= (5, 0) or "warmup_ratio" not in names:
        kwargs["warmup_steps"] = float(ratio) if ratio else 0
    else:
        kwargs["warmup_ratio"] = ratio
    if "eval_strategy" in kwargs and "eval_strategy" not in names and "evaluation_strategy" in names:
        kwargs["evaluation_strategy"] = kwargs.pop("eval_strategy")
    accepted = {k: v for k, v in kwargs.items() if k in names}
    dropped = sorted(set(kwargs) - set(accepted))
    if dropped:
        notes.append(f"transformers {transformers.__version__} has no TrainingArguments {', '.join(dropped)}; left out")
    return TrainingArguments(**accepted)


def trainer_kwargs(transformers: Any, tokenizer: Any) -> dict[str, Any]:
    """`processing_class=` (4.46+, the only name in 5.x) or `tokenizer=`."""
    params = inspect.signature(transformers.Trainer.__init__).parameters
    return {"processing_class": tokenizer} if "processing_class" in params else {"tokenizer": tokenizer}


def is_adapter_dir(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "adapter_config.json"))


def set_recompile_limit(torch: Any, limit: int = 64) -> None:
    """flex_attention is compiled; packed batches change shape every step, so allow more recompiles
    than the default 8 before dynamo falls back to eager (which would be slow, not wrong)."""
    try:
        cfg = torch._dynamo.config
        if hasattr(cfg, "recompile_limit"):
            cfg.recompile_limit = max(cfg.recompile_limit, limit)
        elif hasattr(cfg, "cache_size_limit"):
            cfg.cache_size_limit = max(cfg.cache_size_limit, limit)
    except Exception:
        pass
