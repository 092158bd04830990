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
import { WebviewHost, webviewOptions } from '../ui/webview-host';

const VIEW_TYPE = 'w2s.job';
const panels = new Map<string, vscode.WebviewPanel>();

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
  for (const [name, points] of Object.entries(jobMetrics(store, job.id))) series[name] = [points.map((p) => p[0]), points.map((p) => p[1])];
  let evalRun: JobPanelState['evalRun'] = null;
  if (job.spec.evalRun) {
    const run = findRun(store, job.spec.evalRun);
    const c = run ? verdictCountsByRun(store).get(run.id) : undefined;
    evalRun = { name: job.spec.evalRun, correct: c?.correct ?? 0, graded: c ? c.correct + c.incorrect + c['no-answer'] + c.error : 0 };
  }
  return {
    name: job.name, kind: job.kind, status: job.status, cluster: job.cluster, progress: s.progress, step: s.step, total: s.total,
    elapsed: formatElapsed(s.elapsedMs), phase: job.output.phaseMessage ?? job.output.rayMessage ?? null, finalMessage: job.status === 'failed' ? null : (job.output.rayMessage ?? null), error: job.error, notes: job.output.notes ?? [],
    checkpoints: (job.output.checkpoints ?? []).map((c) => ({ step: c.step, path: c.path, final: Boolean(c.final) })),
    evalRun, running: !isFinished(job.status), series,
  };
}

/** Opens (or reveals) the panel of one job: its live curves, status, checkpoints and buttons. */
export function openJobPanel(deps: JobPanelDeps, name: string): void {
  const existing = panels.get(name);
  if (existing) {
    existing.reveal();
    return;
  }
  const panel = vscode.window.createWebviewPanel(VIEW_TYPE, `Job: ${name}`, vscode.ViewColumn.Active, webviewOptions(deps.context.extensionUri));
  attach(deps, panel, name);
}

function attach(deps: JobPanelDeps, panel: vscode.WebviewPanel, name: string): void {
  panels.set(name, panel);
  const host = new WebviewHost(panel.webview, deps.context.extensionUri, deps.log);
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
  let pending: NodeJS.Timeout | undefined;
  let sent = '';
  const send = () => {
    pending = undefined;
    const store = deps.stores.getIfExists();
    const job = store && findJob(store, name);
    if (!store || !job) return;
    const state = jobPanelState(store, job);
    const key = JSON.stringify(state);
    if (key === sent) return;
    sent = key;
    host.notify(JobStateNotification, state);
  };
  // Metrics arrive per log batch: the curves redraw at most four times a second.
  const sendSoon = () => (pending ??= setTimeout(send, 250));
  host.load('job', `Job: ${name}`);
  send();
  const subs = [deps.stores.onDidChange(sendSoon), deps.followers.onDidChange((j) => j.name === name && sendSoon())];
  const clock = setInterval(sendSoon, 5000);
  panel.onDidDispose(() => {
    panels.delete(name);
    if (pending) clearTimeout(pending);
    clearInterval(clock);
    for (const s of subs) s.dispose();
    host.dispose();
  });
}

/** Restores job panels after a reload (the webview's state names the job). */
export function registerJobPanelSerializer(deps: JobPanelDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    async deserializeWebviewPanel(panel, state: unknown) {
      const name = (state as { name?: string } | undefined)?.name;
      if (!name) {
        panel.dispose();
        return;
      }
      panel.webview.options = webviewOptions(deps.context.extensionUri);
      attach(deps, panel, name);
    },
  });
}
