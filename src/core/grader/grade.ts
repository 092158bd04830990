/** Grading one response (synchronous, single-threaded) and the helpers around it. */
import { isBareLetter } from './choice';
import { DEFAULT_TIMEOUT_MS, answersEqual } from './equivalence';
import { bareAnswer, extractAnswer, extractMath, hasCjkText, hasProse, looksLikeResponse } from './extract';
import { goldAnswerOf, inferAnswerType } from './gold';
import { stripMathDelimiters } from './latex';
import { stripTemplateTokens } from './template';
import { GradingTimeout, type AnswerType, type GradeOptions, type GradeResult, type Verdict } from './types';

function errorDetail(e: unknown): string {
  if (e instanceof GradingTimeout) return 'timeout';
  // a stack exhausted by hostile nesting is the same kind of refusal as a time cap
  if (e instanceof RangeError) return 'timeout';
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * The gold answer to compare with: `goldAnswerOf` (a box, GSM8K's "####", else the text), and for a gold
 * that is itself a worked solution without a box ("… The final answer is $28\%$. I hope it is correct."),
 * the answer extracted from it as from a response.
 */
function goldFor(raw: string, type: AnswerType | undefined): { gold: string; type: AnswerType } {
  const gold = goldAnswerOf(raw);
  const t = type ?? inferAnswerType(gold);
  if (t === 'math' && gold === stripMathDelimiters(String(raw).trim()) && looksLikeResponse(gold) && hasProse(gold)) {
    const x = extractMath(String(raw));
    if (x) return { gold: x, type: t };
  }
  return { gold, type: t };
}

/** Grade a full model response against a gold answer (or reference solution). Never throws. */
export function gradeResponse(
  input: { gold: string; response: string; type?: AnswerType },
  options: GradeOptions = {},
): GradeResult {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let extracted: string | null = null;
  try {
    const { gold, type } = goldFor(String(input.gold ?? ''), input.type);
    extracted = extractAnswer(String(input.response ?? ''), type);
    if (extracted === null) return { extracted, verdict: 'no-answer' };
    const verdict: Verdict = answersEqual(gold, extracted, type, deadline) ? 'correct' : 'incorrect';
    return { extracted, verdict };
  } catch (e) {
    return { extracted, verdict: 'error', detail: errorDetail(e) };
  }
}

export interface PairResult {
  extracted: string | null;
  verdict: Verdict;
  equal: boolean;
  detail?: string;
}

/**
 * Pairs mode (`w2s grade-pairs`): `pred` is a whole response (it has a box, an answer marker, reads like
 * prose, or is Chinese text) or a bare answer, with or without `$…$`. A choice prediction that is not a
 * bare letter is read as a response. Never throws: a pair that fails is `error` (`timeout` for the caps).
 */
export function gradePair(
  input: { gold: string; pred: string; type?: AnswerType },
  options: GradeOptions = {},
): PairResult {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let extracted: string | null = null;
  try {
    // chat-template debris (`42<|im_end|>`) is never part of a bare answer
    const pred = stripTemplateTokens(String(input.pred ?? ''));
    if (pred === null) return { extracted: null, verdict: 'no-answer', equal: false };
    const { gold, type } = goldFor(String(input.gold ?? ''), input.type);
    const asResponse =
      type === 'choice'
        ? !isBareLetter(stripMathDelimiters(pred))
        : looksLikeResponse(pred) || (type !== 'text' && (hasProse(pred) || hasCjkText(pred)));
    if (asResponse) {
      const r = gradeResponse({ gold: input.gold, response: pred, type }, options);
      return { ...r, equal: r.verdict === 'correct' };
    }
    extracted = bareAnswer(pred);
    if (!extracted) return { extracted: null, verdict: 'no-answer', equal: false };
    const equal = answersEqual(gold, extracted, type, deadline);
    return { extracted, verdict: equal ? 'correct' : 'incorrect', equal };
  } catch (e) {
    return { extracted, verdict: 'error', equal: false, detail: errorDetail(e) };
  }
}
