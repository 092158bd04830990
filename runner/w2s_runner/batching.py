"""Batching that keeps padding from eating the GPU (transformers 5 dropped `group_by_length`).

Three ways, chosen by job.json `batching`:
  packed   padding-free: a micro-batch's examples are concatenated into one row, position ids restart
           at 0 for every example and there is no attention mask, so transformers' masking code builds
           a document mask from the position ids (masking_utils.find_packed_sequence_indices) and
           flex_attention skips the blocks between documents. No padding at all; examples cannot attend
           to each other (sft.py checks this on the real model before training, else falls back).
  grouped  padded, but batches drawn from megabatches of 16 batches sorted by length (what
           `group_by_length` did), so the examples of a batch have similar lengths.
  padded   plain: random batches padded to their longest example.

The list-level functions below need no torch (they are unit-tested on their own); the collators turn
their output into tensors.
"""

from __future__ import annotations

import random
from typing import Any

from .chat import IGNORE


def length_grouped_order(lengths: list[int], batch_size: int, seed: int, mega: int = 16) -> list[int]:
    """Indices in an order whose consecutive runs of `batch_size` have similar lengths.

    Shuffle, cut into megabatches of `mega` batches, sort each by length (longest first), cut into
    batches, shuffle the batches but put the longest first (an out-of-memory shows at the first step,
    not hours in).
    """
    rng = random.Random(seed)
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    step = batch_size * mega
    batches = []
    for i in range(0, len(idx), step):
        chunk = sorted(idx[i : i + step], key=lambda j: -lengths[j])
        batches += [chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size)]
    if not batches:
        return []
    longest = max(range(len(batches)), key=lambda b: max(lengths[j] for j in batches[b]))
    first = batches.pop(longest)
    rng.shuffle(batches)
    return [j for b in [first] + batches for j in b]


class LengthGroupedSampler:
    """A sampler (anything with __iter__ and __len__ serves a DataLoader) with a new grouped order per epoch."""

    def __init__(self, lengths: list[int], batch_size: int, seed: int) -> None:
        self.lengths = list(lengths)
        self.batch_size = batch_size
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __iter__(self) -> Any:
        order = length_grouped_order(self.lengths, self.batch_size, self.seed + self.epoch)
        self.epoch += 1
        return iter(order)

    def __len__(self) -> int:
        return len(self.lengths)


def pad_lists(features: list[dict[str, list[int]]], pad_id: int, multiple: int = 8) -> dict[str, list[list[int]]]:
    """Right-padded input_ids / attention_mask / labels (lists) to the longest example, rounded up."""
    longest = max(len(f["input_ids"]) for f in features)
    if multiple > 1:
        longest = -(-longest // multiple) * multiple
    ids, mask, labels = [], [], []
    for f in features:
        n = len(f["input_ids"])
        ids.append(list(f["input_ids"]) + [pad_id] * (longest - n))
        mask.append([1] * n + [0] * (longest - n))
        labels.append(list(f["labels"]) + [IGNORE] * (longest - n))
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def pack_lists(features: list[dict[str, list[int]]]) -> dict[str, list[list[int]]]:
    """One row: the examples one after another, position ids restarting at each, and no label on
    the first token of an example (so no token learns to predict the start of the next example)."""
    ids, pos, labels = [], [], []
    for f in features:
        n = len(f["input_ids"])
        ids += list(f["input_ids"])
        pos += list(range(n))
        labels += [IGNORE] + list(f["labels"][1:])
    return {"input_ids": [ids], "position_ids": [pos], "labels": [labels]}


def real_tokens(batch_lists: dict[str, list[list[int]]]) -> int:
    """Tokens that are not padding in a batch made by pad_lists or pack_lists."""
    if "attention_mask" in batch_lists:
        return sum(sum(row) for row in batch_lists["attention_mask"])
    return sum(len(row) for row in batch_lists["input_ids"])


class Collator:
    """The data collator for Trainer: lists to tensors, and it counts the real tokens it hands out."""

    def __init__(self, mode: str, pad_id: int) -> None:
        if mode not in ("packed", "grouped", "padded"):
            raise ValueError(f"unknown batching {mode!r}")
        self.mode = mode
        self.pad_id = pad_id

    def __call__(self, features: list[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        lists = pack_lists(features) if self.mode == "packed" else pad_lists(features, self.pad_id)
        return {k: torch.tensor(v, dtype=torch.long) for k, v in lists.items()}
