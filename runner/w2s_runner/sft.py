"""Supervised fine-tuning with Hugging Face transformers' Trainer, the W2SR way by default.

Defaults (defaults.json): full fine-tuning with fp32 master weights and bf16 compute, learning rate 1e-5,
cosine schedule, warmup 0.1, 10 epochs, global batch 128 reached through gradient accumulation for the
world size, cutoff 4096 tokens, one model-only checkpoint per epoch (the newest 3 kept), validation loss
each epoch when a validation set exists. Several GPUs: DDP when the model states fit on one GPU, else
FSDP (sft_plan.py). LoRA through peft with `"lora": {}`. Loss on assistant tokens only (chat.py).
Batching (batching.py): padding-free packing with flex_attention when it works on this model, else
length-grouped batches.

Every number the extension draws comes from `metrics` records: train_loss, learning_rate, grad_norm,
epoch, train_mean_token_accuracy, tokens_per_second (real tokens over all ranks, never padding), and
valid_loss / valid_mean_token_accuracy after each evaluation.

`run_sft` reads as its steps: environment, tokenizer, data, plan, model, check, trainer, train, save,
summary; each is a function below.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from . import deps
from .batching import Collator, LengthGroupedSampler
from .chat import IGNORE, encode, ensure_chat_template
from .data import read_conversations
from .errors import RunnerError
from .hf import dtype_kwargs, set_recompile_limit, trainer_kwargs, training_arguments, version_tuple
from .job import SftJob
from .records import emit
from .sft_plan import BatchPlan, Precision, StrategyChoice, batch_plan, choose_strategy, fsdp_settings, precision_plan, save_settings
from .sft_trainer import WARMUP_TIMING_STEPS, Meter, make_callback, make_trainer_class, no_reduce, packed_isolation_check, rank_sum

SFT_PACKAGES = ["torch", "transformers", "accelerate"]

Example = dict[str, list[int]]


@dataclass
class Run:
    """What the steps of one SFT run hand each other."""

    job: SftJob
    torch: Any
    transformers: Any
    world: int
    cuda: bool
    notes: list[str] = field(default_factory=list)
    tokenizer: Any = None
    added_tokens: list[str] | None = None
    train: list[Example] = field(default_factory=list)
    valid: list[Example] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    precision: Precision | None = None
    strategy: StrategyChoice | None = None
    batches: BatchPlan | None = None
    mode: str = "grouped"
    attn: str = "sdpa"
    layer_classes: list[str] | None = None
    model: Any = None
    args: Any = None
    collator: Any = None

    def note(self, message: str) -> None:
        self.notes.append(message)
        emit("status", phase="note", message=message)


# --- data -------------------------------------------------------------------------------------------------


def tokenize_all(tokenizer: Any, conversations: list[list[dict[str, str]]], job: SftJob, label: str) -> tuple[list[Example], dict[str, Any]]:
    examples: list[Example] = []
    dropped = truncated = 0
    t0 = time.time()
    for i, msgs in enumerate(conversations):
        ex, note = encode(tokenizer, msgs, job.cutoff_len, job.overlong)
        if note == "dropped":
            dropped += 1
        elif note == "truncated":
            truncated += 1
        if ex is not None:
            examples.append(ex)
        if (i + 1) % 2000 == 0:
            emit("status", phase="tokenizing", message=f"{label}: {i + 1}/{len(conversations)} tokenized", done=i + 1, total=len(conversations))
    lengths = [len(e["input_ids"]) for e in examples]
    stats = {
        "examples": len(examples),
        "dropped": dropped,
        "truncated": truncated,
        "tokens": sum(lengths),
        "trained_tokens": sum(sum(1 for t in e["labels"] if t != IGNORE) for e in examples),
        "median_length": int(statistics.median(lengths)) if lengths else 0,
        "max_length": max(lengths) if lengths else 0,
        "seconds": round(time.time() - t0, 1),
    }
    return examples, stats


def split_validation(job: SftJob, train: list[Any], valid: list[Any] | None) -> tuple[list[Any], list[Any] | None]:
    if not job.validation_split:
        return train, valid
    order = list(range(len(train)))
    random.Random(job.seed).shuffle(order)
    k = max(1, int(round(len(order) * job.validation_split)))
    return [train[i] for i in order[k:]], [train[i] for i in order[:k]]


# --- steps --------------------------------------------------------------------------------------------------


def start(job: SftJob) -> Run:
    deps.require(SFT_PACKAGES + (["peft"] if job.lora is not None else []), "fine-tune a model")
    import torch
    import transformers

    run = Run(job, torch, transformers, world=int(os.environ.get("WORLD_SIZE", "1")), cuda=torch.cuda.is_available())
    emit("status", phase="loading", message=f"loading tokenizer {job.base_model}", torch=torch.__version__,
         transformers=transformers.__version__, cuda=run.cuda, gpu=torch.cuda.get_device_name(0) if run.cuda else None, world_size=run.world)
    if not run.cuda:
        run.notes.append("no CUDA GPU visible: training on the CPU (slow); ask for GPUs with the job's GPUs setting")
    transformers.set_seed(job.seed)
    return run


def load_tokenizer(run: Run) -> None:
    job = run.job
    tokenizer = run.transformers.AutoTokenizer.from_pretrained(job.base_model, trust_remote_code=job.trust_remote_code)
    run.added_tokens = ensure_chat_template(tokenizer)
    if run.added_tokens is not None:
        run.notes.append("the tokenizer has no chat template: using ChatML (Qwen's, as the W2SR recipe trains)"
                         + (f", adding tokens {', '.join(run.added_tokens)}" if run.added_tokens else ""))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    run.tokenizer = tokenizer


def load_data(run: Run) -> None:
    job = run.job
    emit("status", phase="tokenizing", message=f"reading {job.dataset}")
    train_convs = read_conversations(job.dataset, job.system_prompt)
    valid_convs = read_conversations(job.validation, job.system_prompt) if job.validation else None
    train_convs, valid_convs = split_validation(job, train_convs, valid_convs)
    run.train, stats = tokenize_all(run.tokenizer, train_convs, job, "train")
    if not run.train:
        raise RunnerError(
            f"no training example fits in cutoff_len {job.cutoff_len} ({stats['dropped']} dropped): raise cutoff_len or set overlong to truncate",
            kind="bad_data")
    run.valid, vstats = tokenize_all(run.tokenizer, valid_convs, job, "validation") if valid_convs else ([], None)
    run.stats = stats
    emit("status", phase="data", message=(
        f"{stats['examples']} training examples ({stats['dropped']} longer than {job.cutoff_len} tokens dropped, "
        f"{stats['truncated']} truncated), median {stats['median_length']} tokens, longest {stats['max_length']}"
        + (f"; {vstats['examples']} validation examples" if vstats else "")), train=stats, validation=vstats)


def flex_available(torch: Any) -> bool:
    try:
        from torch.nn.attention import flex_attention

        del flex_attention
    except Exception:
        return False
    return torch.cuda.is_available()


def choose_batching(job: SftJob, torch: Any, notes: list[str]) -> str:
    mode = job.batching
    if mode == "auto":
        if flex_available(torch):
            mode = "packed"
        else:
            mode = "grouped"
            notes.append("padding-free packing needs flex_attention on a GPU (torch >= 2.5 with CUDA); using length-grouped batches")
    elif mode == "packed" and not flex_available(torch):
        notes.append("batching packed asked for, but flex_attention is not available here; packing with sdpa (correct, not faster)")
    return mode


def model_facts(run: Run) -> tuple[int | None, list[str] | None]:
    """Parameter count and decoder-layer class names, from the config on the meta device (no weights
    read): the strategy and FSDP's auto-wrap are decided before the model loads."""
    try:
        config = run.transformers.AutoConfig.from_pretrained(run.job.base_model, trust_remote_code=run.job.trust_remote_code)
        with run.torch.device("meta"):
            meta = run.transformers.AutoModelForCausalLM.from_config(config, trust_remote_code=run.job.trust_remote_code)
        params = sum(p.numel() for p in meta.parameters())
        layers = [str(c) for c in (getattr(meta, "_no_split_modules", None) or [])]
        return params, layers or None
    except Exception:
        return None, None


