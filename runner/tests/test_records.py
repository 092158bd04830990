import io
import json
import math
import os
import unittest
from unittest import mock

from w2s_runner import records


class RecordFormat(unittest.TestCase):
    def test_a_record_is_one_prefixed_json_line(self):
        line = records.format_record("sample", problem="7", index=0, text="line one\nline two", finish_reason="stop")
        self.assertTrue(line.startswith("@@w2s {"))
        self.assertNotIn("\n", line)
        body = json.loads(line[len("@@w2s "):])
        self.assertEqual(body["type"], "sample")
        self.assertEqual(body["text"], "line one\nline two")
        self.assertIsInstance(body["time"], float)

    def test_parse_finds_the_record_after_a_ray_worker_prefix(self):
        line = "(RayTrainWorker pid=123, ip=10.0.0.2) " + records.format_record("metrics", step=3, train_loss=1.25)
        rec = records.parse_line(line)
        self.assertEqual(rec["type"], "metrics")
        self.assertEqual(rec["step"], 3)
        self.assertEqual(rec["train_loss"], 1.25)

    def test_parse_ignores_ordinary_lines_and_broken_json(self):
        self.assertIsNone(records.parse_line("Epoch 1: loss 0.3"))
        self.assertIsNone(records.parse_line("@@w2s {not json"))
        self.assertIsNone(records.parse_line('@@w2s {"type": "nonsense"}'))

    def test_non_finite_numbers_become_null_so_the_line_stays_json(self):
        line = records.format_record("metrics", step=1, train_loss=float("nan"), grad_norm=math.inf, nested={"x": -math.inf})
        body = json.loads(line[len("@@w2s "):])
        self.assertIsNone(body["train_loss"])
        self.assertIsNone(body["grad_norm"])
        self.assertIsNone(body["nested"]["x"])

    def test_unicode_is_kept_as_text(self):
        line = records.format_record("sample", problem="k", index=0, text="∫ x² dx = x³/3")
        self.assertIn("∫ x² dx", line)

    def test_unknown_types_are_refused(self):
        with self.assertRaises(ValueError):
            records.format_record("progress", step=1)

    def test_emit_writes_and_flushes_on_rank_zero_only(self):
        out = io.StringIO()
        with mock.patch.dict(os.environ, {"RANK": "0", "LOCAL_RANK": "0"}):
            records.emit("status", stream=out, phase="loading")
        self.assertEqual(len(out.getvalue().splitlines()), 1)
        out = io.StringIO()
        with mock.patch.dict(os.environ, {"RANK": "3", "LOCAL_RANK": "1"}):
            records.emit("status", stream=out, phase="loading")
        self.assertEqual(out.getvalue(), "")


if __name__ == "__main__":
    unittest.main()
