import { W2sError } from '../errors';
import { splitReasoning } from '../traces/reasoning-split';
import { createSignalRecorder } from '../signals/record';
import { renderPrompt, type PromptTemplate } from '../sampling/templates';
import type { Store } from '../store/open';
import { createTraceWriter, type TraceWriter } from '../traces/trace-writer';
import { recordMetrics } from './job-metrics';
import { requireJobById, updateJob, type Checkpoint, type JobOutput, type JobRow } from './job-store';
import type { LogLine } from './log-tail';
import { isSampleRecord, parseRecord, type RunnerRecord } from './records';
import { writeTransaction } from '../store/write-transaction';

export interface IngestResult {
  readonly job: JobRow;
  readonly records: number;
  readonly samples: number;
}

export interface Ingester {
  /** Stores what these log lines carry, and that they were read, in one transaction. */
  ingest(lines: readonly LogLine[]): IngestResult;
  /** Computes the signals still queued for stored samples (at the end of a follow). */
  drainSignals(): void;
}

const NOT_METRICS = new Set(['type', 'time', 'step', 'total_steps']);

type MutableOutput = { -readonly [K in keyof JobOutput]: JobOutput[K] };

/** Where an eval job's samples go: its run's trace writer, the set's problems by key, the prompt template. */
interface EvalTarget {
  readonly writer: TraceWriter;
  readonly problems: Map<string, { id: number; question: string }>;
  readonly template: PromptTemplate;
  /** Problem keys the runner sampled that the set does not have. */
  readonly unknownKeys: Set<string>;
}

/** The eval run of an eval job, ready to take samples; undefined for other jobs. */
function openEvalTarget(store: Store, job: JobRow, onStored: (ids: number[]) => void): EvalTarget | undefined {
  if (job.kind !== 'eval' || !job.spec.evalRun) return undefined;
  const run = store.db.prepare('SELECT r.id, r.set_id FROM runs r WHERE r.name = ?').get(job.spec.evalRun) as
    { id: number; set_id: number } | undefined;
  if (!run)
    throw new W2sError(
      `The eval run "${job.spec.evalRun}" of job ${job.name} is gone from the store: its samples have nowhere to go.`,
      'NO_RUN',
    );
  const problems = new Map(
    (
      store.db.prepare('SELECT id, key, question FROM problems WHERE set_id = ?').all(run.set_id) as {
        id: number;
        key: string;
        question: string;
      }[]
    ).map((p) => [p.key, { id: p.id, question: p.question }]),
  );
  return {
    writer: createTraceWriter(store, run.id, (_batch, ids) => onStored(ids)),
    problems,
    template: job.spec.template as PromptTemplate,
    unknownKeys: new Set(),
  };
}

const recordTime = (rec: RunnerRecord) =>
  new Date(typeof rec.time === 'number' ? rec.time * 1000 : Date.now()).toISOString();

function applyMetrics(store: Store, jobId: number, rec: RunnerRecord, out: MutableOutput): void {
  const step = Number(rec.step);
  if (!Number.isInteger(step)) return;
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(rec))
    if (!NOT_METRICS.has(k) && typeof v === 'number' && Number.isFinite(v)) values[k] = v;
  recordMetrics(store, jobId, step, values, recordTime(rec));
  if (typeof rec.total_steps === 'number') out.totalSteps = rec.total_steps;
  out.step = Math.max(out.step ?? 0, step);
}

function applyStatus(rec: RunnerRecord, out: MutableOutput): void {
  if (typeof rec.phase === 'string') out.phase = rec.phase;
  if (typeof rec.message === 'string') out.phaseMessage = rec.message;
  if (typeof rec.total_steps === 'number') out.totalSteps = rec.total_steps;
  if (rec.phase === 'generating' && typeof rec.total === 'number') out.samplesTotal = rec.total;
  if (rec.phase === 'note' && typeof rec.message === 'string')
    out.notes = [...new Set([...(out.notes ?? []), rec.message])];
}

