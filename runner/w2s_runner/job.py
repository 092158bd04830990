"""job.json: the few fields a job needs, W2SR defaults for the rest (defaults.json), and clear errors.

An SFT job needs `base_model`, `dataset` and `output_dir`; an eval job needs `model` and `problems`.
Relative paths are resolved against the folder of job.json (the job's working directory on the cluster).
"""

import json
import os

from .errors import JobError

_HERE = os.path.dirname(os.path.abspath(__file__))
REQUIRED = {"sft": ("base_model", "dataset", "output_dir"), "eval": ("model", "problems")}
PATH_FIELDS = {"sft": ("dataset", "validation", "output_dir"), "eval": ("problems", "output_dir")}
CHOICES = {
    "overlong": ("drop", "truncate"),
    "batching": ("auto", "packed", "grouped", "padded"),
    "attn_implementation": ("auto", "flex_attention", "sdpa", "eager", "flash_attention_2"),
    "lr_scheduler": ("cosine", "linear", "constant", "constant_with_warmup", "cosine_with_restarts", "polynomial"),
    "save": ("epoch", "steps", "no"),
    "backend": ("auto", "vllm", "transformers"),
    "dtype": ("bfloat16", "float16", "float32", "auto"),
}


def load_defaults():
    with open(os.path.join(_HERE, "defaults.json"), encoding="utf-8") as f:
        return json.load(f)


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v):
    return (isinstance(v, (int, float))) and not isinstance(v, bool)


# field -> (check, what it must be). None is allowed wherever the default is None.
_CHECKS = {
    "base_model": (lambda v: isinstance(v, str) and v.strip() != "", "a model id or a folder"),
    "model": (lambda v: isinstance(v, str) and v.strip() != "", "a model id or a folder"),
    "dataset": (lambda v: isinstance(v, str) and v.strip() != "", "a JSONL file"),
    "problems": (lambda v: isinstance(v, str) and v.strip() != "", "a JSONL file"),
    "validation": (lambda v: isinstance(v, str) and v.strip() != "", "a JSONL file"),
    "output_dir": (lambda v: isinstance(v, str) and v.strip() != "", "a folder"),
    "validation_split": (lambda v: _is_num(v) and 0 <= v < 1, "a fraction in [0, 1)"),
    "epochs": (lambda v: _is_num(v) and v > 0, "a positive number"),
    "max_steps": (lambda v: _is_int(v) and v > 0, "a positive integer"),
    "learning_rate": (lambda v: _is_num(v) and 0 < v < 1, "a number in (0, 1)"),
    "warmup_ratio": (lambda v: _is_num(v) and 0 <= v < 1, "a fraction in [0, 1)"),
    "weight_decay": (lambda v: _is_num(v) and v >= 0, "a non-negative number"),
    "max_grad_norm": (lambda v: _is_num(v) and v >= 0, "a non-negative number (0 turns clipping off)"),
    "global_batch_size": (lambda v: _is_int(v) and v >= 1, "a positive integer"),
    "per_device_batch_size": (lambda v: _is_int(v) and v >= 1, "a positive integer"),
    "cutoff_len": (lambda v: _is_int(v) and v >= 16, "an integer >= 16"),
    "bf16": (lambda v: isinstance(v, bool), "true or false"),
    "gradient_checkpointing": (lambda v: isinstance(v, bool), "true or false"),
    "fsdp": (lambda v: isinstance(v, bool), "true or false"),
    "resume": (lambda v: isinstance(v, bool), "true or false"),
    "trust_remote_code": (lambda v: isinstance(v, bool), "true or false"),
    "save_total_limit": (lambda v: _is_int(v) and v >= 1, "a positive integer"),
    "logging_steps": (lambda v: _is_int(v) and v >= 1, "a positive integer"),
    "seed": (lambda v: _is_int(v), "an integer"),
    "system_prompt": (lambda v: isinstance(v, str), "a string"),
    "gpus": (lambda v: _is_int(v) and v >= 1, "a positive integer"),
    "nodes": (lambda v: _is_int(v) and v >= 1, "a positive integer"),
    "n": (lambda v: _is_int(v) and 1 <= v <= 1024, "an integer from 1 to 1024"),
    "temperature": (lambda v: _is_num(v) and 0 <= v <= 2, "a number from 0 to 2"),
    "top_p": (lambda v: _is_num(v) and 0 < v <= 1, "a number in (0, 1]"),
    "max_tokens": (lambda v: _is_int(v) and v >= 1, "a positive integer"),
    "batch_size": (lambda v: _is_int(v) and v >= 1, "a positive integer"),
    "max_model_len": (lambda v: _is_int(v) and v >= 16, "an integer >= 16"),
    "lora": (lambda v: isinstance(v, dict), 'an object such as {"r": 32} (or null for full fine-tuning)'),
}


