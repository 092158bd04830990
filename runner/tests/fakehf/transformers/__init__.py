"""A stand-in for the slice of transformers 5.x the runner uses (tests only; see ../README.md)."""

import dataclasses
import json
import math
import os
import random
import time

import numpy as np
import torch

__version__ = "5.17.0-fake"

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed % 2**32)


class FakeTokenizer:
    """Characters are tokens (1000 + code point); ChatML markers are special tokens 10, 11, 12."""

    def __init__(self, path):
        self.path = path
        self.chat_template = "chatml-fake"
        self.eos_token = "<|im_end|>"
        self.eos_token_id = 12
        self.pad_token = "<|endoftext|>"
        self.pad_token_id = 10
        self.padding_side = "right"

    def get_vocab(self):
        return {t: 10 + i for i, t in enumerate(SPECIALS)}

    def __len__(self):
        return 1200

    def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=False):
        out = []
        rest = messages
        if messages and messages[0]["role"] == "system":
            out.append("<|im_start|>system\n" + messages[0]["content"] + "<|im_end|>\n")
            rest = messages[1:]
        else:
            out.append("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n")
        for m in rest:
            out.append("<|im_start|>" + m["role"] + "\n" + m["content"] + "<|im_end|>\n")
        if add_generation_prompt:
            out.append("<|im_start|>assistant\n")
        return "".join(out)

    def __call__(self, text, add_special_tokens=True, return_offsets_mapping=False):
        ids, offsets, i = [], [], 0
        while i < len(text):
            sp = next((s for s in SPECIALS if text.startswith(s, i)), None)
            if sp:
                ids.append(self.get_vocab()[sp])
                offsets.append((i, i + len(sp)))
                i += len(sp)
            else:
                ids.append(1000 + ord(text[i]) % 190)
                offsets.append((i, i + 1))
                i += 1
        out = {"input_ids": ids}
        if return_offsets_mapping:
            out["offset_mapping"] = offsets
        return out

    def decode(self, ids, skip_special_tokens=False):
        inv = {v: k for k, v in self.get_vocab().items()}
        return "".join("" if (i in inv and skip_special_tokens) else inv.get(i, chr(i - 1000) if i >= 1000 else "") for i in ids)

    def save_pretrained(self, path):
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "tokenizer_config.json"), "w") as f:
            json.dump({"fake": True}, f)


class PreTrainedTokenizerFast(FakeTokenizer):
    def __init__(self, tokenizer_object=None, eos_token=None, pad_token=None, **kw):
        super().__init__(None)
        self.chat_template = None


class Qwen2Config:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class LogitsProcessor:
    def __call__(self, input_ids, scores):
        raise NotImplementedError(f"{self.__class__} is an abstract class. Only classes inheriting this class can be called.")


class LogitsProcessorList(list):
    def __call__(self, input_ids, scores, **kwargs):
        for processor in self:
            scores = processor(input_ids, scores)
        return scores


class AutoConfig:
    """The attention heads of config.json, for the eval's tensor-parallel choice."""

    @staticmethod
    def from_pretrained(path, trust_remote_code=False):
        with open(os.path.join(path, "config.json")) as f:
            data = json.load(f)
        cfg = _Config()
        for k in ("num_attention_heads", "num_key_value_heads"):
            if k in data:
                setattr(cfg, k, data[k])
        return cfg


class AutoTokenizer:
    @staticmethod
    def from_pretrained(path, trust_remote_code=False):
        if not os.path.isdir(path):
            raise OSError(f"{path} is not a local folder and is not a valid model identifier listed on 'https://huggingface.co/models'")
        return FakeTokenizer(path)


class _Out:
    def __init__(self, logits, loss=None):
        self.logits = logits
        self.loss = loss

    def get(self, key, default=None):
        return getattr(self, key, default)


class _Param:
    device = "cuda:0"
    requires_grad = True

    def numel(self):
        return 1000


class _Config:
    def __init__(self):
        self.use_cache = True
        self.max_position_embeddings = 512


