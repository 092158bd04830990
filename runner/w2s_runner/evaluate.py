"""Evaluation: generate answers to the job's problems, one `sample` record per generation.

With vLLM when it imports (and a GPU is there), else transformers with batched, left-padded generation
(examples sorted by prompt length so a batch wastes little padding; a batch that runs out of memory is
split in two and retried). Prompts go through the model's chat template (problems with `messages`) or
are used as they are (`prompt`, for base models). W2SR eval defaults: temperature 0.6, top_p 0.95,
n samples per problem with a seed each, max_tokens up to the model's context; generation stops at the
template's end-of-turn tokens (eval_plan.py). A LoRA folder is served by vLLM's LoRA support over its
base model, or merged first on the transformers path. The W2S Studio grader grades the answers on the
other side; the runner never grades.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import deps
from .chat import ensure_chat_template, render, stop_token_ids
from .data import read_problems
from .errors import RunnerError
from .eval_plan import Parallel, parallel_plan, sample_seed, sampling_kwargs, shard, stop_ids, token_budget
from .hf import dtype_kwargs, is_adapter_dir
from .job import EvalJob
from .records import emit
from .seeded_sampling import seeded_sampler

EVAL_PACKAGES = ["torch", "transformers"]

Unit = tuple[int, int]  # (problem index, sample index): one generation
OnSample = Callable[[int, int, str, str, int, int], None]


@dataclass
class Prepared:
    """The job's prompts, rendered and tokenized once, and what every backend needs to generate."""

    job: EvalJob
    tokenizer: Any
    problems: list[dict[str, Any]]
    prompt_ids: list[list[int]]
    units: list[Unit]
    stops: list[int] = field(default_factory=list)


def _torch_dtype(torch: Any, name: str) -> Any:
    return {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}.get(name, "auto")


def adapter_base(path: str) -> str | None:
    """The base model a LoRA folder names, or None when the folder is a whole model."""
    if not is_adapter_dir(path):
        return None
    with open(os.path.join(path, "adapter_config.json"), encoding="utf-8") as f:
        return json.load(f).get("base_model_name_or_path") or None


def load_tokenizer(transformers: Any, path: str, trust: bool) -> Any:
    source = path
    if is_adapter_dir(path) and not os.path.isfile(os.path.join(path, "tokenizer_config.json")):
        source = adapter_base(path) or path
    return transformers.AutoTokenizer.from_pretrained(source, trust_remote_code=trust)


def generation_eos(transformers: Any, path: str) -> object:
    """eos_token_id of the model's generation_config.json (an int or a list), or None."""
    source = adapter_base(path) or path
    try:
        return transformers.GenerationConfig.from_pretrained(source).eos_token_id
    except Exception:
        pass
    try:
        with open(os.path.join(source, "generation_config.json"), encoding="utf-8") as f:
            return json.load(f).get("eos_token_id")
    except (OSError, ValueError):
        return None


def load_hf_model(transformers: Any, torch: Any, job: EvalJob) -> Any:
    kwargs = dict(dtype_kwargs(transformers, _torch_dtype(torch, job.dtype)))
    kwargs["trust_remote_code"] = job.trust_remote_code
    if is_adapter_dir(job.model):
        deps.require(["peft"], "load a LoRA adapter")
        from peft import AutoPeftModelForCausalLM

        model = AutoPeftModelForCausalLM.from_pretrained(job.model, **kwargs).merge_and_unload()
    else:
        model = transformers.AutoModelForCausalLM.from_pretrained(job.model, **kwargs)
    if torch.cuda.is_available():
        model = model.to("cuda")
    model.eval()
    return model


def context_length(job: EvalJob, config: Any) -> int:
    if job.max_model_len:
        return job.max_model_len
    for name in ("max_position_embeddings", "n_positions", "max_sequence_length"):
        v = getattr(config, name, None)
        if isinstance(v, int) and v > 0:
            return v
    return 4096


# --- transformers -------------------------------------------------------------------------------------------


