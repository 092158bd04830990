"""The sft and eval code paths end to end against stand-ins of torch and transformers 5 (tests/fakehf):
job.json in, records out, as on a cluster. They check the runner's wiring (arguments, batching modes,
fallbacks, records, saved model), not the libraries. The real libraries run in scripts/gpu_check.py."""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

from w2s_runner.records import METRIC_NAMES, SAMPLE_FIELDS, parse_line

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER_ROOT = os.path.dirname(HERE)

HAVE_NUMPY = importlib.util.find_spec("numpy") is not None


def run(kind, job, cwd, **env):
    with open(os.path.join(cwd, "job.json"), "w") as f:
        json.dump(job, f)
    full_env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(HERE, "fakehf"), RUNNER_ROOT]), W2S_NO_RELAUNCH="1", **env)
    p = subprocess.run([sys.executable, "-m", "w2s_runner", kind, "job.json"], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=300)
    recs = [r for r in (parse_line(l) for l in p.stdout.splitlines()) if r]
    return p.returncode, recs, p.stderr


def write_data(d, n=30):
    os.makedirs(os.path.join(d, "model"), exist_ok=True)
    with open(os.path.join(d, "model", "config.json"), "w") as f:
        json.dump({"model_type": "fake"}, f)
    with open(os.path.join(d, "train.jsonl"), "w") as f:
        for i in range(n):
            f.write(json.dumps({"messages": [{"role": "user", "content": f"What is {i}+{i}?"}, {"role": "assistant", "content": f"{i}+{i}={2 * i}. \\boxed{{{2 * i}}}"}]}) + "\n")


