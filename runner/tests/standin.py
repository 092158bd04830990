"""A stand-in tokenizer for the unit tests: characters are tokens, ChatML markers are single special
tokens, and offsets are exact. It renders the same ChatML text as w2s_runner.chat.CHATML_TEMPLATE (a
test checks that with jinja2 when it is installed), so label masking is tested without transformers."""

SPECIALS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>"]


def chatml(messages, add_generation_prompt):
    out = []
    if messages and messages[0]["role"] == "system":
        out.append("<|im_start|>system\n" + messages[0]["content"] + "<|im_end|>\n")
        rest = messages[1:]
    else:
        out.append("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n")
        rest = messages
    for m in rest:
        out.append("<|im_start|>" + m["role"] + "\n" + m["content"] + "<|im_end|>\n")
    if add_generation_prompt:
        out.append("<|im_start|>assistant\n")
    return "".join(out)


class StandInTokenizer:
    def __init__(self, chat_template=True, offsets=True, specials=True):
        self.chat_template = "chatml (stand-in)" if chat_template else None
        self.offsets = offsets
        self.specials = list(SPECIALS if specials else [])
        self.eos_token_id = self._special_id("<|endoftext|>") if specials else 0
        self.pad_token_id = self.eos_token_id
        self.eos_token = "<|endoftext|>"

    def _special_id(self, tok):
        return 10 + self.specials.index(tok)

    def get_vocab(self):
        return {t: self._special_id(t) for t in self.specials}

    def add_special_tokens(self, mapping):
        for t in mapping.get("additional_special_tokens", []):
            if t not in self.specials:
                self.specials.append(t)
        return len(mapping.get("additional_special_tokens", []))

    def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=False):
        assert tokenize is False
        if self.chat_template is None:
            raise ValueError("no chat template")
        return chatml(messages, add_generation_prompt)

    def __call__(self, text, add_special_tokens=True, return_offsets_mapping=False):
        if return_offsets_mapping and not self.offsets:
            raise NotImplementedError("return_offset_mapping is not available when using Python tokenizers")
        ids, offsets, i = [], [], 0
        while i < len(text):
            special = next((s for s in self.specials if text.startswith(s, i)), None)
            if special:
                ids.append(self._special_id(special))
                offsets.append((i, i + len(special)))
                i += len(special)
            else:
                ids.append(1000 + ord(text[i]))
                offsets.append((i, i + 1))
                i += 1
        out = {"input_ids": ids}
        if return_offsets_mapping:
            out["offset_mapping"] = offsets
        return out

    def decode(self, ids):
        inv = {self._special_id(s): s for s in self.specials}
        return "".join(inv[i] if i in inv else chr(i - 1000) for i in ids)
