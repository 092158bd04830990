"""scripts/gpu_check.py runs once, on a borrowed GPU: here its orchestration (stages, budget, replay
logs, checks, the final table) runs first against the stand-ins of tests/fakehf, small and fast."""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

from w2s_runner.records import parse_line

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER_ROOT = os.path.dirname(HERE)

HAVE_NUMPY = importlib.util.find_spec("numpy") is not None


@unittest.skipUnless(HAVE_NUMPY, "numpy is not installed: the torch stand-in needs it")
class GpuCheckDryRun(unittest.TestCase):
    def test_every_stage_runs_and_the_outputs_are_where_the_integrator_looks(self):
        with tempfile.TemporaryDirectory() as out:
            env = dict(os.environ, PYTHONPATH=os.path.join(HERE, "fakehf"), FAKE_CUDA="1")
            p = subprocess.run(
                [sys.executable, os.path.join(RUNNER_ROOT, "scripts", "gpu_check.py"), out, "--budget", "400", "--bench-steps", "4", "--bench-examples", "48", "--length-scale", "0.1", "--sft-epochs", "2", "--train-limit", "640"],
                env=env, capture_output=True, text=True, timeout=600,
            )
            self.assertEqual(p.returncode, 0, p.stdout[-4000:] + p.stderr[-3000:])
            result = json.load(open(os.path.join(out, "gpu-check.json")))
            self.assertEqual([c["check"] for c in result["checks"]], ["sft exits 0", "the training loss falls", "held-out accuracy rises after sft"])
            self.assertTrue(all(c["ok"] for c in result["checks"]), result["checks"])
            self.assertEqual([b["variant"] for b in result["throughput"]], ["padded", "packed", "grouped"])
            self.assertTrue(all(b["tokens_per_second"] for b in result["throughput"]), result["throughput"])
            self.assertEqual([b["batching_used"] for b in result["throughput"]], ["padded", "packed", "grouped"])
            table = open(os.path.join(out, "gpu-check.md")).read()
            self.assertIn("| packed |", table)
            self.assertIn("overall: PASS", table)
            self.assertIn("x0.1 capped at 4096", table)
            replay = os.path.join(out, "replay")
            self.assertEqual(sorted(os.listdir(replay)), ["README.md", "eval-base.log", "eval.log", "problems.jsonl", "sft.log"])
            sft = [parse_line(l) for l in open(os.path.join(replay, "sft.log"))]
            self.assertEqual([r for r in sft if r][-1]["type"], "done")
            samples = [r for r in (parse_line(l) for l in open(os.path.join(replay, "eval.log"))) if r and r["type"] == "sample"]
            keys = {json.loads(l)["id"] for l in open(os.path.join(replay, "problems.jsonl"))}
            self.assertEqual({s["problem"] for s in samples}, keys)
            self.assertFalse(os.path.exists(os.path.join(out, "work")), "the models are not brought back")
            self.assertIn("overall: PASS", p.stdout)


if __name__ == "__main__":
    unittest.main()
