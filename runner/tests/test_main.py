"""The command line as Ray runs it: `python -m w2s_runner sft job.json` in the job's working directory."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

from w2s_runner import deps
from w2s_runner.errors import RunnerError
from w2s_runner.records import parse_line

RUNNER_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(args, cwd):
    env = dict(os.environ, PYTHONPATH=RUNNER_ROOT)
    p = subprocess.run([sys.executable, "-m", "w2s_runner", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    recs = [r for r in (parse_line(l) for l in p.stdout.splitlines()) if r]
    return p.returncode, recs, p.stderr


class CommandLine(unittest.TestCase):
    def test_missing_packages_name_themselves_and_the_install_command(self):
        with self.assertRaises(RunnerError) as cm:
            deps.require(["w2s_no_such_package_a", "json", "w2s_no_such_package_b"], "fine-tune a model")
        self.assertEqual(cm.exception.kind, "missing_packages")
        self.assertEqual(cm.exception.exit_code, 3)
        self.assertIn("missing packages: w2s_no_such_package_a, w2s_no_such_package_b", cm.exception.message)
        self.assertIn("pip install -r runner/requirements.txt", cm.exception.message)

    def test_sft_without_torch_ends_with_a_clear_error_record_and_exit_3(self):
        if not deps.missing(["torch", "transformers", "accelerate"]):
            self.skipTest("torch, transformers and accelerate are installed here: the missing-packages path cannot happen")
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "job.json"), "w") as f:
                json.dump({"base_model": "Qwen/Qwen2.5-0.5B", "dataset": "train.jsonl", "output_dir": "out"}, f)
            code, recs, _ = run(["sft", "job.json"], d)
        self.assertEqual(code, 3)
        self.assertEqual([r["type"] for r in recs], ["status", "error", "done"])
        self.assertEqual(recs[1]["kind"], "missing_packages")
        self.assertRegex(recs[1]["message"], r"^missing packages: .*torch.*pip install -r runner/requirements.txt")
        self.assertFalse(recs[2]["ok"])

    def test_a_bad_job_file_exits_2_naming_the_field(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "job.json"), "w") as f:
                json.dump({"base_model": "m", "output_dir": "o"}, f)
            code, recs, _ = run(["sft", "job.json"], d)
        self.assertEqual(code, 2)
        err = next(r for r in recs if r["type"] == "error")
        self.assertEqual(err["kind"], "bad_job")
        self.assertIn("dataset is required", err["message"])

    def test_bad_usage_exits_2(self):
        code, recs, stderr = run(["train", "job.json"], RUNNER_ROOT)
        self.assertEqual(code, 2)
        self.assertIn("usage: python -m w2s_runner", stderr)
        self.assertEqual(recs[0]["kind"], "usage")

    def test_the_first_record_says_who_runs(self):
        with tempfile.TemporaryDirectory() as d:
            code, recs, _ = run(["eval", "missing.json"], d)
        self.assertEqual(code, 2)
        self.assertEqual(recs[0]["type"], "status")
        self.assertEqual(recs[0]["protocol"], 1)
        self.assertIn("cannot read the job file", recs[1]["message"])


if __name__ == "__main__":
    unittest.main()
