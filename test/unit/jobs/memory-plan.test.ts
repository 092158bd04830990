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
  DDP_STATE_SHARE,
  FIXED_OVERHEAD_BYTES,
  FRAGMENTATION,
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
  // the fields of runner/w2s_runner/defaults.json the plan reads (the CLI test goes through the real file)
  const defaults = {
    sft: {
      cutoff_len: 4096,
      per_device_batch_size: 2,
      lora: null,
      gradient_checkpointing: true,
      cpu_offload: false,
      nodes: 1,
    },
  };
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

describe('the arithmetic, term by term (Qwen2.5-7B, cutoff 4096, micro-batch 2: 8,192 tokens)', () => {
  const P = 7_615_616_512;
  const perLayer = 233_057_792; // 29,364,736 attention + 203,685,888 MLP + 7,168 norms
  const embedding = 152_064 * 3_584; // 544,997,376; the head is as large (untied)
  const tokens = 8_192;
  const checkpointed = 28 * 2 * tokens * 3_584 + tokens * (16 * 3_584 + 6 * 18_944); // layer inputs + one layer's working set
  const logits = tokens * 152_064 * 10;
  const r2 = (bytes: number) => Math.round((bytes / GIB) * 100) / 100;
  const total = (live: number) => r2(live + GIB + 0.05 * live);

  it('FSDP over 8: each of the 16 bytes a parameter divided by 8, one layer and its prefetch plus embedding and head gathered in bf16', () => {
    const plan = planMemory(req('qwen2.5-7b', 8));
    const gathered = 2 * (2 * perLayer + 2 * embedding);
    assert.deepEqual(plan.breakdownGiB, {
      parameters: r2((4 * P) / 8),
      gradients: r2((4 * P) / 8),
      optimizerStates: r2((8 * P) / 8),
      gatheredForCompute: r2(gathered),
      activations: r2(checkpointed),
      logits: r2(logits),
      overhead: r2(GIB + 0.05 * (16 * (P / 8) + gathered + checkpointed + logits)),
    });
    assert.equal(plan.perGpuGiB, total(2 * P + gathered + checkpointed + logits));
    assert.equal(plan.reason, 'model states 113.5 GiB do not fit on one GPU: sharded over 8');
  });

  it('one GPU: everything whole, and autocast keeps a bf16 copy of every weight', () => {
    const plan = planMemory(req('qwen2.5-7b', 1));
    assert.deepEqual(
      [plan.breakdownGiB.parameters, plan.breakdownGiB.optimizerStates, plan.breakdownGiB.gatheredForCompute],
      [r2(4 * P), r2(8 * P), r2(2 * P)],
    );
    assert.equal(plan.perGpuGiB, total(16 * P + 2 * P + checkpointed + logits));
    assert.deepEqual([plan.strategy, plan.reason, plan.worldSize], ['single', 'one GPU', 1]);
  });

  it('without activation checkpointing every layer keeps its working set', () => {
    const plan = planMemory(req('qwen2.5-7b', 8, 80, { activationCheckpointing: false }));
    assert.equal(plan.breakdownGiB.activations, r2(28 * tokens * (16 * 3_584 + 6 * 18_944)));
  });

  it('offload: nothing of the model states on the GPU, only what it computes with', () => {
    const plan = planMemory(req('qwen2.5-7b', 1, 80, { offload: true }));
    assert.deepEqual([plan.strategy, plan.reason], ['fsdp', 'CPU offload needs FSDP']);
    assert.deepEqual(
      [plan.breakdownGiB.parameters, plan.breakdownGiB.gradients, plan.breakdownGiB.optimizerStates],
      [0, 0, 0],
    );
    assert.equal(plan.breakdownGiB.gatheredForCompute, r2(2 * (2 * perLayer + 2 * embedding)));
  });

  it('LoRA r 32 on every linear layer: 80,740,352 adapter parameters with fp32 weights, gradients and AdamW states', () => {
    // per layer 32 x ((3584+3584) + 2 (3584+512) + (3584+3584) + 2 (3584+18944) + (18944+3584)) = 2,883,584; x 28
    const plan = planMemory(req('qwen2.5-7b', 2, 80, { lora: true }));
    const t = 80_740_352;
    assert.equal(plan.trainableParameters, t);
    assert.deepEqual(
      [
        plan.breakdownGiB.parameters,
        plan.breakdownGiB.gradients,
        plan.breakdownGiB.optimizerStates,
        plan.breakdownGiB.gatheredForCompute,
      ],
      [r2(2 * P + 4 * t), r2(4 * t), r2(8 * t), 0],
    );
    assert.deepEqual(
      [plan.strategy, plan.reason],
      ['ddp', 'LoRA: the frozen base fits where full fine-tuning would not'],
    );
    assert.equal(planMemory(req('qwen2.5-7b', 2, 80, { lora: true, loraRank: 8 })).trainableParameters, t / 4);
  });

  it('nodes multiply the GPUs the states are sharded over', () => {
    const plan = planMemory(req('qwen2.5-7b', 4, 80, { nodes: 2 }));
    assert.equal(plan.worldSize, 8);
    assert.equal(plan.breakdownGiB.optimizerStates, r2(P));
  });

  it('DDP when the states fit in 60% of a GPU, with the reason in numbers', () => {
    const plan = planMemory(req('qwen2.5-0.5b', 4));
    assert.deepEqual([plan.strategy, plan.reason], ['ddp', 'model states 7.4 GiB fit on one GPU']);
    assert.equal(plan.breakdownGiB.gatheredForCompute, r2(2 * plan.parameters));
    // 7.36 GiB of states against 60% of 12 GiB (7.2): sharded
    assert.equal(planMemory(req('qwen2.5-0.5b', 4, 12)).strategy, 'fsdp');
  });
});