class FakeModel:
    V = 64

    def __init__(self, path, attn, trained=False):
        self.path = path
        self.attn = attn
        self.config = _Config()
        self.training = False
        self.updates = 0
        self.trained = trained

    def parameters(self):
        return iter([_Param()])

    def to(self, device):
        return self

    def eval(self):
        self.training = False
        return self

    def train(self, mode=True):
        self.training = mode
        return self

    def zero_grad(self, set_to_none=True):
        pass

    def resize_token_embeddings(self, n):
        pass

    def __call__(self, input_ids=None, attention_mask=None, position_ids=None, labels=None, use_cache=None, **kw):
        ids = np.asarray(input_ids)
        b, t = ids.shape
        if self.training and self.config.use_cache:
            raise AssertionError("training with use_cache on: packed sequences would not be detected")
        # Each token sees the sum of the tokens of its own document so far: a document starts where the
        # position ids restart (what transformers' masking does with packed sequences).
        logits = np.zeros((b, t, self.V))
        for r in range(b):
            pos = np.asarray(position_ids)[r] if position_ids is not None else np.arange(t)
            acc = 0.0
            for j in range(t):
                if j > 0 and pos[j] != pos[j - 1] + 1:
                    acc = 0.0
                acc += (ids[r, j] % 97 + 1) * 0.01
                logits[r, j] = np.sin(acc * (np.arange(self.V) + 1))
        loss = None
        if labels is not None:
            if self.training:
                self.updates += 1
            loss = np.array(0.2 + 2.5 * math.exp(-self.updates / 15)).view(torch.Tensor)
        return _Out(logits.view(torch.Tensor), loss)

    @staticmethod
    def _next_token_scores(history, step):
        """Logits over the tokenizer's 1200 ids for the next token of one row, from that row's own tokens
        (pads excluded, as the attention mask makes a real model do): digits compete, the end token
        (<|im_end|>, 12) grows likelier with each step."""
        scores = np.full(1200, -1e9)
        acc = sum((int(t) % 97 + 1) * 0.01 for t in history)
        scores[1048:1058] = 2 * np.sin(acc * np.arange(1, 11))
        scores[12] = step - 8
        return scores

    def _generate_token_by_token(self, ids, mask, max_new_tokens, do_sample, pad_token_id, stops, logits_processor, temperature=1.0, **kw):
        """What transformers' generate does step by step: scores, the logits processors, then a draw
        from torch's one global generator for the whole batch (do_sample) or the argmax; a finished row
        gets the pad token; generation ends when every row has finished."""
        b = ids.shape[0]
        histories = [[int(t) for t, m in zip(ids[r], mask[r]) if m] for r in range(b)]
        out = [[] for _ in range(b)]
        finished = [False] * b
        for step in range(max_new_tokens):
            scores = np.stack([self._next_token_scores(histories[r] + out[r], step) for r in range(b)]).view(torch.Tensor)
            current = np.concatenate([ids, np.array(out, dtype=np.int64).reshape(b, step)], axis=1).view(torch.Tensor)
            for processor in logits_processor or []:
                scores = processor(current, scores)
            scores = np.asarray(scores)
            if do_sample:
                probs = np.asarray(torch.softmax(scores / temperature))
                nxt = [int(np.random.choice(scores.shape[1], p=probs[r])) for r in range(b)]
            else:
                nxt = [int(t) for t in np.argmax(scores, axis=-1)]
            for r in range(b):
                tok = pad_token_id if finished[r] else nxt[r]
                out[r].append(tok)
                finished[r] = finished[r] or tok in stops
            if all(finished):
                break
        return np.concatenate([ids, np.array(out, dtype=np.int64)], axis=1).view(torch.Tensor)

    def generate(self, input_ids=None, attention_mask=None, max_new_tokens=8, do_sample=False, pad_token_id=None, eos_token_id=None, logits_processor=None, **kw):
        import re

        ids = np.asarray(input_ids)
        if do_sample or logits_processor:
            mask = np.asarray(attention_mask) if attention_mask is not None else np.ones_like(ids)
            return self._generate_token_by_token(ids, mask, max_new_tokens, do_sample, pad_token_id, set(eos_token_id or [12]), logits_processor, **kw)
        stop = (eos_token_id or [12])[0]
        rows = []
        for r in range(ids.shape[0]):
            text = "so \\boxed{7}."
            if self.trained:
                # A "fine-tuned" stand-in answers the GPU check's sums (a model that learned the task).
                prompt = "".join(chr(i - 1000) if i >= 1000 else " " for i in ids[r])
                m = re.findall(r"What is (\d+)\+(\d+)\?", prompt)
                if m:
                    a, b = map(int, m[-1])
                    text = f"{a}+{b}={a + b}. The answer is \\boxed{{{a + b}}}."
            answer = [1000 + ord(c) % 190 for c in text][:max_new_tokens]
            tail = answer + [stop] if len(answer) < max_new_tokens else answer
            rows.append(tail + [pad_token_id] * (max_new_tokens - len(tail)))
        return np.concatenate([ids, np.array(rows)], axis=1).view(torch.Tensor)

    def save_pretrained(self, path):
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "config.json"), "w") as f:
            json.dump({"model_type": "fake", "attn": self.attn, "trained": self.trained or self.updates > 0,
                       "loaded_for_fsdp": getattr(self, "loaded_for_fsdp", None), "loaded_dtype": getattr(self, "loaded_dtype", None)}, f)

    def gradient_checkpointing_enable(self, **kw):
        pass


