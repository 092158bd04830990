"""Supervised fine-tuning with Hugging Face transformers' Trainer, the W2SR way by default.

Defaults (defaults.json): full fine-tuning in bf16, learning rate 1e-5, cosine schedule, warmup 0.1,
10 epochs, global batch 128 reached through gradient accumulation for the world size, cutoff 4096
tokens, one checkpoint per epoch, validation loss each epoch when a validation set exists. LoRA
through peft with `"lora": {}`. Loss on assistant tokens only (chat.py). Batching (batching.py):
padding-free packing with flex_attention when it works on this model, else length-grouped batches.

Every number the extension draws comes from `metrics` records: train_loss, learning_rate, grad_norm,
epoch, train_mean_token_accuracy, tokens_per_second (real tokens, never padding), and valid_loss /
valid_mean_token_accuracy after each evaluation.
"""

import math
import os
import random
import statistics
import time

from . import deps
from .batching import Collator, LengthGroupedSampler
from .chat import IGNORE, encode, ensure_chat_template
from .data import read_conversations
from .errors import RunnerError
from .hf import dtype_kwargs, set_recompile_limit, trainer_kwargs, training_arguments, version_tuple
from .records import emit

SFT_PACKAGES = ["torch", "transformers", "accelerate"]
#: Steps left out of the throughput summary: the first ones compile kernels and warm the allocator.
WARMUP_TIMING_STEPS = 3


def tokenize_all(tokenizer, conversations, job, label):
    examples, dropped, truncated = [], 0, 0
    t0 = time.time()
    for i, msgs in enumerate(conversations):
        ex, note = encode(tokenizer, msgs, job["cutoff_len"], job["overlong"])
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
        "trained_tokens": sum(sum(1 for l in e["labels"] if l != IGNORE) for e in examples),
        "median_length": int(statistics.median(lengths)) if lengths else 0,
        "max_length": max(lengths) if lengths else 0,
        "seconds": round(time.time() - t0, 1),
    }
    return examples, stats


def flex_available(torch):
    try:
        from torch.nn.attention import flex_attention  # noqa: F401
    except Exception:
        return False
    return torch.cuda.is_available()


def load_model(transformers, torch, job, attn, dtype):
    kwargs = dict(dtype_kwargs(transformers, dtype))
    kwargs["trust_remote_code"] = job["trust_remote_code"]
    if attn:
        kwargs["attn_implementation"] = attn
    model = transformers.AutoModelForCausalLM.from_pretrained(job["base_model"], **kwargs)
    if torch.cuda.is_available() and not job["fsdp"]:
        # Under torchrun each process owns the GPU of its local rank (Trainer keeps a model already there).
        model = model.to(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}")
    # With a cache object the masking code skips the packed-sequence detection; training needs no cache.
    model.config.use_cache = False
    return model


def packed_isolation_check(torch, model, vocab_size):
    """Packs two random sequences and checks that the second one's logits match those it gets alone,
    far closer than when the two are run as one document. Runs a backward pass too, so a kernel that
    cannot compile fails here, before training, and not in step one. -> (ok, detail)."""
    device = next(model.parameters()).device
    g = torch.Generator().manual_seed(0)
    hi = max(8, min(vocab_size, 30000))
    a = torch.randint(4, hi, (1, 45), generator=g)
    b = torch.randint(4, hi, (1, 67), generator=g)
    ids = torch.cat([a, b], 1).to(device)
    alone_pos = torch.arange(67)[None].to(device)
    packed_pos = torch.cat([torch.arange(45), torch.arange(67)])[None].to(device)
    leaky_pos = torch.arange(112)[None].to(device)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            alone = model(input_ids=b.to(device), position_ids=alone_pos, use_cache=False).logits[0].float()
            packed = model(input_ids=ids, position_ids=packed_pos, use_cache=False).logits[0, 45:].float()
            leaky = model(input_ids=ids, position_ids=leaky_pos, use_cache=False).logits[0, 45:].float()
        model.train()
        labels = ids.clone()
        labels[0, 45] = IGNORE
        out = model(input_ids=ids, position_ids=packed_pos, labels=labels, use_cache=False)
        out.loss.backward()
        model.zero_grad(set_to_none=True)
    finally:
        model.train(was_training)
    err = (alone - packed).abs().max().item()
    leak = (alone - leaky).abs().max().item()
    detail = {"max_diff_packed_vs_alone": round(err, 5), "max_diff_one_document_vs_alone": round(leak, 5)}
    if not math.isfinite(err):
        return False, detail
    if leak < 1e-4:
        # The model cannot tell the difference either way (e.g. a degenerate init): nothing to compare.
        return err < 1e-2, detail
    return err < 0.25 * leak, detail


