"""Evaluation: generate answers to the job's problems, one `sample` record per generation.

With vLLM when it imports (and a GPU is there), else transformers with batched, left-padded generation
(examples sorted by prompt length so a batch wastes little padding; a batch that runs out of memory is
split in two and retried). Prompts go through the model's chat template (problems with `messages`) or
are used as they are (`prompt`, for base models). W2SR eval defaults: temperature 0.6, top_p 0.95,
n samples per problem, max_tokens 4096 (clamped so that prompt + answer fit the model's context).
The W2S Studio grader grades the answers on the other side; the runner never grades.
"""

import os
import time

from . import deps
from .chat import ensure_chat_template, render, stop_token_ids
from .data import read_problems
from .errors import RunnerError
from .hf import dtype_kwargs, is_adapter_dir
from .records import emit

EVAL_PACKAGES = ["torch", "transformers"]


def _units(problems, prompts):
    """(problem index, sample index) pairs: one generation each."""
    return [(pi, idx) for pi, p in enumerate(problems) for idx in p["indices"]]


def _torch_dtype(torch, name):
    return {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}.get(name, "auto")


def load_tokenizer(transformers, path, trust):
    source = path
    if is_adapter_dir(path) and not os.path.isfile(os.path.join(path, "tokenizer_config.json")):
        import json

        with open(os.path.join(path, "adapter_config.json"), encoding="utf-8") as f:
            source = json.load(f).get("base_model_name_or_path") or path
    return transformers.AutoTokenizer.from_pretrained(source, trust_remote_code=trust)


def load_hf_model(transformers, torch, job):
    kwargs = dict(dtype_kwargs(transformers, _torch_dtype(torch, job["dtype"])))
    kwargs["trust_remote_code"] = job["trust_remote_code"]
    path = job["model"]
    if is_adapter_dir(path):
        deps.require(["peft"], "load a LoRA adapter")
        from peft import AutoPeftModelForCausalLM

        model = AutoPeftModelForCausalLM.from_pretrained(path, **kwargs).merge_and_unload()
    else:
        model = transformers.AutoModelForCausalLM.from_pretrained(path, **kwargs)
    if torch.cuda.is_available():
        model = model.to("cuda")
    model.eval()
    return model


def context_length(job, config):
    if job["max_model_len"]:
        return job["max_model_len"]
    for name in ("max_position_embeddings", "n_positions", "max_sequence_length"):
        v = getattr(config, name, None)
        if isinstance(v, int) and v > 0:
            return v
    return 4096


def generate_transformers(job, problems, prompts, prompt_ids, units, on_sample):
    import torch
    import transformers

    model = load_hf_model(transformers, torch, job)
    tokenizer = job["_tokenizer"]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    stops = set(stop_token_ids(tokenizer))
    ctx = context_length(job, model.config)
    device = next(model.parameters()).device
    order = sorted(units, key=lambda u: -len(prompt_ids[u[0]]))
    sampling = job["temperature"] > 0
    torch.manual_seed(job["seed"])
    batch_size = job["batch_size"]
    i = 0
    while i < len(order):
        batch = order[i : i + batch_size]
        longest = max(len(prompt_ids[pi]) for pi, _ in batch)
        budget = min(job["max_tokens"], ctx - longest)
        if budget < 1:
            for pi, idx in batch:
                on_sample(pi, idx, "", "length", len(prompt_ids[pi]), 0)
            i += len(batch)
            continue
        ids = torch.full((len(batch), longest), pad, dtype=torch.long)
        mask = torch.zeros((len(batch), longest), dtype=torch.long)
        for row, (pi, _) in enumerate(batch):
            p = prompt_ids[pi]
            ids[row, longest - len(p):] = torch.tensor(p, dtype=torch.long)
            mask[row, longest - len(p):] = 1
        gen_kwargs = {"max_new_tokens": budget, "do_sample": sampling, "pad_token_id": pad, "eos_token_id": sorted(stops) or None}
        if sampling:
            gen_kwargs.update(temperature=job["temperature"], top_p=job["top_p"])
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


