"""Chat formatting and label masking: the loss is computed on assistant tokens only.

The conversation is rendered once with the model's own chat template. Each assistant turn's span of
characters is found by rendering the conversation up to that turn twice (with the generation prompt,
and with the turn itself): what the second adds to the first is what the model must learn to write,
including the template's end-of-turn marker (for Qwen, `content<|im_end|>\\n`, as LLaMA-Factory's qwen
template trains it). Tokens whose first character falls in such a span keep their id as label; every
other token gets -100.

Policy for examples longer than cutoff_len (default "drop"): they are left out and counted, because a
truncated trace loses its final answer and its end-of-turn token, which teaches the student not to stop
(the stopping failure reproductions of W2SR ran into). "truncate" keeps the first cutoff_len tokens
instead, as LLaMA-Factory does.
"""

from __future__ import annotations

from typing import Any

from .errors import JobError

Message = dict[str, str]
Span = tuple[int, int]

IGNORE = -100

#: ChatML as Qwen2.5 renders it, for tokenizers that ship no chat template (base checkpoints). The W2SR
#: recipe trains with LLaMA-Factory's `qwen` template, which is this, default system prompt included.
CHATML_TEMPLATE = (
    "{%- if messages and messages[0]['role'] == 'system' %}"
    "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
    "{%- else %}{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{%- endif %}"
    "{%- for message in messages %}"
    "{%- if not (loop.first and message['role'] == 'system') %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endif %}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)
CHATML_TOKENS = ("<|im_start|>", "<|im_end|>")


def render(tokenizer: Any, messages: list[Message], add_generation_prompt: bool) -> str:
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)
    if not isinstance(text, str):
        raise JobError("the tokenizer's chat template did not return text (apply_chat_template with tokenize=False)")
    return text


def assistant_spans(tokenizer: Any, messages: list[Message]) -> tuple[str, list[Span]]:
    """The rendered conversation and the [start, end) character spans of its assistant turns."""
    full = render(tokenizer, messages, add_generation_prompt=False)
    spans = []
    cursor = 0
    for i, m in enumerate(messages):
        if m["role"] != "assistant":
            continue
        before = render(tokenizer, messages[:i], add_generation_prompt=True)
        through = render(tokenizer, messages[: i + 1], add_generation_prompt=False)
        if through.startswith(before) and full.startswith(through) and len(before) >= cursor:
            start, end = len(before), len(through)
        else:
            # Templates that rewrite history (e.g. drop earlier <think> blocks) break the prefix property:
            # fall back to finding the turn's text after the previous span.
            start = full.find(m["content"], cursor)
            if start < 0:
                raise JobError("cannot find an assistant turn in the rendered chat template; use a template that keeps assistant text verbatim")
            end = start + len(m["content"])
            for marker in ("<|im_end|>\n", "<|im_end|>", "<|eot_id|>", "</s>"):
                if full.startswith(marker, end):
                    end += len(marker)
                    break
        spans.append((start, end))
        cursor = end
    return full, spans


def _labels_from_offsets(ids: list[int], offsets: list[Span], spans: list[Span]) -> list[int]:
    labels = []
    for tok, (s, e) in zip(ids, offsets):
        pos = s if e > s else e
        labels.append(tok if any(a <= pos < b for a, b in spans) else IGNORE)
    return labels


def _tokenize_by_pieces(tokenizer: Any, text: str, spans: list[Span]) -> tuple[list[int], list[int]]:
    """Without offset mappings (slow tokenizers): tokenize the pieces between span edges on their own."""
    ids, labels, pos = [], [], 0
    edges = []
    for a, b in spans:
        edges += [(pos, a, False), (a, b, True)]
        pos = b
    edges.append((pos, len(text), False))
    for a, b, learn in edges:
        if b <= a:
            continue
        piece = tokenizer(text[a:b], add_special_tokens=False)["input_ids"]
        ids += piece
        labels += piece if learn else [IGNORE] * len(piece)
    return ids, labels


def encode(tokenizer: Any, messages: list[Message], cutoff_len: int, overlong: str = "drop") -> tuple[dict[str, list[int]] | None, str | None]:
    """-> ({"input_ids", "labels"}, note) where note is None, "truncated" or "dropped" (then the example is None)."""
    text, spans = assistant_spans(tokenizer, messages)
    try:
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids = list(enc["input_ids"])
        labels = _labels_from_offsets(ids, enc["offset_mapping"], spans)
    except (NotImplementedError, TypeError, KeyError):
        ids, labels = _tokenize_by_pieces(tokenizer, text, spans)
    note = None
    if len(ids) > cutoff_len:
        if overlong == "drop":
            return None, "dropped"
        ids, labels = ids[:cutoff_len], labels[:cutoff_len]
        note = "truncated"
    if all(l == IGNORE for l in labels):
        return None, "dropped"
    return {"input_ids": ids, "labels": labels}, note


def ensure_chat_template(tokenizer: Any) -> list[str] | None:
    """Gives a tokenizer without a chat template the ChatML one; returns the tokens it had to add."""
    if getattr(tokenizer, "chat_template", None):
        return None
    vocab = tokenizer.get_vocab()
    added = [t for t in CHATML_TOKENS if t not in vocab]
    if added:
        tokenizer.add_special_tokens({"additional_special_tokens": added})
    tokenizer.chat_template = CHATML_TEMPLATE
    return added


def stop_token_ids(tokenizer: Any) -> list[int]:
    """Ids that end a generated turn: the tokenizer's eos and the template's end-of-turn markers."""
    ids = set()
    if tokenizer.eos_token_id is not None:
        ids.add(int(tokenizer.eos_token_id))
    vocab = tokenizer.get_vocab()
    for t in ("<|im_end|>", "<|eot_id|>", "<|endoftext|>"):
        if t in vocab:
            ids.add(int(vocab[t]))
    return sorted(ids)
