"""A numpy-backed stand-in for the few torch calls the runner makes (tests only)."""

import contextlib
import os

import numpy as np

__version__ = "2.11.0-fake"

bfloat16 = "bfloat16"
float16 = "float16"
float32 = "float32"
long = "int64"


class Tensor(np.ndarray):
    def float(self):
        return self.astype(np.float64).view(Tensor)

    def clone(self):
        return self.copy().view(Tensor)

    def to(self, *a, **k):
        return self

    def numel(self):
        return int(self.size)

    def eq(self, other):
        return (np.asarray(self) == np.asarray(other)).view(Tensor)

    def backward(self):
        pass

    def abs(self):
        return np.abs(np.asarray(self)).view(Tensor)

    def item(self):
        return np.asarray(self).item()

    # what the seeded sampler of the eval's transformers path calls (w2s_runner/seeded_sampling.py)
    @property
    def device(self):
        return "cpu"

    def masked_fill(self, mask, value):
        return np.where(np.asarray(mask), value, np.asarray(self)).view(Tensor)

    def scatter(self, dim, index, src):
        out = np.array(self)
        np.put_along_axis(out, np.asarray(index), np.asarray(src), axis=dim)
        return out.view(Tensor)

    def exponential_(self, generator=None):
        rng = generator.rng if generator is not None else np.random
        self[...] = rng.exponential(size=self.shape)
        return self


def _t(a, dtype=None):
    arr = np.array(a, dtype=np.int64 if dtype == long else (np.float64 if dtype in (float32, bfloat16, float16) else None))
    return arr.view(Tensor)


def tensor(data, dtype=None):
    return _t(data, dtype)


def full(shape, value, dtype=None):
    return _t(np.full(shape, value), dtype)


def zeros(shape, dtype=None):
    return _t(np.zeros(shape), dtype)


def arange(n, device=None):
    return _t(np.arange(n), long)


def softmax(x, dim=-1):
    a = np.asarray(x, dtype=np.float64)
    e = np.exp(a - a.max(axis=dim, keepdims=True))
    return (e / e.sum(axis=dim, keepdims=True)).view(Tensor)


def sort(x, dim=-1, descending=False):
    a = np.asarray(x)
    order = np.argsort(-a if descending else a, axis=dim, kind="stable")
    return np.take_along_axis(a, order, axis=dim).view(Tensor), order.view(Tensor)


def cumsum(x, dim=-1):
    return np.cumsum(np.asarray(x), axis=dim).view(Tensor)


def argmax(x, dim=-1):
    return np.argmax(np.asarray(x), axis=dim).view(Tensor)


def empty_like(x):
    return np.zeros_like(np.asarray(x), dtype=np.float64).view(Tensor)


def full_like(x, value):
    return np.full_like(np.asarray(x), value, dtype=np.float64).view(Tensor)


def cat(tensors, dim=0):
    return np.concatenate([np.asarray(t) for t in tensors], axis=dim).view(Tensor)


class Generator:
    def __init__(self, device=None):
        self.device = device

    def manual_seed(self, seed):
        self.rng = np.random.default_rng(seed)
        return self


def randint(low, high, shape, generator=None):
    rng = generator.rng if generator is not None else np.random.default_rng(0)
    return rng.integers(low, high, size=shape).view(Tensor)


def manual_seed(seed):
    np.random.seed(seed % 2**32)


@contextlib.contextmanager
def no_grad():
    yield


class _Cuda:
    class OutOfMemoryError(RuntimeError):
        pass

    def is_available(self):
        return os.environ.get("FAKE_CUDA") == "1"

    def get_device_name(self, i=0):
        return "Fake GPU"

    def is_bf16_supported(self):
        return True

    def device_count(self):
        return 1 if self.is_available() else 0

    def synchronize(self):
        pass

    def empty_cache(self):
        pass

    def max_memory_allocated(self):
        return 2**30

    def max_memory_reserved(self):
        return 2**30 + 2**28


cuda = _Cuda()


class _Config:
    recompile_limit = 8


class _Dynamo:
    config = _Config()


_dynamo = _Dynamo()
version = type("v", (), {"cuda": "13.0-fake"})()
from . import nn, utils  # noqa: E402,F401