@unittest.skipUnless(HAVE_NUMPY, "numpy is not installed: the torch stand-in needs it (the GPU check runs the real path)")
class SftPipeline(unittest.TestCase):
    def sft(self, env, **extra):
        with tempfile.TemporaryDirectory() as d:
            write_data(d)
            job = {"base_model": "model", "dataset": "train.jsonl", "output_dir": "out", "epochs": 2, "global_batch_size": 4,
                   "per_device_batch_size": 2, "validation_split": 0.2, "logging_steps": 1, "cutoff_len": 128, "learning_rate": 1e-3, **extra}
            code, recs, err = run("sft", job, d, **env)
            saved = os.path.isfile(os.path.join(d, "out", "config.json"))
            if saved:
                with open(os.path.join(d, "out", "config.json")) as f:
                    self.saved_config = json.load(f)
            checkpoints = sorted(x for x in os.listdir(os.path.join(d, "out")) if x.startswith("checkpoint-")) if os.path.isdir(os.path.join(d, "out")) else []
        return code, recs, err, saved, checkpoints

    def check_run(self, code, recs, err, saved, checkpoints):
        self.assertEqual(code, 0, err[-3000:] + json.dumps([r for r in recs if r["type"] == "error"]))
        metrics = [r for r in recs if r["type"] == "metrics"]
        losses = [r["train_loss"] for r in metrics if "train_loss" in r]
        self.assertGreater(len(losses), 5)
        self.assertLess(losses[-1], losses[0])
        self.assertTrue(all(r["total_steps"] == 12 for r in metrics))
        self.assertTrue(any("valid_loss" in r and "valid_mean_token_accuracy" in r for r in metrics))
        self.assertTrue(all(r["tokens_per_second"] > 0 for r in metrics if "train_loss" in r))
        self.assertTrue(all(0 <= r["train_mean_token_accuracy"] <= 1 for r in metrics if "train_loss" in r))
        cps = [r for r in recs if r["type"] == "checkpoint"]
        self.assertEqual([c["step"] for c in cps if not c.get("final")], [6, 12])
        self.assertTrue(cps[-1]["final"])
        self.assertTrue(saved)
        self.assertEqual(checkpoints, ["checkpoint-12", "checkpoint-6"])
        done = recs[-1]
        self.assertEqual(done["type"], "done")
        self.assertTrue(done["ok"])
        self.assertEqual((done["examples"], done["global_batch_size"]), (24, 4))
        return done

    def test_packed_with_flex_when_isolation_holds(self):
        # The stand-in model keeps packed documents apart by itself (its "attention" restarts where the
        # position ids restart, whatever kernel was asked for), so on its own it cannot show that the
        # runner packs only when isolation holds. Here it is made to behave like real attention: only
        # flex_attention (with packed position ids) keeps documents apart, sdpa/eager read across them;
        # and once with a flex kernel that leaks too. Only this test's subprocesses see the change
        # (a sitecustomize.py first on their PYTHONPATH).
        def sft_with_attention(leaky_flex):
            with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as patch:
                with open(os.path.join(patch, "sitecustomize.py"), "w") as f:
                    f.write(
                        "import transformers\n"
                        "_call = transformers.FakeModel.__call__\n"
                        "def _attend(self, input_ids=None, attention_mask=None, position_ids=None, **kw):\n"
                        f"    if self.attn != 'flex_attention' or {leaky_flex!r}:\n"
                        "        position_ids = None  # one document: every token sees all before it\n"
                        "    return _call(self, input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids, **kw)\n"
                        "transformers.FakeModel.__call__ = _attend\n"
                    )
                write_data(d)
                job = {"base_model": "model", "dataset": "train.jsonl", "output_dir": "out", "epochs": 2, "global_batch_size": 4,
                       "per_device_batch_size": 2, "validation_split": 0.2, "logging_steps": 1, "cutoff_len": 128, "learning_rate": 1e-3}
                with open(os.path.join(d, "job.json"), "w") as f:
                    json.dump(job, f)
                env = dict(os.environ, PYTHONPATH=os.pathsep.join([patch, os.path.join(HERE, "fakehf"), RUNNER_ROOT]), W2S_NO_RELAUNCH="1", FAKE_CUDA="1")
                p = subprocess.run([sys.executable, "-m", "w2s_runner", "sft", "job.json"], cwd=d, env=env, capture_output=True, text=True, timeout=300)
                recs = [r for r in (parse_line(l) for l in p.stdout.splitlines()) if r]
                saved = os.path.isfile(os.path.join(d, "out", "config.json"))
                cps = sorted(x for x in os.listdir(os.path.join(d, "out")) if x.startswith("checkpoint-")) if os.path.isdir(os.path.join(d, "out")) else []
            return p.returncode, recs, p.stderr, saved, cps

        code, recs, err, saved, cps = sft_with_attention(leaky_flex=False)
        done = self.check_run(code, recs, err, saved, cps)
        self.assertEqual((done["batching"], done["attn_implementation"]), ("packed", "flex_attention"))
        check = next(r for r in recs if r["type"] == "status" and "packing_check" in r)
        self.assertTrue(check["ok"])
        self.assertLess(check["packing_check"]["max_diff_packed_vs_alone"], 1e-9)
        self.assertGreater(check["packing_check"]["max_diff_one_document_vs_alone"], 1e-3, "the check had a leak to tell apart")

        # a flex kernel that does not keep documents apart: the check fails and the run trains unpacked
        code, recs, err, saved, cps = sft_with_attention(leaky_flex=True)
        done = self.check_run(code, recs, err, saved, cps)
        check = next(r for r in recs if r["type"] == "status" and "packing_check" in r)
        self.assertFalse(check["ok"])
        self.assertEqual((done["batching"], done["attn_implementation"]), ("grouped", "sdpa"))
        self.assertTrue(any("failed the isolation check" in n for n in done["notes"]))

    def test_length_grouped_without_flex_attention(self):
        code, recs, err, saved, cps = self.sft({"FAKE_CUDA": "1", "FAKE_NO_FLEX": "1"})
        done = self.check_run(code, recs, err, saved, cps)
        self.assertEqual((done["batching"], done["attn_implementation"]), ("grouped", "sdpa"))
        self.assertTrue(any("flex_attention" in n for n in done["notes"]))

    def test_a_model_that_cannot_load_with_flex_falls_back_to_grouped(self):
        code, recs, err, saved, cps = self.sft({"FAKE_CUDA": "1", "FAKE_FLEX_LOAD_FAILS": "1"})
        done = self.check_run(code, recs, err, saved, cps)
        self.assertEqual(done["batching"], "grouped")

    def test_plain_padded_on_request(self):
        code, recs, err, saved, cps = self.sft({"FAKE_CUDA": "1"}, batching="padded")
        done = self.check_run(code, recs, err, saved, cps)
        self.assertEqual((done["batching"], done["attn_implementation"]), ("padded", "sdpa"))

    def test_fsdp_runs_the_isolation_check_on_the_model_the_trainer_wrapped(self):
        code, recs, err, saved, cps = self.sft({"FAKE_CUDA": "1"}, strategy="fsdp")
        done = self.check_run(code, recs, err, saved, cps)
        self.assertEqual((done["strategy"], done["master_dtype"], done["batching"]), ("fsdp", "float32", "packed"))
        plan = next(r for r in recs if r["type"] == "status" and r.get("phase") == "plan")
        self.assertEqual((plan["strategy"], plan["load_dtype"], plan["compute_bf16"]), ("fsdp", "float32", True))
        phases = [r.get("phase") for r in recs if r["type"] == "status"]
        # under FSDP the check runs once training has begun (on the sharded model), not before
        self.assertGreater(phases.index("checking"), phases.index("plan"))
        check = next(r for r in recs if r["type"] == "status" and "packing_check" in r)
        self.assertTrue(check["ok"])
        # loaded in fp32 (the master weights) with FSDP's memory-efficient loading switched on first
        self.assertEqual((self.saved_config["loaded_dtype"], self.saved_config["loaded_for_fsdp"]), ("float32", True))

    def test_without_sharding_the_weights_load_in_fp32_and_normally(self):
        code, recs, err, saved, cps = self.sft({"FAKE_CUDA": "1"}, batching="padded")
        self.check_run(code, recs, err, saved, cps)
        self.assertEqual((self.saved_config["loaded_dtype"], self.saved_config["loaded_for_fsdp"]), ("float32", False))

    def test_sample_and_metrics_records_use_the_shared_field_names(self):
        code, recs, err, saved, cps = self.sft({"FAKE_CUDA": "1"})
        self.check_run(code, recs, err, saved, cps)
        for r in recs:
            if r["type"] == "metrics":
                self.assertLessEqual(set(r) - {"type", "time", "step", "total_steps"}, set(METRIC_NAMES))

    def test_lora_saves_the_adapter_and_the_merged_model(self):
        with tempfile.TemporaryDirectory() as d:
            write_data(d)
            job = {"base_model": "model", "dataset": "train.jsonl", "output_dir": "out", "epochs": 1, "global_batch_size": 4, "per_device_batch_size": 2, "lora": {"r": 8}}
            code, recs, err = run("sft", job, d, FAKE_CUDA="1")
            with open(os.path.join(d, "out", "adapter", "adapter_config.json")) as f:
                adapter = json.load(f)
            merged = os.path.isfile(os.path.join(d, "out", "config.json"))
        self.assertEqual(code, 0, err[-3000:])
        self.assertEqual((adapter["r"], adapter["lora_alpha"], adapter["target_modules"]), (8, 64, "all-linear"))
        self.assertTrue(merged)
        cps = [r for r in recs if r["type"] == "checkpoint"]
        self.assertTrue(any(c.get("adapter") for c in cps))
        self.assertTrue(cps[-1]["final"])
        self.assertTrue(recs[-1]["lora"])

    def test_a_missing_model_is_a_clear_error(self):
        with tempfile.TemporaryDirectory() as d:
            write_data(d)
            code, recs, _ = run("sft", {"base_model": "org/no-such-model", "dataset": "train.jsonl", "output_dir": "out"}, d, FAKE_CUDA="1")
        self.assertEqual(code, 1)
        err = next(r for r in recs if r["type"] == "error")
        self.assertEqual(err["kind"], "model_not_found")
        self.assertIn("shared storage", err["message"])

    def test_everything_longer_than_the_cutoff_says_what_to_change(self):
        code, recs, _, _, _ = self.sft({"FAKE_CUDA": "1"}, cutoff_len=16)
        self.assertEqual(code, 1)
        err = next(r for r in recs if r["type"] == "error")
        self.assertEqual(err["kind"], "bad_data")
        self.assertIn("raise cutoff_len or set overlong to truncate", err["message"])


