/**
 * Runs an experiment: each step the store says is not done, once the steps it needs are. Problem sets
 * come first, then the plan is made again (a set's hash is an input of every step after it).
 */
import { W2sError } from '../errors';
import type { Store } from '../store/open';
import { planExperiment, type ExperimentPlan, type Step, type StepKind } from './plan';
import { importProblems, runStep, type StepContext, type StepOutcome } from './run-step';
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
  return { plan, steps: stepStates(store, plan) };
}

/**
 * Each step's state in plan order. A step whose needs are not all done is not done either, whatever the
 * store holds for it: grades of a run still sampling, a table of results still coming in.
 */
export function stepStates(store: Store | undefined, plan: ExperimentPlan): PlannedStep[] {
  const done = new Set<string>();
  return plan.steps.map((step) => {
    let status: StepStatus = store ? stepStatus(store, plan, step) : { state: 'to do', detail: '' };
    if (status.state === 'done' && !step.needs.every((n) => done.has(n)))
      status = { state: 'to do', detail: 'after the steps it needs' };
    if (status.state === 'done') done.add(step.id);
    return { step, status };
  });
}

export interface RunSummary {
  readonly ran: string[];
  readonly stopped: boolean;
  readonly plan: ExperimentPlan;
}

/** Steps that wait on the cluster: several run side by side, as the cluster has room for them. */
const CLUSTER_KINDS: readonly StepKind[] = ['sft', 'eval'];

type Ended = { readonly id: string; readonly outcome?: StepOutcome; readonly error?: unknown };

/**
 * Runs every step not done, each once its needs are: cluster steps (jobs) side by side, the local ones
 * (sampling, grading, export, the table) one at a time beside them, so a teacher is sampled while another
 * teacher's students train. After a failure nothing new starts; the steps under way finish, then it is thrown.
 */
async function runSteps(
  ctx: StepContext,
  plan: ExperimentPlan,
  ran: string[],
  wanted: ReadonlySet<string> | undefined,
): Promise<boolean> {
  const waiting = stepStates(ctx.store, plan)
    .filter(({ step, status }) => step.kind !== 'problems' && status.state !== 'done')
    .filter(({ step }) => !wanted || wanted.has(step.id))
    .map(({ step }) => step);
  const finished = new Set(plan.steps.filter((s) => !waiting.includes(s)).map((s) => s.id));
  const active = new Map<string, { local: boolean; ended: Promise<Ended> }>();
  let stopped = false;
  let failure: unknown;
  for (;;) {
    if (failure === undefined && !stopped && !ctx.signal.aborted) {
      for (const step of [...waiting]) {
        if (!step.needs.every((n) => finished.has(n))) continue;
        const local = !CLUSTER_KINDS.includes(step.kind);
        if (local && [...active.values()].some((a) => a.local)) continue;
        waiting.splice(waiting.indexOf(step), 1);
        ctx.log(`step ${step.id} (${step.key.slice(0, 8)})`);
        ran.push(step.id);
        const ended = runStep(ctx, plan, step).then(
          (outcome): Ended => ({ id: step.id, outcome }),
          (error: unknown): Ended => ({ id: step.id, error }),
        );
        active.set(step.id, { local, ended });
      }
    }
    if (active.size === 0) break;
    const r = await Promise.race([...active.values()].map((a) => a.ended));
    active.delete(r.id);
    if (r.error !== undefined && ctx.signal.aborted) {
      // a request cut by Ctrl-C: the step stopped, what it stored is kept
      ctx.log(`step ${r.id} stopped (${r.error instanceof Error ? r.error.message : String(r.error)})`);
      stopped = true;
    } else if (r.error !== undefined) {
      if (failure === undefined && active.size) ctx.log(`step ${r.id} failed; waiting for the steps under way`);
      failure ??= r.error;
    } else if (r.outcome === 'stopped') stopped = true;
    else finished.add(r.id);
  }
  if (failure !== undefined) throw failure;
  return stopped || waiting.length > 0;
}

/**
 * The steps `until` names and every step they need, directly or not ("Run to here"). An id the plan does
 * not have is refused with the ones it has: a typo must not run the whole experiment.
 */
export function stepsUpTo(plan: ExperimentPlan, until: readonly string[]): Set<string> {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const unknown = until.filter((id) => !byId.has(id));
  if (unknown.length)
    throw new W2sError(
      `${plan.spec.file}: no step ${unknown.map((u) => `"${u}"`).join(', ')} in this experiment (its steps: ${plan.steps.map((s) => s.id).join(', ')}).`,
      'NO_STEP',
    );
  const out = new Set<string>();
  const visit = (id: string): void => {
    if (out.has(id)) return;
    out.add(id);
    for (const n of byId.get(id)!.needs) visit(n);
  };
  for (const id of until) visit(id);
  return out;
}

export interface RunOptions {
  /** run only these steps and what they need (step ids); all steps when absent */
  readonly until?: readonly string[];
}

export async function runExperiment(
  ctx: StepContext,
  spec: ExperimentSpec,
  options: RunOptions = {},
): Promise<RunSummary> {
  const ran: string[] = [];
  let plan = planExperiment(ctx.store, spec);
  // before anything runs: a step id that is not in the plan stops here
  if (options.until) stepsUpTo(plan, options.until);
  // every time, not only when missing: a set's file edited since its import is refused, not ignored
  for (const step of plan.steps.filter((s) => s.kind === 'problems')) {
    if ((await importProblems(ctx, plan, step.setName!)) !== 'unchanged') ran.push(step.id);
  }
  // a set's content hash is an input of every step after it: plan again now the sets are in the store
  plan = planExperiment(ctx.store, spec);
  const wanted = options.until ? stepsUpTo(plan, options.until) : undefined;
  const stopped = await runSteps(ctx, plan, ran, wanted);
  return { ran, stopped, plan };
}
