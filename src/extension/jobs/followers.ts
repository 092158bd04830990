import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { followJob } from '../../core/jobs/follow';
import { requireJobById, isFinished, listJobs, type JobRow } from '../../core/jobs/job-store';
import type { GraderService } from '../grading/grader-service';
import type { StoreService } from '../ui/store-service';
import { clientFor } from './cluster';
import { setting } from '../ui/settings';
import { reportError } from '../ui/report-error';

interface Following {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/**
 * The jobs this window follows: each one's log goes to an output channel ("W2S Job: NAME") and into
 * the store (metrics, checkpoints, eval samples graded as they arrive), and its end raises a
 * notification. After a window reload every unfinished job of the store is followed again, from the
 * line where the last follower stopped (the log offset is in the store).
 */
export class JobFollowers implements vscode.Disposable {
  private readonly following = new Map<number, Following>();
  private readonly channels = new Map<number, vscode.OutputChannel>();
  private readonly changed = new vscode.EventEmitter<JobRow>();
  /** Fires (throttled per job by the callers) when a followed job's row changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly stores: StoreService,
    private readonly secrets: vscode.SecretStorage,
    private readonly grader: GraderService,
    private readonly log: vscode.LogOutputChannel,
    private readonly openPanel: (name: string) => void,
  ) {}

  isFollowing(jobId: number): boolean {
    return this.following.has(jobId);
  }

  channel(job: Pick<JobRow, 'id' | 'name'>): vscode.OutputChannel {
    let c = this.channels.get(job.id);
    if (!c) {
      c = vscode.window.createOutputChannel(`W2S Job: ${job.name}`);
      this.channels.set(job.id, c);
    }
    return c;
  }

  /** Follows a submitted job (no-op when this window already does). */
  follow(job: JobRow): void {
    if (this.following.has(job.id) || !job.submissionId) return;
    const controller = new AbortController();
    const channel = this.channel(job);
    const done = (async () => {
      const store = this.stores.get();
      const client = await clientFor(this.secrets, job.cluster);
      if (job.logOffset > 0) channel.appendLine(`[W2S: following ${job.name} again from line ${job.logOffset + 1}]`);
      let last = 0;
      try {
        const final = await followJob({
          store,
          client,
          jobId: job.id,
          signal: controller.signal,
          onLines: (lines) => {
            for (const l of lines) channel.appendLine(l.text);
          },
          onChange: (j) => {
            const now = Date.now();
            if (now - last > 250 || isFinished(j.status)) {
              last = now;
              this.stores.notifyChanged();
              this.changed.fire(j);
            }
          },
          onTracesStored: (ids) => {
            if (setting('grading.gradeOnArrival')) this.grader.enqueue(ids);
          },
          onMode: (mode, reason) => this.log.warn(`Job ${job.name}: log by ${mode} (${reason})`),
        });
        if (controller.signal.aborted) return;
        this.stores.notifyChanged();
        this.changed.fire(final);
        this.announce(final);
      } catch (e) {
        if (controller.signal.aborted) return;
        const msg = errorMessage(e);
        channel.appendLine(`[W2S: stopped following: ${msg}]`);
        void reportError(this.log, `cannot follow job ${job.name}`, e, {
          actions: ['Retry'],
          showLog: () => channel.show(true),
        }).then((a) => {
          if (a === 'Retry') this.follow(requireJobById(this.stores.get(), job.id));
        });
      } finally {
        this.following.delete(job.id);
      }
    })();
    this.following.set(job.id, { controller, done });
  }

  /** Every unfinished job of the store (after a reload, or when the store file changes). */
  reattach(): void {
    const store = this.stores.getIfExists();
    if (!store) return;
    for (const job of listJobs(store)) {
      if (job.submissionId && !isFinished(job.status)) this.follow(job);
    }
  }

  private announce(job: JobRow): void {
    const open = 'Open Job';
    const showLog = 'Show Log';
    const act = (a: string | undefined) => {
      if (a === open) this.openPanel(job.name);
      else if (a === showLog) this.channel(job).show(true);
    };
    if (job.status === 'succeeded') {
      const model = job.output.checkpoints?.filter((c) => c.final).at(-1)?.path;
      const what =
        job.kind === 'sft'
          ? model
            ? `: the model is at ${model} on the cluster`
            : ''
          : job.spec.evalRun
            ? `: its samples are in run ${job.spec.evalRun}`
            : '';
      void vscode.window.showInformationMessage(`W2S: job ${job.name} succeeded${what}.`, open, showLog).then(act);
    } else if (job.status === 'stopped') {
      void vscode.window.showInformationMessage(`W2S: job ${job.name} stopped.`, open, showLog).then(act);
    } else {
      void vscode.window
        .showErrorMessage(`W2S: job ${job.name} ${job.status}: ${job.error ?? 'no details'}`, open, showLog)
        .then(act);
    }
  }

  dispose(): void {
    for (const f of this.following.values()) f.controller.abort();
    for (const c of this.channels.values()) c.dispose();
    this.changed.dispose();
  }
}
