"""job.json: the few fields a job needs, W2SR defaults for the rest (defaults.json), and clear errors.

An SFT job needs `base_model`, `dataset` and `output_dir`; an eval job needs `model` and `problems`.
Relative paths are resolved against the folder of job.json (the job's working directory on the cluster).

The jobs are dataclasses (`SftJob`, `EvalJob`, `LoraSpec`): each field declares its rule once
(`_rule(...)`), defaults.json holds every default (the TypeScript side reads the same file), and a test
checks that the two name the same fields.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Union, overload

from .errors import JobError

_HERE = os.path.dirname(os.path.abspath(__file__))
JobKind = Literal["sft", "eval"]


def load_defaults() -> dict[str, dict[str, Any]]:
    with open(os.path.join(_HERE, "defaults.json"), encoding="utf-8") as f:
        return json.load(f)


# --- what a value must be: one named predicate per rule, with the words the error uses ---------------


@dataclass(frozen=True)
class Rule:
    test: Callable[[Any], bool]
    what: str
    choices: tuple[str, ...] = ()


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def text(what: str) -> Rule:
    return Rule(lambda v: isinstance(v, str) and v.strip() != "", what)


def integer(low: int | None = None, high: int | None = None, what: str = "a positive integer") -> Rule:
    return Rule(lambda v: _is_int(v) and (low is None or v >= low) and (high is None or v <= high), what)


def number(what: str, above: float | None = None, at_least: float | None = None, below: float | None = None, at_most: float | None = None) -> Rule:
    """A number within the bounds given: above / below are open, at_least / at_most closed."""

    def test(v: object) -> bool:
        if not _is_num(v):
            return False
        x = float(v)  # type: ignore[arg-type]
        return ((above is None or x > above) and (at_least is None or x >= at_least)
                and (below is None or x < below) and (at_most is None or x <= at_most))

    return Rule(test, what)


def one_of(*choices: str) -> Rule:
    return Rule(lambda v: v in choices, "one of " + ", ".join(choices), choices)


FLAG = Rule(lambda v: isinstance(v, bool), "true or false")
ANY_TEXT = Rule(lambda v: isinstance(v, str), "a string")
POSITIVE = integer(1)
FRACTION = number("a fraction in [0, 1)", at_least=0, below=1)
MODULES = Rule(lambda v: isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)),
               '"all-linear" or a list of module names')


def _rule(rule: Rule) -> Any:
    """A dataclass field whose value defaults.json supplies and `rule` checks."""
    return field(metadata={"rule": rule})


# --- the jobs -------------------------------------------------------------------------------------------

Strategy = Literal["auto", "ddp", "fsdp"]


@dataclass(frozen=True)
class LoraSpec:
    r: int = _rule(POSITIVE)
    alpha: float = _rule(number("a positive number", above=0))
    dropout: float = _rule(number("in [0, 1)", at_least=0, below=1))
    target_modules: Union[str, list[str]] = _rule(MODULES)
    merge: bool = _rule(FLAG)


@dataclass(frozen=True)
class SftJob:
    base_model: str = _rule(text("a model id or a folder"))
    dataset: str = _rule(text("a JSONL file"))
    output_dir: str = _rule(text("a folder"))
    validation: str | None = _rule(text("a JSONL file"))
    validation_split: float = _rule(FRACTION)
    epochs: float = _rule(number("a positive number", above=0))
    max_steps: int | None = _rule(POSITIVE)
    learning_rate: float = _rule(number("a number in (0, 1)", above=0, below=1))
    lr_scheduler: str = _rule(one_of("cosine", "linear", "constant", "constant_with_warmup", "cosine_with_restarts", "polynomial"))
    warmup_ratio: float = _rule(FRACTION)
    weight_decay: float = _rule(number("a non-negative number", at_least=0))
    max_grad_norm: float = _rule(number("a non-negative number (0 turns clipping off)", at_least=0))
    global_batch_size: int = _rule(POSITIVE)
    per_device_batch_size: int = _rule(POSITIVE)
    cutoff_len: int = _rule(integer(16, what="an integer >= 16"))
    overlong: str = _rule(one_of("drop", "truncate"))
    batching: str = _rule(one_of("auto", "packed", "grouped", "padded"))
    attn_implementation: str = _rule(one_of("auto", "flex_attention", "sdpa", "eager", "flash_attention_2"))
    bf16: bool = _rule(FLAG)
    gradient_checkpointing: bool = _rule(FLAG)
    lora: LoraSpec | None = _rule(Rule(lambda v: isinstance(v, (dict, LoraSpec)), 'an object such as {"r": 32} (or null for full fine-tuning)'))
    strategy: Strategy = _rule(one_of("auto", "ddp", "fsdp"))
    cpu_offload: bool = _rule(FLAG)
    save: str = _rule(one_of("epoch", "steps", "no"))
    save_steps: int | None = _rule(POSITIVE)
    save_total_limit: int | None = _rule(POSITIVE)
    save_optimizer: bool = _rule(FLAG)
    logging_steps: int = _rule(POSITIVE)
    seed: int = _rule(integer(what="an integer"))
    system_prompt: str | None = _rule(ANY_TEXT)
    resume: bool = _rule(FLAG)
    gpus: int | None = _rule(POSITIVE)
    nodes: int = _rule(POSITIVE)
    fsdp: bool = _rule(FLAG)
    trust_remote_code: bool = _rule(FLAG)
    #: keys starting with "_" in job.json: internal knobs (e.g. the GPU check's "_no_final_save"), never checked
    knobs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sharded(self) -> bool:
        """`fsdp: true` is the older spelling of `strategy: fsdp`."""
        return self.strategy == "fsdp" or self.fsdp


@dataclass(frozen=True)
class EvalJob:
    model: str = _rule(text("a model id or a folder"))
    problems: str = _rule(text("a JSONL file"))
    output_dir: str | None = _rule(text("a folder"))
    n: int = _rule(integer(1, 1024, "an integer from 1 to 1024"))
    temperature: float = _rule(number("a number from 0 to 2", at_least=0, at_most=2))
    top_p: float = _rule(number("a number in (0, 1]", above=0, at_most=1))
    max_tokens: int | None = _rule(POSITIVE)
    seed: int = _rule(integer(what="an integer"))
    batch_size: int = _rule(POSITIVE)
    backend: str = _rule(one_of("auto", "vllm", "transformers"))
    dtype: str = _rule(one_of("bfloat16", "float16", "float32", "auto"))
    max_model_len: int | None = _rule(integer(16, what="an integer >= 16"))
    gpus: int | None = _rule(POSITIVE)
    system_prompt: str | None = _rule(ANY_TEXT)
    trust_remote_code: bool = _rule(FLAG)
    knobs: Mapping[str, Any] = field(default_factory=dict)


Job = Union[SftJob, EvalJob]
JOB_CLASSES: dict[str, type[SftJob] | type[EvalJob]] = {"sft": SftJob, "eval": EvalJob}
REQUIRED: dict[str, tuple[str, ...]] = {"sft": ("base_model", "dataset", "output_dir"), "eval": ("model", "problems")}
PATH_FIELDS: dict[str, tuple[str, ...]] = {"sft": ("dataset", "validation", "output_dir"), "eval": ("problems", "output_dir")}


def rules(cls: type) -> dict[str, Rule]:
    """Each field's rule, by name (the fields that job.json may set)."""
    return {f.name: f.metadata["rule"] for f in dataclasses.fields(cls) if "rule" in f.metadata}


