/** Messages between the grader pool and its workers. */
import { gradeResponse } from './grade';
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
    const result = gradeResponse(req.items[i], { timeoutMs: req.timeoutMs });
    post({ type: 'result', id: req.id, index: i, result });
  }
}
