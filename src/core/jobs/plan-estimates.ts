/**
 * The planner's estimates for the cases runner/scripts/gpu_check.py measures (one GPU, full fine-tuning,
 * micro-batch 2, with and without activation checkpointing, Qwen2.5 0.5B / 1.5B / 3B shapes), written to
 * runner/scripts/data/plan-estimates.json by scripts/plan-estimates.ts for the GPU machine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { modelShape, planMemory, type ModelShape } from './memory-plan';

export interface EstimateCase {
  readonly name: string;
  readonly config: string;
  readonly shape: ModelShape;
  readonly cutoff: number;
  readonly microBatch: number;
  readonly activationCheckpointing: boolean;
  readonly perGpuGiB: number;
  /** perGpuGiB without the fixed and fragmentation overhead: what torch.cuda.max_memory_allocated() sees. */
  readonly allocatedGiB: number;
  readonly breakdownGiB: Record<string, number>;
}

const CASES: readonly { config: string; cutoff: number; ckpt: boolean }[] = [
  { config: 'qwen2.5-0.5b', cutoff: 4096, ckpt: true },
  { config: 'qwen2.5-0.5b', cutoff: 2048, ckpt: false },
  { config: 'qwen2.5-1.5b', cutoff: 4096, ckpt: true },
  { config: 'qwen2.5-1.5b', cutoff: 2048, ckpt: false },
  { config: 'qwen2.5-3b', cutoff: 4096, ckpt: true },
  { config: 'qwen2.5-3b', cutoff: 1024, ckpt: false },
];

export function planEstimates(repoRoot: string): { note: string; cases: EstimateCase[] } {
  const cases = CASES.map(({ config, cutoff, ckpt }) => {
    const file = path.join(repoRoot, 'test', 'fixtures', 'model-configs', `${config}.config.json`);
    const shape = modelShape(JSON.parse(fs.readFileSync(file, 'utf8')), file);
    const plan = planMemory({
      shape,
      gpus: 1,
      nodes: 1,
      gpuMemoryGiB: 80,
      cutoff,
      microBatch: 2,
      lora: false,
      offload: false,
      activationCheckpointing: ckpt,
    });
    const b = plan.breakdownGiB;
    const allocated = Math.round((plan.perGpuGiB - b.overhead) * 100) / 100;
    return {
      name: `${config} cutoff ${cutoff} ${ckpt ? 'checkpointing' : 'no checkpointing'}`,
      config,
      shape,
      cutoff,
      microBatch: 2,
      activationCheckpointing: ckpt,
      perGpuGiB: plan.perGpuGiB,
      allocatedGiB: allocated,
      breakdownGiB: { ...b },
    };
  });
  return {
    note: 'written by scripts/plan-estimates.ts from src/core/jobs/memory-plan.ts; checked by test/unit/jobs/plan-estimates.test.ts',
    cases,
  };
}
