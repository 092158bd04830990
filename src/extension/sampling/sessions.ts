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
 * status-bar item (ActivityStatus) summarises while anything samples.
 */
export class Sessions implements vscode.Disposable {
  private readonly byRun = new Map<string, Session>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private lastFire = 0;
  private pending: NodeJS.Timeout | undefined;

  /** The runs sampling in this window. */
  names(): string[] {
    return [...this.byRun.keys()];
  }

  get(runName: string): Session | undefined {
    return this.byRun.get(runName);
  }

  all(): Session[] {
    return [...this.byRun.values()];
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
      this.changed.fire();
    };
    if (now) {
      if (this.pending) clearTimeout(this.pending);
      fire();
    } else if (!this.pending) {
      this.pending = setTimeout(fire, Math.max(0, 250 - (Date.now() - this.lastFire)));
    }
  }

  dispose(): void {
    for (const s of this.byRun.values()) s.controller.abort();
    if (this.pending) clearTimeout(this.pending);
    this.changed.dispose();
  }
}
