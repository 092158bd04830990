import json
import os
import tempfile
import unittest

from w2s_runner.errors import JobError
import dataclasses

from w2s_runner.job import EvalJob, LoraSpec, SftJob, load_defaults, load_job, rules, to_json, validate


class JobValidation(unittest.TestCase):
    def test_sft_needs_only_base_model_dataset_and_output_dir(self):
        job = validate({"base_model": "Qwen/Qwen2.5-Math-7B", "dataset": "data/train.jsonl", "output_dir": "/ckpt/run1"}, "sft")
        defaults = load_defaults()["sft"]
        for k, v in defaults.items():
            if k not in ("base_model", "dataset", "output_dir"):
                self.assertEqual(to_json(job)[k], v, k)

    def test_the_defaults_are_the_w2sr_recipe(self):
        # shared/notes/w2sr-recipe.md: LLaMA-Factory full fine-tuning, bf16, lr 1e-5, cosine, warmup 0.1,
        # 10 epochs, global batch 128, cutoff 4096, a checkpoint per epoch; eval t=0.6, top_p 0.95, seed 0.
        d = load_defaults()
        self.assertEqual((d["sft"]["learning_rate"], d["sft"]["lr_scheduler"], d["sft"]["warmup_ratio"]), (1e-5, "cosine", 0.1))
        self.assertEqual((d["sft"]["epochs"], d["sft"]["global_batch_size"], d["sft"]["cutoff_len"]), (10, 128, 4096))
        self.assertEqual((d["sft"]["bf16"], d["sft"]["lora"], d["sft"]["save"]), (True, None, "epoch"))
        self.assertEqual((d["eval"]["temperature"], d["eval"]["top_p"], d["eval"]["seed"]), (0.6, 0.95, 0))

    def test_eval_needs_model_and_problems(self):
        job = validate({"model": "/ckpt/run1", "problems": "data/problems.jsonl"}, "eval")
        self.assertEqual(job.n, 1)

    def test_a_missing_required_field_is_named(self):
        with self.assertRaisesRegex(JobError, r"job.json: dataset is required for an sft job"):
            validate({"base_model": "m", "output_dir": "o"}, "sft")
        with self.assertRaisesRegex(JobError, r"problems is required for an eval job"):
            validate({"model": "m"}, "eval")

    def test_unknown_fields_are_refused_with_the_known_ones(self):
        with self.assertRaisesRegex(JobError, r"unknown field\(s\) learning_rat .*known: .*learning_rate"):
            validate({"base_model": "m", "dataset": "d", "output_dir": "o", "learning_rat": 1e-5}, "sft")

    def test_wrong_types_and_ranges_name_the_field(self):
        base = {"base_model": "m", "dataset": "d", "output_dir": "o"}
        cases = [
            ({"learning_rate": "1e-5"}, r"learning_rate must be a number in \(0, 1\), got \"1e-5\""),
            ({"epochs": 0}, r"epochs must be a positive number"),
            ({"global_batch_size": 12.5}, r"global_batch_size must be a positive integer"),
            ({"bf16": "yes"}, r"bf16 must be true or false"),
            ({"batching": "sorted"}, r"batching must be one of auto, packed, grouped, padded"),
            ({"cutoff_len": 8}, r"cutoff_len must be an integer >= 16"),
            ({"lora": {"rank": 8}}, r"unknown lora field\(s\) rank"),
            ({"lora": {"r": 0}}, r"lora.r must be a positive integer"),
            ({"validation": "v.jsonl", "validation_split": 0.1}, r"either validation .* or validation_split"),
        ]
        for extra, pattern in cases:
            with self.subTest(extra=extra):
                with self.assertRaisesRegex(JobError, pattern):
                    validate({**base, **extra}, "sft")
        with self.assertRaisesRegex(JobError, r"temperature must be a number from 0 to 2"):
            validate({"model": "m", "problems": "p", "temperature": 3}, "eval")

    def test_lora_gets_its_defaults(self):
        job = validate({"base_model": "m", "dataset": "d", "output_dir": "o", "lora": {"r": 8}}, "sft")
        self.assertEqual(job.lora.r, 8)
        self.assertEqual(job.lora.alpha, load_defaults()["lora"]["alpha"])

    def test_paths_are_relative_to_the_job_file(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "model"))
            path = os.path.join(d, "job.json")
            with open(path, "w") as f:
                json.dump({"base_model": "model", "dataset": "data/train.jsonl", "output_dir": "/abs/out"}, f)
            job = load_job(path, "sft")
            self.assertEqual(job.dataset, os.path.join(d, "data", "train.jsonl"))
            self.assertEqual(job.output_dir, "/abs/out")
            self.assertEqual(job.base_model, os.path.join(d, "model"))
            with open(path, "w") as f:
                json.dump({"base_model": "Qwen/Qwen2.5-0.5B", "dataset": "t.jsonl", "output_dir": "o"}, f)
            self.assertEqual(load_job(path, "sft").base_model, "Qwen/Qwen2.5-0.5B")

    def test_a_home_relative_output_dir_is_the_cluster_users_home(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "job.json")
            with open(path, "w") as f:
                json.dump({"base_model": "m", "dataset": "t.jsonl", "output_dir": "~/w2s-checkpoints/job-1"}, f)
            self.assertEqual(load_job(path, "sft").output_dir, os.path.join(os.path.expanduser("~"), "w2s-checkpoints", "job-1"))

    def test_unreadable_and_invalid_files_name_the_file(self):
        with tempfile.TemporaryDirectory() as d:
            missing = os.path.join(d, "nope.json")
            with self.assertRaisesRegex(JobError, r"cannot read the job file .*nope.json"):
                load_job(missing, "sft")
            bad = os.path.join(d, "job.json")
            with open(bad, "w") as f:
                f.write("{ not json")
            with self.assertRaisesRegex(JobError, r"job.json: not valid JSON"):
                load_job(bad, "sft")
            with open(bad, "w") as f:
                f.write("[1, 2]")
            with self.assertRaisesRegex(JobError, r"must be a JSON object"):
                load_job(bad, "sft")


