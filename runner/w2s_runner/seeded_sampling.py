"""Sampling on the transformers path with a seed per sample, as the vLLM path samples.

`model.generate(do_sample=True)` draws every row of a batch from torch's one global generator, so a
sample's tokens depend on which other samples share its batch, on the batch size (which halves after an
out-of-memory error) and on the order of the batches: a re-run with another batch size is another
sample. vLLM gives each request its own `torch.Generator` seeded with SamplingParams.seed and samples as
argmax(p / q) with q ~ Exp(1) drawn from that generator (vllm/v1/sample/ops/topk_topp_sampler.py,
`random_sample`; before V1, vllm/model_executor/layers/sampler.py, `_multinomial`). This logits processor does the same per row: temperature, top-p (the rule of vLLM's
`_apply_top_k_top_p` and transformers' TopPLogitsWarper: a token goes when the tokens more likely than it
already hold top_p), then the exponential race from the row's own generator, seeded with
eval_plan.sample_seed. It leaves only the drawn token finite, so generate(do_sample=False) takes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def seeded_sampler(transformers: Any, torch: Any, seeds: Sequence[int], temperature: float, top_p: float) -> Any:
    """A LogitsProcessor for one batch whose row k samples from a generator seeded with seeds[k]."""
    base: Any = getattr(transformers, "LogitsProcessor", object)

    class SeededSampler(base):
        def __init__(self) -> None:
            self.seeds = list(seeds)
            self.generators: list[Any] | None = None

        def __call__(self, input_ids: Any, scores: Any) -> Any:
            if scores.shape[0] != len(self.seeds):
                raise ValueError(f"seeded sampler: {scores.shape[0]} rows for {len(self.seeds)} seeds")
            if self.generators is None:
                # made on the first step, on the device the logits are on
                self.generators = [torch.Generator(device=scores.device).manual_seed(s) for s in self.seeds]
            probs = torch.softmax(scores.float() / temperature, dim=-1)
            if top_p < 1.0:
                ordered, order = torch.sort(probs, dim=-1, descending=True)
                drop_ordered = (torch.cumsum(ordered, dim=-1) - ordered) >= top_p
                probs = probs.masked_fill(drop_ordered.scatter(-1, order, drop_ordered), 0.0)
            q = torch.empty_like(probs)
            for row, generator in enumerate(self.generators):
                q[row].exponential_(generator=generator)
            chosen = torch.argmax(probs / q, dim=-1)
            out = torch.full_like(scores, float("-inf"))
            out[torch.arange(scores.shape[0], device=scores.device), chosen] = 0.0
            return out

    return SeededSampler()