class AutoModelForCausalLM:
    @staticmethod
    def from_pretrained(path, dtype=None, torch_dtype=None, attn_implementation=None, trust_remote_code=False, **kw):
        if kw:
            raise TypeError(f"unexpected from_pretrained arguments {sorted(kw)}")
        if not os.path.isfile(os.path.join(path, "config.json")):
            raise OSError(f"{path} does not appear to have a file named config.json.")
        if torch_dtype is not None:
            raise TypeError("transformers 5 takes dtype=, not torch_dtype=")
        if attn_implementation == "flex_attention" and os.environ.get("FAKE_FLEX_LOAD_FAILS") == "1":
            raise ValueError("FakeForCausalLM does not support an attention implementation through torch.nn.attention.flex_attention yet (attn_implementation)")
        with open(os.path.join(path, "config.json")) as f:
            trained = bool(json.load(f).get("trained"))
        model = FakeModel(path, attn_implementation, trained)
        # what the real one decides from (modeling_utils.is_fsdp_enabled): recorded for the tests
        model.loaded_for_fsdp = os.environ.get("ACCELERATE_USE_FSDP") == "true" and os.environ.get("FSDP_CPU_RAM_EFFICIENT_LOADING") == "1"
        model.loaded_dtype = str(dtype)
        return model

    @staticmethod
    def from_config(config, dtype=None, **kw):
        return FakeModel(None, None)


@dataclasses.dataclass
class TrainingArguments:
    """The fields transformers 5 has (warmup_ratio and group_by_length are gone)."""

    output_dir: str = "out"
    per_device_train_batch_size: int = 8
    per_device_eval_batch_size: int = 8
    gradient_accumulation_steps: int = 1
    num_train_epochs: float = 3.0
    max_steps: int = -1
    learning_rate: float = 5e-5
    lr_scheduler_type: str = "linear"
    warmup_steps: float = 0
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    bf16: bool = False
    gradient_checkpointing: bool = False
    gradient_checkpointing_kwargs: dict = None
    logging_steps: int = 500
    logging_first_step: bool = False
    save_strategy: str = "steps"
    save_total_limit: int = None
    eval_strategy: str = "no"
    report_to: str = "none"
    remove_unused_columns: bool = True
    label_names: list = None
    seed: int = 42
    data_seed: int = None
    disable_tqdm: bool = False
    dataloader_num_workers: int = 0
    ddp_find_unused_parameters: bool = None
    fsdp: str = ""
    fsdp_config: dict = None
    save_only_model: bool = False
    save_steps: int = 500
    use_cpu: bool = False

    def __post_init__(self):
        if isinstance(self.warmup_steps, float) and not (0 <= self.warmup_steps < 1 or self.warmup_steps.is_integer()):
            raise ValueError("warmup_steps must be an integer or a ratio in [0, 1)")


