/**
 * Runs one step through the core function of the command that does it by hand (import, sampleRun,
 * gradeTraces, exportDataset, submitJob + followJob, buildComparison), so a step interrupted anywhere
 * resumes as that command does: a run samples only what it lacks, a job still running is followed again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';
import { exportDataset } from '../export/export';
import { EXPORT_DEFAULTS } from '../export/defaults';
import { requireView } from '../curation/views';
import { andFilters } from '../curation/filter';
import type { GraderPool } from '../grader/pool';
import { gradeTraces } from '../grading/grade-traces';
import { followJob } from '../jobs/follow';
import { findJob, fromRayStatus, isFinished, updateJob, type JobRow } from '../jobs/job-store';
import type { RayClient } from '../jobs/ray-client';
import type { RunnerEnvironment } from '../jobs/runner-environment';
import { submitJob, type EvalRequest, type SftRequest } from '../jobs/submit';
import { findBuiltin, builtinFile } from '../problems/builtin';
import { importProblemSet } from '../problems/import';
import { buildComparison } from '../results/comparison';
import { toMarkdown } from '../results/format';
import { linkModel } from '../results/lineage';
import { SAMPLING_DEFAULTS } from '../sampling/presets';
import { sampleRun } from '../sampling/sampler';
import { requireTemplate } from '../sampling/templates';
import { computeStoredSignals } from '../signals/record';
import type { Store } from '../store/open';
import type { ExperimentPlan, Step } from './plan';
import type { TeacherSpec } from './spec';
import type { ResolvedEndpoint } from './teacher-endpoint';
import { stepJob } from './state';

export interface StepContext {
  readonly store: Store;
  readonly signal: AbortSignal;
  readonly cwd: string;
  /** A line of progress (the CLI writes it to stderr). */
  readonly log: (line: string) => void;
  /**
   * Where a teacher is sampled: its URL, or its profile looked up (editor settings, or the workspace's
   * .vscode/settings.json for the CLI), with the API key and the profile's extra body. Asked only when the
   * teacher is sampled, so a profile that is gone does not stop a run whose traces are done.
   */
  readonly endpoint: (teacher: TeacherSpec) => Promise<ResolvedEndpoint>;
  readonly graderPool: () => GraderPool;
  /** The cluster: made on first use, so steps that need none run without one. */
  readonly cluster: () => {
    readonly client: RayClient;
    readonly runnerDir: string;
    readonly environment: RunnerEnvironment;
    readonly checkpointRoot: string;
  };
}

/** What a step left: 'stopped' when Ctrl-C came (cluster jobs keep running). */
export type StepOutcome = 'done' | 'stopped';

const byId = (plan: ExperimentPlan, id: string): Step => plan.steps.find((s) => s.id === id)!;

/** Where a set of the experiment comes from: its file, a built-in, or only the store (imported by hand). */
function setSource(plan: ExperimentPlan, setName: string): { file: string; builtin?: string } | undefined {
  const file =
    plan.spec.problems.set === setName
      ? plan.spec.problems.file
      : (plan.spec.eval.sets.find((s) => s.set === setName)?.file ?? null);
  if (file) return { file };
  const b = findBuiltin(setName);
  return b ? { file: builtinFile(b), builtin: b.id } : undefined;
}

/**
 * Imports a set from its file or built-in, as `w2s import` does: unchanged when the store has that
 * content already, refused (SET_EXISTS, naming the file) when the file changed since, so an edited file
 * is never silently ignored. A set known only to the store must be there.
 */