def _checked(cls: type[Any], values: dict[str, Any], where: str, prefix: str = "") -> Any:
    for name, rule in rules(cls).items():
        value = values[name]
        if value is None:
            continue
        if not rule.test(value):
            if rule.choices:
                raise JobError(f"{where}: {prefix}{name} must be one of {', '.join(rule.choices)}, got {value!r}")
            raise JobError(f"{where}: {prefix}{name} must be {rule.what}, got {json.dumps(value)}")
    return cls(**values)


def _lora(value: object, defaults: dict[str, Any], where: str) -> LoraSpec:
    if isinstance(value, LoraSpec):
        return value
    assert isinstance(value, dict)
    bad = sorted(k for k in value if k not in defaults)
    if bad:
        raise JobError(f"{where}: unknown lora field(s) {', '.join(bad)} (known: {', '.join(defaults)})")
    return _checked(LoraSpec, {**defaults, **value}, where, "lora.")


@overload
def validate(raw: object, kind: Literal["sft"], where: str = ...) -> SftJob: ...
@overload
def validate(raw: object, kind: Literal["eval"], where: str = ...) -> EvalJob: ...
@overload
def validate(raw: object, kind: str, where: str = ...) -> Job: ...
def validate(raw: object, kind: str, where: str = "job.json") -> Job:
    """The job with defaults filled in; raises JobError naming the field on any mistake."""
    if kind not in REQUIRED:
        raise JobError(f"unknown job kind {kind!r}: use sft or eval")
    if not isinstance(raw, dict):
        raise JobError(f"{where}: the job must be a JSON object, got {type(raw).__name__}")
    defaults = load_defaults()
    known = defaults[kind]
    unknown = sorted(k for k in raw if k not in known and not k.startswith("_"))
    if unknown:
        raise JobError(f"{where}: unknown field(s) {', '.join(unknown)} for an {kind} job (known: {', '.join(known)})")
    values = {**known, **{k: v for k, v in raw.items() if not k.startswith("_")}}
    knobs = {k[1:]: v for k, v in raw.items() if k.startswith("_")}
    cls = JOB_CLASSES[kind]
    for name in REQUIRED[kind]:
        if values.get(name) in (None, ""):
            raise JobError(f"{where}: {name} is required for an {kind} job ({rules(cls)[name].what})")
    job = _checked(cls, values, where)
    job = dataclasses.replace(job, knobs=knobs)
    if isinstance(job, SftJob):
        if job.lora is not None:
            job = dataclasses.replace(job, lora=_lora(job.lora, defaults["lora"], where))
        if job.validation and job.validation_split:
            raise JobError(f"{where}: give either validation (a file) or validation_split (a fraction), not both")
        if job.save == "steps" and job.save_steps is None:
            raise JobError(f"{where}: save is steps but save_steps is not set: give save_steps (optimizer steps between checkpoints)")
    return job


