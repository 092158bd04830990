import { W2sError } from '../errors';
import { choiceLetter, inferAnswerType, type AnswerType } from './answer-type';
import { solutionAnswer } from '../grader/gold';
import { formatQuestion, indexOfLetter, letterOf, seededPermutation, splitOptions } from './choices';
import type { SourceRecord } from './records';

/** Explicit choices that win over detection. */
export interface FieldOptions {
  readonly questionField?: string;
  readonly answerField?: string;
  readonly idField?: string;
  readonly answerType?: AnswerType;
  /** Shuffle multiple-choice options with this seed (deterministic per problem key). */
  readonly shuffleSeed?: string;
}

export interface ProblemRecord {
  readonly key: string;
  readonly line: number;
  readonly question: string;
  readonly answer: string;
  readonly answerType: AnswerType;
  readonly choices: string[] | null;
  readonly metadata: Record<string, unknown>;
}

const QUESTION_FIELDS = ['problem', 'question', 'Question', 'prompt', 'input'];
const ANSWER_FIELDS = ['answer', 'gt_answer', 'final_answer', 'gold', 'Answer', 'target'];
const ID_FIELDS = ['id', 'unique_id', 'idx', 'problem_id', 'ID', 'Record ID'];
const SOLUTION_FIELD = 'solution';
// GPQA's own CSV layout
const GPQA_CORRECT = 'Correct Answer';
const GPQA_INCORRECT = ['Incorrect Answer 1', 'Incorrect Answer 2', 'Incorrect Answer 3'];

export interface FieldPlan {
  readonly question: string;
  readonly answer: string | null;
  readonly id: string | null;
  readonly gpqa: boolean;
}

/** Picks the fields from the first record that has them; overrides must exist in the file. */
export function planFields(name: string, records: readonly SourceRecord[], options: FieldOptions): FieldPlan {
  const keys = new Set<string>();
  for (const r of records.slice(0, 50)) for (const k of Object.keys(r.value)) keys.add(k);
  const need = (field: string | undefined, what: string): string | undefined => {
    if (field !== undefined && !keys.has(field)) {
      throw new W2sError(
        `${name}: the ${what} field "${field}" is not in the file (fields: ${[...keys].join(', ')}).`,
        'BAD_FIELD',
      );
    }
    return field;
  };
  const question = need(options.questionField, 'question') ?? QUESTION_FIELDS.find((f) => keys.has(f));
  if (!question) {
    throw new W2sError(
      `${name}: no question field found (looked for ${QUESTION_FIELDS.join(', ')}; fields: ${[...keys].join(', ')}). ` +
        `Name it with --question-field.`,
      'BAD_FIELD',
    );
  }
  const gpqa = !options.answerField && keys.has(GPQA_CORRECT);
  const answer =
    need(options.answerField, 'answer') ?? (gpqa ? GPQA_CORRECT : (ANSWER_FIELDS.find((f) => keys.has(f)) ?? null));
  if (!answer && !keys.has(SOLUTION_FIELD)) {
    throw new W2sError(
      `${name}: no answer field found (looked for ${ANSWER_FIELDS.join(', ')}, or a MATH "solution" with \\boxed{}; ` +
        `fields: ${[...keys].join(', ')}). Name it with --answer-field.`,
      'BAD_FIELD',
    );
  }
  const id = need(options.idField, 'id') ?? ID_FIELDS.find((f) => keys.has(f)) ?? null;
  return { question, answer, id, gpqa };
}