export async function importProblems(
  ctx: StepContext,
  plan: ExperimentPlan,
  setName: string,
): Promise<'created' | 'replaced' | 'unchanged'> {
  const source = setSource(plan, setName);
  if (!source) {
    const known = ctx.store.db.prepare('SELECT 1 FROM problem_sets WHERE name = ?').get(setName);
    if (known) return 'unchanged';
    throw new W2sError(
      `No problem set "${setName}" in the store and no built-in of that name: import it (w2s import FILE --set ${setName}) or give its file (file: PATH).`,
      'NO_SET',
    );
  }
  const r = await importProblemSet(ctx.store, {
    file: source.file,
    name: setName,
    sourceLabel: source.builtin ? `builtin:${source.builtin}` : undefined,
    signal: ctx.signal,
  });
  if (r.outcome !== 'unchanged') ctx.log(`problems ${setName}: ${r.outcome}, ${r.problems} problems`);
  return r.outcome;
}

async function sample(ctx: StepContext, plan: ExperimentPlan, step: Step): Promise<StepOutcome> {
  const t = step.teacher!;
  const endpoint = await ctx.endpoint(t);
  const r = await sampleRun(ctx.store, {
    runName: step.name,
    setName: plan.spec.problems.set,
    model: t.model,
    baseUrl: endpoint.baseUrl,
    apiKey: endpoint.apiKey,
    extraBody: endpoint.extraBody,
    template: requireTemplate(ctx.store, t.template),
    params: {
      temperature: t.sampling.temperature,
      top_p: t.sampling.top_p,
      max_tokens: t.sampling.max_tokens,
      ...(t.sampling.seed !== null ? { seed: t.sampling.seed } : {}),
    },
    samplesPerProblem: t.sampling.n,
    concurrency: t.concurrency,
    timeoutMs: SAMPLING_DEFAULTS.timeoutSeconds * 1000,
    problemLimit: plan.spec.problems.limit,
    signal: ctx.signal,
    onProgress: (p) => ctx.log(`sample ${t.name}: ${p.done + p.failed}/${p.total}`),
  });
  if (r.status === 'cancelled') return 'stopped';
  if (r.status !== 'done')
    throw new W2sError(
      `sampling ${t.name} (run ${r.runName}) ended ${r.status}: ${r.error ?? `${r.failed} failed`}. Run the experiment again to retry what failed.`,
      'STEP_FAILED',
    );
  ctx.log(`sample ${t.name}: ${r.done}/${r.total} traces in run ${r.runName}`);
  return 'done';
}

async function grade(ctx: StepContext, runName: string): Promise<StepOutcome> {
  const r = await gradeTraces(ctx.store, ctx.graderPool(), { runs: [runName], mode: 'stale', signal: ctx.signal });
  ctx.log(`grade ${runName}: ${r.graded} graded`);
  return r.cancelled ? 'stopped' : 'done';
}

async function exportStep(ctx: StepContext, plan: ExperimentPlan, step: Step): Promise<StepOutcome> {
  const d = step.dataset!;
  const sampleRunName = byId(plan, `sample:${step.teacher!.name}`).name;
  // the browser's selection reads each trace's signals row: compute those the sampling left
  await computeStoredSignals(ctx.store, { mode: 'missing', signal: ctx.signal });
  const filter = andFilters(d.view ? requireView(ctx.store, d.view).filter : {}, { runs: [sampleRunName] });
  try {
    const r = await exportDataset(ctx.store, {
      name: step.name,
      preset: d.preset ?? undefined,
      filter,
      format: EXPORT_DEFAULTS.format,
      out: path.join(plan.outDir, `${step.name}.jsonl`),
      signal: ctx.signal,
    });
    const n = r.snapshot.counts.train + r.snapshot.counts.val;
    ctx.log(`export ${step.teacher!.name}/${d.name}: snapshot ${step.name}, ${n} traces`);
    if (n === 0)
      throw new W2sError(
        `dataset ${d.name} of teacher ${step.teacher!.name} is empty (snapshot ${step.name}): nothing to train on. Change the dataset, or sample more problems.`,
        'EMPTY_DATASET',
      );
  } catch (e) {
    if (e instanceof W2sError && e.code === 'CANCELLED') return 'stopped';
    throw e;
  }
  return 'done';
}

