#!/usr/bin/env python3
"""GPU check of the W2S runner, offline, in about five minutes on one NVIDIA GPU.

    python3 runner/scripts/gpu_check.py OUT_DIR [--budget 540] [--stages sums,throughput|sharding,memory]

Needs torch (CUDA), transformers, accelerate, tokenizers, safetensors; no network, no weights, no data
sets. It builds everything on the spot and runs the runner exactly as a Ray job would
(`python -m w2s_runner sft|eval job.json` in a job folder), reading only its `@@w2s` records:

  1. a byte-level BPE tokenizer trained in a second on the task's own text (digits one token each),
     with the ChatML chat template, and a tiny Qwen2 model from a config, saved with save_pretrained;
  2. eval of that untrained model on 200 held-out sums (greedy) -> accuracy before;
  3. sft on the other 9,800 sums (W2SR pipeline, tiny-model hyperparameters) -> the loss must fall;
  4. eval of the fine-tuned model on the same held-out sums -> accuracy must rise;
  5. throughput: the runner's sft on a Qwen2.5-0.5B-shaped model (random weights) with training
     lengths drawn from the shared sample traces (scripts/data/trace-lengths.json, x4, capped at
     4096), once per batching mode: plain padded, packed (flex_attention), length-grouped. Real
     (non-padding) tokens per second, from the runner's own `done` record.

  6. (--stages sharding) FSDP with a world of one (fp32 master weights, bf16 compute) against the unsharded
     path on the same seed and data for 50 steps: the loss curves must agree within LOSS_TOLERANCE, the
     packed-sequence isolation check must hold on the sharded model; then 5 steps at lr 1e-6 under FSDP
     and the saved weights against the initial ones: an update a bf16 master would round away is kept;
  7. (--stages memory) the memory planner's estimates (scripts/data/plan-estimates.json, from
     src/core/jobs/memory-plan.ts) against the runner's measured peak for the Qwen2.5 0.5B / 1.5B / 3B
     shapes with and without activation checkpointing: within MEMORY_TOLERANCE (15%).
The default (--stages sums,throughput) fits one device run; run `--stages sharding,memory` as a second.

Every stage has a time limit inside the overall --budget; a stage that fails or runs out of time is
reported and the next ones still run when they can. OUT_DIR receives:
  replay/sft.log, replay/eval.log, replay/eval-base.log   the runner's raw output (stdout and stderr
                                                         merged, as a Ray driver log has it): the
                                                         replay fixtures of W2S Studio's tests
  replay/problems.jsonl                                  the held-out problems as a W2S problem set
  replay/README.md                                       how they were made (date, GPU, versions)
  bench/*.log                                            the throughput runs' raw output
  gpu-check.json, gpu-check.md                           results and the final table
Exit code 0 when every check passed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from typing import Any
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.dirname(HERE)
sys.path.insert(0, RUNNER)
sys.path.insert(0, HERE)

import sums_task  # noqa: E402
from w2s_runner.chat import CHATML_TEMPLATE  # noqa: E402
from w2s_runner.records import parse_line  # noqa: E402

STARTED = time.time()
LENGTH_SCALE = [4.0]  # set from --length-scale; the final table names it
WORK: list[str | None] = [None]
#: Stage groups (--stages): the sums task (tokenizer, tiny model, eval / sft / eval), the batching modes’
#: throughput, FSDP against one process, and the planner's estimates against measured peaks.
STAGES = ("sums", "throughput", "sharding", "memory")
#: One process as a world of one for torch.distributed (what torchrun would set), so FSDP can run on one GPU.
WORLD_OF_ONE = {"RANK": "0", "LOCAL_RANK": "0", "WORLD_SIZE": "1", "LOCAL_WORLD_SIZE": "1", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29517"}
#: FSDP (fp32 master, bf16 compute by FSDP's mixed precision) against one process (fp32 master, bf16
#: autocast) on the same seed and data: the two round differently, so the curves agree closely, not exactly.
LOSS_TOLERANCE = {"mean": 0.02, "max": 0.10}
#: The planner's allocated-memory estimate against torch.cuda.max_memory_allocated().
MEMORY_TOLERANCE = 0.15

# What the check found so far: an unexpected exception still ends with the table of what ran.
RESULT: dict[str, Any] = {"checks": [], "stages": [], "bench": [], "env": {}, "out": None}


def log(msg):
    print(f"[gpu_check {time.time() - STARTED:6.1f}s] {msg}", flush=True)


class Budget:
    def __init__(self, seconds):
        self.deadline = STARTED + seconds

    def left(self):
        return self.deadline - time.time()

    def limit(self, want, reserve=20):
        """A stage's time limit: what it wants, but never past the deadline minus a reserve for the table."""
        return max(0.0, min(want, self.left() - reserve))


