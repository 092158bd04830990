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

/**
 * Turns runner records into store rows: metrics into job_metrics (upserted, so a replayed log changes
 * nothing), status/checkpoint/error/done into the job's output, eval samples into traces of the job's
 * eval run (through the same trace writer as sampling, so they are graded the same way). The log
 * offset moves in the same transaction, so a re-attach after a crash neither loses nor repeats a line.
 */
export function createIngester(store: Store, job: JobRow, opts: { onTracesStored?: (ids: number[]) => void } = {}): Ingester {
  let writer: TraceWriter | undefined;
  const signals = createSignalRecorder(store);
  let problems: Map<string, { id: number; question: string }> | undefined;
  let template: PromptTemplate | undefined;
  const unknownKeys = new Set<string>();

  if (job.kind === 'eval' && job.spec.evalRun) {
    const run = store.db.prepare('SELECT r.id, r.set_id FROM runs r WHERE r.name = ?').get(job.spec.evalRun) as { id: number; set_id: number } | undefined;
    if (!run) throw new W2sError(`The eval run "${job.spec.evalRun}" of job ${job.name} is gone from the store: its samples have nowhere to go.`, 'NO_RUN');
    problems = new Map(
      (store.db.prepare('SELECT id, key, question FROM problems WHERE set_id = ?').all(run.set_id) as { id: number; key: string; question: string }[]).map((p) => [p.key, { id: p.id, question: p.question }]),
    );
    template = job.spec.template as PromptTemplate;
    writer = createTraceWriter(store, run.id, (_batch, ids) => {
      // the trace browser lists a trace once its signals are stored: queued as the sampler does, in
      // small batches off this (log-reading) turn
      signals.enqueue(ids);
      opts.onTracesStored?.(ids);
    });
  }

  const apply = store.db.transaction((lines: readonly LogLine[]) => {
    const current = requireJobById(store, job.id);
    const out: { -readonly [K in keyof JobOutput]: JobOutput[K] } = { ...current.output };
    let records = 0;
    let samples = 0;
    for (const line of lines) {
      const rec = parseRecord(line.text);
      if (!rec) continue;
      records++;
      if (apply1(rec, out)) samples++;
    }
    if (writer && samples) {
      writer.flush();
      if (writer.failure) throw writer.failure;
    }
    if (samples) out.samples = (current.output.samples ?? 0) + samples;
    if (unknownKeys.size) out.notes = [...new Set([...(out.notes ?? []), `samples for problems not in the set: ${[...unknownKeys].slice(0, 5).join(', ')}${unknownKeys.size > 5 ? ', …' : ''}`])];
    const last = lines.at(-1);
    const updated = updateJob(store, job.id, { output: out, logOffset: last ? last.index + 1 : undefined });
    return { job: updated, records, samples };
  });

  /** Applies one record to `out` (and the store); true when it was an eval sample queued for the writer. */
  function apply1(rec: RunnerRecord, out: { -readonly [K in keyof JobOutput]: JobOutput[K] }): boolean {
    const time = new Date(typeof rec.time === 'number' ? rec.time * 1000 : Date.now()).toISOString();
    switch (rec.type) {
      case 'metrics': {
        const step = Number(rec.step);
        if (!Number.isInteger(step)) return false;
        const values: Record<string, number> = {};
        for (const [k, v] of Object.entries(rec)) if (!NOT_METRICS.has(k) && typeof v === 'number' && Number.isFinite(v)) values[k] = v;
        recordMetrics(store, job.id, step, values, time);
        if (typeof rec.total_steps === 'number') out.totalSteps = rec.total_steps;
        out.step = Math.max(out.step ?? 0, step);
        return false;
      }
      case 'status':
        if (typeof rec.phase === 'string') out.phase = rec.phase;
        if (typeof rec.message === 'string') out.phaseMessage = rec.message;
        if (typeof rec.total_steps === 'number') out.totalSteps = rec.total_steps;
        if (rec.phase === 'generating' && typeof rec.total === 'number') out.samplesTotal = rec.total;
        if (rec.phase === 'note' && typeof rec.message === 'string') out.notes = [...new Set([...(out.notes ?? []), rec.message])];
        return false;
      case 'checkpoint': {
        if (typeof rec.path !== 'string') return false;
        const cp: Checkpoint = { step: Number(rec.step) || 0, path: rec.path, ...(typeof rec.epoch === 'number' ? { epoch: rec.epoch } : {}), ...(rec.final ? { final: true } : {}), ...(rec.adapter ? { adapter: true } : {}) };
        const list = (out.checkpoints ?? []).filter((c) => !(c.path === cp.path && c.step === cp.step));
        out.checkpoints = [...list, cp].sort((a, b) => a.step - b.step || Number(a.final ?? false) - Number(b.final ?? false));
        return false;
      }
      case 'error':
        out.runnerError = { kind: String(rec.kind ?? 'error'), message: String(rec.message ?? 'the runner reported an error') };
        return false;
      case 'done': {
        const { type: _t, time: _time, ...rest } = rec;
        out.done = rest;
        return false;
      }
      case 'sample': {
        if (!writer || !problems || !template || !isSampleRecord(rec)) return false;
        const p = problems.get(rec.problem);
        if (!p) {
          unknownKeys.add(rec.problem);
          return false;
        }
        const split = splitReasoning(rec.text, null);
        writer.add({
          problemId: p.id, sampleIndex: rec.index, prompt: renderPrompt(template, p.question).stored, reasoning: split.reasoning, answer: split.answer,
          finishReason: typeof rec.finish_reason === 'string' ? rec.finish_reason : null,
          promptTokens: typeof rec.prompt_tokens === 'number' ? rec.prompt_tokens : null,
          completionTokens: typeof rec.completion_tokens === 'number' ? rec.completion_tokens : null,
          latencyMs: null, attempts: 1, error: null,
        });
        return true;
      }
      default:
        return false;
    }
  }

  return { ingest: (lines) => apply(lines), drainSignals: () => signals.drain() };
}