describe('the alternatives offered', () => {
  it('only settings that fit, never LoRA or offload twice, and micro-batch or checkpointing when they are the fix', () => {
    // 8 GiB GPUs: offload (about 19 GiB) does not fit, so it is not offered
    const small = alternatives(req('qwen2.5-7b', 1, 8));
    assert.ok(small.every((a) => a.plan.fits));
    assert.ok(!small.some((a) => a.change.startsWith('--offload')));
    // already LoRA: neither --lora nor --offload
    const lora = alternatives(req('qwen2.5-14b', 1, 24, { lora: true }));
    assert.ok(
      !lora.some((a) => a.change.startsWith('--lora') || a.change.startsWith('--offload')),
      JSON.stringify(lora.map((a) => a.change)),
    );
    // 8 GPUs of 40 GiB at micro-batch 4: the logits (23 GiB) are the problem; micro-batch 1 fixes it, more GPUs cannot (8 is the most)
    const mb = alternatives(req('qwen2.5-7b', 8, 40, { microBatch: 4 }));
    assert.equal(planMemory(req('qwen2.5-7b', 8, 40, { microBatch: 4 })).fits, false);
    // LoRA keeps the whole bf16 base (15 GiB) and the 23 GiB of logits on each GPU: over 40, so not offered
    assert.deepEqual(
      mb.map((a) => a.change.split(' ')[0]),
      ['--micro-batch', '--offload'],
    );
    // without checkpointing on a 3B model at 4 GPUs of 48 GiB: turning it on is offered
    const ckpt = alternatives(req('qwen2.5-3b', 4, 48, { activationCheckpointing: false }));
    assert.equal(planMemory(req('qwen2.5-3b', 4, 48, { activationCheckpointing: false })).fits, false);
    assert.ok(
      ckpt.some((a) => a.change === 'activation checkpointing on'),
      JSON.stringify(ckpt.map((a) => a.change)),
    );
    // more GPUs: the first count that fits, doubling
    assert.equal(alternatives(req('qwen2.5-14b', 1))[0]!.change, '--gpus 8'); // 2 and 4 GPUs do not fit (4: 55 GiB of states alone)
  });
});

describe('config.json shapes', () => {
  it('refuses what is not a decoder config, with the file and the field', () => {
    for (const bad of [null, [], 'text', 3]) {
      assert.throws(
        () => modelShape(bad, 'x.json'),
        (e: unknown) =>
          e instanceof W2sError && e.code === 'BAD_MODEL_CONFIG' && /^x\.json: not a JSON object/.test(e.message),
      );
    }
    const cfg = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'model-configs', 'qwen2.5-7b.config.json'), 'utf8'),
    ) as Record<string, unknown>;
    for (const v of [0, -1, 2.5, '28']) {
      assert.throws(
        () => modelShape({ ...cfg, num_hidden_layers: v }, 'x.json'),
        (e: unknown) =>
          e instanceof W2sError &&
          e.code === 'BAD_MODEL_CONFIG' &&
          /num_hidden_layers must be a positive integer/.test(e.message),
      );
    }
  });
  it('reads a nested text_config, defaults head_dim and KV heads, and gives Llama-style models q/k/v biases only when they say so', () => {
    const llama = {
      model_type: 'llama',
      hidden_size: 4096,
      intermediate_size: 14336,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      vocab_size: 128256,
    };
    const s = modelShape({ text_config: llama, vision_config: {} });
    assert.deepEqual([s.headDim, s.kvHeads, s.qkvBias, s.modelType, s.tiedEmbeddings], [128, 8, false, 'llama', false]);
    assert.equal(countParameters(s).total, 8_030_261_248); // Llama-3.1-8B's published count
    assert.equal(modelShape({ ...llama, attention_bias: true }).qkvBias, true);
    const noKv = modelShape({ ...llama, num_key_value_heads: undefined, head_dim: 64 });
    assert.deepEqual([noKv.kvHeads, noKv.headDim], [32, 64]);
    assert.equal(modelShape({ ...llama, model_type: undefined }).modelType, 'unknown');
  });
});

