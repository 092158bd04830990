"""The pieces sft.py plugs into transformers' Trainer: the token meter (summed over ranks), the Trainer
subclass that counts real tokens and token accuracy, the callback that prints `metrics` records, and the
packed-sequence isolation check."""

from __future__ import annotations

import inspect
import math
import os
import time
from collections.abc import Callable
from typing import Any

from .chat import IGNORE
from .records import emit

#: Steps left out of the throughput summary: the first ones compile kernels and warm the allocator.
WARMUP_TIMING_STEPS = 3

Reduce = Callable[[list[float]], list[float]]


def no_reduce(values: list[float]) -> list[float]:
    return values


def rank_sum(torch: Any) -> Reduce:
    """Sums a few numbers over all ranks (every rank calls it at the same log step), so tokens/s and
    token accuracy describe the whole job rather than rank 0's share of it."""

    def reduce(values: list[float]) -> list[float]:
        dist = torch.distributed
        if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
            return values
        device = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if torch.cuda.is_available() else "cpu"
        t = torch.tensor(values, dtype=torch.float64, device=device)
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return [float(x) for x in t.tolist()]

    return reduce


class Meter:
    """Real tokens and token accuracy, accumulated as device tensors (no sync per step) and read at each
    log, summed over ranks by `reduce`."""

    def __init__(self, reduce: Reduce = no_reduce) -> None:
        self.reduce = reduce
        self.window_tokens: Any = 0
        self.total_tokens: Any = 0
        self.window_start = time.time()
        self.acc: dict[str, list[Any]] = {"train": [0, 0], "eval": [0, 0]}
        self.mark: tuple[float, float] | None = None  # (time, tokens over all ranks) after the warmup steps

    def add_tokens(self, n: Any) -> None:
        self.window_tokens = self.window_tokens + n
        self.total_tokens = self.total_tokens + n

    def add_accuracy(self, split: str, correct: Any, total: Any) -> None:
        a = self.acc[split]
        a[0] = a[0] + correct
        a[1] = a[1] + total

    def take_accuracy(self, split: str) -> float | None:
        c, t = self.reduce([float(self.acc[split][0]), float(self.acc[split][1])])
        self.acc[split] = [0, 0]
        return c / t if t else None

    def take_rate(self) -> float | None:
        now = time.time()
        (tokens,) = self.reduce([float(self.window_tokens)])
        rate = tokens / (now - self.window_start) if now > self.window_start else None
        self.window_tokens = 0
        self.window_start = now
        return rate

    def all_tokens(self) -> float:
        (tokens,) = self.reduce([float(self.total_tokens)])
        return tokens


def make_trainer_class(transformers: Any, torch: Any, meter: Meter, sampler_factory: Callable[[], Any]) -> type:
    base_compute_loss = transformers.Trainer.compute_loss
    takes_items = "num_items_in_batch" in inspect.signature(base_compute_loss).parameters

    class W2sTrainer(transformers.Trainer):
        def _get_train_sampler(self, *args: Any, **kwargs: Any) -> Any:
            sampler = sampler_factory()
            return sampler if sampler is not None else super()._get_train_sampler(*args, **kwargs)

        def compute_loss(self, model: Any, inputs: dict[str, Any], return_outputs: bool = False, num_items_in_batch: Any = None, **kwargs: Any) -> Any:
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


def metrics_record(logs: dict[str, Any], step: int, total_steps: int, meter: Meter) -> dict[str, Any] | None:
    """The `metrics` record for one Trainer log (None when it holds nothing to draw). Every rank calls
    this at the same log so that the meter's sums over ranks line up."""
    rec: dict[str, Any] = {"step": step, "total_steps": total_steps}
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
    return rec if len(rec) > 2 else None


def make_callback(transformers: Any, torch: Any, meter: Meter, summary: dict[str, Any], on_begin: Callable[[Any], None] | None = None) -> Any:
    class Records(transformers.TrainerCallback):
        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if on_begin is not None:
                # the model as the Trainer wrapped it (FSDP-sharded when sharding): checks run on that
                on_begin(kwargs.get("model"))
            meter.window_start = time.time()
            emit("status", phase="training", message=f"training: {state.max_steps} optimizer steps", total_steps=state.max_steps)

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if state.global_step == WARMUP_TIMING_STEPS and meter.mark is None:
                if torch.cuda.is_available():
                    torch.cuda.synchronize()
                meter.mark = (time.time(), meter.all_tokens())

        def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
            logs = dict(logs or {})
            if "train_runtime" in logs:
                summary["train_runtime_s"] = round(float(logs["train_runtime"]), 1)
                if "train_loss" in logs:
                    summary["train_loss"] = logs["train_loss"]
                return
            rec = metrics_record(logs, state.global_step, state.max_steps, meter)
            if rec is not None:
                emit("metrics", **rec)

        def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            path = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
            emit("checkpoint", step=state.global_step, epoch=state.epoch, path=path)

    return Records()


def packed_isolation_check(torch: Any, model: Any, vocab_size: int) -> tuple[bool, dict[str, Any]]:
    """Packs two random sequences and checks that the second one's logits match those it gets alone,
    far closer than when the two are run as one document. Runs a backward pass too, so a kernel that
    cannot compile fails here, before training, and not in step one. Under FSDP every rank runs it on
    the same inputs (the forward passes are collective). -> (ok, detail)."""
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
