import type { AnswerType, Verdict } from '../grader/types';

/** One generation of a problem as the metrics see it. */
export interface SampleOutcome {
  readonly traceId: number;
  readonly index: number;
  /** null while ungraded */
  readonly verdict: Verdict | null;
  readonly extracted: string | null;
  /** completion tokens as the server reported them (null when it did not) */
  readonly tokens: number | null;
  /** finish_reason "length": the generation hit max_tokens */
  readonly truncated: boolean;
}

/** Every stored generation of one problem in one evaluation (failed requests are counted, not listed). */
export interface ProblemOutcome {
  readonly key: string;
  readonly position: number;
  readonly metadata: Record<string, unknown>;
  /** how the grader compares this problem's answers (maj@k by equivalent answers asks it) */
  readonly answerType?: AnswerType;
  readonly samples: SampleOutcome[];
  /** traces whose request failed after every retry (no text to grade) */
  readonly failed: number;
}

/** Graded samples in sample order. */
export function gradedSamples(p: ProblemOutcome): SampleOutcome[] {
  return p.samples.filter((s) => s.verdict !== null).sort((a, b) => a.index - b.index);
}

/** A problem's score: its fraction of correct graded samples (pass@1 for this problem), or null when none is graded. */
export function problemScore(p: ProblemOutcome): number | null {
  const g = gradedSamples(p);
  return g.length ? g.filter((s) => s.verdict === 'correct').length / g.length : null;
}
