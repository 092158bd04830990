// The memory planner against published arithmetic: parameter counts from the layer shapes against the
// Qwen2.5 model cards, the ZeRO paper's model-state figures, and the acceptance cases of the W2SR
// students (Qwen2.5-7B on 8 x 80 GB fits, on 1 x 80 GB without offload does not; Qwen2.5-14B on 8 x 80 fits).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import {
  alternatives,
  countParameters,
  GIB,
  modelShape,
  planMemory,
  planSftJob,
  zeroModelStateBytes,
  type PlanRequest,
} from '../../../src/core/jobs/memory-plan';
import { REPO_ROOT } from '../../support/tmp';

const fixture = (name: string) =>
  modelShape(
    JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'model-configs', `${name}.config.json`), 'utf8'),
    ),
    name,
  );
const W2SR = {
  nodes: 1,
  cutoff: 4096,
  microBatch: 2,
  lora: false,
  offload: false,
  activationCheckpointing: true,
} as const;
const req = (name: string, gpus: number, gpuMemoryGiB = 80, extra: Partial<PlanRequest> = {}): PlanRequest => ({
  shape: fixture(name),
  gpus,
  gpuMemoryGiB,
  ...W2SR,
  ...extra,
});

describe('parameters from the layer shapes', () => {
  it('Qwen2.5-7B has 7,615,616,512 parameters (q/k/v biases, untied head)', () => {
    // 28 x (attention 29,364,736 + MLP 203,685,888 + norms 7,168) + 2 x 152,064 x 3,584 + final norm 3,584
    assert.equal(countParameters(fixture('qwen2.5-7b')).total, 7_615_616_512);
  });
  it("matches the counts the other sizes' model cards publish", () => {
    // [name, published, its last digit's step]: the cards round some and truncate others (3,085,938,688 is
    // "3.09B", 14,770,033,664 "14.7B"), so the count must agree to within one step of the last digit.
    const cards: [string, number, number][] = [
      ['qwen2.5-0.5b', 0.49e9, 0.01e9],
      ['qwen2.5-1.5b', 1.54e9, 0.01e9],
      ['qwen2.5-3b', 3.09e9, 0.01e9],
      ['qwen2.5-14b', 14.7e9, 0.1e9],
    ];
    for (const [name, published, step] of cards) {
      const n = countParameters(fixture(name)).total;
      assert.ok(Math.abs(n - published) < step, `${name}: ${n} vs ${published}`);
    }
  });
  it('a tied head adds nothing and a config without the layer shapes names the field', () => {
    const tied = countParameters(fixture('qwen2.5-0.5b'));
    assert.equal(tied.lmHead, 0);
    assert.throws(
      () => modelShape({ hidden_size: 896 }, 'cfg.json'),
      (e: unknown) =>
        e instanceof W2sError && /cfg.json: num_attention_heads must be a positive integer/.test(e.message),
    );
  });
});

describe('ZeRO model-state arithmetic (Rajbhandari et al. 2020, Figure 1: 7.5B parameters, 64 GPUs, K = 12)', () => {
  const GB = 1e9;
  const psi = 7.5e9;
  it('baseline 120 GB, P_os 31.4 GB, P_os+g 16.6 GB, P_os+g+p 1.9 GB', () => {
    assert.equal(zeroModelStateBytes(psi, 64, 0) / GB, 120);
    assert.equal(Math.round((zeroModelStateBytes(psi, 64, 1) / GB) * 10) / 10, 31.4);
    assert.equal(Math.round((zeroModelStateBytes(psi, 64, 2) / GB) * 10) / 10, 16.6);
    assert.equal(Math.round((zeroModelStateBytes(psi, 64, 3) / GB) * 10) / 10, 1.9);
  });
  it("the planner's sharded model states are ZeRO-3's 16 bytes per parameter over the GPUs", () => {
    const plan = planMemory(req('qwen2.5-7b', 8));
    const states =
      (plan.breakdownGiB.parameters + plan.breakdownGiB.gradients + plan.breakdownGiB.optimizerStates) * GIB;
    const zero3 = zeroModelStateBytes(plan.parameters, 8, 3);
    assert.ok(Math.abs(states - zero3) / zero3 < 0.001, `${states} vs ${zero3}`);
  });
});

