import { finishRun } from '../runs/runs';
import type { Store } from '../store/open';
import { createIngester } from './ingest';
import { fromRayStatus, requireJobById, isFinished, updateJob, type JobRow, type JobStatus } from './job-store';
import type { RayJobDetails } from './ray-api';
import type { RayClient } from './ray-client';
import { firstErrorLine } from './error-line';
import { lastLine } from './ray-errors';
import { tailJobLog, type LogLine, type TailMode } from './log-tail';

export interface FollowOptions {
  readonly store: Store;
  readonly client: RayClient;
  readonly jobId: number;
  readonly signal?: AbortSignal;
  /** The raw log, line by line, for an output channel or a terminal. */
  readonly onLines?: (lines: readonly LogLine[]) => void;
  /** After the job's row changed (status, records). */
  readonly onChange?: (job: JobRow) => void;
  /** Eval samples just stored as traces: grade them. */
  readonly onTracesStored?: (traceIds: number[]) => void;
  readonly onMode?: (mode: TailMode, reason: string) => void;
  /** A line cut at the line cap, a truncated log's gap: also kept in the job's notes. */
  readonly onWarning?: (message: string) => void;
  readonly statusEveryMs?: number;
  readonly pollMs?: number;
}

/** The message a failed job shows: the runner's own error when it printed one (it says what to do), else Ray's. */
export function failureMessage(job: JobRow, details?: RayJobDetails): string {
  if (job.output.runnerError) return job.output.runnerError.message;
  const msg = details?.message ?? job.output.rayMessage ?? '';
  if (!msg)
    return `the job failed${details?.driver_exit_code != null ? ` (exit code ${details.driver_exit_code})` : ''}`;
  // "Job entrypoint command failed with exit code 1, last available logs (truncated to 20,000 chars):\n…"
  const [first, ...rest] = msg.split('\n');
  // the error itself leads (a stack's last lines say where, not what), then Ray's line
  const error = job.output.firstErrorLine ?? firstErrorLine(rest.join('\n'));
  if (error) return `${error} (${first!.replace(/, last available logs.*$/, '')})`;
  const tail = rest
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-3)
    .join(' | ');
  return tail ? `${first} ${lastLine(tail)}` : first!;
}

/** Reads Ray's view of the job into the store; returns the row (unchanged rows are not rewritten). */
export async function refreshJobStatus(
  store: Store,
  client: RayClient,
  jobId: number,
  signal?: AbortSignal,
): Promise<{ job: JobRow; details: RayJobDetails }> {
  const before = requireJobById(store, jobId);
  const details = await client.job(before.submissionId!, signal);
  let status: JobStatus = fromRayStatus(details.status);
  if (before.status === 'stopping' && status === 'running') status = 'stopping';
  const output = {
    rayStatus: details.status,
    rayMessage: details.message,
    startTime: details.start_time,
    endTime: details.end_time,
    driverExitCode: details.driver_exit_code,
  };
  const changed =
    status !== before.status ||
    (Object.keys(output) as (keyof typeof output)[]).some((k) => before.output[k] !== output[k]);
  if (!changed) return { job: before, details };
  const error = status === 'failed' ? failureMessage(before, details) : before.error;
  return { job: updateJob(store, jobId, { status, output, error }), details };
}

/**
 * Follows a submitted job to its end: the log into the store (records → metrics, checkpoints,
 * samples), Ray's status every few seconds, and at the end the eval run's status. Resolves with the
 * final row; when `signal` aborts it resolves at once with the row as it is (the job runs on, and a
 * later follow picks up where this one stopped: the log offset is in the store).
 */
export async function followJob(opts: FollowOptions): Promise<JobRow> {
  const { store, client, jobId, signal } = opts;
  let job = requireJobById(store, jobId);
  if (!job.submissionId) throw new Error(`job ${job.name} was never submitted`);
  const ingester = createIngester(store, job, { onTracesStored: opts.onTracesStored });
  const refresh = async () => {
    const r = await refreshJobStatus(store, client, jobId, signal);
    if (r.job !== job) {
      job = r.job;
      opts.onChange?.(job);
    }
    return r;
  };
  await refresh();
  // A failed status read is retried at the next tick; the log tail has its own error handling.
  const timer = setInterval(() => void refresh().catch(() => undefined), opts.statusEveryMs ?? 2000);
  try {
    await tailJobLog({
      client,
      submissionId: job.submissionId!,
      fromLine: job.logOffset,
      signal,
      pollMs: opts.pollMs,
      onLines: (lines) => {
        const r = ingester.ingest(lines);
        opts.onLines?.(lines);
        job = r.job;
        const error =
          job.output.firstErrorLine === undefined ? firstErrorLine(lines.map((l) => l.text).join('\n')) : null;
        if (error) job = updateJob(store, jobId, { output: { firstErrorLine: error } });
        opts.onChange?.(job);
      },
      onMode: (mode, reason) => {
        job = updateJob(store, jobId, { output: { logMode: `${mode}: ${reason}` } });
        opts.onMode?.(mode, reason);
      },
      onWarning: (message) => {
        const notes = requireJobById(store, jobId).output.notes ?? [];
        job = updateJob(store, jobId, { output: { notes: [...new Set([...notes, message])] } });
        opts.onWarning?.(message);
      },
    });
  } finally {
    clearInterval(timer);
    ingester.drainSignals();
  }
  if (signal?.aborted) return requireJobById(store, jobId);
  const { details } = await refresh();
  job = requireJobById(store, jobId);
  if (job.status === 'failed') job = updateJob(store, jobId, { error: failureMessage(job, details) });
  if (job.kind === 'eval' && job.spec.evalRun && isFinished(job.status)) finishEvalRun(store, job);
  opts.onChange?.(job);
  return job;
}

/** The eval run ends with its job: done, failed (with the job's error) or cancelled. */
export function finishEvalRun(store: Store, job: JobRow): void {
  const run = store.db.prepare('SELECT id FROM runs WHERE name = ?').get(job.spec.evalRun) as
    { id: number } | undefined;
  if (!run) return;
  const status = job.status === 'succeeded' ? 'done' : job.status === 'stopped' ? 'cancelled' : 'failed';
  finishRun(store, run.id, status, status === 'failed' ? (job.error ?? 'the eval job failed') : null);
}
