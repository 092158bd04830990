import * as vscode from 'vscode';
import { createLiveGrader, type LiveGrader } from '../../core/grading/live-grader';
import { gradeTraces, type RegradeMode } from '../../core/grading/grade-traces';
import { createGraderPool, type GraderPool } from '../../core/grader/pool';
import { GRADER_VERSION } from '../../core/grader/version';
import type { Store } from '../../core/store/open';
import type { StoreService } from '../ui/store-service';
import { reportError } from '../ui/report-error';

/**
 * Owns the grading worker pool of this window: started on first use (never at activation), shared by
 * "Grade Runs" and by sampling (traces graded as they arrive), closed with the extension. The CAS runs
 * only in the workers, so the extension host never blocks on a pathological answer.
 */
export class GraderService implements vscode.Disposable {
  private pool: GraderPool | undefined;

  constructor(
    private readonly stores: StoreService,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private getPool(): GraderPool {
    // Workers are bundled next to the extension: dist/grading-worker.js.
    return (this.pool ??= createGraderPool());
  }

  private liveGrader: { store: Store; grader: LiveGrader } | undefined;

  /** Grades traces as sampling stores them (batched, in the workers); views refresh as grades land. */
  enqueue(traceIds: readonly number[]): void {
    const store = this.stores.get();
    if (this.liveGrader?.store !== store) {
      this.liveGrader = {
        store,
        grader: createLiveGrader(store, this.getPool(), { onGraded: () => this.stores.notifyChanged() }),
      };
    }
    this.liveGrader.grader.enqueue(traceIds);
  }

  /** Resolves when every trace enqueued so far is graded. */
  async drain(): Promise<void> {
    await this.liveGrader?.grader.drain();
  }

  /** "W2S: Grade Runs": grades what is ungraded (or re-grades), with a cancellable progress notification. */
  async gradeRuns(runs: string[] = [], mode: RegradeMode = 'missing'): Promise<void> {
    const store = this.stores.get();
    try {
      const summary = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'W2S: grading', cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          const sub = token.onCancellationRequested(() => controller.abort());
          let last = 0;
          try {
            return await gradeTraces(store, this.getPool(), {
              runs,
              mode,
              signal: controller.signal,
              onProgress: (p) => {
                const pct = p.total ? (p.done / p.total) * 100 : 100;
                progress.report({
                  increment: pct - last,
                  message: `${p.done}/${p.total} · ${p.counts.correct ?? 0} correct`,
                });
                last = pct;
                this.stores.notifyChanged();
              },
            });
          } finally {
            sub.dispose();
          }
        },
      );
      this.stores.notifyChanged();
      const c = summary.counts;
      const msg =
        summary.graded === 0
          ? `Nothing to grade: every trace is graded by ${GRADER_VERSION}.`
          : `Graded ${summary.graded} trace(s)${summary.cancelled ? ' (cancelled; run again to resume)' : ''}: ${c.correct ?? 0} correct, ${c.incorrect ?? 0} incorrect, ${c['no-answer'] ?? 0} no answer, ${c.error ?? 0} error.`;
      this.log.info(msg);
      void vscode.window.showInformationMessage(msg);
    } catch (e) {
      void reportError(this.log, 'grading failed', e);
    }
  }

  dispose(): void {
    void this.pool?.close();
    this.pool = undefined;
  }
}
