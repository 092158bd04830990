#!/usr/bin/env python3
"""PLACEHOLDER replay logs, until gpu_check.py has run on a GPU and its real logs replace them.

    python3 runner/scripts/make_placeholder_replay.py test/fixtures/runner-replay

Writes sft.placeholder.log and eval.placeholder.log with the runner's own record functions
(w2s_runner.records.format_record), in the order the runner prints them, but with made-up numbers:
a loss that falls, a cosine learning rate, eval samples right for about two thirds of the held-out
sums. Every log says PLACEHOLDER in its first record. Also writes problems.jsonl (the held-out sums
as a W2S problem set), which the real GPU run writes identically (same generator, same seed).
The fake Ray server replays sft.log / eval.log when they exist and these otherwise.
"""

import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import sums_task  # noqa: E402
from w2s_runner.records import format_record  # noqa: E402

T0 = 1795000000.0


def rec(lines, t, record_type, /, **fields):
    line = format_record(record_type, **fields)
    # put a stable time in the record (format_record stamps the current one)
    head, _, rest = line.partition('"time":')
    rest = rest[rest.index(",") :]
    lines.append(f'{head}"time":{t:.3f}{rest}')


def sft_log():
    out = []
    t = T0
    note = "PLACEHOLDER: synthetic records written by runner/scripts/make_placeholder_replay.py, not a GPU run"
    rec(out, t, "status", phase="starting", job="sft", runner="0.1.0", protocol=1, placeholder=True, message=note)
    rec(out, t + 4, "status", phase="loading", message="loading tokenizer /placeholder/tiny-model")
    rec(out, t + 5, "status", phase="tokenizing", message="reading data/train.jsonl")
    rec(out, t + 6, "status", phase="data", message="9800 training examples (0 longer than 128 tokens dropped, 0 truncated), median 49 tokens, longest 51; 200 validation examples")
    rec(out, t + 7, "status", phase="loading", message="loading model /placeholder/tiny-model (flex_attention, bfloat16)")
    rec(out, t + 8, "status", phase="checking", message="checking that packed examples cannot attend to each other")
    rec(out, t + 20, "status", phase="checking", message="packed-sequence isolation holds", ok=True, packing_check={"max_diff_packed_vs_alone": 0.0039, "max_diff_one_document_vs_alone": 0.41})
    out.append("[transformers] PLACEHOLDER line that is not a record: the parser must skip it")
    epochs, per_epoch = 6, 20
    total = epochs * per_epoch
    rec(out, t + 21, "status", phase="training", message=f"batching packed (flex_attention); 64 examples per device x 1 process(es) x 1 accumulation = 64 per step", batching="packed", attn_implementation="flex_attention", global_batch_size=64, gradient_accumulation_steps=1)
    rec(out, t + 21, "status", phase="training", message=f"training: {total} optimizer steps", total_steps=total)
    rng = random.Random(0)
    clock = t + 21
    for step in range(1, total + 1):
        clock += 0.25
        if step == 1 or step % 5 == 0:
            progress = step / total
            warm = min(1.0, step / 6)
            lr = 1e-3 * warm * (0.5 * (1 + math.cos(math.pi * progress)))
            loss = 0.15 + 2.3 * math.exp(-step / 18) + rng.uniform(-0.03, 0.03)
            rec(out, clock, "metrics", step=step, total_steps=total, epoch=round(step / per_epoch, 3), train_loss=round(loss, 4),
                learning_rate=lr, grad_norm=round(0.4 + 3 * math.exp(-step / 25) + rng.uniform(0, 0.2), 4),
                tokens_per_second=round(41000 + rng.uniform(-3000, 3000), 1), train_mean_token_accuracy=round(1 - loss / 3, 4))
        if step % per_epoch == 0:
            epoch = step // per_epoch
            rec(out, clock + 0.1, "metrics", step=step, total_steps=total, epoch=float(epoch), valid_loss=round(0.2 + 2.0 * math.exp(-step / 20), 4), valid_mean_token_accuracy=round(0.6 + 0.35 * (1 - math.exp(-step / 30)), 4))
            rec(out, clock + 0.2, "checkpoint", step=step, epoch=float(epoch), path=f"/placeholder/sft-out/checkpoint-{step}")
    rec(out, clock + 1, "status", phase="saving", message="saving the model to /placeholder/sft-out")
    rec(out, clock + 2, "checkpoint", step=total, path="/placeholder/sft-out", final=True)
    rec(out, clock + 2, "done", ok=True, kind="sft", output_dir="/placeholder/sft-out", steps=total, epochs=6.0, examples=9800, dropped=0, truncated=0,
        tokens_per_second=41000.0, batching="packed", attn_implementation="flex_attention", global_batch_size=64, lora=False, placeholder=True)
    return out


def eval_log():
    out = []
    t = T0 + 200
    _, held = sums_task.pairs()
    rec(out, t, "status", phase="starting", job="eval", runner="0.1.0", protocol=1, placeholder=True,
        message="PLACEHOLDER: synthetic records written by runner/scripts/make_placeholder_replay.py, not a GPU run")
    rec(out, t + 3, "status", phase="loading", message="evaluating /placeholder/sft-out with transformers", backend="transformers")
    rec(out, t + 4, "status", phase="generating", message=f"{len(held)} generations for {len(held)} problems", total=len(held), done=0)
    rng = random.Random(1)
    for i, (a, b) in enumerate(held):
        right = rng.random() < 0.66
        value = a + b if right else a + b + rng.choice([-10, -1, 1, 10])
        rec(out, t + 5 + i * 0.01, "sample", problem=sums_task.key(a, b), index=0, text=f"{a}+{b}={value}. The answer is \\boxed{{{value}}}.",
            finish_reason="stop", prompt_tokens=31, completion_tokens=19)
    rec(out, t + 8, "status", phase="generating", message=f"{len(held)}/{len(held)} generated", total=len(held), done=len(held))
    rec(out, t + 8, "done", ok=True, kind="eval", backend="transformers", problems=len(held), samples=len(held), tokens_per_second=1200.0, placeholder=True)
    return out


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "sft.placeholder.log"), "w", encoding="utf-8") as f:
        f.write("\n".join(sft_log()) + "\n")
    with open(os.path.join(target, "eval.placeholder.log"), "w", encoding="utf-8") as f:
        f.write("\n".join(eval_log()) + "\n")
    _, held = sums_task.pairs()
    sums_task.write_jsonl(os.path.join(target, "problems.jsonl"), sums_task.store_problems(held))


if __name__ == "__main__":
    main()