@unittest.skipUnless(HAVE_NUMPY, "numpy is not installed: the torch stand-in needs it (the GPU check runs the real path)")
class EvalPipeline(unittest.TestCase):
    def test_one_sample_record_per_problem_and_index_then_throughput(self):
        with tempfile.TemporaryDirectory() as d:
            write_data(d)
            with open(os.path.join(d, "problems.jsonl"), "w") as f:
                f.write(json.dumps({"key": "a", "messages": [{"role": "user", "content": "2+5?"}]}) + "\n")
                f.write(json.dumps({"key": "b", "question": "3+4?", "indices": [1]}) + "\n")
                f.write(json.dumps({"key": "c", "prompt": "Question: 1+6\nAnswer:"}) + "\n")
            code, recs, err = run("eval", {"model": "model", "problems": "problems.jsonl", "n": 2, "temperature": 0, "max_tokens": 20, "batch_size": 2, "backend": "transformers"}, d, FAKE_CUDA="1")
        self.assertEqual(code, 0, err[-3000:])
        samples = [r for r in recs if r["type"] == "sample"]
        self.assertEqual(sorted((s["problem"], s["index"]) for s in samples), [("a", 0), ("a", 1), ("b", 1), ("c", 0), ("c", 1)])
        for s in samples:
            self.assertEqual(set(s) - {"type", "time"}, set(SAMPLE_FIELDS))
            self.assertEqual(s["text"], "so \\boxed{7}.")
            self.assertEqual(s["finish_reason"], "stop")
            self.assertEqual(s["completion_tokens"], len("so \\boxed{7}.") + 1)
        done = recs[-1]
        self.assertEqual((done["type"], done["ok"], done["samples"], done["backend"]), ("done", True, 5, "transformers"))

    def sampled(self, batch_size, seed=5, order="abc"):
        """{(problem, index): text} of a sampled eval on the transformers path."""
        with tempfile.TemporaryDirectory() as d:
            write_data(d)
            with open(os.path.join(d, "problems.jsonl"), "w") as f:
                for k in order:
                    f.write(json.dumps({"key": k, "messages": [{"role": "user", "content": f"{k}?"}]}) + "\n")
            job = {"model": "model", "problems": "problems.jsonl", "n": 3, "temperature": 0.6, "top_p": 0.95, "seed": seed,
                   "max_tokens": 24, "batch_size": batch_size, "backend": "transformers"}
            code, recs, err = run("eval", job, d, FAKE_CUDA="1")
        self.assertEqual(code, 0, err[-3000:])
        return {(r["problem"], r["index"]): r["text"] for r in recs if r["type"] == "sample"}

    def test_a_samples_text_depends_on_its_seed_not_on_its_batch(self):
        # The stand-in's generate() draws as transformers does: with do_sample, every row of a batch from
        # the one global generator. A seed per sample (eval_plan.sample_seed, as on vLLM) makes a sample
        # the same alone, in a batch of four, and beside other problems.
        alone = self.sampled(1)
        self.assertEqual(len(alone), 9)
        self.assertEqual(self.sampled(4), alone)
        self.assertEqual(self.sampled(4, order="cba"), alone)
        # the seed decides the draw: the three samples of a problem are not all one text
        self.assertTrue(all(len({alone[(k, i)] for i in range(3)}) > 1 for k in "abc"), alone)
        # the same derivation as vLLM's (seed + index): sample i under seed 6 is sample i + 1 under seed 5
        shifted = self.sampled(2, seed=6)
        self.assertEqual([shifted[(k, i)] for k in "abc" for i in (0, 1)], [alone[(k, i)] for k in "abc" for i in (1, 2)])

    def test_the_seeded_sampler_keeps_the_nucleus_and_draws_each_row_from_its_own_seed(self):
        # w2s_runner.seeded_sampling against the torch stand-in, in a child process (the stand-in must not
        # replace torch in this one): p = (0.5, 0.3, 0.15, 0.05) at temperature 1.
        code = """
import json, math, numpy as np, torch, transformers
from w2s_runner.seeded_sampling import seeded_sampler
logits = [math.log(p) for p in (0.5, 0.3, 0.15, 0.05)]
def draws(seeds, top_p, steps=300):
    s = seeded_sampler(transformers, torch, seeds, 1.0, top_p)
    scores = torch.tensor([logits] * len(seeds), dtype=torch.float32)
    out = []
    for _ in range(steps):
        kept = np.asarray(s(None, scores))
        assert all(sum(np.isfinite(row)) == 1 for row in kept)
        out.append([int(np.argmax(row)) for row in kept])
    return [[step[r] for step in out] for r in range(len(seeds))]
print(json.dumps({"p79": sorted(set(draws([1], 0.79)[0])), "p81": sorted(set(draws([1], 0.81)[0])), "all": sorted(set(draws([1], 1.0)[0])),
                  "alone": draws([7], 0.95)[0], "third": draws([3, 4, 7], 0.95)[2], "other": draws([8], 0.95)[0]}))
"""
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(HERE, "fakehf"), RUNNER_ROOT]))
        p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        got = json.loads(p.stdout)
        # top-p as vLLM and transformers cut: a token goes once the likelier tokens hold top_p (0.5 + 0.3 = 0.8)
        self.assertEqual((got["p79"], got["p81"], got["all"]), ([0, 1], [0, 1, 2], [0, 1, 2, 3]))
        # a row's draws are its seed's, wherever it sits in the batch; another seed draws otherwise
        self.assertEqual(got["third"], got["alone"])
        self.assertNotEqual(got["other"], got["alone"])

    def test_a_budget_too_small_ends_with_length(self):
        with tempfile.TemporaryDirectory() as d:
            write_data(d)
            with open(os.path.join(d, "problems.jsonl"), "w") as f:
                f.write(json.dumps({"key": "a", "question": "2+5?"}) + "\n")
            code, recs, err = run("eval", {"model": "model", "problems": "problems.jsonl", "temperature": 0, "max_tokens": 4}, d)
        self.assertEqual(code, 0, err[-3000:])
        (s,) = [r for r in recs if r["type"] == "sample"]
        self.assertEqual((s["finish_reason"], s["completion_tokens"], s["text"]), ("length", 4, "so \\"))


