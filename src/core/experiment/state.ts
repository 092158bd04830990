/**
 * Where each step stands, read from the store alone (runs, snapshots, jobs, results): done, to do, or
 * stale (done before with other inputs: it will be done again under its new key; the old artefact is kept).
 */
import * as fs from 'node:fs';
import { findDataset } from '../export/snapshots';
import { verdictCountsByRun } from '../grading/counts';
import { GRADER_VERSION } from '../grader/version';
import { findJob, isFinished, type JobRow } from '../jobs/job-store';
import { listEvalRuns } from '../results/eval-runs';
import { effectiveStatus, findRun } from '../runs/runs';
import type { Store } from '../store/open';
import { stepPrefix, type ExperimentPlan, type Step } from './plan';

export type StepState = 'done' | 'to do' | 'stale';

export interface StepStatus {
  readonly state: StepState;
  /** what the store holds, in words ("running", "12/20 traces", "results of run X") */
  readonly detail: string;
}

/** The job a step owns: its name, else the newest retry (`NAME-r2`…) made after a failed one. */
export function stepJob(store: Store, name: string): JobRow | undefined {
  let job = findJob(store, name);
  for (let i = 2; job && (job.status === 'failed' || job.status === 'stopped' || job.status === 'submit-failed'); i++) {
    const next = findJob(store, `${name}-r${i}`);
    if (!next) break;
    job = next;
  }
  return job;
}

function olderExists(store: Store, table: 'runs' | 'datasets' | 'jobs', name: string): boolean {
  const prefix = stepPrefix(name);
  const rows = store.db
    .prepare(`SELECT name FROM ${table} WHERE substr(name, 1, ?) = ? AND name <> ?`)
    .all(prefix.length + 1, `${prefix}.`, name) as { name: string }[];
  // the same step under another key: the prefix then exactly one more dot-free part (8 hex digits)
  return rows.some((r) => /^[0-9a-f]{8}(-r\d+)?$/.test(r.name.slice(prefix.length + 1)));
}

const absent = (store: Store, table: 'runs' | 'datasets' | 'jobs', name: string): StepStatus =>
  olderExists(store, table, name)
    ? { state: 'stale', detail: 'done before with other inputs' }
    : { state: 'to do', detail: '' };

/**
 * Results an evaluation outside this experiment already gives for a model on a set (imported, `w2s eval`,
 * another experiment): a reference model is then not evaluated again. The experiment's own runs under an
 * older key do not count: their settings were changed since.
 */
export function existingResults(store: Store, model: string, setName: string, ownPrefix: string): string | undefined {
  return listEvalRuns(store).find(
    (r) => r.model === model && r.setName === setName && r.status === 'done' && !r.name.startsWith(`${ownPrefix}.`),
  )?.name;
}

function runGraded(store: Store, runName: string): StepStatus | undefined {
  const run = findRun(store, runName);
  if (!run) return undefined;
  const c = verdictCountsByRun(store).get(run.id);
  const oldGrades = store.db
    .prepare(
      'SELECT count(*) FROM grades g JOIN traces t ON t.id = g.trace_id WHERE t.run_id = ? AND g.grader_version <> ?',
    )
    .pluck()
    .get(run.id, GRADER_VERSION) as number;
  if (c?.ungraded || oldGrades)
    return { state: 'to do', detail: `${c?.ungraded ?? 0} ungraded, ${oldGrades} by an older grader` };
  return undefined;
}

export function stepStatus(store: Store, plan: ExperimentPlan, step: Step): StepStatus {
  switch (step.kind) {
    case 'problems': {
      const n = store.db
        .prepare('SELECT count(*) FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = ?')
        .pluck()
        .get(step.name) as number;
      return n ? { state: 'done', detail: `${n} problems` } : { state: 'to do', detail: 'import' };
    }
    case 'sample': {
      const run = findRun(store, step.name);
      if (!run) return absent(store, 'runs', step.name);
      const status = effectiveStatus(run);
      if (status === 'done') return { state: 'done', detail: `run ${run.name}` };
      // how far it got: the view shows a sampling run moving, and where a stopped one will resume
      const done = store.db
        .prepare('SELECT count(*) FROM traces WHERE run_id = ? AND error IS NULL')
        .pluck()
        .get(run.id) as number;
      const problems = run.problemLimit === null ? run.setProblems : Math.min(run.problemLimit, run.setProblems);
      return { state: 'to do', detail: `run ${status}, ${done} of ${problems * run.samplesPerProblem} traces` };
    }
    case 'grade': {
      if (!findRun(store, step.name)) return { state: 'to do', detail: '' };
      return runGraded(store, step.name) ?? { state: 'done', detail: 'every trace graded' };
    }
    case 'export': {
      const d = findDataset(store, step.name);
      return d
        ? { state: 'done', detail: `snapshot ${d.name}, ${d.counts.train + d.counts.val} traces` }
        : absent(store, 'datasets', step.name);
    }
    case 'sft': {
      const job = stepJob(store, step.name);
      if (!job) return absent(store, 'jobs', step.name);
      return job.status === 'succeeded'
        ? { state: 'done', detail: `job ${job.name}` }
        : {
            state: 'to do',
            detail: `job ${job.name} ${job.status}${isFinished(job.status) ? ' (submitted again)' : ' (followed)'}`,
          };
    }
    case 'eval': {
      if (step.reference) {
        const other = existingResults(store, step.reference.model, step.setName!, stepPrefix(step.name));
        if (other && other !== step.name && !findJob(store, step.name))
          return { state: 'done', detail: `results of run ${other}` };
      }
      const job = stepJob(store, step.name);
      if (!job) return absent(store, 'jobs', step.name);
      if (job.status !== 'succeeded')
        return {
          state: 'to do',
          detail: `job ${job.name} ${job.status}${isFinished(job.status) ? ' (submitted again)' : ' (followed)'}`,
        };
      return (
        runGraded(store, job.spec.evalRun ?? job.name) ?? {
          state: 'done',
          detail: `run ${job.spec.evalRun ?? job.name}`,
        }
      );
    }
    case 'results': {
      let text = '';
      try {
        text = fs.readFileSync(step.name, 'utf8');
      } catch {
        return { state: 'to do', detail: '' };
      }
      return text.includes(`key ${step.key}`)
        ? { state: 'done', detail: step.name }
        : { state: 'stale', detail: `${step.name} is of other results` };
    }
  }
  void plan;
}
