/** The memory plan of an experiment's SFT steps (memory-plan.ts), as `w2s jobs sft` checks it before submitting. */
import { findModelConfig } from '../jobs/model-config';
import { modelShape, planSftJob, type Alternative, type MemoryPlan } from '../jobs/memory-plan';
import type { PlannedStep } from './run';
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

/**
 * Before a run, as `w2s jobs sft` does before submitting: the first SFT step still to do whose student would
 * not fit, in words with what would fit (undefined when all fit), and the steps whose plan could not be
 * made (no config.json here). The CLI refuses unless --force; the editor asks.
 */
export function sftMemoryCheck(
  spec: ExperimentSpec,
  steps: readonly PlannedStep[],
  runnerSftDefaults: () => Record<string, unknown>,
  where: { cwd: string; env: NodeJS.ProcessEnv },
): { tooBig?: string; skipped: string[] } {
  const skipped: string[] = [];
  let defaults: Record<string, unknown> | undefined;
  for (const { step, status } of steps) {
    if (step.kind !== 'sft' || status.state === 'done') continue;
    defaults ??= runnerSftDefaults();
    const m = sftMemoryPlan(spec, step.settings ?? {}, defaults, where);
    if (!('plan' in m)) {
      skipped.push(`memory plan of ${step.id} skipped: ${m.missing}`);
      continue;
    }
    if (m.plan.fits) continue;
    const fixes = m.alternatives.map((a) => `${a.change} (${a.plan.perGpuGiB} GiB)`).join('; ');
    return {
      tooBig:
        `${spec.file}: ${step.id}: ${spec.student.baseModel} would need ${m.plan.perGpuGiB} GiB per GPU (${m.plan.strategy} over ${m.plan.worldSize}) of ${m.plan.gpuMemoryGiB}: ` +
        `${fixes ? `it fits with ${fixes}` : 'nothing nearby fits'} (student.gpus, student.settings).`,
      skipped,
    };
  }
  return { skipped };
}
