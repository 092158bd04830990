"""How an SFT job will train, decided before anything heavy is loaded: pure functions, no torch.

- `precision_plan`: fp32 master weights with bf16 compute for full fine-tuning (the weights and AdamW
  states stay fp32 and bf16 is only the matmul dtype, as LLaMA-Factory trains W2SR's students); a LoRA
  job keeps its frozen base in bf16 and its adapters in fp32.
- `choose_strategy`: one process, DDP (every GPU holds the whole model: only for models that fit) or
  FSDP (parameters, gradients and optimizer states sharded over the GPUs).
- `fsdp_settings`: the TrainingArguments `fsdp` / `fsdp_config` for the installed transformers.
- `batch_plan`: gradient accumulation that reaches the global batch for this world size.
- `save_settings`: checkpoint rotation and model-only intermediate saves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .job import SftJob

GiB = 2**30
#: bytes per trainable parameter with fp32 master weights and AdamW: weights 4 + gradients 4 + m 4 + v 4.
#: The same 16 as the ZeRO paper's mixed-precision Adam (Rajbhandari et al. 2020, §3.1: 2 + 2 + K with
#: K = 12), here with the gradients kept in fp32 instead of a 16-bit weight copy.
FULL_FT_BYTES_PER_PARAM = 16
#: share of a GPU's memory that model states may use under DDP before sharding is chosen instead:
#: the rest is activations, logits, the allocator's fragmentation and the CUDA context.
DDP_STATE_SHARE = 0.6

Dtype = Literal["float32", "bfloat16"]


@dataclass(frozen=True)
class Precision:
    load_dtype: Dtype  # the dtype the weights are loaded (and kept) in
    compute_bf16: bool  # TrainingArguments(bf16=True): autocast / FSDP mixed precision in bf16
    note: str


def precision_plan(job: SftJob, bf16_supported: bool) -> Precision:
    if not job.bf16 or not bf16_supported:
        why = "bf16 is off in the job" if not job.bf16 else "bf16 is not supported here"
        return Precision("float32", False, f"{why}: training in float32")
    if job.lora is not None:
        return Precision("bfloat16", True, "LoRA: frozen base weights in bf16, adapters and their AdamW states in fp32, bf16 compute")
    return Precision("float32", True, "fp32 master weights and AdamW states, bf16 compute (updates below bf16's resolution are kept)")


Strategy = Literal["single", "ddp", "fsdp"]


@dataclass(frozen=True)
class StrategyChoice:
    strategy: Strategy
    reason: str


def choose_strategy(job: SftJob, world: int, params: int | None, gpu_bytes: int | None) -> StrategyChoice:
    """`strategy: auto` picks DDP only when the model states fit on every GPU with room to spare."""
    if job.strategy == "fsdp" or job.fsdp:
        return StrategyChoice("fsdp", "asked for (strategy fsdp)")
    if job.cpu_offload:
        return StrategyChoice("fsdp", "cpu_offload needs FSDP (parameters and optimizer states offloaded to the CPU)")
    if job.strategy == "ddp":
        return StrategyChoice("ddp" if world > 1 else "single", "asked for (strategy ddp)")
    if world <= 1:
        return StrategyChoice("single", "one process")
    if job.lora is not None:
        return StrategyChoice("ddp", "LoRA: the frozen base fits where full fine-tuning would not")
    if params is None or gpu_bytes is None:
        return StrategyChoice("fsdp", "model size or GPU memory unknown: sharding, which fits whenever DDP would")
    need = params * FULL_FT_BYTES_PER_PARAM
    if need <= DDP_STATE_SHARE * gpu_bytes:
        return StrategyChoice("ddp", f"model states {need / GiB:.1f} GiB fit on one GPU ({gpu_bytes / GiB:.0f} GiB)")
    return StrategyChoice("fsdp", f"model states {need / GiB:.1f} GiB do not fit on one GPU ({gpu_bytes / GiB:.0f} GiB): sharding them over {world}")


def fsdp_settings(job: SftJob, layer_classes: list[str] | None, transformers_version: tuple[int, ...]) -> dict[str, Any]:
    """TrainingArguments fields for FSDP through the HF Trainer (accelerate underneath).

    FSDP2 (`fsdp_config["version"] = 2`, per-parameter sharding) from transformers 5, where it is the
    default and FSDP1 is deprecated; FSDP1 before. Auto-wrap at the model's own `_no_split_modules`
    (its decoder layer); rank 0 loads the weights and the other ranks start on the meta device
    (`cpu_ram_efficient_loading`); activation checkpointing by FSDP (not the Trainer's
    `gradient_checkpointing`, which would all-gather twice); a full state dict at the end so the final
    folder is a plain Hugging Face checkpoint that vLLM loads.
    """
    v2 = transformers_version >= (5, 0)
    config: dict[str, Any] = {
        "version": 2 if v2 else 1,
        "auto_wrap_policy": "TRANSFORMER_BASED_WRAP",
        "cpu_ram_efficient_loading": True,
        "activation_checkpointing": job.gradient_checkpointing,
        "state_dict_type": "FULL_STATE_DICT",
        "cpu_offload": job.cpu_offload,
        "reshard_after_forward": True,
    }
    if layer_classes:
        config["transformer_layer_cls_to_wrap"] = list(layer_classes)
    if not v2:
        config.update(sync_module_states=True, use_orig_params=True, limit_all_gathers=True, backward_prefetch="backward_pre")
    return {
        "fsdp": "full_shard auto_wrap" + (" offload" if job.cpu_offload else ""),
        "fsdp_config": config,
        # FSDP checkpoints activations itself; the Trainer's own switch must stay off under it.
        "gradient_checkpointing": False,
    }


@dataclass(frozen=True)
class BatchPlan:
    per_device: int
    accumulation: int
    effective: int
    note: str | None


def batch_plan(job: SftJob, world: int) -> BatchPlan:
    per = job.per_device_batch_size
    accum = max(1, int(round(job.global_batch_size / (per * world))))
    effective = per * world * accum
    note = None
    if effective != job.global_batch_size:
        note = f"global batch {job.global_batch_size} is not a multiple of {per} per device x {world} processes: using {effective}"
    return BatchPlan(per, accum, effective, note)


def save_settings(job: SftJob) -> dict[str, Any]:
    """Checkpoints per epoch (or every save_steps), the newest save_total_limit kept, and model-only
    unless save_optimizer: a 7B checkpoint with AdamW states is ~4x the model (~90 GB in fp32)."""
    out: dict[str, Any] = {
        "save_strategy": job.save,
        "save_total_limit": job.save_total_limit,
        "save_only_model": not job.save_optimizer,
    }
    if job.save == "steps":
        out["save_steps"] = job.save_steps
    return out
