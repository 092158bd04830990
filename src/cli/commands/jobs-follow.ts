import os from 'node:os';
import { createGraderPool } from '../../core/grader/pool';
import { verdictCountsByRun } from '../../core/grading/counts';
import { createLiveGrader } from '../../core/grading/live-grader';
import { followJob } from '../../core/jobs/follow';
import { jobMetrics, latestMetrics } from '../../core/jobs/job-metrics';
import type { JobRow } from '../../core/jobs/job-store';
import type { RayClient } from '../../core/jobs/ray-client';
import { parseRecord } from '../../core/jobs/records';
import { formatElapsed, summarizeJob } from '../../core/jobs/summary';
import { findRun } from '../../core/runs/runs';
import type { Store } from '../../core/store/open';
import type { CliContext } from '../command';

/** The JSON of a job for --json: the row, its summary and its last metrics (never a token). */
export function jobJson(store: Store, job: JobRow, withSeries = false): Record<string, unknown> {
  const run = job.spec.evalRun ? findRun(store, job.spec.evalRun) : undefined;
  const grades = run ? verdictCountsByRun(store).get(run.id) : undefined;
  return {
    ...job,
    summary: summarizeJob(store, job),
    metrics: latestMetrics(store, job.id),
    ...(withSeries ? { series: jobMetrics(store, job.id) } : {}),
    ...(run ? { evalRun: { name: run.name, status: run.status, grades } } : {}),
  };
}

/**
 * Follows a job in the terminal: a progress bar (steps or samples, loss), the runner's status lines (or
 * the whole log with --log), eval samples graded as they arrive. Ctrl-C detaches and leaves the job
 * running; following again resumes where this stopped.
 */
export async function followInCli(
  ctx: CliContext,
  store: Store,
  client: RayClient,
  job: JobRow,
  opts: { printLog: boolean; grade: boolean },
): Promise<JobRow> {
  const progress = ctx.progress(`${job.kind} ${job.name}`);
  const pool =
    job.kind === 'eval' && opts.grade
      ? createGraderPool({ size: Math.max(1, Math.min(4, os.availableParallelism() - 1)) })
      : undefined;
  const grader = pool ? createLiveGrader(store, pool) : undefined;
  let final: JobRow;
  try {
    final = await followJob({
      store,
      client,
      jobId: job.id,
      signal: ctx.signal,
      onTracesStored: grader ? (ids) => grader.enqueue(ids) : undefined,
      onLines: (lines) => {
        for (const l of lines) {
          if (opts.printLog) {
            progress.log(l.text);
            continue;
          }
          const r = parseRecord(l.text);
          if (r?.type === 'status' && typeof r.message === 'string' && r.phase !== 'generating')
            progress.log(`${r.phase}: ${r.message}`);
          else if (r?.type === 'error') progress.log(`error (${String(r.kind)}): ${String(r.message)}`);
          else if (r?.type === 'checkpoint') progress.log(`checkpoint: ${String(r.path)}`);
        }
      },
      onChange: (j) => {
        const s = summarizeJob(store, j);
        if (s.total)
          progress.update(s.step ?? 0, s.total, `${j.status}${s.loss !== null ? ` · loss ${s.loss.toFixed(4)}` : ''}`);
      },
      onMode: (mode, reason) => progress.log(`log: ${mode} (${reason})`),
      onWarning: (message) => progress.log(`warning: ${message}`),
    });
    await grader?.drain();
  } finally {
    progress.done();
    await pool?.close();
  }
  const s = summarizeJob(store, final);
  if (ctx.signal.aborted) {
    ctx.warn(
      `Detached from ${final.name} (${final.status}); it keeps running. Follow it again: w2s jobs logs -f ${final.name}; stop it: w2s jobs stop ${final.name}`,
    );
    return final;
  }
  const extra =
    final.kind === 'eval' && final.spec.evalRun
      ? evalSummary(store, final.spec.evalRun)
      : s.loss !== null
        ? `, last loss ${s.loss.toFixed(4)}`
        : '';
  ctx.print(
    `${final.name}: ${final.status}${s.progress ? ` after ${s.progress}` : ''}${extra}${s.elapsedMs !== null ? ` in ${formatElapsed(s.elapsedMs)}` : ''}`,
  );
  const cp = final.output.checkpoints?.filter((c) => c.final).at(-1);
  if (cp) ctx.print(`  model: ${cp.path}`);
  if (final.status === 'failed') ctx.warn(`w2s: job ${final.name} failed: ${final.error ?? 'no details'}`);
  return final;
}

function evalSummary(store: Store, runName: string): string {
  const run = findRun(store, runName);
  const c = run ? verdictCountsByRun(store).get(run.id) : undefined;
  if (!c) return '';
  const graded = c.correct + c.incorrect + c['no-answer'] + c.error;
  return `; run ${runName}: ${c.correct}/${graded} correct${c.ungraded ? `, ${c.ungraded} ungraded (w2s grade --run ${runName})` : ''}`;
}
