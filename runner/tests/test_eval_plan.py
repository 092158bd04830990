"""Eval as W2SR evaluated (eval_plan.py) and Ray Train's GPU accounting (ray_train.py), without vLLM or Ray."""

import json
import os
import tempfile
import unittest

from w2s_runner.errors import RunnerError
from w2s_runner.eval_plan import parallel_plan, sampling_kwargs, shard, stop_ids, token_budget
from w2s_runner.evaluate import vllm_engine_kwargs
from w2s_runner.job import validate
from w2s_runner.ray_train import ray_scaling


class StopTokens(unittest.TestCase):
    def test_the_templates_end_tokens_and_the_generation_configs_eos_together(self):
        # Qwen2.5 base: tokenizer eos <|endoftext|> 151643, <|im_end|> 151645; generation_config eos a list.
        self.assertEqual(stop_ids([151643, 151645], [151645, 151643]), [151643, 151645])
        self.assertEqual(stop_ids([151645], 151643), [151643, 151645])
        self.assertEqual(stop_ids([2], None), [2])
        self.assertEqual(stop_ids([2], True), [2])  # not an id


class Parallelism(unittest.TestCase):
    def test_tensor_parallel_divides_the_heads_and_the_rest_are_replicas(self):
        # Qwen2.5-7B: 28 query heads, 4 KV heads. TP 8 is impossible (28 % 8); TP 4 x 2 replicas.
        p = parallel_plan(8, 28, 4)
        self.assertEqual((p.tensor_parallel, p.replicas), (4, 2))
        self.assertIn("28 attention heads", p.note or "")
        # Qwen2.5-14B: 40 heads, 8 KV heads: TP 8 on 8 GPUs.
        self.assertEqual((parallel_plan(8, 40, 8).tensor_parallel, parallel_plan(8, 40, 8).replicas), (8, 1))
        self.assertEqual((parallel_plan(3, 28, 4).tensor_parallel, parallel_plan(3, 28, 4).replicas), (1, 3))
        self.assertEqual((parallel_plan(1, None, None).tensor_parallel, parallel_plan(1, None, None).note), (1, None))

    def test_replicas_share_the_units_without_overlap(self):
        units = list(range(10))
        parts = [shard(units, 3, k) for k in range(3)]
        self.assertEqual(sorted(x for p in parts for x in p), units)


class Sampling(unittest.TestCase):
    def test_w2sr_sampling_params_with_a_seed_per_sample_and_the_stop_ids(self):
        kw = sampling_kwargs(0.6, 0.95, 0, 3, 1000, [151643, 151645])
        self.assertEqual(kw, {"n": 1, "temperature": 0.6, "top_p": 0.95, "max_tokens": 1000, "seed": 3,
                              "stop_token_ids": [151643, 151645], "skip_special_tokens": True})
        self.assertEqual(sampling_kwargs(0, 0.95, 0, 0, 10, [])["top_p"], 1.0)  # greedy

    def test_max_tokens_defaults_to_what_the_context_leaves(self):
        self.assertEqual(token_budget(None, 4096, 300), 3796)
        self.assertEqual(token_budget(1000, 4096, 300), 1000)
        self.assertEqual(token_budget(None, 4096, 5000), 1)

    def test_a_lora_folder_is_served_over_its_base_with_vllms_lora_support(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "adapter_config.json"), "w") as f:
                json.dump({"base_model_name_or_path": "Qwen/Qwen2.5-Math-7B", "r": 32}, f)
            kwargs, lora = vllm_engine_kwargs(validate({"model": d, "problems": "p"}, "eval"), 4)
        self.assertEqual((kwargs["model"], kwargs["enable_lora"], kwargs["max_lora_rank"], kwargs["tensor_parallel_size"]), ("Qwen/Qwen2.5-Math-7B", True, 32, 4))
        self.assertEqual(lora, d)
        kwargs, lora = vllm_engine_kwargs(validate({"model": "/ckpt/final", "problems": "p", "max_model_len": 8192}, "eval"), 1)
        self.assertEqual((kwargs["model"], kwargs["max_model_len"], lora), ("/ckpt/final", 8192, None))
        self.assertNotIn("enable_lora", kwargs)


class RayTrainGpus(unittest.TestCase):
    def job(self, **extra):
        return validate({"base_model": "m", "dataset": "d", "output_dir": "/shared/o", **extra}, "sft")

    def test_one_worker_per_gpu_and_a_driver_without_gpus(self):
        s = ray_scaling(self.job(nodes=2, gpus=8), driver_gpus=0, cluster_gpus=16)
        self.assertEqual((s.num_workers, s.resources_per_worker), (16, {"GPU": 1.0}))

    def test_a_driver_holding_gpus_is_refused_before_fit_waits_forever(self):
        with self.assertRaisesRegex(RunnerError, r"driver holds 8 GPU\(s\).*no entrypoint GPUs"):
            ray_scaling(self.job(nodes=2, gpus=8), driver_gpus=8, cluster_gpus=16)

    def test_more_workers_than_the_cluster_has_is_refused(self):
        with self.assertRaisesRegex(RunnerError, r"16 workers, but the cluster has 8 GPUs"):
            ray_scaling(self.job(nodes=2, gpus=8), driver_gpus=0, cluster_gpus=8)


if __name__ == "__main__":
    unittest.main()
