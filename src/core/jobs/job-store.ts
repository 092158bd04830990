import type { RunnerEnvironment } from './runner-environment';
import { W2sError } from '../errors';
import type { Store } from '../store/open';
import type { JobKind } from './job-spec';
import { writeTransaction } from '../store/write-transaction';

/**
 * Jobs as the store keeps them (migration 1's `jobs` table). Local statuses come before Ray has the job
 * (preparing, uploading) or when it never got it (submit-failed); the others mirror Ray's JobStatus.
 */
export type JobStatus =
  'preparing' | 'uploading' | 'submit-failed' | 'pending' | 'running' | 'stopping' | 'succeeded' | 'failed' | 'stopped';
export const FINISHED: readonly JobStatus[] = ['submit-failed', 'succeeded', 'failed', 'stopped'];
export const isFinished = (s: JobStatus): boolean => FINISHED.includes(s);

export function fromRayStatus(s: string): JobStatus {
  switch (s) {
    case 'PENDING':
      return 'pending';
    case 'RUNNING':
      return 'running';
    case 'SUCCEEDED':
      return 'succeeded';
    case 'STOPPED':
      return 'stopped';
    default:
      return 'failed';
  }
}

/** What a job was asked to do (never the token). */
export interface JobSpec {
  /** The job.json sent to the runner. */
  readonly job: Record<string, unknown>;
  readonly entrypoint: string;
  readonly gpus: number;
  /** What the user picked, in words: "dataset file train.jsonl", "snapshot w2sr-all", "problem set math500". */
  readonly source: string;
  readonly bundle?: { readonly name: string; readonly bytes: number; readonly files: readonly string[] };
  /** How the runner's packages got to the node (runner-environment.ts), e.g. {"kind":"pip"}. */
  readonly environment?: RunnerEnvironment;
  /** Eval: the run its samples go to, the set, and the template its prompts came from. */
  readonly evalRun?: string;
  readonly setName?: string;
  readonly template?: unknown;
}

export interface Checkpoint {
  readonly step: number;
  readonly path: string;
  readonly epoch?: number;
  readonly final?: boolean;
  readonly adapter?: boolean;
}

/** What came back: Ray's view, the runner's records, the checkpoints. */
export interface JobOutput {
  readonly rayStatus?: string;
  readonly rayMessage?: string | null;
  readonly startTime?: number | null;
  readonly endTime?: number | null;
  readonly driverExitCode?: number | null;
  readonly totalSteps?: number;
  readonly step?: number;
  readonly phase?: string;
  readonly phaseMessage?: string;
  readonly checkpoints?: readonly Checkpoint[];
  readonly runnerError?: { readonly kind: string; readonly message: string };
  /** The first line of the log that names an error (Ray's failure message keeps only the last 10 lines). */
  readonly firstErrorLine?: string;
  readonly done?: Record<string, unknown>;
  readonly notes?: readonly string[];
  readonly samples?: number;
  readonly samplesTotal?: number;
  readonly logMode?: string;
}

export interface JobRow {
  readonly id: number;
  readonly name: string;
  readonly kind: JobKind;
  /** The cluster's dashboard address. */
  readonly cluster: string;
  readonly submissionId: string | null;
  readonly spec: JobSpec;
  readonly status: JobStatus;
  readonly output: JobOutput;
  /** Lines of the job's log already read into the store. */
  readonly logOffset: number;
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

type Raw = {
  id: number;
  name: string;
  kind: JobKind;
  cluster: string;
  submission_id: string | null;
  spec: string;
  status: JobStatus;
  output: string;
  log_offset: number;
  error: string | null;
  created_at: string;
  updated_at: string;
};

const toRow = (r: Raw): JobRow => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  cluster: r.cluster,
  submissionId: r.submission_id,
  spec: JSON.parse(r.spec) as JobSpec,
  status: r.status,
  output: JSON.parse(r.output) as JobOutput,
  logOffset: r.log_offset,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkJobName(name: string): void {
  if (!JOB_NAME.test(name))
    throw new W2sError(
      `"${name}" is not a valid job name: letters, digits, ".", "_" or "-" (up to 64, starting with a letter or digit).`,
      'BAD_JOB_NAME',
    );
}

/** kind-what-yyyymmdd-hhmmss, from the UTC time. */
export function defaultJobName(kind: JobKind, what: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug =
    what
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 36) || kind;
  return `${kind}-${slug}-${stamp}`;
}

export function createJob(store: Store, job: { name: string; kind: JobKind; cluster: string; spec: JobSpec }): JobRow {
  checkJobName(job.name);
  if (findJob(store, job.name))
    throw new W2sError(
      `A job named "${job.name}" already exists: choose another name (w2s jobs list shows them).`,
      'JOB_EXISTS',
    );
  store.db
    .prepare("INSERT INTO jobs (name, kind, cluster, spec, status, output) VALUES (?, ?, ?, ?, 'preparing', '{}')")
    .run(job.name, job.kind, job.cluster, JSON.stringify(job.spec));
  return findJob(store, job.name)!;
}

export function findJob(store: Store, name: string): JobRow | undefined {
  const r = store.db.prepare('SELECT * FROM jobs WHERE name = ?').get(name) as Raw | undefined;
  return r && toRow(r);
}

export function requireJobById(store: Store, id: number): JobRow {
  const r = store.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Raw | undefined;
  if (!r) throw new W2sError(`Job ${id} is no longer in the store.`, 'NO_JOB');
  return toRow(r);
}

/** The job of this name, or an error listing the jobs there are. */
export function requireJob(store: Store, name: string): JobRow {
  const j = findJob(store, name);
  if (j) return j;
  const names = listJobs(store)
    .slice(0, 10)
    .map((x) => x.name);
  throw new W2sError(
    `No job named "${name}"${names.length ? ` (recent: ${names.join(', ')})` : ' (no jobs yet)'}.`,
    'NO_JOB',
  );
}

export function listJobs(store: Store): JobRow[] {
  return (store.db.prepare('SELECT * FROM jobs ORDER BY id DESC').all() as Raw[]).map(toRow);
}

export interface JobPatch {
  readonly status?: JobStatus;
  readonly submissionId?: string;
  readonly error?: string | null;
  readonly output?: Partial<JobOutput>;
  readonly spec?: JobSpec;
  /** Only ever moves forward (two followers of one job may race). */
  readonly logOffset?: number;
}

/** Updates a job; `output` is merged into what is stored. Returns the updated row. */
export function updateJob(store: Store, id: number, patch: JobPatch): JobRow {
  const tx = writeTransaction(store.db, () => {
    const current = requireJobById(store, id);
    const output = patch.output ? { ...current.output, ...patch.output } : current.output;
    store.db
      .prepare(
        `UPDATE jobs SET status = ?, submission_id = ?, error = ?, output = ?, spec = ?, log_offset = max(log_offset, ?),
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
      )
      .run(
        patch.status ?? current.status,
        patch.submissionId ?? current.submissionId,
        patch.error !== undefined ? patch.error : current.error,
        JSON.stringify(output),
        JSON.stringify(patch.spec ?? current.spec),
        patch.logOffset ?? current.logOffset,
        id,
      );
    return requireJobById(store, id);
  });
  return tx();
}

/** Removes the job and its metrics from the store (its eval run keeps its traces; runs.job_id becomes NULL). */
export function removeJob(store: Store, id: number): void {
  store.db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
}