def apply_lora(job, model):
    from peft import LoraConfig, get_peft_model

    cfg = job["lora"]
    config = LoraConfig(r=cfg["r"], lora_alpha=cfg["alpha"], lora_dropout=cfg["dropout"], target_modules=cfg["target_modules"], task_type="CAUSAL_LM")
    model = get_peft_model(model, config)
    if job["gradient_checkpointing"]:
        model.enable_input_require_grads()
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    emit("status", phase="loading", message=f"LoRA r={cfg['r']} alpha={cfg['alpha']}: {trainable:,} of {total:,} parameters trainable", trainable_parameters=trainable)
    return model


class Meter:
    """Real tokens and token accuracy, accumulated as device tensors (no sync per step) and read at each log."""

    def __init__(self):
        self.window_tokens = 0
        self.total_tokens = 0
        self.window_start = time.time()
        self.acc = {"train": [0, 0], "eval": [0, 0]}
        self.mark = None  # (time, tokens) after the warmup steps

    def add_tokens(self, n):
        self.window_tokens = self.window_tokens + n
        self.total_tokens = self.total_tokens + n

    def add_accuracy(self, split, correct, total):
        a = self.acc[split]
        a[0] = a[0] + correct
        a[1] = a[1] + total

    def take_accuracy(self, split):
        c, t = self.acc[split]
        self.acc[split] = [0, 0]
        t = float(t)
        return float(c) / t if t else None

    def take_rate(self):
        now = time.time()
        tokens = float(self.window_tokens)
        rate = tokens / (now - self.window_start) if now > self.window_start else None
        self.window_tokens = 0
        self.window_start = now
        return rate


def make_trainer_class(transformers, torch, meter, sampler_factory):
    import inspect

    base_compute_loss = transformers.Trainer.compute_loss
    takes_items = "num_items_in_batch" in inspect.signature(base_compute_loss).parameters

    class W2sTrainer(transformers.Trainer):
        def _get_train_sampler(self, *args, **kwargs):
            sampler = sampler_factory()
            return sampler if sampler is not None else super()._get_train_sampler(*args, **kwargs)

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None, **kwargs):
            extra = {"num_items_in_batch": num_items_in_batch} if takes_items else {}
            loss, outputs = base_compute_loss(self, model, inputs, return_outputs=True, **extra, **kwargs)
            with torch.no_grad():
                split = "train" if model.training else "eval"
                if split == "train":
                    mask = inputs.get("attention_mask")
                    meter.add_tokens(mask.sum() if mask is not None else inputs["input_ids"].numel())
                logits = getattr(outputs, "logits", None) if not isinstance(outputs, dict) else outputs.get("logits")
                labels = inputs.get("labels")
                if logits is not None and labels is not None and logits.shape[:2] == labels.shape:
                    target = labels[:, 1:]
                    keep = target != IGNORE
                    pred = logits[:, :-1].argmax(-1)
                    meter.add_accuracy(split, (pred.eq(target) & keep).sum(), keep.sum())
            return (loss, outputs) if return_outputs else loss

    return W2sTrainer


