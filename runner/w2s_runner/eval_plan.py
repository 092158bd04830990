"""How an eval job generates, decided from the model's config and the job: pure functions, no torch.

As W2SR evaluated (shared/notes/w2sr-recipe.md): vLLM, temperature 0.6, top_p 0.95, n=1 per request
with a seed per sample, and `max_tokens` up to the model's context. Generation stops at the chat
template's end-of-turn tokens, from the tokenizer and the model's generation_config.json: a base
checkpoint whose eos is `<|endoftext|>` would otherwise run past `<|im_end|>` into made-up turns, and
last-box extraction would then score the wrong answer. Prompts go to vLLM as token ids (the ids the
runner rendered), never re-tokenized text, which would add a second BOS for Llama-style templates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def stop_ids(tokenizer_stops: Iterable[int], generation_eos: object) -> list[int]:
    """The tokenizer's end-of-turn ids plus generation_config's eos_token_id (an int or a list)."""
    out = {int(i) for i in tokenizer_stops}
    if isinstance(generation_eos, int) and not isinstance(generation_eos, bool):
        out.add(generation_eos)
    elif isinstance(generation_eos, (list, tuple)):
        out.update(int(i) for i in generation_eos if isinstance(i, int) and not isinstance(i, bool))
    return sorted(out)


@dataclass(frozen=True)
class Parallel:
    tensor_parallel: int
    replicas: int
    note: str | None


def parallel_plan(gpus: int, heads: int | None, kv_heads: int | None) -> Parallel:
    """Tensor parallel over the largest GPU count that divides the attention heads (vLLM requires it;
    Qwen2.5-7B's 28 heads do not split 8 ways), the remaining GPUs as data-parallel replicas."""
    gpus = max(1, gpus)
    if not heads:
        return Parallel(1, gpus, "attention heads unknown: one replica per GPU" if gpus > 1 else None)
    tp = max(t for t in range(1, gpus + 1) if gpus % t == 0 and heads % t == 0 and (not kv_heads or kv_heads % t == 0 or t % kv_heads == 0))
    replicas = gpus // tp
    note = None
    if tp < gpus:
        note = f"{heads} attention heads do not split over {gpus} GPUs: tensor parallel {tp} x {replicas} data-parallel replicas"
    return Parallel(tp, replicas, note)


def token_budget(max_tokens: int | None, context: int, prompt_tokens: int) -> int:
    """max_tokens, or all of the context the prompt leaves (W2SR: up to the model's context)."""
    room = context - prompt_tokens
    return max(1, room if max_tokens is None else min(max_tokens, room))


def sample_seed(seed: int, index: int) -> int:
    """The seed of sample `index` of a problem, on vLLM and on transformers alike: it depends on the job's
    seed and the sample index only, never on the batch, the replica or the backend that generates it."""
    return seed + index


def sampling_kwargs(temperature: float, top_p: float, seed: int, index: int, budget: int, stops: list[int]) -> dict[str, Any]:
    """vLLM SamplingParams for one sample. One seed per sample index: a re-run reproduces each sample,
    whatever else is in the batch."""
    return {
        "n": 1,
        "temperature": temperature,
        "top_p": top_p if temperature > 0 else 1.0,
        "max_tokens": budget,
        "seed": sample_seed(seed, index),
        "stop_token_ids": list(stops),
        "skip_special_tokens": True,
    }


def shard(items: list[Any], replicas: int, k: int) -> list[Any]:
    """Replica k's share: every replicas-th item from k (lengths stay mixed across replicas)."""
    return items[k::replicas]
