import { inferAnswerType as inferFromGold } from '../grader/gold';
import type { AnswerType } from '../grader/types';

export type { AnswerType };
export const ANSWER_TYPES: readonly AnswerType[] = ['math', 'number', 'choice', 'text'];

const CHOICE_LETTER = /^\(?([A-E])\)?$/;

/** The letter of a choice answer ("B", "(B)"), or null. */
export function choiceLetter(gold: string): string | null {
  return CHOICE_LETTER.exec(gold.trim())?.[1] ?? null;
}

/**
 * How a problem is graded: the grader's own reading of the gold answer, except that a lone letter is a
 * choice only when the question has options (in a geometry set "A" may be a point).
 */
export function inferAnswerType(gold: string, hasChoices: boolean): AnswerType {
  if (hasChoices && choiceLetter(gold)) return 'choice';
  const t = inferFromGold(gold);
  return t === 'choice' ? 'math' : t;
}