def _absolute(value: str, base_dir: str) -> str:
    if value.startswith("~"):
        # the cluster user's home: a place that outlives the job's working_dir (the default checkpoint root)
        value = os.path.expanduser(value)
    if value and not os.path.isabs(value) and not value.startswith(("s3://", "gs://", "hf://")):
        return os.path.normpath(os.path.join(base_dir, value))
    return value


def resolve_paths(job: Job, kind: str, base_dir: str) -> Job:
    """Relative paths are relative to the folder of job.json (the job's working directory)."""
    changes: dict[str, Any] = {}
    for name in PATH_FIELDS[kind]:
        value = getattr(job, name)
        if isinstance(value, str):
            changes[name] = _absolute(value, base_dir)
    # A model given as a relative folder that exists next to job.json is a path; otherwise a hub id.
    key = "base_model" if kind == "sft" else "model"
    value = getattr(job, key)
    if isinstance(value, str) and not os.path.isabs(value) and os.path.isdir(os.path.join(base_dir, value)):
        changes[key] = os.path.normpath(os.path.join(base_dir, value))
    return dataclasses.replace(job, **changes)


@overload
def load_job(path: str, kind: Literal["sft"]) -> SftJob: ...
@overload
def load_job(path: str, kind: Literal["eval"]) -> EvalJob: ...
@overload
def load_job(path: str, kind: str) -> Job: ...
def load_job(path: str, kind: str) -> Job:
    """Reads, validates and resolves job.json."""
    try:
        with open(path, encoding="utf-8") as f:
            body = f.read()
    except OSError as e:
        raise JobError(f"cannot read the job file {path}: {e.strerror or e}")
    try:
        raw = json.loads(body)
    except ValueError as e:
        raise JobError(f"{path}: not valid JSON ({e})")
    job = validate(raw, kind, where=path)
    return resolve_paths(job, kind, os.path.dirname(os.path.abspath(path)))


def to_json(job: Job) -> dict[str, Any]:
    """The job as job.json would give it (for Ray Train's worker config and for tests)."""
    out = dataclasses.asdict(job)
    knobs = out.pop("knobs")
    return {**out, **{"_" + k: v for k, v in knobs.items()}}