def generate_vllm(job, problems, prompts, prompt_ids, units, on_sample):
    import torch
    from vllm import LLM, SamplingParams

    gpus = job["gpus"] or max(1, torch.cuda.device_count())
    kwargs = {"model": job["model"], "dtype": job["dtype"], "seed": job["seed"], "tensor_parallel_size": gpus, "trust_remote_code": job["trust_remote_code"]}
    if job["max_model_len"]:
        kwargs["max_model_len"] = job["max_model_len"]
    llm = LLM(**kwargs)
    try:
        ctx = int(llm.llm_engine.model_config.max_model_len)
    except Exception:
        ctx = job["max_model_len"] or 4096
    chunk = 1024
    for start in range(0, len(units), chunk):
        part = units[start : start + chunk]
        texts, params = [], []
        for pi, idx in part:
            budget = max(1, min(job["max_tokens"], ctx - len(prompt_ids[pi])))
            texts.append(prompts[pi])
            # One seed per (problem, sample): a re-run reproduces each sample, whatever else is in the batch.
            params.append(SamplingParams(n=1, temperature=job["temperature"], top_p=job["top_p"], max_tokens=budget, seed=job["seed"] + idx))
        outputs = llm.generate(texts, params, use_tqdm=False)
        for (pi, idx), o in zip(part, outputs):
            c = o.outputs[0]
            on_sample(pi, idx, c.text, c.finish_reason or "stop", len(o.prompt_token_ids or prompt_ids[pi]), len(c.token_ids))


def run_eval(job):
    deps.require(EVAL_PACKAGES, "evaluate a model")
    import torch
    import transformers

    cuda = torch.cuda.is_available()
    backend = job["backend"]
    if backend == "auto":
        backend = "vllm" if cuda and deps.available("vllm") else "transformers"
    elif backend == "vllm":
        deps.require(["vllm"], "generate with vLLM (or set backend to transformers)")
    emit("status", phase="loading", message=f"evaluating {job['model']} with {backend}", backend=backend,
         torch=torch.__version__, transformers=transformers.__version__, cuda=cuda, gpu=torch.cuda.get_device_name(0) if cuda else None)
    if not cuda:
        emit("status", phase="note", message="no CUDA GPU visible: generating on the CPU (slow)")

    problems = read_problems(job["problems"], job["n"], job["system_prompt"])
    tokenizer = load_tokenizer(transformers, job["model"], job["trust_remote_code"])
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
    job = dict(job, _tokenizer=tokenizer)
    prompts, prompt_ids = [], []
    for p in problems:
        if "messages" in p:
            text = render(tokenizer, p["messages"], add_generation_prompt=True)
            ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        else:
            text = p["prompt"]
            ids = tokenizer(text)["input_ids"]
        prompts.append(text)
        prompt_ids.append(list(ids))
    units = _units(problems, prompts)
    total = len(units)
    emit("status", phase="generating", message=f"{total} generations for {len(problems)} problems", total=total, done=0)

    counts = {"done": 0, "prompt_tokens": 0, "completion_tokens": 0, "truncated": 0}
    started = time.time()
    last_report = [started]

    def on_sample(pi, idx, text, finish, ptoks, ctoks):
        emit("sample", problem=problems[pi]["key"], index=idx, text=text, finish_reason=finish, prompt_tokens=ptoks, completion_tokens=ctoks)
        counts["done"] += 1
        counts["prompt_tokens"] += ptoks
        counts["completion_tokens"] += ctoks
        counts["truncated"] += finish == "length"
        now = time.time()
        if now - last_report[0] > 5 or counts["done"] == total:
            last_report[0] = now
            emit("status", phase="generating", message=f"{counts['done']}/{total} generated", total=total, done=counts["done"],
                 tokens_per_second=round(counts["completion_tokens"] / max(1e-9, now - started), 1))

    (generate_vllm if backend == "vllm" else generate_transformers)(job, problems, prompts, prompt_ids, units, on_sample)
    seconds = time.time() - started
    return {
        "kind": "eval",
        "backend": backend,
        "model": job["model"],
        "problems": len(problems),
        "samples": counts["done"],
        "truncated": counts["truncated"],
        "prompt_tokens": counts["prompt_tokens"],
        "completion_tokens": counts["completion_tokens"],
        "seconds": round(seconds, 1),
        "tokens_per_second": round(counts["completion_tokens"] / max(1e-9, seconds), 1),
        "samples_per_second": round(counts["done"] / max(1e-9, seconds), 2),
    }