def gpu_bytes(run: Run) -> int | None:
    if not run.cuda:
        return None
    try:
        return int(run.torch.cuda.get_device_properties(0).total_memory)
    except Exception:
        return None


def plan(run: Run) -> None:
    """Precision, strategy, batching, attention and the TrainingArguments, before the model loads (FSDP's
    memory-efficient loading is switched on by the arguments, and must be on when from_pretrained runs)."""
    job, torch = run.job, run.torch
    run.precision = precision_plan(job, run.cuda and torch.cuda.is_bf16_supported())
    params, run.layer_classes = model_facts(run)
    run.strategy = choose_strategy(job, run.world, params, gpu_bytes(run))
    run.batches = batch_plan(job, run.world)
    if run.batches.note:
        run.notes.append(run.batches.note)
    run.mode = choose_batching(job, torch, run.notes)
    attn = job.attn_implementation
    if attn == "auto":
        attn = "flex_attention" if run.mode == "packed" and flex_available(torch) else "sdpa"
    if attn == "flex_attention":
        set_recompile_limit(torch)
    run.attn = attn
    for n in run.notes:
        emit("status", phase="note", message=n)
    emit("status", phase="plan", message=f"{run.strategy.strategy}: {run.strategy.reason}; {run.precision.note}",
         strategy=run.strategy.strategy, load_dtype=run.precision.load_dtype, compute_bf16=run.precision.compute_bf16,
         parameters=params, layer_classes=run.layer_classes)
    run.args = build_arguments(run)


