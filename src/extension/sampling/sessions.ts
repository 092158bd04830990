import * as vscode from 'vscode';
import type { SampleProgress } from '../../core/sampling/sampler';

/** One sampling run going on in this window. */
export interface Session {
  readonly runName: string;
  readonly controller: AbortController;
  progress: SampleProgress | undefined;
}

/**
 * The runs this window is sampling: what the Runs tree shows live, what Cancel aborts, and what the
 * status-bar item summarises while anything samples.
 */
export class Sessions implements vscode.Disposable {
  private readonly byRun = new Map<string, Session>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly item = vscode.window.createStatusBarItem('w2s.sampling', vscode.StatusBarAlignment.Left, 50);
  private lastFire = 0;
  private pending: NodeJS.Timeout | undefined;

  constructor() {
    this.item.name = 'W2S Sampling';
    this.item.command = 'w2s.runs.focus';
  }

  /** The runs sampling in this window. */
  names(): string[] {
    return [...this.byRun.keys()];
  }

  get(runName: string): Session | undefined {
    return this.byRun.get(runName);
  }

  start(runName: string): Session {
    const s: Session = { runName, controller: new AbortController(), progress: undefined };
    this.byRun.set(runName, s);
    this.update(true);
    return s;
  }

  report(s: Session, p: SampleProgress): void {
    s.progress = p;
    this.update(false);
  }

  end(s: Session): void {
    this.byRun.delete(s.runName);
    this.update(true);
  }

  cancel(runName: string): boolean {
    const s = this.byRun.get(runName);
    if (!s) return false;
    s.controller.abort();
    return true;
  }

  /** Redraws at most a few times a second: progress arrives per commit, which can be hundreds per second. */
  private update(now: boolean): void {
    const fire = () => {
      this.pending = undefined;
      this.lastFire = Date.now();
      this.render();
      this.changed.fire();
    };
    if (now) {
      if (this.pending) clearTimeout(this.pending);
      fire();
    } else if (!this.pending) {
      this.pending = setTimeout(fire, Math.max(0, 250 - (Date.now() - this.lastFire)));
    }
  }

  private render(): void {
    const all = [...this.byRun.values()];
    if (all.length === 0) {
      this.item.hide();
      return;
    }
    const done = all.reduce((a, s) => a + (s.progress?.done ?? 0), 0);
    const total = all.reduce((a, s) => a + (s.progress?.total ?? 0), 0);
    const tps = all.reduce((a, s) => a + (s.progress?.tokensPerSecond ?? 0), 0);
    this.item.text = `$(sync~spin) W2S ${done}/${total}${tps ? ` · ${Math.round(tps)} tok/s` : ''}`;
    this.item.tooltip = all.map((s) => `${s.runName}: ${s.progress?.done ?? 0}/${s.progress?.total ?? '?'}${s.progress?.failed ? `, ${s.progress.failed} failed` : ''}`).join('\n');
    this.item.show();
  }

  dispose(): void {
    for (const s of this.byRun.values()) s.controller.abort();
    if (this.pending) clearTimeout(this.pending);
    this.item.dispose();
    this.changed.dispose();
  }
}
