import unittest

from w2s_runner.chat import CHATML_TEMPLATE, IGNORE, encode, ensure_chat_template, stop_token_ids

from .standin import StandInTokenizer, chatml

CONV = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "What is 2+3?\nPlease reason step by step."},
    {"role": "assistant", "content": "<think>2+3=5</think> The answer is \\boxed{5}."},
]


def learned_text(tok, ex):
    return tok.decode([t for t, l in zip(ex["input_ids"], ex["labels"]) if l != IGNORE])


class LabelMasking(unittest.TestCase):
    def test_only_the_assistant_turn_and_its_end_marker_are_learned(self):
        tok = StandInTokenizer()
        ex, note = encode(tok, CONV, cutoff_len=4096)
        self.assertIsNone(note)
        self.assertEqual(learned_text(tok, ex), CONV[2]["content"] + "<|im_end|>\n")
        self.assertEqual(tok.decode(ex["input_ids"]), chatml(CONV, False))
        # every learned token keeps its own id as label; everything before the answer is masked
        first = next(i for i, l in enumerate(ex["labels"]) if l != IGNORE)
        self.assertEqual(tok.decode(ex["input_ids"][:first]), chatml(CONV[:2], True))
        self.assertTrue(all(l == t for t, l in zip(ex["input_ids"][first:], ex["labels"][first:])))

    def test_every_assistant_turn_of_a_conversation_is_learned_and_nothing_else(self):
        tok = StandInTokenizer()
        conv = [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello."},
            {"role": "user", "content": "2+2?"},
            {"role": "assistant", "content": "4"},
        ]
        ex, _ = encode(tok, conv, cutoff_len=4096)
        self.assertEqual(learned_text(tok, ex), "Hello.<|im_end|>\n4<|im_end|>\n")

    def test_without_offset_mappings_the_pieces_give_the_same_labels(self):
        fast, _ = encode(StandInTokenizer(), CONV, cutoff_len=4096)
        slow, _ = encode(StandInTokenizer(offsets=False), CONV, cutoff_len=4096)
        self.assertEqual(fast, slow)

    def test_longer_than_cutoff_is_dropped_by_default_or_truncated_on_request(self):
        tok = StandInTokenizer()
        full, _ = encode(tok, CONV, cutoff_len=4096)
        n = len(full["input_ids"])
        ex, note = encode(tok, CONV, cutoff_len=n)
        self.assertEqual((note, len(ex["input_ids"])), (None, n))
        ex, note = encode(tok, CONV, cutoff_len=n - 10)
        self.assertEqual((ex, note), (None, "dropped"))
        ex, note = encode(tok, CONV, cutoff_len=n - 10, overlong="truncate")
        self.assertEqual(note, "truncated")
        self.assertEqual(ex["input_ids"], full["input_ids"][: n - 10])
        self.assertEqual(ex["labels"], full["labels"][: n - 10])

    def test_a_truncation_that_leaves_nothing_to_learn_drops_the_example(self):
        tok = StandInTokenizer()
        prompt_len = len(tok(chatml(CONV[:2], True))["input_ids"])
        ex, note = encode(tok, CONV, cutoff_len=prompt_len, overlong="truncate")
        self.assertEqual((ex, note), (None, "dropped"))


class Templates(unittest.TestCase):
    def test_a_tokenizer_without_template_gets_chatml_and_its_tokens(self):
        tok = StandInTokenizer(chat_template=False, specials=False)
        added = ensure_chat_template(tok)
        self.assertEqual(added, ["<|im_start|>", "<|im_end|>"])
        self.assertEqual(tok.chat_template, CHATML_TEMPLATE)
        self.assertIsNone(ensure_chat_template(tok))

    def test_the_chatml_template_renders_what_qwen_renders(self):
        try:
            import jinja2
        except ImportError:
            self.skipTest("jinja2 is not installed: the template text is checked on machines that have it (transformers needs it)")
        env = jinja2.Environment()
        t = env.from_string(CHATML_TEMPLATE)
        for conv in (CONV, CONV[1:], CONV[1:2]):
            for gen in (False, True):
                with self.subTest(n=len(conv), gen=gen):
                    self.assertEqual(t.render(messages=conv, add_generation_prompt=gen), chatml(conv, gen))

    def test_stop_tokens_include_the_end_of_turn_marker(self):
        tok = StandInTokenizer()
        ids = stop_token_ids(tok)
        self.assertIn(tok.get_vocab()["<|im_end|>"], ids)
        self.assertIn(tok.eos_token_id, ids)


if __name__ == "__main__":
    unittest.main()
