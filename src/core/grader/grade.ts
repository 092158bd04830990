/** Grading one response (synchronous, single-threaded) and the helpers around it. */
import { DEFAULT_TIMEOUT_MS, answersEqual } from './equivalence';
import { extractAnswer, looksLikeResponse } from './extract';
import { goldAnswerOf, inferAnswerType } from './gold';
import { stripMathDelimiters } from './latex';
import { isUnitText } from './normalize';
import { GradingTimeout, type AnswerType, type GradeOptions, type GradeResult, type Verdict } from './types';

function errorDetail(e: unknown): string {
  if (e instanceof GradingTimeout) return 'timeout';
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Grade a full model response against a gold answer (or reference solution). Never throws. */
export function gradeResponse(
  input: { gold: string; response: string; type?: AnswerType },
  options: GradeOptions = {},
): GradeResult {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let extracted: string | null = null;
  try {
    const gold = goldAnswerOf(input.gold);
    const type = input.type ?? inferAnswerType(gold);
    extracted = extractAnswer(String(input.response ?? ''), type);
    if (extracted === null) return { extracted, verdict: 'no-answer' };
    const verdict: Verdict = answersEqual(gold, extracted, type, deadline) ? 'correct' : 'incorrect';
    return { extracted, verdict };
  } catch (e) {
    return { extracted, verdict: 'error', detail: errorDetail(e) };
  }
}

/** Whether a short string contains English words outside LaTeX text commands ("The total is 5"). */
function hasProse(s: string): boolean {
  if (!/\S\s+\S/.test(s.trim())) return false;
  const bare = s
    .replace(/\\(?:begin|end)\s*\{[^{}]*\}/g, ' ')
    .replace(/\\(?:text|textbf|mathrm|mbox|textit)\s*\{[^{}]*\}/g, ' ')
    .replace(/\\[a-zA-Z]+/g, ' ');
  const words = bare.match(/[a-zA-Z]{2,}/g) ?? [];
  return words.some(
    (w) => (w.length >= 3 || /^(?:so|is|it|we|be|to|of|at|by|on|as|if|an)$/i.test(w)) && !/^(?:and|or)$/i.test(w) && !isUnitText(w),
  );
}

export interface PairResult {
  extracted: string | null;
  verdict: Verdict;
  equal: boolean;
  detail?: string;
}

/**
 * Pairs mode (`w2s grade-pairs`): `pred` is a whole response (it has a box, an answer marker or
 * reads like prose) or a bare answer, with or without `$…$`.
 */
export function gradePair(input: { gold: string; pred: string; type?: AnswerType }, options: GradeOptions = {}): PairResult {
  const pred = String(input.pred ?? '');
  const type = input.type ?? inferAnswerType(goldAnswerOf(input.gold));
  if (looksLikeResponse(pred) || (type !== 'text' && type !== 'choice' && hasProse(pred))) {
    const r = gradeResponse({ gold: input.gold, response: pred, type: input.type }, options);
    return { ...r, equal: r.verdict === 'correct' };
  }
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const extracted = stripMathDelimiters(pred).trim();
  if (!extracted) return { extracted: null, verdict: 'no-answer', equal: false };
  try {
    const gold = goldAnswerOf(input.gold);
    const equal = answersEqual(gold, extracted, type, deadline);
    return { extracted, verdict: equal ? 'correct' : 'incorrect', equal };
  } catch (e) {
    return { extracted, verdict: 'error', equal: false, detail: errorDetail(e) };
  }
}