/** The next free retry name after failed jobs (`NAME`, `NAME-r2`, …). */
function retryName(ctx: StepContext, name: string): string {
  if (!findJob(ctx.store, name)) return name;
  let i = 2;
  while (findJob(ctx.store, `${name}-r${i}`)) i++;
  return `${name}-r${i}`;
}

async function follow(ctx: StepContext, job: JobRow, what: string): Promise<JobRow | 'stopped'> {
  const { client } = ctx.cluster();
  // a line when the status changes or another tenth of the steps is done, not on every record
  let last = '';
  const final = await followJob({
    store: ctx.store,
    client,
    jobId: job.id,
    signal: ctx.signal,
    onChange: (j) => {
      const { step, totalSteps } = j.output;
      const tenth = step !== undefined && totalSteps ? Math.floor((10 * step) / totalSteps) : -1;
      const mark = `${j.status}:${tenth}`;
      if (mark === last) return;
      last = mark;
      ctx.log(`${what}: job ${j.name} ${j.status}${tenth >= 0 ? ` ${step}/${totalSteps}` : ''}`);
    },
  });
  if (ctx.signal.aborted && !isFinished(final.status)) {
    ctx.log(`${what}: left job ${final.name} ${final.status} on the cluster; run the experiment again to follow it`);
    return 'stopped';
  }
  if (final.status !== 'succeeded')
    throw new W2sError(
      `${what}: job ${final.name} ${final.status}: ${final.error ?? 'no details'} (w2s jobs show ${final.name}). Run the experiment again to submit it again.`,
      'STEP_FAILED',
    );
  return final;
}

/**
 * A job left half-submitted by a process that died (created, maybe uploaded, maybe POSTed): the cluster
 * has it only if the POST got through, and its submission id was stored before the POST (submit.ts).
 * Found, it is followed; answered 404, it is marked submit-failed and the step submits again.
 */
async function settleHalfSubmitted(ctx: StepContext, job: JobRow): Promise<JobRow> {
  if (job.status !== 'preparing' && job.status !== 'uploading') return job;
  if (job.submissionId) {
    try {
      const found = await ctx.cluster().client.job(job.submissionId);
      return updateJob(ctx.store, job.id, { status: fromRayStatus(found.status) });
    } catch (e) {
      // anything but "no such job" (the cluster unreachable…) must not lead to a second submission
      if (!(e instanceof W2sError) || e.code !== 'RAY_NOT_FOUND') throw e;
    }
  }
  return updateJob(ctx.store, job.id, {
    status: 'submit-failed',
    error: 'the submission was interrupted: the process submitting it stopped',
  });
}

/** A job the step owns that is still going is followed; otherwise one is submitted (after a failed one, under a retry name). */
async function submitOrFollow(
  ctx: StepContext,
  step: Step,
  what: string,
  req: (name: string) => SftRequest | EvalRequest,
) {
  let job = stepJob(ctx.store, step.name);
  if (job) job = await settleHalfSubmitted(ctx, job);
  // succeeded before (the process stopped while it graded the samples): only what follows is left
  if (job?.status === 'succeeded') return job;
  if (!job || isFinished(job.status)) {
    const c = ctx.cluster();
    job = await submitJob(
      {
        store: ctx.store,
        client: c.client,
        runnerDir: c.runnerDir,
        cwd: ctx.cwd,
        // no signal: a submission cut by Ctrl-C could leave a job the cluster took but the store calls
        // submit-failed, submitted again next time; it completes (a second Ctrl-C quits at once)
        environment: c.environment,
        onProgress: (m) => ctx.log(`${what}: ${m}`),
      },
      req(job ? retryName(ctx, step.name) : step.name),
    );
  }
  return follow(ctx, job, what);
}

/** The final model of an SFT job: the runner writes it to the job's output_dir (runner/w2s_runner/sft.py, final_dir). */
export function studentModel(job: JobRow): string {
  return String(job.spec.job.output_dir);
}

