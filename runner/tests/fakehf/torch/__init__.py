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


def _t(a, dtype=None):
    arr = np.array(a, dtype=np.int64 if dtype == long else (np.float64 if dtype in (float32, bfloat16, float16) else None))
    return arr.view(Tensor)


def tensor(data, dtype=None):
    return _t(data, dtype)


def full(shape, value, dtype=None):
    return _t(np.full(shape, value), dtype)


def zeros(shape, dtype=None):
    return _t(np.zeros(shape), dtype)


def arange(n):
    return _t(np.arange(n), long)


def cat(tensors, dim=0):
    return np.concatenate([np.asarray(t) for t in tensors], axis=dim).view(Tensor)


class Generator:
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