def read_log(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f]


@unittest.skipUnless(HAVE_NUMPY, "numpy is not installed: the torch stand-in needs it (the GPU check runs the real path)")
class EvalWithVllm(unittest.TestCase):
    """The vLLM path against tests/fakehf/vllm, which logs what it was given."""

    def run_eval(self, d, job, model_config=None):
        write_data(d)
        if model_config:
            with open(os.path.join(d, "model", "config.json"), "w") as f:
                json.dump({"model_type": "fake", **model_config}, f)
        with open(os.path.join(d, "model", "generation_config.json"), "w") as f:
            json.dump({"eos_token_id": [10, 12]}, f)
        with open(os.path.join(d, "problems.jsonl"), "w") as f:
            for k in ("a", "b", "c"):
                f.write(json.dumps({"key": k, "messages": [{"role": "user", "content": f"{k}?"}]}) + "\n")
        log = os.path.join(d, "vllm.jsonl")
        code, recs, err = run("eval", {"model": "model", "problems": "problems.jsonl", **job}, d, FAKE_CUDA="1", FAKE_VLLM_LOG=log)
        return code, recs, err, read_log(log)

    def test_prompts_go_as_token_ids_with_the_stop_ids_and_a_seed_per_sample(self):
        with tempfile.TemporaryDirectory() as d:
            code, recs, err, entries = self.run_eval(d, {"n": 2, "seed": 5})
        self.assertEqual(code, 0, err[-3000:])
        engines = [e["engine"] for e in entries if "engine" in e]
        self.assertEqual(len(engines), 1)
        self.assertEqual((engines[0]["tensor_parallel_size"], engines[0]["seed"]), (1, 5))
        calls = [e for e in entries if "prompt_token_ids" in e]
        self.assertEqual(len(calls), 6)
        for c in calls:
            # the ChatML render of the stand-in tokenizer: <|im_start|> (11) first, the generation prompt last
            self.assertEqual(c["prompt_token_ids"][0], 11)
            self.assertEqual(c["params"]["stop_token_ids"], [10, 12])  # im_end (tokenizer) + generation_config's eos list
            self.assertEqual((c["params"]["temperature"], c["params"]["top_p"]), (0.6, 0.95))
            # max_tokens unset: what the stand-in's 512-token context leaves after the prompt
            self.assertEqual(c["params"]["max_tokens"], 512 - len(c["prompt_token_ids"]))
        self.assertEqual(sorted(c["params"]["seed"] for c in calls), [5, 5, 5, 6, 6, 6])
        samples = [r for r in recs if r["type"] == "sample"]
        self.assertEqual(sorted((s["problem"], s["index"]) for s in samples), [(k, i) for k in "abc" for i in (0, 1)])
        self.assertTrue(all(s["text"] == "so \\boxed{7}." and s["finish_reason"] == "stop" for s in samples))
        self.assertEqual(recs[-1]["backend"], "vllm")

    def test_tensor_parallel_divides_the_heads_and_replicas_share_the_samples(self):
        with tempfile.TemporaryDirectory() as d:
            code, recs, err, entries = self.run_eval(d, {"n": 4, "gpus": 8}, model_config={"num_attention_heads": 28, "num_key_value_heads": 4})
        self.assertEqual(code, 0, err[-3000:])
        engines = [e for e in entries if "engine" in e]
        self.assertEqual(sorted(e["devices"] for e in engines), ["0,1,2,3", "4,5,6,7"])
        self.assertTrue(all(e["engine"]["tensor_parallel_size"] == 4 for e in engines))
        samples = [r for r in recs if r["type"] == "sample"]
        self.assertEqual(sorted((s["problem"], s["index"]) for s in samples), [(k, i) for k in "abc" for i in range(4)])
        note = next(r for r in recs if r["type"] == "status" and r.get("phase") == "note")
        self.assertIn("28 attention heads do not split over 8 GPUs: tensor parallel 4 x 2", note["message"])
        self.assertEqual((recs[-1]["tensor_parallel"], recs[-1]["replicas"]), (4, 2))

    def test_a_lora_folder_is_served_over_its_base_model(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "adapter"))
            write_data(d)
            with open(os.path.join(d, "adapter", "adapter_config.json"), "w") as f:
                json.dump({"base_model_name_or_path": os.path.join(d, "model"), "r": 16}, f)
            with open(os.path.join(d, "problems.jsonl"), "w") as f:
                f.write(json.dumps({"key": "a", "prompt": "Question: 1+6\nAnswer:"}) + "\n")
            log = os.path.join(d, "vllm.jsonl")
            code, recs, err = run("eval", {"model": "adapter", "problems": "problems.jsonl", "max_tokens": 8}, d, FAKE_CUDA="1", FAKE_VLLM_LOG=log)
            entries = read_log(log)
        self.assertEqual(code, 0, err[-3000:])
        engine = next(e["engine"] for e in entries if "engine" in e)
        self.assertEqual((engine["model"], engine["enable_lora"], engine["max_lora_rank"]), (os.path.join(d, "model"), True, 16))
        call = next(e for e in entries if "prompt_token_ids" in e)
        self.assertEqual(call["lora"], os.path.join(d, "adapter"))
        self.assertEqual(call["params"]["max_tokens"], 8)
        (s,) = [r for r in recs if r["type"] == "sample"]
        self.assertEqual(s["finish_reason"], "length")


if __name__ == "__main__":
    unittest.main()
