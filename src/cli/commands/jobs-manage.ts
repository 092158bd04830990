import { isW2sError } from '../../core/errors';
import { stopJob } from '../../core/jobs/control';
import { refreshJobStatus } from '../../core/jobs/follow';
import { isFinished, listJobs, requireJob, type JobRow } from '../../core/jobs/job-store';
import { formatElapsed, summarizeJob } from '../../core/jobs/summary';
import type { Command, CliContext } from '../command';
import { ADDRESS_OPTION, clusterClient } from '../cluster-connection';
import { followInCli, jobJson } from './jobs-follow';

const noStore = (ctx: CliContext) => ctx.print(`No store yet at ${ctx.storePath}: no jobs.`);

export const jobsListCommand: Command = {
  name: 'jobs list',
  summary: 'list SFT and eval jobs with status, progress, loss and time',
  usage: '[--refresh] [--address URL]',
  details: 'Shows what the store knows; --refresh first asks the cluster for the status of every unfinished job.',
  options: {
    refresh: { type: 'boolean', description: 'ask the cluster for the status of unfinished jobs first' },
    ...ADDRESS_OPTION,
  },
  async run(v, _p, ctx) {
    const store = ctx.existingStore();
    if (!store) {
      noStore(ctx);
      return { json: [] };
    }
    let jobs = listJobs(store);
    if (v.refresh) {
      for (const j of jobs.filter((x) => x.submissionId && !isFinished(x.status))) {
        try {
          await refreshJobStatus(
            store,
            clusterClient(ctx, v.address as string | undefined, j.cluster),
            j.id,
            ctx.signal,
          );
        } catch (e) {
          ctx.warn(`${j.name}: ${isW2sError(e) ? e.message : String(e)}`);
        }
      }
      jobs = listJobs(store);
    }
    if (!jobs.length) ctx.print('No jobs yet. Start one: w2s jobs sft --help');
    const rows = jobs.map((j) => summarizeJob(store, j));
    const w = Math.max(4, ...rows.map((r) => r.name.length));
    for (const r of rows) {
      ctx.print(
        `${r.name.padEnd(w)}  ${r.kind.padEnd(4)}  ${r.status.padEnd(13)}  ${r.progress.padStart(18)}  ${r.loss !== null ? `loss ${r.loss.toFixed(4)}` : ''.padEnd(11)}  ${formatElapsed(r.elapsedMs).padStart(7)}${r.error ? `  — ${r.error}` : ''}`,
      );
    }
    return { json: jobs.map((j) => jobJson(store, j)) };
  },
};

async function refreshed(ctx: CliContext, job: JobRow, address: string | undefined): Promise<JobRow> {
  if (!job.submissionId || isFinished(job.status)) return job;
  try {
    return (await refreshJobStatus(ctx.store(), clusterClient(ctx, address, job.cluster), job.id, ctx.signal)).job;
  } catch (e) {
    ctx.warn(`(status from the store: the cluster did not answer: ${isW2sError(e) ? e.message : String(e)})`);
    return job;
  }
}

export const jobsShowCommand: Command = {
  name: 'jobs show',
  summary: 'show one job: status, settings, metrics, checkpoints, errors',
  usage: 'NAME [--address URL]',
  positionals: { min: 1, max: 1 },
  options: { ...ADDRESS_OPTION },
  async run(v, [name], ctx) {
    const store = ctx.store();
    const job = await refreshed(ctx, requireJob(store, name!), v.address as string | undefined);
    const s = summarizeJob(store, job);
    ctx.print(
      `${job.name} (${job.kind}) on ${job.cluster}: ${job.status}${s.progress ? `, ${s.progress}` : ''}${s.elapsedMs !== null ? `, ${formatElapsed(s.elapsedMs)}` : ''}`,
    );
    ctx.print(
      `  submission ${job.submissionId ?? '(not submitted)'}; ${job.spec.source}; ${job.spec.gpus} GPU(s); ${job.spec.entrypoint}`,
    );
    const settings = Object.entries(job.spec.job)
      .map(([k, x]) => `${k}=${JSON.stringify(x)}`)
      .join(' ');
    ctx.print(`  job.json: ${settings}`);
    if (s.loss !== null)
      ctx.print(
        `  last train loss ${s.loss.toFixed(4)}${s.validLoss !== null ? `, valid loss ${s.validLoss.toFixed(4)}` : ''}`,
      );
    for (const c of job.output.checkpoints ?? [])
      ctx.print(`  checkpoint step ${c.step}${c.final ? ' (final)' : ''}: ${c.path}`);
    for (const n of job.output.notes ?? []) ctx.print(`  note: ${n}`);
    if (job.spec.evalRun) ctx.print(`  eval run: ${job.spec.evalRun} (w2s runs)`);
    if (job.error) ctx.print(`  error: ${job.error}`);
    return { json: jobJson(store, job, true) };
  },
};

export const jobsLogsCommand: Command = {
  name: 'jobs logs',
  summary: "print a job's log; -f follows it to the end (and stores its records)",
  usage: 'NAME [-f] [--address URL]',
  positionals: { min: 1, max: 1 },
  options: {
    follow: {
      type: 'boolean',
      short: 'f',
      description: 'follow until the job ends (Ctrl-C stops following, not the job)',
    },
    ...ADDRESS_OPTION,
  },
  async run(v, [name], ctx) {
    const store = ctx.store();
    const job = requireJob(store, name!);
    if (!job.submissionId) {
      ctx.print(`${job.name} was never submitted (${job.status}${job.error ? `: ${job.error}` : ''}).`);
      return { json: { job: job.name, logs: '' }, exitCode: 1 };
    }
    const client = clusterClient(ctx, v.address as string | undefined, job.cluster);
    const logs = await client.logs(job.submissionId, ctx.signal);
    const lines = logs.split('\n');
    if (lines.at(-1) === '') lines.pop();
    // What the store has read so far is printed from GET …/logs; following goes on from there.
    const upTo = v.follow && !isFinished(job.status) ? Math.min(job.logOffset, lines.length) : lines.length;
    for (const l of lines.slice(0, upTo)) ctx.print(l);
    if (!v.follow || isFinished(job.status)) return { json: { job: job.name, logs } };
    const final = await followInCli(ctx, store, client, job, { printLog: !ctx.json, grade: true });
    return { json: jobJson(store, final), exitCode: final.status === 'succeeded' || ctx.signal.aborted ? 0 : 1 };
  },
};

export const jobsStopCommand: Command = {
  name: 'jobs stop',
  summary: "stop a running job (SIGTERM, then SIGKILL after Ray's grace period)",
  usage: 'NAME [--address URL]',
  positionals: { min: 1, max: 1 },
  options: { ...ADDRESS_OPTION },
  async run(v, [name], ctx) {
    const store = ctx.store();
    const job = requireJob(store, name!);
    const { job: after, stopped } = await stopJob(
      store,
      clusterClient(ctx, v.address as string | undefined, job.cluster),
      job.id,
      ctx.signal,
    );
    ctx.print(
      stopped
        ? `${job.name}: stopping (Ray sends SIGTERM, then SIGKILL after a few seconds; checkpoints written so far stay).`
        : `${job.name}: the cluster says it was not running.`,
    );
    return { json: { ...jobJson(store, after), stopped }, exitCode: stopped ? 0 : 1 };
  },
};