// Cases the mutation run of 2026-12-07 asked for (`npm run mutate -- src/core/jobs/memory-plan.ts`): each
// names the rule it pins. docs/testing.md lists the survivors left and why they are equivalent.
describe('the rules at their edges', () => {
  const P05 = countParameters(fixture('qwen2.5-0.5b')).total; // 494,032,768

  it('a GPU with exactly the memory the plan needs fits; one byte-fraction less does not', () => {
    // one GPU, Qwen2.5-0.5B: every term is a whole number of bytes, so the sum is exact
    const s = fixture('qwen2.5-0.5b');
    const tokens = 2 * 4096;
    const activations = s.layers * 2 * tokens * s.hiddenSize + tokens * (16 * s.hiddenSize + 6 * s.intermediateSize);
    const live = 4 * P05 + 4 * P05 + 8 * P05 + 2 * P05 + activations + tokens * s.vocabSize * 10;
    const need = live + (FIXED_OVERHEAD_BYTES + FRAGMENTATION * live);
    const exact = need / GIB; // a power-of-two scale: exact both ways
    assert.equal(planMemory(req('qwen2.5-0.5b', 1, exact)).fits, true);
    assert.equal(planMemory(req('qwen2.5-0.5b', 1, exact * (1 - Number.EPSILON))).fits, false);
  });

  it('DDP when the model states take exactly 60% of a GPU (the threshold is inclusive, as sft_plan.py)', () => {
    const gpuMemory = (16 * P05) / GIB / DDP_STATE_SHARE; // 12.2694… GiB
    assert.equal(DDP_STATE_SHARE * gpuMemory * GIB, 16 * P05, 'precondition: the threshold is met exactly');
    assert.equal(planMemory(req('qwen2.5-0.5b', 2, gpuMemory)).strategy, 'ddp');
    assert.equal(planMemory(req('qwen2.5-0.5b', 2, gpuMemory * (1 - Number.EPSILON))).strategy, 'fsdp');
  });

  it('DDP holds the whole model states on every GPU: only FSDP divides them', () => {
    const plan = planMemory(req('qwen2.5-0.5b', 4));
    assert.equal(plan.strategy, 'ddp');
    const r2 = (bytes: number) => Math.round((bytes / GIB) * 100) / 100;
    assert.deepEqual(
      [plan.breakdownGiB.parameters, plan.breakdownGiB.gradients, plan.breakdownGiB.optimizerStates],
      [r2(4 * P05), r2(4 * P05), r2(8 * P05)],
    );
  });

  it('checkpointing is offered only when turning it on fits', () => {
    // Qwen2.5-14B on one 80 GB GPU: 220 GiB of states, with or without checkpointing
    const alts = alternatives(req('qwen2.5-14b', 1, 80, { activationCheckpointing: false }));
    assert.ok(!alts.some((a) => a.change === 'activation checkpointing on'), JSON.stringify(alts.map((a) => a.change)));
    assert.ok(alts.every((a) => a.plan.fits));
  });

  it('a config.json error names config.json when no file is given', () => {
    assert.throws(
      () => modelShape(null),
      (e: unknown) => e instanceof W2sError && /^config\.json: not a JSON object/.test(e.message),
    );
  });

  it('only an object text_config is read as the text model; null or a scalar leaves the top level', () => {
    const cfg = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'model-configs', 'qwen2.5-0.5b.config.json'), 'utf8'),
    ) as Record<string, unknown>;
    for (const text_config of [null, 5, 'qwen2']) {
      assert.equal(countParameters(modelShape({ ...cfg, text_config })).total, P05, JSON.stringify(text_config));
    }
  });
});

describe("a job's own settings over the defaults, field by field", () => {
  const shape = fixture('qwen2.5-7b');
  it('gpus, nodes and per_device_batch_size of the job are used, else the defaults, else the arguments', () => {
    const own = planSftJob(shape, { gpus: 4, nodes: 2, per_device_batch_size: 1 }, {}, 1, 80);
    assert.deepEqual([own.request.gpus, own.request.nodes, own.request.microBatch], [4, 2, 1]);
    const fromDefaults = planSftJob(shape, {}, { cutoff_len: 2048, per_device_batch_size: 4, nodes: 1 }, 8, 80);
    assert.deepEqual(
      [fromDefaults.request.cutoff, fromDefaults.request.microBatch, fromDefaults.request.gpus],
      [2048, 4, 8],
    );
  });
  it('no lora anywhere is full fine-tuning; a lora without r is r 32', () => {
    assert.equal(planSftJob(shape, {}, {}, 8, 80).request.lora, false);
    const noRank = planSftJob(shape, { lora: { alpha: 64 } }, {}, 8, 80).request;
    assert.deepEqual([noRank.lora, noRank.loraRank], [true, 32]);
  });
});
