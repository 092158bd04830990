/**
 * Runs an experiment: the steps in order, each one only when the store says it is not done. Problem
 * sets come first, then the plan is made again (a set's hash is an input of every step after it).
 */
import type { Store } from '../store/open';
import { planExperiment, type ExperimentPlan, type Step } from './plan';
import { runStep, type StepContext } from './run-step';
import type { ExperimentSpec } from './spec';
import { stepStatus, type StepStatus } from './state';

export interface PlannedStep {
  readonly step: Step;
  readonly status: StepStatus;
}

/** The plan with each step's state, read from the store (nothing is changed); no store: every step to do. */
export function experimentStatus(
  store: Store | undefined,
  spec: ExperimentSpec,
): { plan: ExperimentPlan; steps: PlannedStep[] } {
  const plan = planExperiment(store, spec);
  const none: StepStatus = { state: 'to do', detail: '' };
  return { plan, steps: plan.steps.map((step) => ({ step, status: store ? stepStatus(store, plan, step) : none })) };
}

export interface RunSummary {
  readonly ran: string[];
  readonly stopped: boolean;
  readonly plan: ExperimentPlan;
}

export async function runExperiment(ctx: StepContext, spec: ExperimentSpec): Promise<RunSummary> {
  const ran: string[] = [];
  let plan = planExperiment(ctx.store, spec);
  for (const step of plan.steps.filter((s) => s.kind === 'problems')) {
    if (stepStatus(ctx.store, plan, step).state === 'done') continue;
    ran.push(step.id);
    if ((await runStep(ctx, plan, step)) === 'stopped') return { ran, stopped: true, plan };
  }
  plan = planExperiment(ctx.store, spec);
  for (const step of plan.steps) {
    if (step.kind === 'problems' || stepStatus(ctx.store, plan, step).state === 'done') continue;
    if (ctx.signal.aborted) return { ran, stopped: true, plan };
    ctx.log(`step ${step.id} (${step.key.slice(0, 8)})`);
    ran.push(step.id);
    if ((await runStep(ctx, plan, step)) === 'stopped') return { ran, stopped: true, plan };
  }
  return { ran, stopped: false, plan };
}