describe('the W2SR students', () => {
  it('Qwen2.5-7B fits on 8 x 80 GB, sharded', () => {
    const plan = planMemory(req('qwen2.5-7b', 8));
    assert.equal(plan.strategy, 'fsdp');
    assert.equal(plan.fits, true);
    // 16 x 7.6156e9 / 8 = 14.18 GiB of model states; logits 8,192 tokens x 152,064 x 10 bytes = 11.6 GiB
    assert.equal(plan.breakdownGiB.logits, 11.6);
    assert.ok(plan.perGpuGiB > 25 && plan.perGpuGiB < 45, String(plan.perGpuGiB));
  });
  it('Qwen2.5-7B on one 80 GB GPU without offload does not fit, and the nearest settings that do are offered', () => {
    const r = req('qwen2.5-7b', 1);
    const plan = planMemory(r);
    assert.equal(plan.fits, false);
    assert.ok(plan.perGpuGiB > 113, String(plan.perGpuGiB)); // 16 bytes x 7.6e9 = 113.5 GiB of states alone
    const alts = alternatives(r);
    assert.deepEqual(
      alts.map((a) => a.change.split(' ')[0]),
      ['--gpus', '--offload', '--lora'],
    );
    assert.equal(alts[0]!.change, '--gpus 2');
    assert.ok(alts.every((a) => a.plan.fits));
  });
  it('Qwen2.5-14B fits on 8 x 80 GB', () => {
    const plan = planMemory(req('qwen2.5-14b', 8));
    assert.equal(plan.fits, true, String(plan.perGpuGiB));
    assert.equal(plan.strategy, 'fsdp');
  });
  it('a small model trains with DDP and a LoRA job keeps the whole bf16 base on every GPU', () => {
    assert.equal(planMemory(req('qwen2.5-0.5b', 8)).strategy, 'ddp');
    const lora = planMemory(req('qwen2.5-7b', 4, 80, { lora: true }));
    assert.equal(lora.strategy, 'ddp');
    assert.ok(lora.breakdownGiB.parameters > (2 * 7.6e9) / GIB);
    assert.ok(lora.trainableParameters < 0.02 * lora.parameters);
  });
  it('activation checkpointing keeps layer inputs only', () => {
    const on = planMemory(req('qwen2.5-7b', 8));
    const off = planMemory(req('qwen2.5-7b', 8, 80, { activationCheckpointing: false }));
    assert.ok(off.breakdownGiB.activations > 5 * on.breakdownGiB.activations);
  });
});

describe('the plan of a job as it would be submitted', () => {
  const defaults = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'runner', 'w2s_runner', 'defaults.json'), 'utf8'),
  ) as { sft: Record<string, unknown> };
  it("takes the runner's defaults, then the job's own settings", () => {
    const base = planSftJob(fixture('qwen2.5-7b'), {}, defaults.sft, 8, 80);
    assert.deepEqual(
      [base.request.cutoff, base.request.microBatch, base.request.lora, base.request.activationCheckpointing],
      [4096, 2, false, true],
    );
    assert.equal(base.plan.fits, true);
    const lora = planSftJob(
      fixture('qwen2.5-7b'),
      { lora: { r: 8 }, cutoff_len: 2048, gradient_checkpointing: false },
      defaults.sft,
      1,
      80,
    );
    assert.deepEqual(
      [lora.request.lora, lora.request.loraRank, lora.request.cutoff, lora.request.activationCheckpointing],
      [true, 8, 2048, false],
    );
  });
  it('a job that does not fit comes with the settings that would', () => {
    const one = planSftJob(fixture('qwen2.5-7b'), {}, defaults.sft, 1, 80);
    assert.equal(one.plan.fits, false);
    assert.ok(one.alternatives.length > 0);
    const offload = planSftJob(fixture('qwen2.5-7b'), { cpu_offload: true }, defaults.sft, 1, 80);
    assert.deepEqual([offload.plan.fits, offload.plan.strategy], [true, 'fsdp']);
  });
});
