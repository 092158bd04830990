import os

if os.environ.get("FAKE_NO_FLEX") == "1":
    raise ImportError("no flex_attention in this fake torch")


def flex_attention(*a, **k):
    raise NotImplementedError
