import json
import os
import tempfile
import unittest

from w2s_runner.data import QWEN_BASE_INSTRUCTION, read_conversations, read_problems
from w2s_runner.errors import JobError


def write(d, name, lines):
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


class Conversations(unittest.TestCase):
    def test_the_three_export_formats_read_the_same(self):
        with tempfile.TemporaryDirectory() as d:
            path = write(d, "train.jsonl", [
                {"messages": [{"role": "user", "content": "1+1?"}, {"role": "assistant", "content": "\\boxed{2}"}]},
                {"conversations": [{"from": "human", "value": "1+1?"}, {"from": "gpt", "value": "\\boxed{2}"}]},
                {"instruction": "1+1?", "output": "\\boxed{2}", "is_correct": True},
                "",
            ])
            convs = read_conversations(path)
        self.assertEqual(len(convs), 3)
        for c in convs:
            self.assertEqual(c, [{"role": "user", "content": "1+1?"}, {"role": "assistant", "content": "\\boxed{2}"}])

    def test_alpaca_input_and_system_are_kept(self):
        with tempfile.TemporaryDirectory() as d:
            path = write(d, "a.jsonl", [{"instruction": "Solve", "input": "x+1=2", "output": "x=1", "system": "Be brief."}])
            (c,) = read_conversations(path)
        self.assertEqual(c[0], {"role": "system", "content": "Be brief."})
        self.assertEqual(c[1]["content"], "Solve\nx+1=2")

    def test_a_system_prompt_is_added_only_where_there_is_none(self):
        with tempfile.TemporaryDirectory() as d:
            path = write(d, "t.jsonl", [
                {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]},
                {"messages": [{"role": "system", "content": "own"}, {"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]},
            ])
            a, b = read_conversations(path, system_prompt="default")
        self.assertEqual(a[0]["content"], "default")
        self.assertEqual(b[0]["content"], "own")
        self.assertEqual(len(b), 3)

    def test_bad_lines_name_file_and_line(self):
        cases = [
            ("not json", r"t.jsonl:2: not valid JSON"),
            ([1, 2], r"t.jsonl:2: expected a JSON object"),
            ({"text": "plain"}, r"t.jsonl:2: unknown record format"),
            ({"messages": [{"role": "user", "content": "q"}]}, r"t.jsonl:2: no assistant message"),
            ({"messages": [{"role": "bot", "content": "q"}]}, r"t.jsonl:2: message role must be"),
            ({"messages": [{"role": "user", "content": 5}]}, r"t.jsonl:2: message content must be a string"),
        ]
        ok = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
        for bad, pattern in cases:
            with self.subTest(bad=bad), tempfile.TemporaryDirectory() as d:
                path = write(d, "t.jsonl", [ok, bad])
                with self.assertRaisesRegex(JobError, pattern):
                    read_conversations(path)

    def test_an_empty_dataset_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(JobError, r"the dataset is empty"):
                read_conversations(write(d, "e.jsonl", ["", "  "]))


class Problems(unittest.TestCase):
    def test_messages_prompts_questions_and_indices(self):
        with tempfile.TemporaryDirectory() as d:
            path = write(d, "p.jsonl", [
                {"key": "a", "messages": [{"role": "user", "content": "2+2?"}]},
                {"key": 7, "prompt": "Question:\n2+3\nAnswer:\n"},
                {"key": "c", "question": "2+4?"},
                {"key": "d", "question": "2+5?", "indices": [2, 3]},
                {"key": "e", "question": "done already", "indices": []},
            ])
            probs = read_problems(path, n=2)
        self.assertEqual([p["key"] for p in probs], ["a", "7", "c", "d"])
        self.assertEqual(probs[0]["indices"], [0, 1])
        self.assertEqual(probs[1]["prompt"], "Question:\n2+3\nAnswer:\n")
        self.assertEqual(probs[2]["messages"], [{"role": "user", "content": f"2+4?\n{QWEN_BASE_INSTRUCTION}"}])
        self.assertEqual(probs[3]["indices"], [2, 3])

    def test_duplicate_and_missing_keys_are_errors(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(JobError, r"p.jsonl:2: duplicate problem key '1'"):
                read_problems(write(d, "p.jsonl", [{"key": 1, "question": "a"}, {"key": "1", "question": "b"}]), n=1)
            with self.assertRaisesRegex(JobError, r"p.jsonl:1: each problem needs a \"key\""):
                read_problems(write(d, "p.jsonl", [{"question": "a"}]), n=1)
            with self.assertRaisesRegex(JobError, r"needs \"messages\", \"prompt\" or \"question\""):
                read_problems(write(d, "p.jsonl", [{"key": "x"}]), n=1)
            with self.assertRaisesRegex(JobError, r"indices must be a list"):
                read_problems(write(d, "p.jsonl", [{"key": "x", "question": "q", "indices": [-1]}]), n=1)


if __name__ == "__main__":
    unittest.main()
