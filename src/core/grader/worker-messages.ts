/** Messages between the grader pool and its workers. */
import { gradePair, gradeResponse } from './grade';
import type { GradeInput, GradeResult } from './types';

export interface BatchRequest {
  id: number;
  items: GradeInput[];
  /** Soft per-answer cap inside the worker (the pool's hard cap kills the worker). */
  timeoutMs: number;
}

export type WorkerMessage = { type: 'ready' } | { type: 'result'; id: number; index: number; result: GradeResult };

/** Grade a batch, posting each result as soon as it is ready (the pool times each item). */
export function handleBatch(req: BatchRequest, post: (m: WorkerMessage) => void): void {
  for (let i = 0; i < req.items.length; i++) {
    const item = req.items[i];
    const options = { timeoutMs: req.timeoutMs };
    let result: GradeResult;
    if (item.mode === 'pair') {
      const r = gradePair({ gold: item.gold, pred: item.response, type: item.type }, options);
      result = { extracted: r.extracted, verdict: r.verdict, ...(r.detail ? { detail: r.detail } : {}) };
    } else result = gradeResponse(item, options);
    post({ type: 'result', id: req.id, index: i, result });
  }
}
