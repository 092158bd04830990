import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { runningWork, type RunningWork } from '../../core/runs/activity';
import type { Sessions } from '../sampling/sessions';
import type { StoreService } from '../ui/store-service';

/**
 * One status-bar item for everything running: the samplings and evaluations of this window (with their
 * progress and speed), runs that a terminal or another window is sampling into the same store, and cluster
 * jobs that have not finished. Hidden when nothing runs.
 */
export class ActivityStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('w2s.sampling', vscode.StatusBarAlignment.Left, 50);
  private readonly subs: vscode.Disposable[];
  private work: RunningWork = { runs: [], jobs: [] };

  constructor(
    private readonly sessions: Sessions,
    private readonly stores: StoreService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.item.name = 'W2S Activity';
    this.item.command = 'w2s.runs.focus';
    this.subs = [sessions.onDidChange(() => this.render()), stores.onDidChange(() => this.readStore())];
    // Not during activation: the store (and its native module) opens on first use, just after.
    const first = setTimeout(() => this.readStore(), 1000);
    this.subs.push({ dispose: () => clearTimeout(first) });
  }

  private readStore(): void {
    try {
      const store = this.stores.getIfExists();
      this.work = store ? runningWork(store) : { runs: [], jobs: [] };
    } catch (e) {
      this.log.warn(`status: ${errorMessage(e)}`);
    }
    this.render();
  }

  private render(): void {
    const mine = this.sessions.all();
    const elsewhere = this.work.runs.filter((r) => !this.sessions.get(r.name));
    const jobs = this.work.jobs;
    if (mine.length === 0 && elsewhere.length === 0 && jobs.length === 0) {
      this.item.hide();
      return;
    }
    const parts: string[] = [];
    if (mine.length) {
      const done = mine.reduce((a, s) => a + (s.progress?.done ?? 0), 0);
      const total = mine.reduce((a, s) => a + (s.progress?.total ?? 0), 0);
      const tps = mine.reduce((a, s) => a + (s.progress?.tokensPerSecond ?? 0), 0);
      parts.push(`$(sync~spin) W2S ${done}/${total}${tps ? ` · ${Math.round(tps)} tok/s` : ''}`);
    }
    if (elsewhere.length)
      parts.push(
        `${mine.length ? '' : '$(sync~spin) W2S '}${elsewhere.length} run${elsewhere.length > 1 ? 's' : ''} elsewhere`,
      );
    if (jobs.length) parts.push(`$(server-process) ${jobs.length} job${jobs.length > 1 ? 's' : ''}`);
    this.item.text = parts.join(' · ');
    const md = new vscode.MarkdownString();
    for (const s of mine)
      md.appendText(
        `${s.runName}: ${s.progress?.done ?? 0}/${s.progress?.total ?? '?'}${s.progress?.failed ? `, ${s.progress.failed} failed` : ''} (this window)\n\n`,
      );
    for (const r of elsewhere)
      md.appendText(`${r.name}: ${r.kind} run sampling in ${r.owner ?? 'another process'}\n\n`);
    for (const j of jobs) md.appendText(`${j.name}: ${j.kind} job, ${j.status}\n\n`);
    this.item.tooltip = md;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
