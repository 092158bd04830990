import type { NotificationType, RequestType } from './messages';

/** The job panel: a job's state and its curves, drawn live with uPlot. */

export interface JobPanelCheckpoint {
  readonly step: number;
  readonly path: string;
  readonly final: boolean;
}

export interface JobPanelState {
  readonly name: string;
  readonly kind: 'sft' | 'eval';
  readonly status: string;
  readonly cluster: string;
  readonly progress: string;
  readonly step: number | null;
  readonly total: number | null;
  readonly elapsed: string;
  /** The runner's last status line while the job runs (before it prints one, Ray's: e.g. waiting for GPUs). */
  readonly phase: string | null;
  /** Once it has ended: Ray's message about the end ("Job finished successfully.", …). */
  readonly finalMessage: string | null;
  readonly error: string | null;
  readonly notes: readonly string[];
  readonly checkpoints: readonly JobPanelCheckpoint[];
  /** Eval jobs: the run their samples go to, and its grades so far. */
  readonly evalRun: { readonly name: string; readonly correct: number; readonly graded: number } | null;
  readonly running: boolean;
  /** metric name → [steps, values], in step order. */
  readonly series: Readonly<Record<string, readonly [readonly number[], readonly number[]]>>;
}

/** Extension → webview: the whole state, after `ready` and whenever the job changes (at most a few times a second). */
export const JobStateNotification: NotificationType<JobPanelState> = { method: 'job/state' };

/** Webview → extension: the buttons. */
export const JobActionRequest: RequestType<{ action: 'stop' | 'log' | 'openRun' }, { ok: boolean; message?: string }> =
  { method: 'job/action' };