class TrainerCallback:
    pass


class TrainerState:
    def __init__(self):
        self.global_step = 0
        self.max_steps = 0
        self.epoch = 0.0


class TrainerControl:
    pass


class Trainer:
    def __init__(self, model=None, args=None, train_dataset=None, eval_dataset=None, data_collator=None, callbacks=None, processing_class=None, **kw):
        if kw:
            raise TypeError(f"Trainer.__init__() got unexpected keyword arguments {sorted(kw)}")
        self.model, self.args, self.train_dataset, self.eval_dataset = model, args, train_dataset, eval_dataset
        self.data_collator, self.callbacks, self.processing_class = data_collator, list(callbacks or []), processing_class
        self.state = TrainerState()
        self.control = TrainerControl()

    def _get_train_sampler(self, train_dataset=None):
        return None

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        out = model(**inputs)
        return (out.loss, out) if return_outputs else out.loss

    def _call(self, event, **kw):
        for c in self.callbacks:
            fn = getattr(c, event, None)
            if fn:
                fn(self.args, self.state, self.control, **kw)

    def is_world_process_zero(self):
        return True

    def save_model(self, output_dir):
        self.model.save_pretrained(output_dir)

    def _evaluate(self):
        self.model.eval()
        per = self.args.per_device_eval_batch_size
        losses = []
        for i in range(0, len(self.eval_dataset), per):
            loss, _ = self.compute_loss(self.model, self.data_collator(self.eval_dataset[i : i + per]), return_outputs=True)
            losses.append(float(loss))
        self.model.train()
        self._call("on_log", logs={"eval_loss": sum(losses) / len(losses), "epoch": self.state.epoch})

    def train(self, resume_from_checkpoint=None):
        a = self.args
        n = len(self.train_dataset)
        per, accum = a.per_device_train_batch_size, a.gradient_accumulation_steps
        per_epoch = max(1, math.ceil(n / (per * accum)))
        self.state.max_steps = a.max_steps if a.max_steps > 0 else int(math.ceil(a.num_train_epochs * per_epoch))
        self._call("on_train_begin", model=self.model)
        started = time.time()
        order, pos, epoch_index, losses = [], 0, -1, []
        self.model.train()
        for step in range(1, self.state.max_steps + 1):
            for _ in range(accum):
                if pos >= len(order):
                    epoch_index += 1
                    sampler = self._get_train_sampler()
                    if sampler is not None and hasattr(sampler, "set_epoch"):
                        sampler.set_epoch(epoch_index)
                    order = list(iter(sampler)) if sampler is not None else random.Random(a.seed + epoch_index).sample(range(n), n)
                    assert sorted(order) == list(range(n)), "the sampler must yield each example once per epoch"
                    pos = 0
                batch = [self.train_dataset[i] for i in order[pos : pos + per]]
                pos += per
                loss = self.compute_loss(self.model, self.data_collator(batch), num_items_in_batch=len(batch))
                loss.backward()
                losses.append(float(loss))
            self.state.global_step = step
            self.state.epoch = step / per_epoch
            self._call("on_step_end")
            if step % a.logging_steps == 0 or (step == 1 and a.logging_first_step):
                self._call("on_log", logs={"loss": losses[-1], "grad_norm": 1.0 / step, "learning_rate": a.learning_rate * (1 - step / self.state.max_steps), "epoch": self.state.epoch})
            if step % per_epoch == 0 or step == self.state.max_steps:
                if a.eval_strategy == "epoch" and self.eval_dataset:
                    self._evaluate()
                if a.save_strategy == "epoch":
                    self.model.save_pretrained(os.path.join(a.output_dir, f"checkpoint-{step}"))
                    self._call("on_save")
        self._call("on_log", logs={"train_runtime": time.time() - started, "train_loss": sum(losses) / len(losses), "epoch": self.state.epoch})
