"""A stand-in for peft's LoRA entry points (tests only)."""

import json
import os

__version__ = "0.18.0-fake"


class LoraConfig:
    def __init__(self, r, lora_alpha, lora_dropout, target_modules, task_type):
        self.kw = dict(r=r, lora_alpha=lora_alpha, lora_dropout=lora_dropout, target_modules=target_modules, task_type=task_type)


class PeftModel:
    def __init__(self, base, config):
        self.base = base
        self.peft_config = config
        self.input_grads = False

    def __getattr__(self, name):
        return getattr(self.base, name)

    def __call__(self, *a, **k):
        return self.base(*a, **k)

    def enable_input_require_grads(self):
        self.input_grads = True

    def save_pretrained(self, path):
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "adapter_config.json"), "w") as f:
            json.dump({"base_model_name_or_path": self.base.path, **self.peft_config.kw}, f)

    def merge_and_unload(self):
        return self.base


def get_peft_model(model, config):
    return PeftModel(model, config)
