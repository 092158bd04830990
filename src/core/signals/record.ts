import type { Statement } from 'better-sqlite3';
import { pruneTraceChanges } from '../store/trace-changes';
import type { Store } from '../store/open';
import { computeSignals } from './compute';
import { SIGNALS, SIGNALS_VERSION } from './definitions';
import { writeTransaction } from '../store/write-transaction';
import { timerDelay } from '../timers';

/**
 * Storing signals: one `trace_signals` row per trace with text. A row also copies what the browser
 * filters and sorts on (run, problem, sample, finish reason, latency, verdict, subject, level) so that
 * facets and pages never scan the wide `traces` rows; triggers keep the verdict and subject/level copies
 * in step with `grades` and `problems` (migration 3).
 */

/** Subject of a problem from its metadata (MATH's `subject`, or `type` in the MATH training files). */
export const SUBJECT_SQL = (m: string) =>
  `CASE WHEN json_valid(${m}) THEN nullif(trim(CAST(coalesce(json_extract(${m}, '$.subject'), json_extract(${m}, '$.type')) AS TEXT)), '') END`;
/** Level of a problem: `3`, `"3"` and `"Level 3"` all read as `3`. */
export const LEVEL_SQL = (m: string) =>
  `CASE WHEN json_valid(${m}) THEN nullif(trim(replace(lower(CAST(json_extract(${m}, '$.level') AS TEXT)), 'level', '')), '') END`;

interface SourceRow {
  id: number;
  question: string;
  reasoning: string | null;
  answer: string | null;
  finish_reason: string | null;
  completion_tokens: number | null;
}

const VALUE_COLUMNS = SIGNALS.map((s) => s.column);

interface Statements {
  read: Statement;
  upsert: Statement;
  write: (rows: SourceRow[]) => number;
}
const statements = new WeakMap<Store, Statements>();

function prepared(store: Store): Statements {
  let s = statements.get(store);
  if (s) return s;
  const db = store.db;
  const read = db.prepare(
    `SELECT t.id, p.question, t.reasoning, t.answer, t.finish_reason, t.completion_tokens
     FROM traces t JOIN problems p ON p.id = t.problem_id WHERE t.id = ? AND t.error IS NULL`,
  );
  const cols = ['version', 'flags', ...VALUE_COLUMNS, 'tokens', 'tokens_estimated'];
  const upsert = db.prepare(
    `INSERT INTO trace_signals (trace_id, run_id, problem_id, sample_index, finish, latency_ms, verdict, subject, level, ${cols.join(', ')})
     SELECT t.id, t.run_id, t.problem_id, t.sample_index, t.finish_reason, t.latency_ms, g.verdict, ${SUBJECT_SQL('p.metadata')}, ${LEVEL_SQL('p.metadata')},
       ${cols.map((c) => `@${c}`).join(', ')}
     FROM traces t JOIN problems p ON p.id = t.problem_id LEFT JOIN grades g ON g.trace_id = t.id WHERE t.id = @id
     ON CONFLICT (trace_id) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}, verdict = excluded.verdict,
       subject = excluded.subject, level = excluded.level`,
  );
  const write = writeTransaction(db, (rows: SourceRow[]) => {
    for (const r of rows) {
      const sig = computeSignals({
        question: r.question,
        reasoning: r.reasoning,
        answer: r.answer,
        finishReason: r.finish_reason,
        completionTokens: r.completion_tokens,
      });
      const params: Record<string, number> = {
        id: r.id,
        version: sig.version,
        flags: sig.flags,
        tokens: sig.tokens.total,
        tokens_estimated: sig.tokens.source === 'estimate' ? 1 : 0,
      };
      for (const d of SIGNALS) params[d.column] = sig.values[d.name];
      upsert.run(params);
    }
    return rows.length;
  });
  s = { read, upsert, write };
  statements.set(store, s);
  return s;
}

/** Computes and stores the signals of these traces (those without text are skipped) in one transaction. */
export function recordSignals(store: Store, traceIds: readonly number[]): number {
  if (traceIds.length === 0) return 0;
  const s = prepared(store);
  const rows: SourceRow[] = [];
  for (const id of traceIds) {
    const r = s.read.get(id) as SourceRow | undefined;
    if (r) rows.push(r);
  }
  return s.write(rows);
}

export interface SignalsBacklog {
  /** Traces with text. */
  readonly traces: number;
  /** Traces with text and no signals row: invisible to the browser until computed. */
  readonly missing: number;
  /** Signals computed by another version of the detectors. */
  readonly stale: number;
}

// INDEXED BY: left to itself the planner counts traces with text by scanning the wide traces table
// (160 ms at 100,000 traces) instead of the partial index made for it (3 ms).
const TRACES_WITH_TEXT = 'SELECT count(*) FROM traces INDEXED BY traces_with_text WHERE error IS NULL';

/** Cheap (index counts): what `computeStoredSignals` would do. */
export function signalsBacklog(store: Store): SignalsBacklog {
  const r = store.db
    .prepare(
      `SELECT (${TRACES_WITH_TEXT}) AS traces, (SELECT count(*) FROM trace_signals) AS computed, (SELECT count(*) FROM trace_signals WHERE version <> ?) AS stale`,
    )
    .get(SIGNALS_VERSION) as { traces: number; computed: number; stale: number };
  return { traces: r.traces, missing: Math.max(0, r.traces - r.computed), stale: r.stale };
}