function applyCheckpoint(rec: RunnerRecord, out: MutableOutput): void {
  if (typeof rec.path !== 'string') return;
  const cp: Checkpoint = {
    step: Number(rec.step) || 0,
    path: rec.path,
    ...(typeof rec.epoch === 'number' ? { epoch: rec.epoch } : {}),
    ...(rec.final ? { final: true } : {}),
    ...(rec.adapter ? { adapter: true } : {}),
  };
  const list = (out.checkpoints ?? []).filter((c) => !(c.path === cp.path && c.step === cp.step));
  out.checkpoints = [...list, cp].sort(
    (a, b) => a.step - b.step || Number(a.final ?? false) - Number(b.final ?? false),
  );
}

/** Queues an eval sample for the run's trace writer; true when it was one. */
function applySample(target: EvalTarget | undefined, rec: RunnerRecord): boolean {
  if (!target || !isSampleRecord(rec)) return false;
  const p = target.problems.get(rec.problem);
  if (!p) {
    target.unknownKeys.add(rec.problem);
    return false;
  }
  const split = splitReasoning(rec.text, null);
  target.writer.add({
    problemId: p.id,
    sampleIndex: rec.index,
    prompt: renderPrompt(target.template, p.question).stored,
    reasoning: split.reasoning,
    answer: split.answer,
    finishReason: typeof rec.finish_reason === 'string' ? rec.finish_reason : null,
    promptTokens: typeof rec.prompt_tokens === 'number' ? rec.prompt_tokens : null,
    completionTokens: typeof rec.completion_tokens === 'number' ? rec.completion_tokens : null,
    latencyMs: null,
    attempts: 1,
    error: null,
  });
  return true;
}

/** Applies one record to `out` (and the store); true when it was an eval sample queued for the writer. */
function applyRecord(
  store: Store,
  jobId: number,
  target: EvalTarget | undefined,
  rec: RunnerRecord,
  out: MutableOutput,
): boolean {
  switch (rec.type) {
    case 'metrics':
      applyMetrics(store, jobId, rec, out);
      return false;
    case 'status':
      applyStatus(rec, out);
      return false;
    case 'checkpoint':
      applyCheckpoint(rec, out);
      return false;
    case 'error':
      out.runnerError = {
        kind: String(rec.kind ?? 'error'),
        message: String(rec.message ?? 'the runner reported an error'),
      };
      return false;
    case 'done': {
      const { type: _t, time: _time, ...rest } = rec;
      out.done = rest;
      return false;
    }
    case 'sample':
      return applySample(target, rec);
    default:
      return false;
  }
}

/**
 * Turns runner records into store rows: metrics into job_metrics (upserted, so a replayed log changes
 * nothing), status/checkpoint/error/done into the job's output, eval samples into traces of the job's
 * eval run (through the same trace writer as sampling, so they are graded the same way). The log
 * offset moves in the same transaction, so a re-attach after a crash neither loses nor repeats a line.
 */
export function createIngester(
  store: Store,
  job: JobRow,
  opts: { onTracesStored?: (ids: number[]) => void } = {},
): Ingester {
  const signals = createSignalRecorder(store);
  // the trace browser lists a trace once its signals are stored: queued as the sampler does, in small
  // batches off this (log-reading) turn
  const target = openEvalTarget(store, job, (ids) => {
    signals.enqueue(ids);
    opts.onTracesStored?.(ids);
  });

  const apply = writeTransaction(store.db, (lines: readonly LogLine[]) => {
    const current = requireJobById(store, job.id);
    const out: MutableOutput = { ...current.output };
    let records = 0;
    let samples = 0;
    for (const line of lines) {
      const rec = parseRecord(line.text);
      if (!rec) continue;
      records++;
      if (applyRecord(store, job.id, target, rec, out)) samples++;
    }
    if (target && samples) {
      target.writer.flush();
      if (target.writer.failure) throw target.writer.failure;
    }
    if (samples) out.samples = (current.output.samples ?? 0) + samples;
    const unknown = target?.unknownKeys;
    if (unknown?.size)
      out.notes = [
        ...new Set([
          ...(out.notes ?? []),
          `samples for problems not in the set: ${[...unknown].slice(0, 5).join(', ')}${unknown.size > 5 ? ', …' : ''}`,
        ]),
      ];
    const last = lines.at(-1);
    const updated = updateJob(store, job.id, { output: out, logOffset: last ? last.index + 1 : undefined });
    return { job: updated, records, samples };
  });

  return { ingest: (lines) => apply(lines), drainSignals: () => signals.drain() };
}
