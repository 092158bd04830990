"""A stand-in for the slice of vLLM's offline API the runner uses (tests only): `LLM(...)`,
`LLM.generate(prompts, sampling_params, use_tqdm, lora_request)`, `SamplingParams(...)`. It answers
every prompt with the same text, and appends what it was given (engine arguments, the prompts, the
sampling parameters, the LoRA request, CUDA_VISIBLE_DEVICES) as JSON lines to $FAKE_VLLM_LOG, so the
tests can check the runner's wiring: prompts as token ids, stop ids, seeds, tensor parallel, replicas."""

import json
import os

__version__ = "0.0-fake"

ANSWER = [1000 + ord(c) for c in "so \\boxed{7}."]


def _log(entry):
    path = os.environ.get("FAKE_VLLM_LOG")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps(entry) + "\n")


class SamplingParams:
    def __init__(self, n=1, temperature=1.0, top_p=1.0, max_tokens=16, seed=None, stop_token_ids=None, skip_special_tokens=True, **kw):
        if kw:
            raise TypeError(f"unexpected SamplingParams arguments {sorted(kw)}")
        self.kw = {"n": n, "temperature": temperature, "top_p": top_p, "max_tokens": max_tokens, "seed": seed,
                   "stop_token_ids": stop_token_ids, "skip_special_tokens": skip_special_tokens}


class _Completion:
    def __init__(self, token_ids, finish_reason):
        self.token_ids = token_ids
        self.text = "".join(chr(t - 1000) for t in token_ids)
        self.finish_reason = finish_reason


class _Output:
    def __init__(self, prompt_token_ids, completion):
        self.prompt_token_ids = prompt_token_ids
        self.outputs = [completion]


class _ModelConfig:
    max_model_len = 512


class _Engine:
    model_config = _ModelConfig()


class LLM:
    def __init__(self, model, **kw):
        self.llm_engine = _Engine()
        _log({"engine": {"model": model, **kw}, "devices": os.environ.get("CUDA_VISIBLE_DEVICES")})

    def generate(self, prompts, sampling_params, use_tqdm=True, lora_request=None):
        out = []
        for prompt, params in zip(prompts, sampling_params):
            if not isinstance(prompt, dict) or "prompt_token_ids" not in prompt:
                raise TypeError("this stand-in takes token-id prompts only")
            ids = prompt["prompt_token_ids"]
            budget = params.kw["max_tokens"]
            tokens = ANSWER[:budget]
            finish = "stop" if len(ANSWER) <= budget else "length"
            _log({"prompt_token_ids": ids, "params": params.kw, "lora": getattr(lora_request, "path", None), "devices": os.environ.get("CUDA_VISIBLE_DEVICES")})
            out.append(_Output(ids, _Completion(tokens, finish)))
        return out