/** Traces with text and signals, and those still without (what facet counts report). */
export function signalsCoverage(store: Store): { traces: number; missing: number } {
  const r = store.db
    .prepare(`SELECT (${TRACES_WITH_TEXT}) AS traces, (SELECT count(*) FROM trace_signals) AS computed`)
    .get() as { traces: number; computed: number };
  return { traces: r.traces, missing: Math.max(0, r.traces - r.computed) };
}

/** `missing`: traces without signals; `stale`: those too, and signals of another version; `all`: every trace. */
export type SignalsMode = 'missing' | 'stale' | 'all';

export interface ComputeSignalsOptions {
  readonly mode?: SignalsMode;
  /** Only these runs (ids). */
  readonly runIds?: readonly number[];
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ComputeSignalsResult {
  readonly computed: number;
  readonly total: number;
  readonly cancelled: boolean;
}

/**
 * Computes stored signals in batches (one transaction each, yielding to the event loop between
 * batches so an extension host stays responsive); interrupted, it resumes where it stopped.
 */
export async function computeStoredSignals(store: Store, o: ComputeSignalsOptions = {}): Promise<ComputeSignalsResult> {
  const mode = o.mode ?? 'missing';
  const runs = o.runIds?.length ? `AND t.run_id IN (${o.runIds.map(Number).join(',')})` : '';
  const which =
    mode === 'all'
      ? ''
      : mode === 'stale'
        ? `AND NOT EXISTS (SELECT 1 FROM trace_signals s WHERE s.trace_id = t.id AND s.version = ${SIGNALS_VERSION})`
        : 'AND NOT EXISTS (SELECT 1 FROM trace_signals s WHERE s.trace_id = t.id)';
  const where = `t.error IS NULL ${runs} ${which}`;
  const db = store.db;
  const total = (db.prepare(`SELECT count(*) AS n FROM traces t WHERE ${where}`).get() as { n: number }).n;
  const page = db.prepare(
    `SELECT t.id, p.question, t.reasoning, t.answer, t.finish_reason, t.completion_tokens
     FROM traces t JOIN problems p ON p.id = t.problem_id WHERE ${where} AND t.id > ? ORDER BY t.id LIMIT ?`,
  );
  const { write } = prepared(store);
  const batch = o.batchSize ?? 200;
  let done = 0;
  let after = 0;
  o.onProgress?.(0, total);
  while (!o.signal?.aborted) {
    const rows = page.all(after, batch) as SourceRow[];
    if (rows.length === 0) break;
    write(rows);
    done += rows.length;
    after = rows[rows.length - 1]!.id;
    o.onProgress?.(done, total);
    await new Promise((resolve) => setImmediate(resolve));
  }
  pruneTraceChanges(store);
  return { computed: done, total, cancelled: Boolean(o.signal?.aborted) && done < total };
}

/** Synchronous catch-up for the traces of some runs that have no signals yet (after a bulk write such as an import). */
export function recordMissingSignals(store: Store, runIds: readonly number[], batchSize = 500): number {
  const runs = runIds.map(Number).join(',');
  const page = store.db.prepare(
    `SELECT t.id, p.question, t.reasoning, t.answer, t.finish_reason, t.completion_tokens FROM traces t JOIN problems p ON p.id = t.problem_id
     WHERE t.error IS NULL AND t.run_id IN (${runs}) AND t.id > ? AND NOT EXISTS (SELECT 1 FROM trace_signals s WHERE s.trace_id = t.id)
     ORDER BY t.id LIMIT ?`,
  );
  const { write } = prepared(store);
  let done = 0;
  for (let after = 0; ;) {
    const rows = page.all(after, batchSize) as SourceRow[];
    if (rows.length === 0) return done;
    done += write(rows);
    after = rows[rows.length - 1]!.id;
  }
}

export interface SignalRecorder {
  /** Queue traces just stored; their signals are computed in small batches, off the caller's turn. */
  enqueue(traceIds: readonly number[]): void;
  /** Computes everything still queued, now. */
  drain(): void;
  readonly recorded: number;
  /** The last failure (recording never fails the caller: `computeStoredSignals` catches up later). */
  readonly lastError: Error | undefined;
}

/**
 * Signals for traces as a sampler stores them: ids are queued and computed in batches of `batchSize`
 * on a timer (`delayMs`), one batch per event-loop turn, so that a commit of the trace writer never waits
 * for them and a burst never blocks the loop for long.
 */
export function createSignalRecorder(
  store: Store,
  options: { batchSize?: number; delayMs?: number } = {},
): SignalRecorder {
  const batchSize = options.batchSize ?? 100;
  const delayMs = options.delayMs ?? 100;
  let queue: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let recorded = 0;
  let lastError: Error | undefined;

  const runBatch = (): void => {
    immediate = undefined;
    const batch = queue.splice(0, batchSize);
    try {
      recorded += recordSignals(store, batch);
    } catch (e) {
      lastError = e as Error;
    }
    if (queue.length) immediate = setImmediate(runBatch);
  };
  const schedule = (): void => {
    if (timer || immediate) return;
    timer = setTimeout(() => {
      timer = undefined;
      runBatch();
    }, timerDelay(delayMs));
  };

  return {
    enqueue(ids) {
      if (ids.length === 0) return;
      for (const id of ids) queue.push(id);
      schedule();
    },
    drain() {
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      timer = undefined;
      immediate = undefined;
      while (queue.length) {
        const batch = queue;
        queue = [];
        try {
          recorded += recordSignals(store, batch);
        } catch (e) {
          lastError = e as Error;
        }
      }
      pruneTraceChanges(store);
    },
    get recorded() {
      return recorded;
    },
    get lastError() {
      return lastError;
    },
  };
}
