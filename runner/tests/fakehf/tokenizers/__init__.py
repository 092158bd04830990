"""A stand-in for the tokenizers calls of scripts/gpu_check.py (tests only)."""

__version__ = "0.22.0-fake"


class _Any:
    def __init__(self, *a, **k):
        self.args, self.kwargs = a, k

    @staticmethod
    def alphabet():
        return []


class _NS:
    def __getattr__(self, name):
        return _Any


models = pre_tokenizers = decoders = trainers = _NS()


class Tokenizer:
    def __init__(self, model):
        self.model = model
        self.pre_tokenizer = None
        self.decoder = None

    def train_from_iterator(self, corpus, trainer):
        self.trained_on = sum(1 for _ in corpus)