def summarize(rec):
    t = rec.get("type")
    if t == "status":
        return f"status {rec.get('phase')}: {rec.get('message', '')}"
    if t == "metrics":
        keys = ("step", "total_steps", "train_loss", "valid_loss", "learning_rate", "grad_norm", "tokens_per_second", "train_mean_token_accuracy")
        return "metrics " + " ".join(f"{k}={rec[k]:.4g}" if isinstance(rec.get(k), float) else f"{k}={rec[k]}" for k in keys if k in rec)
    if t == "checkpoint":
        return f"checkpoint step {rec.get('step')}: {rec.get('path')}"
    if t == "error":
        return f"ERROR {rec.get('kind')}: {rec.get('message')}"
    if t == "done":
        return "done " + json.dumps({k: v for k, v in rec.items() if k not in ("type", "time", "notes")})[:400]
    return None


def run_runner(kind, job, job_dir, log_path, timeout, extra_env=None):
    """Runs `python -m w2s_runner KIND job.json` in job_dir; the merged output goes to log_path.
    -> (exit code or None on timeout, records)."""
    os.makedirs(job_dir, exist_ok=True)
    with open(os.path.join(job_dir, "job.json"), "w") as f:
        json.dump(job, f, indent=2)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (RUNNER, os.environ.get("PYTHONPATH", "")) if p), PYTHONUNBUFFERED="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false", W2S_NO_RELAUNCH="1", **(extra_env or {}))
    if timeout <= 5:
        log(f"  skipped: no time left in the budget for {kind}")
        return None, []
    records = []
    samples = [0]
    with open(log_path, "w", encoding="utf-8") as out:
        child = subprocess.Popen([sys.executable, "-m", "w2s_runner", kind, "job.json"], cwd=job_dir, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, start_new_session=True)

        def pump():
            assert child.stdout is not None
            for line in child.stdout:
                out.write(line)
                out.flush()
                rec = parse_line(line)
                if rec is None:
                    continue
                records.append(rec)
                if rec["type"] == "sample":
                    samples[0] += 1
                    continue
                text = summarize(rec)
                if text and (rec["type"] != "metrics" or rec.get("step", 0) % 25 == 0 or "valid_loss" in rec or rec.get("step", 0) <= 1):
                    log(f"  | {text}")

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            code = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            log(f"  {kind} ran past its {timeout:.0f} s limit: stopping it (SIGTERM, then SIGKILL)")
            try:
                os.killpg(child.pid, signal.SIGTERM)
                child.wait(timeout=10)
            except Exception:
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except Exception:
                    pass
            code = None
        reader.join(timeout=10)
    if samples[0]:
        log(f"  | {samples[0]} sample records")
    return code, records


def build_tokenizer(out_dir, corpus):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus, trainer)
    hf = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    hf.chat_template = CHATML_TEMPLATE
    hf.save_pretrained(out_dir)
    return hf