def build_arguments(run: Run) -> Any:
    job = run.job
    assert run.batches is not None and run.precision is not None and run.strategy is not None
    sharding = fsdp_settings(job, run.layer_classes, version_tuple(run.transformers)) if run.strategy.strategy == "fsdp" else {}
    gc = sharding.pop("gradient_checkpointing", job.gradient_checkpointing)
    before = len(run.notes)
    args = training_arguments(
        run.transformers, run.notes,
        output_dir=job.output_dir,
        per_device_train_batch_size=run.batches.per_device,
        per_device_eval_batch_size=run.batches.per_device,
        gradient_accumulation_steps=run.batches.accumulation,
        num_train_epochs=float(job.epochs),
        max_steps=job.max_steps or -1,
        learning_rate=job.learning_rate,
        lr_scheduler_type=job.lr_scheduler,
        warmup_ratio=job.warmup_ratio,
        weight_decay=job.weight_decay,
        max_grad_norm=job.max_grad_norm,
        bf16=run.precision.compute_bf16,
        gradient_checkpointing=gc,
        gradient_checkpointing_kwargs={"use_reentrant": False} if gc else None,
        logging_steps=job.logging_steps,
        logging_first_step=True,
        eval_strategy="epoch" if run.valid else "no",
        report_to="none",
        remove_unused_columns=False,
        label_names=["labels"],
        seed=job.seed,
        data_seed=job.seed,
        disable_tqdm=True,
        dataloader_num_workers=0,
        **save_settings(job),
        **({"ddp_find_unused_parameters": False} if run.strategy.strategy == "ddp" else {}),
        **sharding,
        **({} if run.cuda else {"use_cpu": True}),
    )
    for n in run.notes[before:]:
        emit("status", phase="note", message=n)
    return args


def prepare_sharded_loading(run: Run) -> None:
    """FSDP's memory-efficient loading: transformers' from_pretrained puts every rank but 0 on the meta
    device when the process group is up and accelerate's FSDP switches are set (modeling_utils
    is_fsdp_enabled: ACCELERATE_USE_FSDP and FSDP_CPU_RAM_EFFICIENT_LOADING). TrainingArguments sets them
    too; setting them here, and starting the process group through args.device, makes sure both hold
    before the weights are read, whichever transformers version builds them lazily."""
    os.environ["ACCELERATE_USE_FSDP"] = "true"
    os.environ["FSDP_CPU_RAM_EFFICIENT_LOADING"] = "1"
    try:
        getattr(run.args, "device", None)
    except Exception:
        pass


def load_model(run: Run, attn: str) -> Any:
    job, torch = run.job, run.torch
    assert run.precision is not None and run.strategy is not None
    dtype = getattr(torch, run.precision.load_dtype)
    kwargs = dict(dtype_kwargs(run.transformers, dtype))
    kwargs["trust_remote_code"] = job.trust_remote_code
    if attn:
        kwargs["attn_implementation"] = attn
    if run.strategy.strategy == "fsdp":
        prepare_sharded_loading(run)
    model = run.transformers.AutoModelForCausalLM.from_pretrained(job.base_model, **kwargs)
    if run.cuda and run.strategy.strategy != "fsdp":
        # Under torchrun each process owns the GPU of its local rank (Trainer keeps a model already there);
        # under FSDP accelerate places the shards.
        model = model.to(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}")
    # With a cache object the masking code skips the packed-sequence detection; training needs no cache.
    model.config.use_cache = False
    if run.added_tokens:
        model.resize_token_embeddings(len(run.tokenizer))
    return model


