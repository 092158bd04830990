import { W2sError } from '../errors';
import type { Store } from '../store/open';
import { requireJobById, isFinished, removeJob, updateJob, type JobRow } from './job-store';
import type { RayClient } from './ray-client';

/**
 * Stops a running job: Ray sends the driver SIGTERM, then SIGKILL after a few seconds
 * (job_supervisor.py, RAY_JOB_STOP_WAIT_TIME_S, default 3), and the job ends STOPPED. The runner
 * unwinds on SIGTERM; checkpoints already written stay.
 */
export async function stopJob(
  store: Store,
  client: RayClient,
  jobId: number,
  signal?: AbortSignal,
): Promise<{ job: JobRow; stopped: boolean }> {
  const job = requireJobById(store, jobId);
  if (!job.submissionId || isFinished(job.status)) {
    throw new W2sError(`Job ${job.name} is not running (${job.status}).`, 'JOB_NOT_RUNNING');
  }
  const stopped = await client.stop(job.submissionId, signal);
  return { job: stopped ? updateJob(store, jobId, { status: 'stopping' }) : job, stopped };
}

/** Deletes a finished job from the cluster (Ray refuses a running one) and, if asked, from the store. */
export async function deleteJob(
  store: Store,
  client: RayClient | undefined,
  jobId: number,
  opts: { local: boolean; signal?: AbortSignal },
): Promise<boolean> {
  const job = requireJobById(store, jobId);
  let deleted = false;
  if (client && job.submissionId && job.status !== 'submit-failed') {
    try {
      deleted = await client.delete(job.submissionId, opts.signal);
    } catch (e) {
      if (!(e instanceof W2sError) || e.code !== 'RAY_NOT_FOUND') throw e;
    }
  }
  if (opts.local) removeJob(store, jobId);
  return deleted;
}