def generate_transformers(p: Prepared, on_sample: OnSample) -> None:
    import torch
    import transformers

    job, tokenizer, prompt_ids = p.job, p.tokenizer, p.prompt_ids
    model = load_hf_model(transformers, torch, job)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    stops = set(p.stops)
    ctx = context_length(job, model.config)
    device = next(model.parameters()).device
    order = sorted(p.units, key=lambda u: -len(prompt_ids[u[0]]))
    sampling = job.temperature > 0
    torch.manual_seed(job.seed)
    batch_size = job.batch_size
    i = 0
    while i < len(order):
        batch = order[i : i + batch_size]
        longest = max(len(prompt_ids[pi]) for pi, _ in batch)
        budget = min(job.max_tokens or ctx, ctx - longest)
        if budget < 1:
            for pi, idx in batch:
                on_sample(pi, idx, "", "length", len(prompt_ids[pi]), 0)
            i += len(batch)
            continue
        ids = torch.full((len(batch), longest), pad, dtype=torch.long)
        mask = torch.zeros((len(batch), longest), dtype=torch.long)
        for row, (pi, _) in enumerate(batch):
            ids[row, longest - len(prompt_ids[pi]):] = torch.tensor(prompt_ids[pi], dtype=torch.long)
            mask[row, longest - len(prompt_ids[pi]):] = 1
        # do_sample stays off: sampling is the seeded processor's (a seed per sample, as on vLLM), and
        # generate() takes the one token it leaves. Without it, every row would draw from torch's global
        # generator and a sample would change with its batch.
        gen_kwargs: dict[str, Any] = {"max_new_tokens": budget, "do_sample": False, "pad_token_id": pad, "eos_token_id": sorted(stops) or None}
        if sampling:
            seeds = [sample_seed(job.seed, idx) for _, idx in batch]
            gen_kwargs["logits_processor"] = transformers.LogitsProcessorList([seeded_sampler(transformers, torch, seeds, job.temperature, job.top_p)])
        try:
            with torch.no_grad():
                out = model.generate(input_ids=ids.to(device), attention_mask=mask.to(device), **gen_kwargs)
        except torch.cuda.OutOfMemoryError:
            if batch_size == 1:
                raise
            torch.cuda.empty_cache()
            batch_size = max(1, batch_size // 2)
            emit("status", phase="generating", message=f"out of memory: batch size {batch_size} from now on")
            continue
        for row, (pi, idx) in enumerate(batch):
            new = out[row, longest:].tolist()
            end = next((k for k, t in enumerate(new) if t in stops), None)
            finish = "stop" if end is not None else "length"
            kept = new[:end] if end is not None else [t for t in new if t != pad]
            text = tokenizer.decode(kept, skip_special_tokens=True)
            on_sample(pi, idx, text, finish, len(prompt_ids[pi]), len(kept) + (1 if end is not None else 0))
        i += len(batch)


# --- vLLM -----------------------------------------------------------------------------------------------------


def model_heads(transformers: Any, path: str, trust: bool) -> tuple[int | None, int | None]:
    try:
        config = transformers.AutoConfig.from_pretrained(adapter_base(path) or path, trust_remote_code=trust)
    except Exception:
        return None, None
    heads = getattr(config, "num_attention_heads", None)
    kv = getattr(config, "num_key_value_heads", None)
    return (heads if isinstance(heads, int) else None), (kv if isinstance(kv, int) else None)


def vllm_engine_kwargs(job: EvalJob, tensor_parallel: int) -> tuple[dict[str, Any], str | None]:
    """LLM(...) arguments and the LoRA folder to serve over its base model (None for a whole model)."""
    base = adapter_base(job.model)
    kwargs: dict[str, Any] = {"model": base or job.model, "dtype": job.dtype, "seed": job.seed,
                              "tensor_parallel_size": tensor_parallel, "trust_remote_code": job.trust_remote_code}
    if job.max_model_len:
        kwargs["max_model_len"] = job.max_model_len
    if base:
        with open(os.path.join(job.model, "adapter_config.json"), encoding="utf-8") as f:
            rank = int(json.load(f).get("r") or 16)
        kwargs.update(enable_lora=True, max_lora_rank=max(8, rank), max_loras=1)
    return kwargs, (job.model if base else None)


def vllm_generate(p: Prepared, units: list[Unit], tensor_parallel: int, on_sample: OnSample) -> None:
    from vllm import LLM, SamplingParams

    kwargs, lora_dir = vllm_engine_kwargs(p.job, tensor_parallel)
    llm = LLM(**kwargs)
    lora = None
    if lora_dir:
        from vllm.lora.request import LoRARequest

        lora = LoRARequest("w2s-adapter", 1, lora_dir)
    try:
        ctx = int(llm.llm_engine.model_config.max_model_len)
    except Exception:
        ctx = p.job.max_model_len or 4096
    job = p.job
    chunk = 1024
    for start in range(0, len(units), chunk):
        part = units[start : start + chunk]
        prompts, params = [], []
        for pi, idx in part:
            ids = p.prompt_ids[pi]
            prompts.append({"prompt_token_ids": ids})
            budget = token_budget(job.max_tokens, ctx, len(ids))
            params.append(SamplingParams(**sampling_kwargs(job.temperature, job.top_p, job.seed, idx, budget, p.stops)))
        outputs = llm.generate(prompts, params, use_tqdm=False, **({"lora_request": lora} if lora else {}))
        for (pi, idx), o in zip(part, outputs):
            c = o.outputs[0]
            on_sample(pi, idx, c.text, c.finish_reason or "stop", len(o.prompt_token_ids or p.prompt_ids[pi]), len(c.token_ids))


def _replica_main(p: Prepared, units: list[Unit], tensor_parallel: int, gpus: str, queue: Any) -> None:
    """One data-parallel replica in its own process, on its own GPUs; samples go back through the queue
    so that only the parent prints records (long sample lines from several processes could interleave)."""
    os.environ["CUDA_VISIBLE_DEVICES"] = gpus
    try:
        vllm_generate(p, units, tensor_parallel, lambda *sample: queue.put(("sample", sample)))
        queue.put(("done", None))
    except BaseException as e:  # reported by the parent as this replica's failure
        queue.put(("error", f"{type(e).__name__}: {e}"))


def generate_vllm(p: Prepared, on_sample: OnSample, parallel: Parallel) -> None:
    if parallel.replicas == 1:
        vllm_generate(p, p.units, parallel.tensor_parallel, on_sample)
        return
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    devices = visible.split(",") if visible else [str(i) for i in range(parallel.tensor_parallel * parallel.replicas)]
    procs = []
    for k in range(parallel.replicas):
        gpus = ",".join(devices[k * parallel.tensor_parallel : (k + 1) * parallel.tensor_parallel])
        proc = ctx.Process(target=_replica_main, args=(p, shard(p.units, parallel.replicas, k), parallel.tensor_parallel, gpus, queue))
        proc.start()
        procs.append(proc)
    running, failures = len(procs), []
    while running:
        kind, value = queue.get()
        if kind == "sample":
            on_sample(*value)
        else:
            running -= 1
            if kind == "error":
                failures.append(value)
    for proc in procs:
        proc.join()
    if failures:
        raise RunnerError(f"{len(failures)} of {parallel.replicas} vLLM replicas failed: {failures[0]}", kind="exception")


# --- the job --------------------------------------------------------------------------------------------------


def prepare(job: EvalJob, transformers: Any) -> Prepared:
    problems = read_problems(job.problems, job.n, job.system_prompt)
    tokenizer = load_tokenizer(transformers, job.model, job.trust_remote_code)
    if any("messages" in p for p in problems):
        added = ensure_chat_template(tokenizer)
        if added:
            raise RunnerError(f"the model's tokenizer has no chat template and lacks the ChatML tokens {', '.join(added)}: "
                              "give problems as raw prompts (template simple) or a model with a chat template", kind="bad_model")
        if added is not None:
            emit("status", phase="note", message="the tokenizer has no chat template: using ChatML (Qwen's)")
    tokenizer.padding_side = "left"
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    prompt_ids: list[list[int]] = []
    for p in problems:
        if "messages" in p:
            ids = tokenizer(render(tokenizer, p["messages"], add_generation_prompt=True), add_special_tokens=False)["input_ids"]
        else:
            ids = tokenizer(p["prompt"])["input_ids"]
        prompt_ids.append(list(ids))
    units = [(pi, idx) for pi, p in enumerate(problems) for idx in p["indices"]]
    stops = stop_ids(stop_token_ids(tokenizer), generation_eos(transformers, job.model))
    return Prepared(job, tokenizer, problems, prompt_ids, units, stops)


def run_eval(job: EvalJob) -> dict[str, Any]:
    deps.require(EVAL_PACKAGES, "evaluate a model")
    import torch
    import transformers

    cuda = torch.cuda.is_available()
    backend = job.backend
    if backend == "auto":
        backend = "vllm" if cuda and deps.available("vllm") else "transformers"
    elif backend == "vllm":
        deps.require(["vllm"], "generate with vLLM (or set backend to transformers)")
    emit("status", phase="loading", message=f"evaluating {job.model} with {backend}", backend=backend,
         torch=torch.__version__, transformers=transformers.__version__, cuda=cuda, gpu=torch.cuda.get_device_name(0) if cuda else None)
    if not cuda:
        emit("status", phase="note", message="no CUDA GPU visible: generating on the CPU (slow)")

    p = prepare(job, transformers)
    parallel = Parallel(1, 1, None)
    if backend == "vllm":
        heads, kv = model_heads(transformers, job.model, job.trust_remote_code)
        parallel = parallel_plan(job.gpus or max(1, torch.cuda.device_count()), heads, kv)
        if parallel.note:
            emit("status", phase="note", message=parallel.note)
    total = len(p.units)
    emit("status", phase="generating", message=f"{total} generations for {len(p.problems)} problems", total=total, done=0,
         stop_token_ids=p.stops, tensor_parallel=parallel.tensor_parallel, replicas=parallel.replicas)

    counts = {"done": 0, "prompt_tokens": 0, "completion_tokens": 0, "truncated": 0}
    started = time.time()
    last_report = [started]

    def on_sample(pi: int, idx: int, text: str, finish: str, ptoks: int, ctoks: int) -> None:
        emit("sample", problem=p.problems[pi]["key"], index=idx, text=text, finish_reason=finish, prompt_tokens=ptoks, completion_tokens=ctoks)
        counts["done"] += 1
        counts["prompt_tokens"] += ptoks
        counts["completion_tokens"] += ctoks
        counts["truncated"] += finish == "length"
        now = time.time()
        if now - last_report[0] > 5 or counts["done"] == total:
            last_report[0] = now
            emit("status", phase="generating", message=f"{counts['done']}/{total} generated", total=total, done=counts["done"],
                 tokens_per_second=round(counts["completion_tokens"] / max(1e-9, now - started), 1))

    if backend == "vllm":
        generate_vllm(p, on_sample, parallel)
    else:
        generate_transformers(p, on_sample)
    seconds = time.time() - started
    return {
        "kind": "eval",
        "backend": backend,
        "model": job.model,
        "problems": len(p.problems),
        "samples": counts["done"],
        "truncated": counts["truncated"],
        "prompt_tokens": counts["prompt_tokens"],
        "completion_tokens": counts["completion_tokens"],
        "seconds": round(seconds, 1),
        "tokens_per_second": round(counts["completion_tokens"] / max(1e-9, seconds), 1),
        "samples_per_second": round(counts["done"] / max(1e-9, seconds), 2),
        "tensor_parallel": parallel.tensor_parallel,
        "replicas": parallel.replicas,
    }
