/** The memory plan of an experiment's SFT steps (memory-plan.ts), as `w2s jobs sft` checks it before submitting. */
import { findModelConfig } from '../jobs/model-config';
import { modelShape, planSftJob, type Alternative, type MemoryPlan } from '../jobs/memory-plan';
import type { ExperimentSpec } from './spec';

/** The plan of one SFT step, or why there is none (no config.json for the student here). */
export function sftMemoryPlan(
  spec: ExperimentSpec,
  settings: Readonly<Record<string, unknown>>,
  runnerSftDefaults: Record<string, unknown>,
  where: { cwd: string; env: NodeJS.ProcessEnv },
): { plan: MemoryPlan; alternatives: readonly Alternative[] } | { missing: string } {
  let found;
  try {
    found = findModelConfig({
      modelConfig: spec.student.modelConfig ?? undefined,
      baseModel: spec.student.baseModel,
      cwd: where.cwd,
      env: where.env,
    });
  } catch {
    return { missing: `no config.json for ${spec.student.baseModel} here (student.model_config: FILE gives one)` };
  }
  return planSftJob(
    modelShape(found.config, found.path),
    { ...settings },
    runnerSftDefaults,
    spec.student.gpus,
    spec.student.gpuMemoryGiB,
  );
}