class JobDataclasses(unittest.TestCase):
    def test_each_field_is_declared_once_with_its_default_in_defaults_json(self):
        # defaults.json is what the TypeScript side reads too; the dataclasses must name the same fields.
        d = load_defaults()
        self.assertEqual(list(rules(SftJob)), list(d["sft"]))
        self.assertEqual(list(rules(EvalJob)), list(d["eval"]))
        self.assertEqual(list(rules(LoraSpec)), list(d["lora"]))

    def test_underscore_knobs_are_kept_apart_and_round_trip(self):
        job = validate({"base_model": "m", "dataset": "d", "output_dir": "o", "_no_final_save": True}, "sft")
        self.assertEqual(dict(job.knobs), {"no_final_save": True})
        self.assertEqual(to_json(job)["_no_final_save"], True)
        self.assertEqual(validate(to_json(job), "sft"), job)

    def test_jobs_are_frozen(self):
        job = validate({"model": "m", "problems": "p"}, "eval")
        with self.assertRaises(dataclasses.FrozenInstanceError):
            job.n = 3  # type: ignore[misc]

    def test_save_steps_is_required_when_saving_by_steps(self):
        with self.assertRaisesRegex(JobError, r"save is steps but save_steps is not set"):
            validate({"base_model": "m", "dataset": "d", "output_dir": "o", "save": "steps"}, "sft")

    def test_checkpoints_are_rotated_and_model_only_by_default(self):
        job = validate({"base_model": "m", "dataset": "d", "output_dir": "o"}, "sft")
        assert isinstance(job, SftJob)
        self.assertEqual((job.save_total_limit, job.save_optimizer), (3, False))

    def test_eval_max_tokens_defaults_to_the_models_context(self):
        # W2SR evaluated with max_tokens up to the model's context (shared/notes/w2sr-recipe.md)
        job = validate({"model": "m", "problems": "p"}, "eval")
        assert isinstance(job, EvalJob)
        self.assertIsNone(job.max_tokens)


if __name__ == "__main__":
    unittest.main()
