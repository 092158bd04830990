import type { GraderPool } from '../grader/pool';
import type { Store } from '../store/open';
import { gradeTraceIds } from './grade-traces';

export interface LiveGrader {
  /** Queue traces that were just stored; they are graded in small batches, off the calling thread. */
  enqueue(traceIds: readonly number[]): void;
  /** Resolves once everything queued so far is graded and stored. */
  drain(): Promise<void>;
  readonly graded: number;
  /** The last grading failure, if any (grading never fails a sampling run). */
  readonly lastError: Error | undefined;
}

/** Grades traces as a sampler stores them: batches of up to `batchSize`, one batch in flight at a time. */
export function createLiveGrader(
  store: Store,
  pool: GraderPool,
  options: { batchSize?: number; onGraded?: (n: number) => void } = {},
): LiveGrader {
  const batchSize = options.batchSize ?? 256;
  const queue: number[] = [];
  let running: Promise<void> | undefined;
  let graded = 0;
  let lastError: Error | undefined;

  const pump = async (): Promise<void> => {
    while (queue.length) {
      const batch = queue.splice(0, batchSize);
      try {
        const results = await gradeTraceIds(store, pool, batch);
        graded += results.length;
        options.onGraded?.(results.length);
      } catch (e) {
        lastError = e as Error;
      }
    }
    running = undefined;
  };

  return {
    enqueue(ids) {
      if (ids.length === 0) return;
      queue.push(...ids);
      running ??= pump();
    },
    async drain() {
      while (running) await running;
    },
    get graded() {
      return graded;
    },
    get lastError() {
      return lastError;
    },
  };
}
