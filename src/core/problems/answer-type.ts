export type AnswerType = 'math' | 'number' | 'choice' | 'text';
export const ANSWER_TYPES: readonly AnswerType[] = ['math', 'number', 'choice', 'text'];

const PLAIN_NUMBER = /^[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[-+]?\d+)?$|^[-+−]?\.\d+$/i;
const CHOICE_LETTER = /^\(?([A-E])\)?$/;
const WORDS = /^[A-Za-z][A-Za-z' -]*[A-Za-z]$/;

/** The letter of a choice answer ("B", "(B)"), or null. */
export function choiceLetter(gold: string): string | null {
  return CHOICE_LETTER.exec(gold.trim())?.[1] ?? null;
}

/**
 * How a gold answer is graded. Choice needs options in the question (a bare "A" in a math set could be
 * a point's name); number is a plain decimal (GSM8K, AIME); text is a word or phrase with no maths;
 * anything else is math.
 */
export function inferAnswerType(gold: string, hasChoices: boolean): AnswerType {
  const g = gold.trim().replace(/^\$(.*)\$$/s, '$1').trim();
  if (hasChoices && choiceLetter(g)) return 'choice';
  if (PLAIN_NUMBER.test(g)) return 'number';
  if (WORDS.test(g) && !/\\/.test(g)) return 'text';
  return 'math';
}
