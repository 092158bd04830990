/**
 * An experiment's steps as text, one line each: state, id, key, what the store holds, and each SFT step's
 * per-GPU memory plan. `w2s experiment status` / `--dry-run` print it; the editor's Dry run shows the same.
 */
import { planSummary } from '../jobs/memory-plan-text';
import { sftMemoryPlan } from './memory';
import type { PlannedStep } from './run';
import type { ExperimentSpec } from './spec';

export interface StatusTextOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** the runner's SFT defaults (runner-files.ts), read only when the plan has an SFT step */
  readonly sftDefaults: () => Record<string, unknown>;
}

export function stepLines(spec: ExperimentSpec, steps: readonly PlannedStep[], o: StatusTextOptions): string[] {
  let sftDefaults: Record<string, unknown> | undefined;
  const width = Math.max(...steps.map((s) => s.step.id.length));
  return steps.map(({ step, status }) => {
    let extra = status.detail ? `  ${status.detail}` : '';
    if (step.kind === 'sft') {
      sftDefaults ??= o.sftDefaults();
      const m = sftMemoryPlan(spec, step.settings ?? {}, sftDefaults, { cwd: o.cwd, env: o.env });
      extra += `  memory: ${'plan' in m ? planSummary(m.plan) : m.missing}`;
    }
    return `${status.state.padEnd(5)}  ${step.id.padEnd(width)}  ${step.key.slice(0, 8)}${extra}`;
  });
}

/** The whole report: the experiment, its steps, and how many are left. */
export function statusText(spec: ExperimentSpec, steps: readonly PlannedStep[], o: StatusTextOptions): string[] {
  const todo = steps.filter((s) => s.status.state !== 'done').length;
  return [
    `${spec.name} (${spec.file}):`,
    ...stepLines(spec, steps, o).map((l) => `  ${l}`),
    todo ? `${todo} of ${steps.length} steps to do.` : `All ${steps.length} steps done.`,
  ];
}