def load(run: Run) -> None:
    assert run.precision is not None
    emit("status", phase="loading", message=f"loading model {run.job.base_model} ({run.attn}, {run.precision.load_dtype})")
    try:
        run.model = load_model(run, run.attn)
    except (ValueError, ImportError) as e:
        if run.attn != "flex_attention" or "attn" not in str(e).lower():
            raise
        run.note(f"this model cannot load with flex_attention ({str(e).splitlines()[0][:200]}); using sdpa and length-grouped batches")
        run.attn, run.mode = "sdpa", ("grouped" if run.job.batching in ("auto", "packed") else run.mode)
        run.model = load_model(run, run.attn)


def check_packing(run: Run, model: Any) -> bool:
    emit("status", phase="checking", message="checking that packed examples cannot attend to each other")
    try:
        ok, detail = packed_isolation_check(run.torch, model, len(run.tokenizer))
    except Exception as e:  # a kernel that does not compile here: train padded rather than not at all
        ok, detail = False, {"error": f"{type(e).__name__}: {str(e)[:300]}"}
    emit("status", phase="checking", message=f"packed-sequence isolation {'holds' if ok else 'FAILED'}", packing_check=detail, ok=ok)
    return ok


def check_before_training(run: Run) -> None:
    """Not sharded: the isolation check runs on the loaded model, and a failure reloads with sdpa."""
    assert run.strategy is not None
    if run.mode != "packed" or run.strategy.strategy == "fsdp":
        return  # under FSDP the check runs on the sharded model when training begins (check_sharded)
    if check_packing(run, run.model):
        return
    run.note("packed batches failed the isolation check; falling back to length-grouped padded batches with sdpa")
    run.mode = "grouped"
    if run.attn == "flex_attention":
        run.attn = "sdpa"
        run.model = None
        if run.cuda:
            run.torch.cuda.empty_cache()
        run.model = load_model(run, run.attn)


def check_sharded(run: Run, wrapped: Any) -> None:
    """Under FSDP: the same check on the sharded model, on every rank (its forward passes are collective).
    A failure switches the collator to padded batches, which need no document mask."""
    assert run.strategy is not None
    if run.mode != "packed" or run.strategy.strategy != "fsdp" or wrapped is None:
        return
    if not check_packing(run, wrapped):
        run.note("packed batches failed the isolation check under FSDP; training with padded batches")
        run.mode = "padded"
        run.collator.mode = "padded"


def apply_lora(run: Run) -> None:
    job = run.job
    if job.lora is None:
        return
    from peft import LoraConfig, get_peft_model

    cfg = job.lora
    config = LoraConfig(r=cfg.r, lora_alpha=cfg.alpha, lora_dropout=cfg.dropout, target_modules=cfg.target_modules, task_type="CAUSAL_LM")
    model = get_peft_model(run.model, config)
    if job.gradient_checkpointing:
        model.enable_input_require_grads()
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    emit("status", phase="loading", message=f"LoRA r={cfg.r} alpha={cfg.alpha}: {trainable:,} of {total:,} parameters trainable", trainable_parameters=trainable)
    run.model = model


def make_trainer(run: Run, meter: Meter, summary: dict[str, Any]) -> Any:
    torch, job = run.torch, run.job
    assert run.batches is not None
    per = run.batches.per_device
    lengths = [len(e["input_ids"]) for e in run.train]

    class TorchLengthGroupedSampler(LengthGroupedSampler, torch.utils.data.Sampler):
        """The same sampler, typed as torch's, for code that checks (accelerate wraps the DataLoader)."""

    def sampler_factory() -> Any:
        return TorchLengthGroupedSampler(lengths, per, job.seed) if run.mode == "grouped" else None

    run.collator = Collator(run.mode, run.tokenizer.pad_token_id)
    trainer_class = make_trainer_class(run.transformers, torch, meter, sampler_factory)
    return trainer_class(
        model=run.model,
        args=run.args,
        train_dataset=run.train,
        eval_dataset=run.valid or None,
        data_collator=run.collator,
        callbacks=[make_callback(run.transformers, torch, meter, summary, on_begin=lambda m: check_sharded(run, m))],
        **trainer_kwargs(run.transformers, run.tokenizer),
    )


