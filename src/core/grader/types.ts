import type { GradeVerdict as Verdict } from '../../model/verdicts';

/** Kind of answer a question expects; decides extraction and comparison. */
export type AnswerType = 'math' | 'number' | 'choice' | 'text';

/** Outcome of grading one response (`no-answer`: nothing could be extracted); the list is src/model/verdicts.ts. */
export type { GradeVerdict as Verdict } from '../../model/verdicts';

/** One item to grade: a gold answer (or a whole reference solution) and a model response. */
export interface GradeInput {
  gold: string;
  response: string;
  /** Inferred from the gold answer when left out. */
  type?: AnswerType;
  /** `pair`: `response` may also be a bare answer, as in `w2s grade-pairs` (`gradePair`). Default `response`. */
  mode?: 'response' | 'pair';
}

export interface GradeResult {
  extracted: string | null;
  verdict: Verdict;
  /** Why the verdict is `error` (`timeout`, an exception message), or other context. */
  detail?: string;
}

export interface GradeOptions {
  /** Soft per-answer time cap for the synchronous path, in milliseconds (default 2000). */
  timeoutMs?: number;
}

/** Raised when grading one answer exceeds its time or complexity budget. */
export class GradingTimeout extends Error {
  constructor(message = 'timeout') {
    super(message);
    this.name = 'GradingTimeout';
  }
}