/** Turns one record into a problem, or throws naming the file and line. */
export function toProblem(name: string, record: SourceRecord, plan: FieldPlan, options: FieldOptions): ProblemRecord {
  const v = record.value;
  const where = `${name}:${record.line}`;
  const question = text(v[plan.question], where, `the question ("${plan.question}")`, 'question');
  if (!question)
    throw new W2sError(`${where}: the question ("${plan.question}") is missing or empty.`, 'MISSING_FIELD');

  const metadata: Record<string, unknown> = {};
  const used = new Set([plan.question, plan.id ?? '']);
  let answer: string | null = null;
  let choices: string[] | null = null;

  if (plan.gpqa) {
    const correct = text(v[GPQA_CORRECT], where, `"${GPQA_CORRECT}"`, 'answer');
    const wrong = GPQA_INCORRECT.map((f) => text(v[f], where, `"${f}"`, 'answer'));
    if (!correct || wrong.some((w) => !w)) {
      throw new W2sError(
        `${where}: a GPQA row needs "${GPQA_CORRECT}" and "${GPQA_INCORRECT.join('", "')}".`,
        'MISSING_FIELD',
      );
    }
    choices = [correct, ...(wrong as string[])];
    answer = 'A';
    [GPQA_CORRECT, ...GPQA_INCORRECT].forEach((f) => used.add(f));
  } else {
    if (plan.answer !== null) {
      answer = text(v[plan.answer], where, `the answer ("${plan.answer}")`, 'answer');
      used.add(plan.answer);
      if (answer !== null) {
        const gsm = /(?:^|\n)####\s*(.+?)\s*$/s.exec(answer);
        if (gsm) {
          metadata.solution = answer;
          answer = gsm[1]!.trim();
        }
      }
    }
    if (answer === null && typeof v[SOLUTION_FIELD] === 'string') answer = solutionAnswer(v[SOLUTION_FIELD] as string);
    if (answer === null || answer.trim() === '') {
      throw new W2sError(
        `${where}: the answer is missing or empty` +
          (plan.answer ? ` ("${plan.answer}")` : '') +
          ` and there is no \\boxed{} answer in a "solution" field.`,
        'MISSING_FIELD',
      );
    }
  }

  let key: string;
  if (plan.id) {
    const id = v[plan.id];
    if (id === undefined || id === null || String(id).trim() === '') {
      throw new W2sError(`${where}: the id ("${plan.id}") is missing or empty.`, 'MISSING_FIELD');
    }
    // an id that is an object or a list (a database export's {"$oid": …}) is kept, and shown, as JSON
    key = (typeof id === 'object' ? JSON.stringify(id) : String(id)).trim();
  } else {
    // a JSON array's element index (a compact array is one line), else the line number
    key = String(record.index ?? record.line);
  }

  for (const [k, val] of Object.entries(v)) if (!used.has(k)) metadata[k] = val;

  let finalQuestion = question;
  let finalAnswer = answer.trim();
  const letter = choiceLetter(finalAnswer);
  if (!choices && letter) {
    const explicit = Array.isArray(v.choices) ? v.choices : Array.isArray(v.options) ? v.options : null;
    if (explicit) {
      choices = explicit.map((c) => (typeof c === 'string' ? c : JSON.stringify(c)));
      finalQuestion = formatQuestion(question, choices);
    } else {
      const split = splitOptions(question);
      if (split) choices = split.options;
    }
    if (choices) finalAnswer = letter;
  } else if (choices) {
    finalQuestion = formatQuestion(question, choices);
  }

  if (choices && options.shuffleSeed !== undefined) {
    const correctIndex = indexOfLetter(finalAnswer);
    if (correctIndex < 0 || correctIndex >= choices.length) {
      throw new W2sError(
        `${where}: the answer "${finalAnswer}" is not one of the ${choices.length} options.`,
        'BAD_CHOICE',
      );
    }
    const order = seededPermutation(choices.length, options.shuffleSeed, key);
    const shuffled = order.map((i) => choices![i]!);
    finalAnswer = letterOf(order.indexOf(correctIndex));
    const stem = plan.gpqa ? question : (splitOptions(question)?.stem ?? question);
    finalQuestion = formatQuestion(stem, shuffled);
    choices = shuffled;
  }

  const answerType = options.answerType ?? inferAnswerType(finalAnswer, choices !== null);
  return { key, line: record.line, question: finalQuestion, answer: finalAnswer, answerType, choices, metadata };
}

/**
 * A question or answer field as text. A question must be text; an answer may also be a number, or a
 * list of texts and numbers (OlympiadBench's `final_answer`), joined with ", ". Anything else — an
 * object, a boolean, a list holding those — is refused naming the line: turned into text it would be a
 * gold answer nobody wrote ("[object Object]", "true").
 */
function text(v: unknown, where: string, what: string, kind: 'question' | 'answer'): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  const scalar = (x: unknown) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
  if (kind === 'answer' && typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (kind === 'answer' && Array.isArray(v) && v.length > 0 && v.every(scalar)) return v.map(String).join(', ');
  const found = Array.isArray(v)
    ? 'a list'
    : v === true || v === false
      ? 'a boolean'
      : typeof v === 'number'
        ? 'a number'
        : typeof v === 'object'
          ? 'an object'
          : `a ${typeof v}`;
  const shown = JSON.stringify(v) ?? String(v);
  throw new W2sError(
    `${where}: ${what} is ${found} (${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown}); expected ` +
      (kind === 'question' ? 'text.' : 'text, a number, or a list of texts and numbers.') +
      ' Choose another field with --question-field / --answer-field, or fix the line.',
    'BAD_FIELD_TYPE',
  );
}