def build_model(out_dir, tokenizer, shape):
    import torch
    from transformers import AutoModelForCausalLM, Qwen2Config

    vocab = shape.get("vocab_size") or (-(-len(tokenizer) // 64) * 64)
    cfg = Qwen2Config(
        vocab_size=vocab, hidden_size=shape["hidden"], intermediate_size=shape["intermediate"],
        num_hidden_layers=shape["layers"], num_attention_heads=shape["heads"], num_key_value_heads=shape["kv_heads"],
        max_position_embeddings=shape["max_pos"], tie_word_embeddings=shape.get("tied", True),
        bos_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    try:
        model = AutoModelForCausalLM.from_config(cfg, dtype=shape.get("dtype", torch.float32))
    except TypeError:
        model = AutoModelForCausalLM.from_config(cfg, torch_dtype=shape.get("dtype", torch.float32))
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    params = sum(p.numel() for p in model.parameters())
    del model
    return params


def accuracy(records):
    samples = [r for r in records if r.get("type") == "sample"]
    if not samples:
        return None, 0
    right = sum(1 for s in samples if sums_task.is_correct(s.get("problem", ""), s.get("text", "")))
    return right / len(samples), len(samples)


def done_record(records):
    return next((r for r in reversed(records) if r.get("type") == "done"), None)


def error_text(records):
    err = next((r for r in records if r.get("type") == "error"), None)
    return f"{err.get('kind')}: {err.get('message')}" if err else None


def main():
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("out", help="output folder (the device runner's $OUT)")
    ap.add_argument("--budget", type=float, default=540, help="seconds for the whole check (default 540)")
    ap.add_argument("--bench-steps", type=int, default=15, help="optimizer steps per throughput run (the first 3 are not timed)")
    ap.add_argument("--bench-examples", type=int, default=1536)
    ap.add_argument("--sft-epochs", type=float, default=5, help="epochs of the tiny model's SFT (default 5)")
    ap.add_argument("--train-limit", type=int, default=None, help="train on only this many sums (default all 9,800; for dry runs)")
    ap.add_argument("--length-scale", type=float, default=4.0, help="trace lengths x this, capped at 4096 (default 4, as the padding probe)")
    ap.add_argument("--stages", default="sums,throughput",
                    help=f"comma-separated, of {', '.join(STAGES)} (default sums,throughput; the device budget fits one group per run)")
    ap.add_argument("--memory-steps", type=int, default=3, help="optimizer steps per memory measurement (default 3)")
    ap.add_argument("--memory-cases", default=None, help="only the plan-estimate cases whose name contains this (dry runs)")
    ap.add_argument("--sharding-steps", type=int, default=50, help="optimizer steps of the FSDP-vs-single comparison (default 50)")
    args = ap.parse_args()
    selected = [x.strip() for x in args.stages.split(",") if x.strip()]
    unknown = [x for x in selected if x not in STAGES]
    if unknown:
        ap.error(f"unknown stage(s) {', '.join(unknown)}: use {', '.join(STAGES)}")
    LENGTH_SCALE[0] = args.length_scale
    RESULT["out"] = os.path.abspath(args.out)
    budget = Budget(args.budget)
    out = os.path.abspath(args.out)
    # Models are built outside OUT_DIR (a 1 GB checkpoint is not worth bringing back, even after a timeout).
    work = tempfile.mkdtemp(prefix="w2s-gpu-check-")
    WORK[0] = work
    replay = os.path.join(out, "replay")
    bench_dir = os.path.join(out, "bench")
    for d in (work, replay, bench_dir):
        os.makedirs(d, exist_ok=True)
    checks, stages, bench, env_info = RESULT["checks"], RESULT["stages"], RESULT["bench"], RESULT["env"]

    def check(name, ok, detail):
        checks.append({"check": name, "ok": bool(ok), "detail": detail})
        log(f"CHECK {'PASS' if ok else 'FAIL'}: {name} — {detail}")

    # 0. what we run on
    try:
        import torch
        import transformers

        env_info.update({
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "torch": torch.__version__, "cuda": torch.version.cuda, "transformers": transformers.__version__,
            "python": sys.version.split()[0],
        })
        for name in ("accelerate", "peft", "tokenizers", "vllm"):
            try:
                env_info[name] = __import__(name).__version__
            except Exception:
                env_info[name] = None
        log(f"environment: {json.dumps(env_info)}")
        if not torch.cuda.is_available():
            log("no CUDA GPU: the check still runs, slowly, and the throughput table means little")
    except Exception as e:
        log(f"cannot import torch/transformers: {e}")
        check("torch and transformers import", False, str(e))
        return finish(out, env_info, checks, stages, bench)

    # 1. tokenizer, tiny model, data
    t0 = time.time()
    train_pairs, held = sums_task.pairs()
    if args.train_limit:
        train_pairs = train_pairs[: args.train_limit]
    tiny_dir = os.path.join(work, "tiny-model")
    data_dir = os.path.join(work, "data")
    os.makedirs(data_dir, exist_ok=True)
    # The text the model will see (chat markers aside, which are special tokens), so that common words merge.
    corpus = [f"system You are a helpful assistant. user {sums_task.question(a, b)} assistant {sums_task.answer_text(a, b)}"
              for a, b in train_pairs[:3000]] + ["user Repeat the digits. assistant 0123456789"] * 50
    try:
        tok = build_tokenizer(tiny_dir, corpus)
        params = build_model(tiny_dir, tok, {"hidden": 256, "intermediate": 768, "layers": 4, "heads": 4, "kv_heads": 2, "max_pos": 512})
        sums_task.write_jsonl(os.path.join(data_dir, "train.jsonl"), [sums_task.conversation(a, b) for a, b in train_pairs])
        # Validation loss on the held-out sums: how well the model generalizes, never trained on.
        sums_task.write_jsonl(os.path.join(data_dir, "valid.jsonl"), [sums_task.conversation(a, b) for a, b in held])
        sums_task.write_jsonl(os.path.join(data_dir, "heldout.jsonl"), sums_task.runner_problems(held))
        sums_task.write_jsonl(os.path.join(replay, "problems.jsonl"), sums_task.store_problems(held))
        sample_ids = tok.apply_chat_template(sums_task.conversation(3, 4)["messages"], tokenize=False)
        log(f"tokenizer: {len(tok)} tokens; tiny model: {params:,} parameters; e.g. {len(tok(sample_ids)['input_ids'])} tokens per example")
        stages.append({"stage": "build tokenizer, tiny model and data", "ok": True, "seconds": round(time.time() - t0, 1)})
    except Exception as e:
        stages.append({"stage": "build tokenizer, tiny model and data", "ok": False, "seconds": round(time.time() - t0, 1), "error": repr(e)[:500]})
        check("build the tiny tokenizer and model", False, repr(e)[:500])
        return finish(out, env_info, checks, stages, bench)

    if "sums" not in selected:
        return after_sums(args, selected, budget, work, tok, tiny_dir, data_dir, out, check)

    eval_job = {"problems": os.path.join(data_dir, "heldout.jsonl"), "n": 1, "temperature": 0.0, "max_tokens": 32,
                "batch_size": 200, "backend": "transformers", "seed": 0, "gpus": 1}

    # 2. eval before SFT
    t0 = time.time()
    log("eval of the untrained model on the held-out sums")
    code, recs = run_runner("eval", dict(eval_job, model=tiny_dir), os.path.join(work, "eval-base"), os.path.join(replay, "eval-base.log"), budget.limit(90, reserve=360))
    acc_before, n_before = accuracy(recs)
    stages.append({"stage": "eval before sft", "ok": code == 0, "seconds": round(time.time() - t0, 1), "exit": code, "accuracy": acc_before, "samples": n_before, "error": error_text(recs)})
    log(f"accuracy before sft: {acc_before} on {n_before} samples (exit {code})")

    # 3. sft
    t0 = time.time()
    sft_out = os.path.join(work, "sft-out")
    shutil.rmtree(sft_out, ignore_errors=True)
    sft_job = {
        "base_model": tiny_dir, "dataset": os.path.join(data_dir, "train.jsonl"), "validation": os.path.join(data_dir, "valid.jsonl"),
        "output_dir": sft_out, "epochs": args.sft_epochs, "learning_rate": 1e-3, "warmup_ratio": 0.05, "weight_decay": 0.01,
        "global_batch_size": 64, "per_device_batch_size": 64, "cutoff_len": 128, "logging_steps": 5, "save": "epoch",
        "save_total_limit": 1, "gradient_checkpointing": False, "batching": "auto", "seed": 0, "gpus": 1, "resume": False,
    }
    log(f"sft of the tiny model on {len(train_pairs):,} sums, {args.sft_epochs:g} epochs (batching auto: packed with flex_attention when it holds)")
    code, recs = run_runner("sft", sft_job, os.path.join(work, "sft-job"), os.path.join(replay, "sft.log"), budget.limit(200, reserve=220))
    losses = [(r["step"], r["train_loss"]) for r in recs if r.get("type") == "metrics" and isinstance(r.get("train_loss"), (int, float))]
    valid = [(r["step"], r["valid_loss"]) for r in recs if r.get("type") == "metrics" and isinstance(r.get("valid_loss"), (int, float))]
    done = done_record(recs) or {}
    stages.append({"stage": "sft", "ok": code == 0, "seconds": round(time.time() - t0, 1), "exit": code, "steps": done.get("steps"),
                   "batching": done.get("batching"), "attn": done.get("attn_implementation"), "error": error_text(recs)})
    check("sft exits 0", code == 0, f"exit {code}" + (f"; {error_text(recs)}" if error_text(recs) else ""))
    if len(losses) >= 4:
        head = sum(l for _, l in losses[:2]) / 2
        tail = sum(l for _, l in losses[-2:]) / 2
        check("the training loss falls", tail < head * 0.5, f"first {head:.4f} -> last {tail:.4f} over {losses[-1][0]} steps")
    else:
        check("the training loss falls", False, f"only {len(losses)} train_loss records")
    if valid:
        log(f"validation loss by epoch: {', '.join(f'{l:.4f}' for _, l in valid)}")
    packing = next((r for r in recs if r.get("type") == "status" and "packing_check" in r), None)
    if packing:
        log(f"packed-sequence isolation on the tiny model: ok={packing.get('ok')} {packing.get('packing_check')}")

    # 4. eval after SFT
    t0 = time.time()
    if code == 0 and os.path.isfile(os.path.join(sft_out, "config.json")):
        log("eval of the fine-tuned model on the same held-out sums")
        code2, recs2 = run_runner("eval", dict(eval_job, model=sft_out), os.path.join(work, "eval-sft"), os.path.join(replay, "eval.log"), budget.limit(90, reserve=180))
        acc_after, n_after = accuracy(recs2)
        stages.append({"stage": "eval after sft", "ok": code2 == 0, "seconds": round(time.time() - t0, 1), "exit": code2, "accuracy": acc_after, "samples": n_after, "error": error_text(recs2)})
        log(f"accuracy after sft: {acc_after} on {n_after} samples (exit {code2})")
        ok = acc_after is not None and acc_before is not None and acc_after > acc_before
        check("held-out accuracy rises after sft", ok, f"{acc_before} -> {acc_after} on {n_after} held-out sums (greedy)")
    else:
        check("held-out accuracy rises after sft", False, "no fine-tuned model to evaluate")

    return after_sums(args, selected, budget, work, tok, tiny_dir, data_dir, out, check)


def after_sums(args, selected, budget, work, tok, tiny_dir, data_dir, out, check):
    """The stages after the sums: throughput, sharding, memory (each when selected), then the table."""
    if "throughput" in selected:
        throughput(args, budget, work, tok, data_dir, os.path.join(out, "bench"))
    if "sharding" in selected:
        sharding(args, budget, work, tiny_dir, data_dir, check)
    if "memory" in selected:
        memory(args, budget, work, tok, data_dir, check)
    return finish(out, RESULT["env"], RESULT["checks"], RESULT["stages"], RESULT["bench"])


def throughput(args, budget, work, tok, data_dir, bench_dir):
    """5. throughput of the batching modes."""
    stages, bench = RESULT["stages"], RESULT["bench"]
    t0 = time.time()
    if budget.left() < 120:
        stages.append({"stage": "throughput", "ok": False, "seconds": 0, "error": f"skipped: only {budget.left():.0f} s of the budget left"})
        return
    try:
        import torch

        with open(os.path.join(HERE, "data", "trace-lengths.json")) as f:
            base_lengths = json.load(f)["lengths"]
        rng = random.Random(0)
        lengths = [min(4096, max(32, int(rng.choice(base_lengths) * args.length_scale))) for _ in range(args.bench_examples)]
        bench_model = os.path.join(work, "bench-model")
        shape = {"hidden": 896, "intermediate": 4864, "layers": 24, "heads": 14, "kv_heads": 2, "max_pos": 4096, "vocab_size": 151936, "dtype": torch.bfloat16}
        log("throughput: building a Qwen2.5-0.5B-shaped model (random weights, vocab 151,936)")
        bench_params = build_model(bench_model, tok, shape)
        overhead = len(tok(tok.apply_chat_template([{"role": "user", "content": "Repeat the digits."}, {"role": "assistant", "content": ""}], tokenize=False))["input_ids"])
        rows = []
        for n in lengths:
            digits = "".join(rng.choice("0123456789") for _ in range(max(1, n - overhead)))
            rows.append({"messages": [{"role": "user", "content": "Repeat the digits."}, {"role": "assistant", "content": digits}]})
        bench_data = os.path.join(data_dir, "bench.jsonl")
        sums_task.write_jsonl(bench_data, rows)
        log(f"throughput data: {len(lengths)} examples, median {sorted(lengths)[len(lengths) // 2]} tokens, max {max(lengths)}; model {bench_params / 1e6:.0f} M parameters")
        stages.append({"stage": "build throughput model and data", "ok": True, "seconds": round(time.time() - t0, 1)})
    except Exception as e:
        stages.append({"stage": "build throughput model and data", "ok": False, "seconds": round(time.time() - t0, 1), "error": repr(e)[:500]})
        return

    for variant in ("padded", "packed", "grouped"):
        t0 = time.time()
        job = {
            "base_model": bench_model, "dataset": bench_data, "output_dir": os.path.join(work, f"bench-out-{variant}"),
            "max_steps": args.bench_steps, "per_device_batch_size": 8, "global_batch_size": 8, "cutoff_len": 4096,
            "learning_rate": 1e-5, "warmup_ratio": 0.0, "gradient_checkpointing": True, "save": "no", "logging_steps": 1,
            "batching": variant, "seed": 0, "gpus": 1, "resume": False, "_no_final_save": True,
        }
        log(f"throughput run: batching {variant}")
        # Each run may use what the earlier ones left, but keeps enough for the ones after it.
        want, reserve = {"padded": (100, 130), "packed": (150, 45), "grouped": (100, 10)}[variant]
        limit = budget.limit(want, reserve=reserve)
        code, recs = run_runner("sft", job, os.path.join(work, f"bench-{variant}"), os.path.join(bench_dir, f"{variant}.log"), limit)
        done = done_record(recs) or {}
        packing = next((r for r in recs if r.get("type") == "status" and "packing_check" in r), None)
        bench.append({
            "variant": variant, "exit": code, "seconds": round(time.time() - t0, 1),
            "tokens_per_second": done.get("tokens_per_second") if code == 0 else None,
            "peak_memory_gib": done.get("peak_memory_gib"), "batching_used": done.get("batching"),
            "attn": done.get("attn_implementation"), "steps": done.get("steps"),
            "packing_check": packing.get("packing_check") if packing else None,
            "notes": done.get("notes"), "error": error_text(recs),
        })
        log(f"  -> {bench[-1]['tokens_per_second']} real tokens/s ({bench[-1]['batching_used']}, {bench[-1]['attn']}), peak {bench[-1]['peak_memory_gib']} GiB")
    base = next((b["tokens_per_second"] for b in bench if b["variant"] == "padded" and b["tokens_per_second"]), None)
    for b in bench:
        b["vs_padded"] = round(b["tokens_per_second"] / base, 2) if base and b["tokens_per_second"] else None
    packed = next((b for b in bench if b["variant"] == "packed"), None)
    if packed and packed["vs_padded"]:
        log(f"packed vs padded: {packed['vs_padded']}x (aim: 2x; the notes measured 2.02x on an H200)")


def loss_curve(records):
    return {r["step"]: r["train_loss"] for r in records if r.get("type") == "metrics" and isinstance(r.get("train_loss"), (int, float))}


def compare_curves(a, b):
    """Relative differences of two loss curves at the steps both logged -> (mean, max, steps)."""
    steps = sorted(set(a) & set(b))
    diffs = [abs(a[s] - b[s]) / max(abs(a[s]), 1e-6) for s in steps]
    return (sum(diffs) / len(diffs) if diffs else None), (max(diffs) if diffs else None), len(steps)


def sharding(args, budget, work, tiny_dir, data_dir, check):
    """FSDP with a world of one against the unsharded path, same seed and data; then a learning rate whose
    updates a bf16 master would round away, under FSDP, and the saved weights compared with the initial ones."""
    stages = RESULT["stages"]
    base = {
        "base_model": tiny_dir, "dataset": os.path.join(data_dir, "train.jsonl"), "epochs": 1, "max_steps": args.sharding_steps,
        "learning_rate": 1e-3, "warmup_ratio": 0.0, "global_batch_size": 64, "per_device_batch_size": 64, "cutoff_len": 128,
        "logging_steps": 1, "save": "no", "gradient_checkpointing": False, "batching": "packed", "seed": 0, "gpus": 1,
        "resume": False, "_no_final_save": True,
    }
    curves, done, packing = {}, {}, {}
    for strategy in ("single", "fsdp"):
        t0 = time.time()
        job = dict(base, output_dir=os.path.join(work, f"shard-{strategy}"), strategy="ddp" if strategy == "single" else "fsdp")
        log(f"sharding: {args.sharding_steps} steps of the tiny model, {strategy}")
        code, recs = run_runner("sft", job, os.path.join(work, f"shard-{strategy}-job"), os.path.join(work, f"shard-{strategy}.log"),
                                budget.limit(120, reserve=60), extra_env=WORLD_OF_ONE if strategy == "fsdp" else None)
        curves[strategy], done[strategy] = loss_curve(recs), done_record(recs) or {}
        packing[strategy] = next((r for r in recs if r.get("type") == "status" and "packing_check" in r), None)
        stages.append({"stage": f"sharding: {strategy}", "ok": code == 0, "seconds": round(time.time() - t0, 1), "exit": code,
                       "strategy": done[strategy].get("strategy"), "master": done[strategy].get("master_dtype"), "error": error_text(recs)})
    mean, worst, n = compare_curves(curves["single"], curves["fsdp"])
    ok = (n >= min(args.sharding_steps, 10) and mean is not None and worst is not None and mean <= LOSS_TOLERANCE["mean"] and worst <= LOSS_TOLERANCE["max"]
          and done["fsdp"].get("strategy") == "fsdp" and done["fsdp"].get("master_dtype") == "float32")
    fsdp_packing = packing.get("fsdp") or {}
    check("packed examples stay isolated under FSDP (the check runs on the sharded model)", bool(fsdp_packing.get("ok")) and done["fsdp"].get("batching") == "packed",
          f"{fsdp_packing.get('packing_check')}; batching used {done['fsdp'].get('batching')}")
    check("FSDP (world of one, fp32 master) follows the unsharded loss curve", ok,
          f"{n} steps; mean relative difference {mean if mean is None else round(mean, 4)}, max {worst if worst is None else round(worst, 4)} "
          f"(tolerance {LOSS_TOLERANCE['mean']} / {LOSS_TOLERANCE['max']}); fsdp run: {done['fsdp'].get('strategy')}, master {done['fsdp'].get('master_dtype')}")

    # A small update: AdamW moves each weight by about lr per step, 5 x 1e-6 here, far below bf16's
    # resolution (2^-7 relative: about 1e-4 for a weight of 0.02), so a bf16 master would keep none of it.
    t0 = time.time()
    out_dir = os.path.join(work, "small-update")
    job = dict(base, output_dir=out_dir, strategy="fsdp", max_steps=5, learning_rate=1e-6, lr_scheduler="constant", weight_decay=0.0, max_grad_norm=0.0)
    job.pop("_no_final_save")
    log("sharding: 5 steps at lr 1e-6 under FSDP, then the saved weights against the initial ones")
    code, recs = run_runner("sft", job, os.path.join(work, "small-update-job"), os.path.join(work, "small-update.log"), budget.limit(90, reserve=30), extra_env=WORLD_OF_ONE)
    stages.append({"stage": "sharding: small update", "ok": code == 0, "seconds": round(time.time() - t0, 1), "exit": code, "error": error_text(recs)})
    try:
        kept, bf16_kept, n = small_update_survival(tiny_dir, out_dir)
        check("an update below bf16's resolution is kept (fp32 master weights)", kept > 0.5 and bf16_kept < 0.1,
              f"{kept:.1%} of {n:,} layer weights changed in the saved fp32 model; rounded to bf16, {bf16_kept:.1%} would differ from the initial weights")
    except Exception as e:  # no weights to compare (the run failed, or no torch / safetensors)
        check("an update below bf16's resolution is kept (fp32 master weights)", False, f"cannot compare weights: {type(e).__name__}: {str(e)[:300]}")


def small_update_survival(before_dir, after_dir):
    """-> (share of decoder-layer weights that changed, share that would still differ after rounding both
    to bf16, count), from the two folders' model.safetensors."""
    import torch
    from safetensors.torch import load_file

    a = load_file(os.path.join(before_dir, "model.safetensors"))
    b = load_file(os.path.join(after_dir, "model.safetensors"))
    changed = survives = total = 0
    for name, w0 in a.items():
        if ".layers." not in name or name not in b:
            continue
        w0, w1 = w0.float(), b[name].float()
        changed += int((w1 != w0).sum())
        survives += int((w1.to(torch.bfloat16) != w0.to(torch.bfloat16)).sum())
        total += w0.numel()
    if not total:
        raise ValueError("no decoder-layer weights in common")
    return changed / total, survives / total, total


def memory(args, budget, work, tok, data_dir, check):
    """The planner's estimate (runner/scripts/data/plan-estimates.json, written from src/core/jobs/memory-plan.ts)
    against the peak the runner measures, per shape, with and without activation checkpointing."""
    import torch

    stages, rows = RESULT["stages"], RESULT.setdefault("memory", [])
    with open(os.path.join(HERE, "data", "plan-estimates.json")) as f:
        cases = [c for c in json.load(f)["cases"] if not args.memory_cases or args.memory_cases in c["name"]]
    for case in cases:
        t0 = time.time()
        if budget.left() < 60:
            stages.append({"stage": f"memory: {case['name']}", "ok": False, "seconds": 0, "error": f"skipped: only {budget.left():.0f} s of the budget left"})
            continue
        sh = case["shape"]
        model_dir = os.path.join(work, f"mem-{case['config']}")
        if not os.path.isdir(model_dir):
            build_model(model_dir, tok, {"hidden": sh["hiddenSize"], "intermediate": sh["intermediateSize"], "layers": sh["layers"], "heads": sh["heads"],
                                         "kv_heads": sh["kvHeads"], "max_pos": 4096, "vocab_size": sh["vocabSize"], "tied": sh["tiedEmbeddings"], "dtype": torch.bfloat16})
        data = os.path.join(data_dir, f"mem-{case['cutoff']}.jsonl")
        if not os.path.isfile(data):
            rng = random.Random(0)
            # every example longer than the cutoff and truncated to it: micro-batch x cutoff tokens per step, as planned
            sums_task.write_jsonl(data, [{"messages": [{"role": "user", "content": "Repeat the digits."},
                                                       {"role": "assistant", "content": "".join(rng.choice("0123456789") for _ in range(case["cutoff"] + 64))}]}
                                         for _ in range(16)])
        job = {"base_model": model_dir, "dataset": data, "output_dir": os.path.join(work, "mem-out"), "max_steps": args.memory_steps,
               "per_device_batch_size": case["microBatch"], "global_batch_size": case["microBatch"], "cutoff_len": case["cutoff"], "overlong": "truncate",
               "gradient_checkpointing": case["activationCheckpointing"], "batching": "padded", "save": "no", "logging_steps": 1,
               "learning_rate": 1e-5, "warmup_ratio": 0.0, "seed": 0, "gpus": 1, "resume": False, "_no_final_save": True}
        code, recs = run_runner("sft", job, os.path.join(work, "mem-job"), os.path.join(work, "mem.log"), budget.limit(150, reserve=30))
        done = done_record(recs) or {}
        measured = done.get("peak_memory_gib") if code == 0 else None
        ratio = round(case["allocatedGiB"] / measured, 3) if measured else None
        rows.append({"case": case["name"], "planned_allocated_gib": case["allocatedGiB"], "planned_total_gib": case["perGpuGiB"],
                     "measured_allocated_gib": measured, "measured_reserved_gib": done.get("peak_reserved_gib"), "planned_over_measured": ratio,
                     "exit": code, "error": error_text(recs)})
        stages.append({"stage": f"memory: {case['name']}", "ok": code == 0, "seconds": round(time.time() - t0, 1), "exit": code, "error": error_text(recs)})
        check(f"planned memory within {MEMORY_TOLERANCE:.0%}: {case['name']}", ratio is not None and abs(ratio - 1) <= MEMORY_TOLERANCE,
              f"planned {case['allocatedGiB']} GiB allocated ({case['perGpuGiB']} with overhead), measured {measured} GiB allocated, {done.get('peak_reserved_gib')} reserved")


def finish(out, env_info, checks, stages, bench):
    ok = bool(checks) and all(c["ok"] for c in checks)
    result = {"ok": ok, "environment": env_info, "checks": checks, "stages": stages, "throughput": bench, "memory": RESULT.get("memory", []),
              "seconds": round(time.time() - STARTED, 1), "command": " ".join([os.path.basename(sys.executable)] + sys.argv)}
    with open(os.path.join(out, "gpu-check.json"), "w") as f:
        json.dump(result, f, indent=2)
    lines = [
        f"# W2S runner GPU check — {env_info.get('date')} on {env_info.get('gpu')}",
        "",
        f"torch {env_info.get('torch')} (CUDA {env_info.get('cuda')}), transformers {env_info.get('transformers')}, "
        f"accelerate {env_info.get('accelerate')}, peft {env_info.get('peft')}, vllm {env_info.get('vllm')}, Python {env_info.get('python')}",
        "",
        "| check | result | detail |",
        "|---|---|---|",
        *[f"| {c['check']} | {'PASS' if c['ok'] else 'FAIL'} | {c['detail']} |" for c in checks],
        "",
        "| stage | ok | seconds | detail |",
        "|---|---|---|---|",
        *[f"| {s['stage']} | {s['ok']} | {s['seconds']} | {json.dumps({k: v for k, v in s.items() if k not in ('stage', 'ok', 'seconds') and v is not None})[:300]} |" for s in stages],
    ]
    if bench:
        lines += [
            "",
            "Throughput of the runner's sft, Qwen2.5-0.5B shape (random weights), bf16, gradient checkpointing, 8 examples",
            f"per step, lengths of the shared sample traces x{LENGTH_SCALE[0]:g} capped at 4096; real (non-padding) tokens per second after the",
            "first 3 steps, all runs in this one process on this GPU:",
            "",
            "| batching | real tokens/s | vs padded | peak GiB | used | attention | note |",
            "|---|---|---|---|---|---|---|",
            *[f"| {b['variant']} | {b['tokens_per_second']} | {b.get('vs_padded')} | {b['peak_memory_gib']} | {b['batching_used']} | {b['attn']} | "
              f"{(b['error'] or '; '.join(b['notes'] or []) or '')[:160]} |" for b in bench],
        ]
    if RESULT.get("memory"):
        lines += [
            "",
            "The memory planner (src/core/jobs/memory-plan.ts) against the runner's measured peak, one GPU, full fine-tuning,",
            "fp32 master weights, micro-batch 2, padded batches of exactly the cutoff:",
            "",
            "| case | planned allocated GiB | measured allocated GiB | planned / measured | planned total GiB | measured reserved GiB |",
            "|---|---|---|---|---|---|",
            *[f"| {m['case']} | {m['planned_allocated_gib']} | {m['measured_allocated_gib']} | {m['planned_over_measured']} | {m['planned_total_gib']} | {m['measured_reserved_gib']} |"
              for m in RESULT["memory"]],
        ]
    lines += ["", f"overall: {'PASS' if ok else 'FAIL'} in {result['seconds']} s", ""]
    table = "\n".join(lines)
    with open(os.path.join(out, "gpu-check.md"), "w") as f:
        f.write(table)
    replay = os.path.join(out, "replay")
    if os.path.isdir(replay):
        with open(os.path.join(replay, "README.md"), "w") as f:
            f.write(
                "# Runner replay fixtures\n\n"
                f"Made by `runner/scripts/gpu_check.py` on {env_info.get('date')} on {env_info.get('gpu')} (torch {env_info.get('torch')}, "
                f"transformers {env_info.get('transformers')}): the raw output (stdout and stderr merged, as Ray's driver log) of\n\n"
                "- `sft.log`: `python -m w2s_runner sft job.json`, a tiny Qwen2 model (built from a config, random init) fine-tuned on 9,800 two-number sums;\n"
                "- `eval.log`: `python -m w2s_runner eval job.json` of the fine-tuned model on the 200 held-out sums of `problems.jsonl` (greedy);\n"
                "- `eval-base.log`: the same eval of the untrained model.\n\n"
                "`problems.jsonl` is the held-out set as a W2S problem set (`w2s import problems.jsonl --set sums-heldout`).\n"
            )
    print("\n" + table, flush=True)
    # Large model files are not worth bringing back; the logs and tables are.
    if WORK[0]:
        shutil.rmtree(WORK[0], ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - the table must come out whatever happened
        import traceback

        traceback.print_exc()
        RESULT["checks"].append({"check": "gpu_check.py itself", "ok": False, "detail": f"{type(e).__name__}: {e}"[:500]})
        out = RESULT["out"] or (sys.argv[1] if len(sys.argv) > 1 else ".")
        os.makedirs(out, exist_ok=True)
        sys.exit(finish(os.path.abspath(out), RESULT["env"], RESULT["checks"], RESULT["stages"], RESULT["bench"]))
