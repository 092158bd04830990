import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { verdictCountsByRun } from '../../core/grading/counts';
import { jobMetrics } from '../../core/jobs/job-metrics';
import { findJob, isFinished, type JobRow } from '../../core/jobs/job-store';
import { formatElapsed, summarizeJob } from '../../core/jobs/summary';
import { findRun } from '../../core/runs/runs';
import type { Store } from '../../core/store/open';
import { JobActionRequest, JobStateNotification, type JobPanelState } from '../../protocol/jobs';
import type { JobFollowers } from './followers';
import type { StoreService } from '../ui/store-service';
import { createPanelController, type PanelController } from '../ui/webview-panel';

export interface JobPanelDeps {
  readonly context: vscode.ExtensionContext;
  readonly stores: StoreService;
  readonly followers: JobFollowers;
  readonly log: vscode.LogOutputChannel;
  readonly stop: (name: string) => Promise<void>;
}

export function jobPanelState(store: Store, job: JobRow): JobPanelState {
  const s = summarizeJob(store, job);
  const series: Record<string, [number[], number[]]> = {};
  for (const [name, points] of Object.entries(jobMetrics(store, job.id)))
    series[name] = [points.map((p) => p[0]), points.map((p) => p[1])];
  let evalRun: JobPanelState['evalRun'] = null;
  if (job.spec.evalRun) {
    const run = findRun(store, job.spec.evalRun);
    const c = run ? verdictCountsByRun(store).get(run.id) : undefined;
    evalRun = {
      name: job.spec.evalRun,
      correct: c?.correct ?? 0,
      graded: c ? c.correct + c.incorrect + c['no-answer'] + c.error : 0,
    };
  }
  return {
    name: job.name,
    kind: job.kind,
    status: job.status,
    cluster: job.cluster,
    progress: s.progress,
    step: s.step,
    total: s.total,
    elapsed: formatElapsed(s.elapsedMs),
    phase: job.output.phaseMessage ?? job.output.rayMessage ?? null,
    finalMessage: job.status === 'failed' ? null : (job.output.rayMessage ?? null),
    error: job.error,
    notes: job.output.notes ?? [],
    checkpoints: (job.output.checkpoints ?? []).map((c) => ({ step: c.step, path: c.path, final: Boolean(c.final) })),
    evalRun,
    running: !isFinished(job.status),
    series,
  };
}

/** The panel of one job, one per job name: its live curves, status, checkpoints and buttons. */
export function jobPanels(deps: JobPanelDeps): PanelController<string> {
  return createPanelController<string>(
    {
      viewType: 'w2s.job',
      app: 'job',
      key: (name) => name,
      title: (name) => `Job: ${name}`,
      restore: (state) => {
        const name = (state as { name?: unknown } | undefined)?.name;
        return typeof name === 'string' && name ? name : undefined;
      },
      // Metrics arrive per log batch: the curves redraw at most four times a second.
      refreshDelayMs: 250,
      setup: ({ host, refreshSoon }, name) => {
        host.onRequest(JobActionRequest, async ({ action }) => {
          const job = findJob(deps.stores.get(), name);
          if (!job) return { ok: false, message: `job ${name} is no longer in the store` };
          try {
            if (action === 'stop') await deps.stop(name);
            else if (action === 'log') deps.followers.channel(job).show(true);
            else if (action === 'openRun' && job.spec.evalRun) await vscode.commands.executeCommand('w2s.runs.focus');
            return { ok: true };
          } catch (e) {
            return { ok: false, message: errorMessage(e) };
          }
        });
        let sent = '';
        const subs = [
          deps.stores.onDidChange(refreshSoon),
          deps.followers.onDidChange((j) => j.name === name && refreshSoon()),
        ];
        // the elapsed time moves on while nothing else changes
        const clock = setInterval(refreshSoon, 5000);
        return {
          refresh(reloaded) {
            if (reloaded) sent = '';
            const store = deps.stores.getIfExists();
            const job = store && findJob(store, name);
            if (!store || !job) return;
            const state = jobPanelState(store, job);
            const key = JSON.stringify(state);
            if (key === sent) return;
            sent = key;
            host.notify(JobStateNotification, state);
          },
          dispose() {
            clearInterval(clock);
            for (const sub of subs) sub.dispose();
          },
        };
      },
    },
    deps.context.extensionUri,
    deps.log,
  );
}
