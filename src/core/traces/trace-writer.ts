import type { Store } from '../store/open';
import { writeTransaction } from '../store/write-transaction';

export interface NewTrace {
  readonly problemId: number;
  readonly sampleIndex: number;
  readonly prompt: string;
  readonly reasoning: string | null;
  readonly answer: string | null;
  readonly finishReason: string | null;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  readonly latencyMs: number | null;
  readonly attempts: number;
  /** Set when every attempt failed: the row keeps the reason and no text, and a resume retries it. */
  readonly error: string | null;
}

export interface TraceWriter {
  add(record: NewTrace): void;
  /** Commits everything queued now; returns the ids of traces stored with text. */
  flush(): number[];
  readonly pending: number;
  /** Set when a commit failed; the records stay queued. */
  readonly failure: Error | undefined;
}

/**
 * Commits finished traces as they arrive. Records finished in the same event-loop turn share one small
 * transaction (flushed on setImmediate, i.e. within a millisecond or so), which is what keeps the
 * writer off the critical path at thousands of traces per second while a kill -9 can only lose
 * traces that finished in that last turn (and a resume samples those again).
 *
 * The upsert replaces only a row that records a failure: a trace stored with text is never
 * overwritten and never duplicated (UNIQUE(run, problem, sample)).
 */
export function createTraceWriter(
  store: Store,
  runId: number,
  /** After each commit: the batch, and the ids of the traces in it stored with text. */
  onTracesStored?: (batch: readonly NewTrace[], storedIds: number[]) => void,
): TraceWriter {
  const insert = store.db.prepare(
    `INSERT INTO traces (run_id, problem_id, sample_index, prompt, reasoning, answer, finish_reason, prompt_tokens,
       completion_tokens, latency_ms, attempts, error)
     VALUES (@runId, @problemId, @sampleIndex, @prompt, @reasoning, @answer, @finishReason, @promptTokens,
       @completionTokens, @latencyMs, @attempts, @error)
     ON CONFLICT (run_id, problem_id, sample_index) DO UPDATE SET prompt = excluded.prompt, reasoning = excluded.reasoning,
       answer = excluded.answer, finish_reason = excluded.finish_reason, prompt_tokens = excluded.prompt_tokens,
       completion_tokens = excluded.completion_tokens, latency_ms = excluded.latency_ms,
       attempts = traces.attempts + excluded.attempts, error = excluded.error,
       created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
     WHERE traces.error IS NOT NULL
     RETURNING id`,
  );
  let queue: NewTrace[] = [];
  let scheduled = false;
  let failure: Error | undefined;
  const commit = writeTransaction(store.db, (records: NewTrace[]) => {
    const ids: number[] = [];
    for (const r of records) {
      const row = insert.get({ runId, ...r }) as { id: number } | undefined;
      if (row && r.error === null) ids.push(row.id);
    }
    return ids;
  });
  const flush = (): number[] => {
    scheduled = false;
    if (queue.length === 0) return [];
    const batch = queue;
    queue = [];
    let ids: number[];
    try {
      ids = commit(batch);
      failure = undefined;
    } catch (e) {
      queue = batch.concat(queue);
      failure = e as Error;
      return [];
    }
    if (onTracesStored) {
      try {
        onTracesStored(batch, ids);
      } catch {
        // a listener's bug must not stop the next commits
      }
    }
    return ids;
  };
  return {
    add(record) {
      queue.push(record);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
    get pending() {
      return queue.length;
    },
    get failure() {
      return failure;
    },
  };
}