def make_callback(transformers, torch, meter, job, summary):
    class Records(transformers.TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            meter.window_start = time.time()
            emit("status", phase="training", message=f"training: {state.max_steps} optimizer steps", total_steps=state.max_steps)

        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == WARMUP_TIMING_STEPS and meter.mark is None:
                if torch.cuda.is_available():
                    torch.cuda.synchronize()
                meter.mark = (time.time(), float(meter.total_tokens))

        def on_log(self, args, state, control, logs=None, **kwargs):
            logs = dict(logs or {})
            if "train_runtime" in logs:
                summary["train_runtime_s"] = round(float(logs["train_runtime"]), 1)
                if "train_loss" in logs:
                    summary["train_loss"] = logs["train_loss"]
                return
            rec = {"step": state.global_step, "total_steps": state.max_steps}
            if "epoch" in logs:
                rec["epoch"] = logs["epoch"]
            if "loss" in logs:
                rec["train_loss"] = logs["loss"]
                for k in ("learning_rate", "grad_norm"):
                    if k in logs:
                        rec[k] = logs[k]
                rate = meter.take_rate()
                if rate is not None:
                    rec["tokens_per_second"] = round(rate, 1)
                acc = meter.take_accuracy("train")
                if acc is not None:
                    rec["train_mean_token_accuracy"] = acc
            if "eval_loss" in logs:
                rec["valid_loss"] = logs["eval_loss"]
                acc = meter.take_accuracy("eval")
                if acc is not None:
                    rec["valid_mean_token_accuracy"] = acc
            if len(rec) > 2:
                emit("metrics", **rec)

        def on_save(self, args, state, control, **kwargs):
            path = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
            emit("checkpoint", step=state.global_step, epoch=state.epoch, path=path)

    return Records()


def choose_batching(job, torch, notes):
    mode = job["batching"]
    if mode == "auto":
        if flex_available(torch):
            mode = "packed"
        else:
            mode = "grouped"
            notes.append("padding-free packing needs flex_attention on a GPU (torch >= 2.5 with CUDA); using length-grouped batches")
    elif mode == "packed" and not flex_available(torch):
        notes.append("batching packed asked for, but flex_attention is not available here; packing with sdpa (correct, not faster)")
    return mode


def run_sft(job):
    deps.require(SFT_PACKAGES + (["peft"] if job["lora"] is not None else []), "fine-tune a model")
    import torch
    import transformers

    notes = []
    world = int(os.environ.get("WORLD_SIZE", "1"))
    cuda = torch.cuda.is_available()
    emit("status", phase="loading", message=f"loading tokenizer {job['base_model']}", torch=torch.__version__,
         transformers=transformers.__version__, cuda=cuda, gpu=torch.cuda.get_device_name(0) if cuda else None, world_size=world)
    if not cuda:
        notes.append("no CUDA GPU visible: training on the CPU (slow); ask for GPUs with the job's GPUs setting")
    transformers.set_seed(job["seed"])

    tokenizer = transformers.AutoTokenizer.from_pretrained(job["base_model"], trust_remote_code=job["trust_remote_code"])
    added = ensure_chat_template(tokenizer)
    if added is not None:
        notes.append("the tokenizer has no chat template: using ChatML (Qwen's, as the W2SR recipe trains)" + (f", adding tokens {', '.join(added)}" if added else ""))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token

    emit("status", phase="tokenizing", message=f"reading {job['dataset']}")
    train_convs = read_conversations(job["dataset"], job["system_prompt"])
    valid_convs = read_conversations(job["validation"], job["system_prompt"]) if job["validation"] else None
    if job["validation_split"]:
        rng = random.Random(job["seed"])
        order = list(range(len(train_convs)))
        rng.shuffle(order)
        k = max(1, int(round(len(order) * job["validation_split"])))
        valid_convs = [train_convs[i] for i in order[:k]]
        train_convs = [train_convs[i] for i in order[k:]]
    train, stats = tokenize_all(tokenizer, train_convs, job, "train")
    if not train:
        raise RunnerError(
            f"no training example fits in cutoff_len {job['cutoff_len']} ({stats['dropped']} dropped): raise cutoff_len or set overlong to truncate",
            kind="bad_data")
    valid, vstats = tokenize_all(tokenizer, valid_convs, job, "validation") if valid_convs else ([], None)
    emit("status", phase="data", message=(
        f"{stats['examples']} training examples ({stats['dropped']} longer than {job['cutoff_len']} tokens dropped, "
        f"{stats['truncated']} truncated), median {stats['median_length']} tokens, longest {stats['max_length']}"
        + (f"; {vstats['examples']} validation examples" if vstats else "")), train=stats, validation=vstats)

    dtype = torch.bfloat16 if job["bf16"] and cuda and torch.cuda.is_bf16_supported() else torch.float32
    if job["bf16"] and dtype is torch.float32:
        notes.append("bf16 is not supported here: training in float32")
    mode = choose_batching(job, torch, notes)
    attn = job["attn_implementation"]
    if attn == "auto":
        attn = "flex_attention" if mode == "packed" and flex_available(torch) else "sdpa"
    if attn == "flex_attention":
        set_recompile_limit(torch)

    emit("status", phase="loading", message=f"loading model {job['base_model']} ({attn}, {str(dtype).replace('torch.', '')})")
    try:
        model = load_model(transformers, torch, job, attn, dtype)
    except (ValueError, ImportError) as e:
        if attn != "flex_attention" or "attn" not in str(e).lower():
            raise
        notes.append(f"this model cannot load with flex_attention ({str(e).splitlines()[0][:200]}); using sdpa and length-grouped batches")
        attn, mode = "sdpa", ("grouped" if job["batching"] in ("auto", "packed") else mode)
        model = load_model(transformers, torch, job, attn, dtype)
    if added:
        model.resize_token_embeddings(len(tokenizer))

    if mode == "packed" and job["fsdp"]:
        notes.append("packed batches under FSDP: the isolation check is skipped (the model is not on a GPU yet)")
    elif mode == "packed":
        emit("status", phase="checking", message="checking that packed examples cannot attend to each other")
        try:
            ok, detail = packed_isolation_check(torch, model, len(tokenizer))
        except Exception as e:  # a kernel that does not compile here: train padded rather than not at all
            ok, detail = False, {"error": f"{type(e).__name__}: {str(e)[:300]}"}
        emit("status", phase="checking", message=f"packed-sequence isolation {'holds' if ok else 'FAILED'}", packing_check=detail, ok=ok)
        if not ok:
            notes.append(f"packed batches failed the isolation check ({detail}); falling back to length-grouped padded batches with sdpa")
            mode = "grouped"
            if attn == "flex_attention":
                attn = "sdpa"
                del model
                if cuda:
                    torch.cuda.empty_cache()
                model = load_model(transformers, torch, job, attn, dtype)
                if added:
                    model.resize_token_embeddings(len(tokenizer))
    if job["lora"] is not None:
        model = apply_lora(job, model)

    per = job["per_device_batch_size"]
    accum = max(1, int(round(job["global_batch_size"] / (per * world))))
    effective = per * world * accum
    if effective != job["global_batch_size"]:
        notes.append(f"global batch {job['global_batch_size']} is not a multiple of {per} per device x {world} processes: using {effective}")
    for n in notes:
        emit("status", phase="note", message=n)
    emitted = len(notes)

    args = training_arguments(
        transformers, notes,
        output_dir=job["output_dir"],
        per_device_train_batch_size=per,
        per_device_eval_batch_size=per,
        gradient_accumulation_steps=accum,
        num_train_epochs=float(job["epochs"]),
        max_steps=job["max_steps"] or -1,
        learning_rate=job["learning_rate"],
        lr_scheduler_type=job["lr_scheduler"],
        warmup_ratio=job["warmup_ratio"],
        weight_decay=job["weight_decay"],
        max_grad_norm=job["max_grad_norm"],
        bf16=dtype is torch.bfloat16,
        gradient_checkpointing=job["gradient_checkpointing"],
        gradient_checkpointing_kwargs={"use_reentrant": False} if job["gradient_checkpointing"] else None,
        logging_steps=job["logging_steps"],
        logging_first_step=True,
        save_strategy=job["save"],
        save_total_limit=job["save_total_limit"],
        eval_strategy="epoch" if valid else "no",
        report_to="none",
        remove_unused_columns=False,
        label_names=["labels"],
        seed=job["seed"],
        data_seed=job["seed"],
        disable_tqdm=True,
        dataloader_num_workers=0,
        **({"ddp_find_unused_parameters": False} if world > 1 else {}),
        **({"fsdp": "full_shard auto_wrap"} if job["fsdp"] else {}),
        **({} if cuda else {"use_cpu": True}),
    )
    for n in notes[emitted:]:
        emit("status", phase="note", message=n)
    meter = Meter()
    summary = {}
    lengths = [len(e["input_ids"]) for e in train]
    class TorchLengthGroupedSampler(LengthGroupedSampler, torch.utils.data.Sampler):
        """The same sampler, typed as torch's, for code that checks (accelerate wraps the DataLoader)."""

    sampler_factory = (lambda: TorchLengthGroupedSampler(lengths, per, job["seed"])) if mode == "grouped" else (lambda: None)
    Trainer = make_trainer_class(transformers, torch, meter, sampler_factory)
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train,
        eval_dataset=valid or None,
        data_collator=Collator(mode, tokenizer.pad_token_id),
        callbacks=[make_callback(transformers, torch, meter, job, summary)],
        **trainer_kwargs(transformers, tokenizer),
    )

    resume = None
    if job["resume"] and os.path.isdir(job["output_dir"]):
        from transformers.trainer_utils import get_last_checkpoint

        resume = get_last_checkpoint(job["output_dir"])
        if resume:
            emit("status", phase="training", message=f"resuming from {resume}", resume_from=resume)
    emit("status", phase="training", message=(
        f"batching {mode} ({attn}); {per} examples per device x {world} process(es) x {accum} accumulation = {effective} per step"),
        batching=mode, attn_implementation=attn, global_batch_size=effective, gradient_accumulation_steps=accum)
    started = time.time()
    trainer.train(resume_from_checkpoint=resume)
    if cuda:
        torch.cuda.synchronize()
    ended = time.time()

    final_dir = job["output_dir"]
    if job.get("_no_final_save"):
        pass  # throughput runs of the GPU check: nothing worth keeping
    elif job["lora"] is not None:
        emit("status", phase="saving", message=f"saving the adapter and the merged model to {final_dir}")
        adapter_dir = os.path.join(final_dir, "adapter")
        trainer.save_model(adapter_dir)
        tokenizer.save_pretrained(adapter_dir)
        emit("checkpoint", step=trainer.state.global_step, path=adapter_dir, adapter=True)
        if job["lora"].get("merge", True) and trainer.is_world_process_zero():
            merged = trainer.model.merge_and_unload()
            merged.save_pretrained(final_dir)
            tokenizer.save_pretrained(final_dir)
    else:
        emit("status", phase="saving", message=f"saving the model to {final_dir}")
        trainer.save_model(final_dir)
        if trainer.is_world_process_zero():
            tokenizer.save_pretrained(final_dir)
    if not job.get("_no_final_save"):
        emit("checkpoint", step=trainer.state.global_step, path=final_dir, final=True)

    if meter.mark is not None and ended > meter.mark[0]:
        tokens_per_second = (float(meter.total_tokens) - meter.mark[1]) / (ended - meter.mark[0])
    else:
        tokens_per_second = float(meter.total_tokens) / max(1e-9, ended - started)
    summary.update({
        "kind": "sft",
        "output_dir": final_dir,
        "steps": trainer.state.global_step,
        "epochs": trainer.state.epoch,
        "examples": stats["examples"],
        "dropped": stats["dropped"],
        "truncated": stats["truncated"],
        "real_tokens": int(float(meter.total_tokens)),
        "tokens_per_second": round(tokens_per_second, 1),
        "tokens_per_second_note": f"real (non-padding) tokens per second after the first {WARMUP_TIMING_STEPS} steps",
        "batching": mode,
        "attn_implementation": attn,
        "global_batch_size": effective,
        "lora": job["lora"] is not None,
        "seconds": round(ended - started, 1),
        "peak_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if cuda else None,
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "notes": notes,
    })
    return summary


__all__ = ["run_sft", "tokenize_all", "packed_isolation_check", "version_tuple"]
