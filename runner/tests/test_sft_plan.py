"""The decisions sft.py takes before loading a model (sft_plan.py) and the metrics it prints
(sft_trainer.py), without torch: strategy, fp32 master precision, FSDP configuration, batch plan,
checkpoint settings, and token counts summed over ranks."""

import unittest

from w2s_runner.job import SftJob, validate
from w2s_runner.records import METRIC_NAMES
from w2s_runner.sft_plan import GiB, batch_plan, choose_strategy, fsdp_settings, precision_plan, save_settings
from w2s_runner.sft_trainer import Meter, metrics_record

BASE = {"base_model": "m", "dataset": "d", "output_dir": "/o"}


def job(**extra) -> SftJob:
    return validate({**BASE, **extra}, "sft")


# Qwen2.5-7B: 7.62e9 parameters (its model card); Qwen2.5-0.5B: 0.494e9.
P7B, P05B = 7_615_616_512, 494_032_768


class Precision(unittest.TestCase):
    def test_full_fine_tuning_keeps_fp32_master_weights_and_computes_in_bf16(self):
        p = precision_plan(job(), bf16_supported=True)
        self.assertEqual((p.load_dtype, p.compute_bf16), ("float32", True))

    def test_lora_keeps_the_frozen_base_in_bf16(self):
        p = precision_plan(job(lora={}), bf16_supported=True)
        self.assertEqual((p.load_dtype, p.compute_bf16), ("bfloat16", True))

    def test_without_bf16_everything_is_fp32(self):
        self.assertEqual(precision_plan(job(), bf16_supported=False).load_dtype, "float32")
        self.assertFalse(precision_plan(job(bf16=False), bf16_supported=True).compute_bf16)


class Strategy(unittest.TestCase):
    def test_a_7b_model_is_sharded_over_8_gpus_and_a_small_one_uses_ddp(self):
        # 16 bytes per parameter (fp32 weights, gradients, Adam m and v): 7.6B -> 113 GiB, over 80 GiB.
        self.assertEqual(choose_strategy(job(), 8, P7B, 80 * GiB).strategy, "fsdp")
        self.assertEqual(choose_strategy(job(), 8, P05B, 80 * GiB).strategy, "ddp")

    def test_one_process_needs_no_data_parallelism_unless_offloading(self):
        self.assertEqual(choose_strategy(job(), 1, P7B, 80 * GiB).strategy, "single")
        self.assertEqual(choose_strategy(job(cpu_offload=True), 1, P7B, 80 * GiB).strategy, "fsdp")

    def test_explicit_choices_win_and_fsdp_true_is_the_old_spelling(self):
        self.assertEqual(choose_strategy(job(strategy="fsdp"), 1, P05B, 80 * GiB).strategy, "fsdp")
        self.assertEqual(choose_strategy(job(fsdp=True), 2, P05B, 80 * GiB).strategy, "fsdp")
        self.assertEqual(choose_strategy(job(strategy="ddp"), 8, P7B, 80 * GiB).strategy, "ddp")

    def test_unknown_sizes_shard_and_lora_stays_ddp(self):
        self.assertEqual(choose_strategy(job(), 4, None, None).strategy, "fsdp")
        self.assertEqual(choose_strategy(job(lora={}), 4, P7B, 80 * GiB).strategy, "ddp")


class Fsdp(unittest.TestCase):
    def test_fsdp2_on_transformers_5_wraps_the_models_own_layers(self):
        s = fsdp_settings(job(), ["Qwen2DecoderLayer"], (5, 17))
        c = s["fsdp_config"]
        self.assertEqual(c["version"], 2)
        self.assertEqual(c["transformer_layer_cls_to_wrap"], ["Qwen2DecoderLayer"])
        self.assertEqual(c["auto_wrap_policy"], "TRANSFORMER_BASED_WRAP")
        self.assertTrue(c["cpu_ram_efficient_loading"])  # rank 0 loads, the others start on meta
        self.assertTrue(c["activation_checkpointing"])
        self.assertEqual(c["state_dict_type"], "FULL_STATE_DICT")  # the final folder is a plain HF checkpoint
        self.assertFalse(s["gradient_checkpointing"])  # FSDP checkpoints; the Trainer's switch stays off
        self.assertEqual(s["fsdp"], "full_shard auto_wrap")

    def test_fsdp1_before_transformers_5_with_its_own_knobs(self):
        c = fsdp_settings(job(), ["LlamaDecoderLayer"], (4, 51))["fsdp_config"]
        self.assertEqual(c["version"], 1)
        self.assertTrue(c["sync_module_states"] and c["use_orig_params"])

    def test_cpu_offload_and_no_activation_checkpointing(self):
        s = fsdp_settings(job(cpu_offload=True, gradient_checkpointing=False), None, (5, 17))
        self.assertEqual(s["fsdp"], "full_shard auto_wrap offload")
        self.assertTrue(s["fsdp_config"]["cpu_offload"])
        self.assertFalse(s["fsdp_config"]["activation_checkpointing"])
        self.assertNotIn("transformer_layer_cls_to_wrap", s["fsdp_config"])


class Batches(unittest.TestCase):
    def test_accumulation_reaches_the_global_batch_for_the_world_size(self):
        b = batch_plan(job(), 8)  # W2SR: 128 = 2 per device x 8 x 8
        self.assertEqual((b.per_device, b.accumulation, b.effective, b.note), (2, 8, 128, None))
        b = batch_plan(job(global_batch_size=100), 3)
        self.assertEqual(b.effective, 102)
        self.assertIn("using 102", b.note or "")

    def test_checkpoints_are_model_only_and_rotated_by_default(self):
        self.assertEqual(save_settings(job()), {"save_strategy": "epoch", "save_total_limit": 3, "save_only_model": True})
        s = save_settings(job(save="steps", save_steps=50, save_optimizer=True, save_total_limit=1))
        self.assertEqual((s["save_steps"], s["save_only_model"], s["save_total_limit"]), (50, False, 1))


class Metrics(unittest.TestCase):
    def test_tokens_and_accuracy_are_summed_over_ranks(self):
        # Two ranks: this one counted 100 tokens and 30/40 right; the other (through reduce) 300 and 10/60.
        other = {1: [300.0], 2: [10.0, 60.0]}
        meter = Meter(reduce=lambda values: [a + b for a, b in zip(values, other[len(values)])])
        meter.add_tokens(100)
        meter.add_accuracy("train", 30, 40)
        meter.window_start -= 2.0
        rec = metrics_record({"loss": 1.5, "learning_rate": 1e-5, "grad_norm": 0.5, "epoch": 0.1}, 3, 10, meter)
        assert rec is not None
        self.assertAlmostEqual(rec["train_mean_token_accuracy"], 40 / 100)
        self.assertAlmostEqual(rec["tokens_per_second"], 200, delta=5)  # 400 tokens over ~2 s
        self.assertEqual(meter.all_tokens(), 400)

    def test_metric_names_are_the_records_ones(self):
        meter = Meter()
        meter.add_tokens(10)
        meter.add_accuracy("train", 1, 2)
        meter.add_accuracy("eval", 1, 2)
        rec = metrics_record({"loss": 1.0, "learning_rate": 1e-5, "grad_norm": 1.0, "epoch": 1.0, "eval_loss": 2.0}, 1, 2, meter)
        assert rec is not None
        self.assertEqual(set(rec) - {"step", "total_steps"}, set(METRIC_NAMES))


if __name__ == "__main__":
    unittest.main()