def validate(raw, kind, where="job.json"):
    """Returns the job with defaults filled in; raises JobError naming the field on any mistake."""
    if kind not in REQUIRED:
        raise JobError(f"unknown job kind {kind!r}: use sft or eval")
    if not isinstance(raw, dict):
        raise JobError(f"{where}: the job must be a JSON object, got {type(raw).__name__}")
    defaults = load_defaults()
    known = defaults[kind]
    unknown = sorted(k for k in raw if k not in known and not k.startswith("_"))
    if unknown:
        raise JobError(f"{where}: unknown field(s) {', '.join(unknown)} for an {kind} job (known: {', '.join(known)})")
    job = dict(known)
    # Keys starting with "_" are internal knobs (e.g. the GPU check's "_no_final_save"); kept, never checked.
    job.update(raw)
    for field in REQUIRED[kind]:
        if job.get(field) in (None, ""):
            raise JobError(f"{where}: {field} is required for an {kind} job ({_CHECKS[field][1]})")
    for field, value in job.items():
        if value is None or field.startswith("_"):
            continue
        if field in CHOICES and value not in CHOICES[field]:
            raise JobError(f"{where}: {field} must be one of {', '.join(CHOICES[field])}, got {value!r}")
        check = _CHECKS.get(field)
        if check and not check[0](value):
            raise JobError(f"{where}: {field} must be {check[1]}, got {json.dumps(value)}")
    if kind == "sft" and job["lora"] is not None:
        lora = dict(defaults["lora"])
        bad = sorted(k for k in job["lora"] if k not in lora)
        if bad:
            raise JobError(f"{where}: unknown lora field(s) {', '.join(bad)} (known: {', '.join(lora)})")
        lora.update(job["lora"])
        if not (_is_int(lora["r"]) and lora["r"] >= 1):
            raise JobError(f"{where}: lora.r must be a positive integer, got {json.dumps(lora['r'])}")
        if not (_is_num(lora["alpha"]) and lora["alpha"] > 0):
            raise JobError(f"{where}: lora.alpha must be a positive number, got {json.dumps(lora['alpha'])}")
        if not (_is_num(lora["dropout"]) and 0 <= lora["dropout"] < 1):
            raise JobError(f"{where}: lora.dropout must be in [0, 1), got {json.dumps(lora['dropout'])}")
        if not (isinstance(lora["target_modules"], str) or (isinstance(lora["target_modules"], list) and all(isinstance(x, str) for x in lora["target_modules"]))):
            raise JobError(f'{where}: lora.target_modules must be "all-linear" or a list of module names')
        job["lora"] = lora
    if kind == "sft" and job["validation"] and job["validation_split"]:
        raise JobError(f"{where}: give either validation (a file) or validation_split (a fraction), not both")
    return job


def resolve_paths(job, kind, base_dir):
    """Relative paths are relative to the folder of job.json (the job's working directory)."""
    out = dict(job)
    for field in PATH_FIELDS[kind]:
        value = out.get(field)
        if isinstance(value, str) and value.startswith("~"):
            # the cluster user's home: a place that outlives the job's working_dir (the default checkpoint root)
            value = out[field] = os.path.expanduser(value)
        if isinstance(value, str) and value and not os.path.isabs(value) and not value.startswith(("s3://", "gs://", "hf://")):
            out[field] = os.path.normpath(os.path.join(base_dir, value))
    # A model given as a relative folder that exists next to job.json is a path; otherwise a hub id.
    key = "base_model" if kind == "sft" else "model"
    value = out.get(key)
    if isinstance(value, str) and not os.path.isabs(value) and os.path.isdir(os.path.join(base_dir, value)):
        out[key] = os.path.normpath(os.path.join(base_dir, value))
    return out


def load_job(path, kind):
    """Reads, validates and resolves job.json."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise JobError(f"cannot read the job file {path}: {e.strerror or e}")
    try:
        raw = json.loads(text)
    except ValueError as e:
        raise JobError(f"{path}: not valid JSON ({e})")
    job = validate(raw, kind, where=path)
    return resolve_paths(job, kind, os.path.dirname(os.path.abspath(path)))
