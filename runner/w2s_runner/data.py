"""Reading the job's data: SFT conversations and eval problems, with errors that name file and line.

SFT files are JSONL in any of the formats W2S Studio exports:
  OpenAI chat   {"messages": [{"role": "system"|"user"|"assistant", "content": "..."}]}
  ShareGPT      {"conversations": [{"from": "system"|"human"|"gpt", "value": "..."}]}
  Alpaca        {"instruction": "...", "input": "...", "output": "...", "system": "..."}
Eval problem files have one problem per line: {"key": "...", "messages": [...]} (chat, through the model's
chat template), {"key": "...", "prompt": "..."} (raw text, for base models), or {"key": "...", "question":
"..."} (the W2SR qwen-base instruction is added); an optional "indices" lists the sample indices to generate.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .errors import JobError

_SHAREGPT_ROLES = {"system": "system", "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant"}
QWEN_BASE_INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}."


def read_jsonl(path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yields (line_number, object) for every non-empty line; a bad line stops with file:line."""
    try:
        f = open(path, encoding="utf-8-sig")
    except OSError as e:
        raise JobError(f"cannot read {path}: {e.strerror or e}")
    with f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as e:
                raise JobError(f"{path}:{number}: not valid JSON ({e})")
            if not isinstance(value, dict):
                raise JobError(f"{path}:{number}: expected a JSON object, got {type(value).__name__}")
            yield number, value


def _message(m: object, where: str) -> dict[str, str]:
    if not isinstance(m, dict):
        raise JobError(f"{where}: each message must be an object with role and content")
    role, content = m.get("role"), m.get("content")
    if role not in ("system", "user", "assistant"):
        raise JobError(f"{where}: message role must be system, user or assistant, got {role!r}")
    if not isinstance(content, str):
        raise JobError(f"{where}: message content must be a string (role {role})")
    return {"role": role, "content": content}


def conversation(obj: dict[str, Any], where: str) -> list[dict[str, str]]:
    """One record in any supported format → a list of {role, content} with at least one assistant turn."""
    if "messages" in obj:
        if not isinstance(obj["messages"], list):
            raise JobError(f"{where}: messages must be a list")
        msgs = [_message(m, where) for m in obj["messages"]]
    elif "conversations" in obj:
        if not isinstance(obj["conversations"], list):
            raise JobError(f"{where}: conversations must be a list")
        msgs = []
        for turn in obj["conversations"]:
            if not isinstance(turn, dict) or turn.get("from") not in _SHAREGPT_ROLES or not isinstance(turn.get("value"), str):
                raise JobError(f'{where}: each ShareGPT turn needs "from" (system, human, gpt) and a string "value"')
            msgs.append({"role": _SHAREGPT_ROLES[turn["from"]], "content": turn["value"]})
        if isinstance(obj.get("system"), str) and obj["system"] and not any(m["role"] == "system" for m in msgs):
            msgs.insert(0, {"role": "system", "content": obj["system"]})
    elif "instruction" in obj and "output" in obj:
        if not isinstance(obj["instruction"], str) or not isinstance(obj["output"], str):
            raise JobError(f"{where}: Alpaca instruction and output must be strings")
        prompt = obj["instruction"]
        if isinstance(obj.get("input"), str) and obj["input"]:
            prompt = f"{prompt}\n{obj['input']}"
        msgs = []
        if isinstance(obj.get("system"), str) and obj["system"]:
            msgs.append({"role": "system", "content": obj["system"]})
        msgs += [{"role": "user", "content": prompt}, {"role": "assistant", "content": obj["output"]}]
    else:
        raise JobError(f'{where}: unknown record format: expected "messages" (OpenAI chat), "conversations" (ShareGPT) or "instruction" + "output" (Alpaca)')
    if not any(m["role"] == "assistant" for m in msgs):
        raise JobError(f"{where}: no assistant message to learn from")
    return msgs


def read_conversations(path: str, system_prompt: str | None = None) -> list[list[dict[str, str]]]:
    """Every conversation of an SFT file; `system_prompt` is added where a conversation has none."""
    out = []
    for number, obj in read_jsonl(path):
        msgs = conversation(obj, f"{path}:{number}")
        if system_prompt and msgs[0]["role"] != "system":
            msgs = [{"role": "system", "content": system_prompt}] + msgs
        out.append(msgs)
    if not out:
        raise JobError(f"{path}: the dataset is empty")
    return out


def read_problems(path: str, n: int, system_prompt: str | None = None) -> list[dict[str, Any]]:
    """Eval problems: [{key, messages | prompt, indices}] with unique keys."""
    out, seen = [], set()
    for number, obj in read_jsonl(path):
        where = f"{path}:{number}"
        key = obj.get("key", obj.get("id"))
        if key is None or isinstance(key, (dict, list, bool)):
            raise JobError(f'{where}: each problem needs a "key" (a string or number)')
        key = str(key)
        if key in seen:
            raise JobError(f"{where}: duplicate problem key {key!r}")
        seen.add(key)
        item: dict[str, Any] = {"key": key}
        if "messages" in obj:
            if not isinstance(obj["messages"], list) or not obj["messages"]:
                raise JobError(f"{where}: messages must be a non-empty list")
            item["messages"] = [_message(m, where) for m in obj["messages"]]
        elif isinstance(obj.get("prompt"), str):
            item["prompt"] = obj["prompt"]
        elif isinstance(obj.get("question"), str):
            msgs = [{"role": "user", "content": f"{obj['question']}\n{QWEN_BASE_INSTRUCTION}"}]
            item["messages"] = ([{"role": "system", "content": system_prompt}] if system_prompt else []) + msgs
        else:
            raise JobError(f'{where}: a problem needs "messages", "prompt" or "question"')
        indices = obj.get("indices")
        if indices is None:
            indices = list(range(n))
        elif not isinstance(indices, list) or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in indices):
            raise JobError(f"{where}: indices must be a list of sample indices (non-negative integers)")
        item["indices"] = indices
        if indices:
            out.append(item)
    if not seen:
        raise JobError(f"{path}: no problems")
    return out