def resumable_checkpoint(run: Run) -> str | None:
    """The newest checkpoint to resume from, when it holds optimizer states (model-only ones cannot)."""
    job = run.job
    if not job.resume or not os.path.isdir(job.output_dir):
        return None
    from transformers.trainer_utils import get_last_checkpoint

    last = get_last_checkpoint(job.output_dir)
    if not last:
        return None
    if not any(os.path.exists(os.path.join(last, f)) for f in ("optimizer.pt", "optimizer.bin", "optimizer_0")):
        run.note(f"{last} is a model-only checkpoint (save_optimizer is off), so training starts over; set save_optimizer to make checkpoints resumable")
        return None
    emit("status", phase="training", message=f"resuming from {last}", resume_from=last)
    return last


def train(run: Run, trainer: Any) -> tuple[float, float]:
    assert run.batches is not None
    b = run.batches
    emit("status", phase="training", message=(
        f"batching {run.mode} ({run.attn}); {b.per_device} examples per device x {run.world} process(es) x {b.accumulation} accumulation = {b.effective} per step"),
        batching=run.mode, attn_implementation=run.attn, global_batch_size=b.effective, gradient_accumulation_steps=b.accumulation)
    resume = resumable_checkpoint(run)
    started = time.time()
    trainer.train(resume_from_checkpoint=resume)
    if run.cuda:
        run.torch.cuda.synchronize()
    return started, time.time()


def save(run: Run, trainer: Any) -> None:
    """The final model as a plain Hugging Face folder (what vLLM loads): merged when LoRA, the adapter too."""
    job = run.job
    final_dir = job.output_dir
    if job.knobs.get("no_final_save"):
        return  # throughput runs of the GPU check: nothing worth keeping
    if job.lora is not None:
        emit("status", phase="saving", message=f"saving the adapter and the merged model to {final_dir}")
        adapter_dir = os.path.join(final_dir, "adapter")
        trainer.save_model(adapter_dir)
        run.tokenizer.save_pretrained(adapter_dir)
        emit("checkpoint", step=trainer.state.global_step, path=adapter_dir, adapter=True)
        if job.lora.merge and trainer.is_world_process_zero():
            merged = trainer.model.merge_and_unload()
            merged.save_pretrained(final_dir)
            run.tokenizer.save_pretrained(final_dir)
    else:
        emit("status", phase="saving", message=f"saving the model to {final_dir}")
        trainer.save_model(final_dir)
        if trainer.is_world_process_zero():
            run.tokenizer.save_pretrained(final_dir)
    emit("checkpoint", step=trainer.state.global_step, path=final_dir, final=True)


def summarize(run: Run, trainer: Any, meter: Meter, started: float, ended: float, summary: dict[str, Any]) -> dict[str, Any]:
    torch, job, stats = run.torch, run.job, run.stats
    assert run.batches is not None and run.strategy is not None and run.precision is not None
    total = meter.all_tokens()
    if meter.mark is not None and ended > meter.mark[0]:
        tokens_per_second = (total - meter.mark[1]) / (ended - meter.mark[0])
    else:
        tokens_per_second = total / max(1e-9, ended - started)
    summary.update({
        "kind": "sft",
        "output_dir": job.output_dir,
        "steps": trainer.state.global_step,
        "epochs": trainer.state.epoch,
        "examples": stats["examples"],
        "dropped": stats["dropped"],
        "truncated": stats["truncated"],
        "real_tokens": int(total),
        "tokens_per_second": round(tokens_per_second, 1),
        "tokens_per_second_note": f"real (non-padding) tokens per second over all {run.world} process(es), after the first {WARMUP_TIMING_STEPS} steps",
        "batching": run.mode,
        "attn_implementation": run.attn,
        "strategy": run.strategy.strategy,
        "master_dtype": run.precision.load_dtype,
        "global_batch_size": run.batches.effective,
        "lora": job.lora is not None,
        "seconds": round(ended - started, 1),
        "peak_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if run.cuda else None,
        "peak_reserved_gib": round(torch.cuda.max_memory_reserved() / 2**30, 2) if run.cuda else None,
        "transformers": run.transformers.__version__,
        "torch": torch.__version__,
        "notes": run.notes,
    })
    return summary


def run_sft(job: SftJob) -> dict[str, Any]:
    run = start(job)
    load_tokenizer(run)
    load_data(run)
    plan(run)
    load(run)
    check_before_training(run)
    apply_lora(run)
    meter = Meter(rank_sum(run.torch) if run.world > 1 else no_reduce)
    summary: dict[str, Any] = {}
    trainer = make_trainer(run, meter, summary)
    started, ended = train(run, trainer)
    save(run, trainer)
    return summarize(run, trainer, meter, started, ended, summary)


__all__ = ["run_sft", "tokenize_all", "packed_isolation_check", "version_tuple"]
