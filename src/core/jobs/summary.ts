import type { Store } from '../store/open';
import { latestMetrics } from './job-metrics';
import type { JobRow } from './job-store';

/** What a list of jobs shows for one: shared by the Jobs tree and `w2s jobs list`. */
export interface JobSummary {
  readonly name: string;
  readonly kind: string;
  readonly status: string;
  readonly step: number | null;
  readonly total: number | null;
  /** "120/480 steps" or "37/200 samples", or "". */
  readonly progress: string;
  readonly loss: number | null;
  readonly validLoss: number | null;
  readonly elapsedMs: number | null;
  readonly error: string | null;
}

export function summarizeJob(store: Store, job: JobRow, now = Date.now()): JobSummary {
  const last = latestMetrics(store, job.id);
  const o = job.output;
  let step: number | null = null;
  let total: number | null = null;
  let progress = '';
  if (job.kind === 'sft') {
    step = o.step ?? null;
    total = o.totalSteps ?? null;
    if (step !== null || total !== null) progress = `${step ?? 0}/${total ?? '?'} steps`;
  } else {
    step = o.samples ?? null;
    total = o.samplesTotal ?? null;
    if (step !== null || total !== null) progress = `${step ?? 0}/${total ?? '?'} samples`;
  }
  const start = o.startTime ?? null;
  const end = o.endTime ?? null;
  return {
    name: job.name,
    kind: job.kind,
    status: job.status,
    step,
    total,
    progress,
    loss: last.train_loss?.value ?? null,
    validLoss: last.valid_loss?.value ?? null,
    elapsedMs: start ? (end ?? now) - start : null,
    error: job.error,
  };
}

export function formatElapsed(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
