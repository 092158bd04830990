"""The runner's only channel back to W2S Studio: one `@@w2s {json}` line per record on stdout.

The prefix may sit anywhere in a line (Ray prefixes the output of its workers, e.g.
`(RayTrainWorker pid=123, ip=10.0.0.2) @@w2s {...}`), the JSON is always on one line, and stdout is
flushed after every record so that the log tail streams it at once.

Record types (`type`):
  status      phase (loading, tokenizing, training, saving, generating, ...) and a message
  metrics     step, total_steps, train_loss, valid_loss, train_mean_token_accuracy,
              valid_mean_token_accuracy, learning_rate, grad_norm, epoch, tokens_per_second
              (metric names as OpenAI fine-tuning events)
  checkpoint  step, path (and final: true for the model written at the end)
  sample      problem (key), index, text, finish_reason, prompt_tokens, completion_tokens
  error       kind, message (what to do), detail
  done        ok, and a summary
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from typing import Any, TextIO

PREFIX = "@@w2s "
#: Defined once here; src/core/jobs/records.ts has the same lists (a test compares them).
TYPES = ("status", "metrics", "checkpoint", "sample", "error", "done")
#: Metric names a `metrics` record may carry besides step and total_steps (OpenAI fine-tuning event names).
METRIC_NAMES = ("train_loss", "valid_loss", "learning_rate", "grad_norm", "tokens_per_second",
                "train_mean_token_accuracy", "valid_mean_token_accuracy", "epoch")
#: Fields of a `sample` record.
SAMPLE_FIELDS = ("problem", "index", "text", "finish_reason", "prompt_tokens", "completion_tokens")


def is_main_process() -> bool:
    """Only rank 0 reports: under torchrun or Ray Train every worker runs the same code."""
    for var in ("RANK", "LOCAL_RANK"):
        value = os.environ.get(var)
        if value not in (None, "", "0"):
            return False
    return True


def _clean(value: Any) -> Any:
    # JSON has no NaN or infinity: a diverged loss is reported as null rather than breaking the line.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    item = getattr(value, "item", None)
    if callable(item):  # numpy / torch scalars
        try:
            return _clean(item())
        except Exception:
            return str(value)
    return value


def format_record(record_type: str, /, **fields: Any) -> str:
    """The exact line printed for a record (without the newline)."""
    if record_type not in TYPES:
        raise ValueError(f"unknown record type {record_type!r} (known: {', '.join(TYPES)})")
    body = {"type": record_type, "time": round(time.time(), 3)}
    body.update(_clean(fields))
    return PREFIX + json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def emit(record_type: str, /, stream: TextIO | None = None, **fields: Any) -> None:
    """Prints one record (rank 0 only) and flushes."""
    if not is_main_process():
        return
    out = stream if stream is not None else sys.stdout
    out.write(format_record(record_type, **fields) + "\n")
    out.flush()


def parse_line(line: str) -> dict[str, Any] | None:
    """The record in a log line, or None. The inverse of format_record, used by tests and gpu_check."""
    i = line.find(PREFIX)
    if i < 0:
        return None
    try:
        value = json.loads(line[i + len(PREFIX):])
    except ValueError:
        return None
    return value if isinstance(value, dict) and value.get("type") in TYPES else None