async function sft(ctx: StepContext, plan: ExperimentPlan, step: Step): Promise<StepOutcome> {
  const snapshot = byId(plan, `export:${step.teacher!.name}:${step.dataset!.name}`).name;
  const what = `sft ${step.teacher!.name}/${step.dataset!.name}`;
  const final = await submitOrFollow(ctx, step, what, (name) => ({
    kind: 'sft',
    name,
    baseModel: plan.spec.student.baseModel,
    dataset: { kind: 'snapshot', name: snapshot },
    outputDir: `${ctx.cluster().checkpointRoot}/${name}`,
    settings: { ...step.settings },
    gpus: plan.spec.student.gpus,
  }));
  if (final === 'stopped') return 'stopped';
  // lineage: the student's results row names the snapshot, its teacher run and the preset
  linkModel(ctx.store, { model: studentModel(final) }, snapshot);
  return 'done';
}

async function evaluate(ctx: StepContext, plan: ExperimentPlan, step: Step): Promise<StepOutcome> {
  let model: string;
  if (step.reference) model = step.reference.model;
  else {
    const job = stepJob(ctx.store, byId(plan, `sft:${step.teacher!.name}:${step.dataset!.name}`).name);
    if (job?.status !== 'succeeded') throw new W2sError(`${step.id}: its student is not trained yet.`, 'STEP_ORDER');
    model = studentModel(job);
  }
  const e = plan.spec.eval;
  const what = `eval ${step.reference?.role ?? `${step.teacher!.name}/${step.dataset!.name}`} on ${step.setName!}`;
  const final = await submitOrFollow(ctx, step, what, (name) => ({
    kind: 'eval',
    name,
    model,
    setName: step.setName!,
    template: requireTemplate(ctx.store, e.template),
    samplesPerProblem: e.n,
    params: { temperature: e.temperature, top_p: e.top_p, max_tokens: e.max_tokens, seed: e.seed },
    gpus: e.gpus,
    // one run per step, whatever job fills it: a job submitted again samples only what the run lacks
    runName: step.name,
  }));
  if (final === 'stopped') return 'stopped';
  return grade(ctx, final.spec.evalRun ?? step.name);
}

async function results(ctx: StepContext, plan: ExperimentPlan, step: Step): Promise<StepOutcome> {
  const { compare } = plan.spec;
  const all = await buildComparison(ctx.store, {
    base: compare.base ?? undefined,
    rl: compare.rl ?? undefined,
    sets: plan.spec.eval.sets.map((s) => s.set),
  });
  // the experiment's own models only: a shared store holds other evaluations of the same sets
  const models = new Set([compare.base, compare.rl].filter((m): m is string => m !== null));
  for (const s of plan.steps.filter((x) => x.kind === 'sft')) {
    const job = stepJob(ctx.store, s.name);
    if (job?.status === 'succeeded') models.add(studentModel(job));
  }
  const comparison = { ...all, rows: all.rows.filter((r) => models.has(r.model)) };
  fs.mkdirSync(path.dirname(step.name), { recursive: true });
  const text = `<!-- w2s experiment ${plan.spec.name}, key ${step.key}: do not edit, it is written again when its inputs change -->\n\n${toMarkdown(comparison)}`;
  fs.writeFileSync(`${step.name}.tmp`, text);
  fs.renameSync(`${step.name}.tmp`, step.name);
  ctx.log(`results: ${step.name}`);
  return 'done';
}

export function runStep(ctx: StepContext, plan: ExperimentPlan, step: Step): Promise<StepOutcome> {
  switch (step.kind) {
    case 'problems':
      return importProblems(ctx, plan, step.setName!).then(() => 'done');
    case 'sample':
      return sample(ctx, plan, step);
    case 'grade':
      return grade(ctx, step.name);
    case 'export':
      return exportStep(ctx, plan, step);
    case 'sft':
      return sft(ctx, plan, step);
    case 'eval':
      return evaluate(ctx, plan, step);
    case 'results':
      return results(ctx, plan, step);
  }
}
