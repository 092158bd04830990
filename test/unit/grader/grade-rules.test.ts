/**
 * The rules of grade.ts itself (issue 25): what a caller gets back for a missing field, a failure inside
 * the grader, a gold that is a worked solution, and a text prediction in pairs mode. Each case names the
 * rule it pins; the grader's docs are in grade.ts and shared/notes/grading.md.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradePair, gradeResponse } from '../../../src/core/grader';
import type { AnswerType } from '../../../src/core/grader/types';

const TYPES: AnswerType[] = ['math', 'number', 'text', 'choice'];

/** A value whose text cannot be read: `String(x)` throws what `fail` throws. */
function unreadable(fail: () => never): string {
  return { toString: fail } as unknown as string;
}

test('never throws: an Error inside the grader is verdict error with "Name: message" (not a timeout)', () => {
  const gold = unreadable(() => {
    throw new TypeError('gold unreadable');
  });
  assert.deepEqual(gradeResponse({ gold, response: '\\boxed{5}' }), {
    extracted: null,
    verdict: 'error',
    detail: 'TypeError: gold unreadable',
  });
  assert.deepEqual(gradePair({ gold, pred: '5' }), {
    extracted: null,
    verdict: 'error',
    equal: false,
    detail: 'TypeError: gold unreadable',
  });
});

test('never throws: a thrown non-Error is verdict error with its text as the detail', () => {
  const gold = unreadable(() => {
    throw 'not an Error object';
  });
  assert.deepEqual(gradeResponse({ gold, response: '\\boxed{5}' }), {
    extracted: null,
    verdict: 'error',
    detail: 'not an Error object',
  });
});

test('a stack exhausted by nesting is the same refusal as a time cap: error/timeout, equal false', () => {
  // a real RangeError ("Maximum call stack size exceeded"): reading this gold recurses without end
  const gold: string = unreadable((): never => String(gold) as never);
  assert.deepEqual(gradeResponse({ gold, response: '\\boxed{5}' }), {
    extracted: null,
    verdict: 'error',
    detail: 'timeout',
  });
  assert.deepEqual(gradePair({ gold, pred: '5' }), {
    extracted: null,
    verdict: 'error',
    equal: false,
    detail: 'timeout',
  });
});

test('a pair that fails is never equal: error from the CAS time cap has equal false', () => {
  // \lim needs the CAS (the fast paths cannot parse it); an exhausted budget refuses it
  const r = gradePair({ gold: '\\lim_{x\\to 0} x', pred: '0', type: 'math' }, { timeoutMs: -1 });
  assert.deepEqual(r, { extracted: '0', verdict: 'error', equal: false, detail: 'timeout' });
});

test('the time budget runs from now: with the default budget a CAS-only pair gets its verdict, not a timeout', () => {
  // the same CAS-only answers as above, graded as a response and as a pair with the default 2 s budget
  assert.deepEqual(gradeResponse({ gold: '\\lim_{x\\to 0} x', response: 'so \\boxed{0}' }), {
    extracted: '0',
    verdict: 'correct',
  });
  assert.equal(gradePair({ gold: '\\max(1,2)', pred: '2', type: 'math' }).verdict, 'correct');
  assert.equal(
    gradeResponse({ gold: '\\max(1,2)', response: 'so \\boxed{2}' }, { timeoutMs: 5000 }).verdict,
    'correct',
  );
});

test('a missing response or prediction is the empty string: no answer, for every type', () => {
  const gold: Record<AnswerType, string> = { math: 'x+1', number: '18', text: 'Monday', choice: 'B' };
  for (const type of TYPES) {
    const missing = undefined as unknown as string;
    assert.deepEqual(
      gradeResponse({ gold: gold[type], response: missing, type }),
      { extracted: null, verdict: 'no-answer' },
      type,
    );
    assert.deepEqual(
      gradePair({ gold: gold[type], pred: missing, type }),
      { extracted: null, verdict: 'no-answer', equal: false },
      type,
    );
  }
});

test('a missing gold is the empty gold: the same extraction and verdict as gold ""', () => {
  const missing = undefined as unknown as string;
  // the empty gold is read as math, so a response is read for its math answer ("5", not the sentence)
  for (const response of ['It is 5', 'The answer is Monday.', 'The answer is x = 2 and y.', 'so \\boxed{5}']) {
    const r = gradeResponse({ gold: missing, response });
    assert.deepEqual(r, gradeResponse({ gold: '', response }), response);
    assert.notEqual(r.verdict, 'correct', response);
  }
  for (const pred of ['It is 5', '5']) {
    const r = gradePair({ gold: missing, pred });
    assert.deepEqual(r, gradePair({ gold: '', pred }), pred);
    assert.equal(r.extracted, '5', pred);
  }
});

test('a text gold is compared as text even when it reads like a response (never cut to a math fragment)', () => {
  // over 200 characters with spaces reads like a response; it holds numbers that a math reading would pick
  const gold =
    'The committee met 3 times in the spring and agreed that the library should stay open on Sundays, because the ' +
    'survey of 120 readers showed that most of them could only come at the weekend and preferred the afternoon hours';
  assert.ok(gold.length > 200);
  assert.equal(gradeResponse({ gold, response: gold, type: 'text' }).verdict, 'correct');
  assert.equal(gradePair({ gold, pred: gold, type: 'text' }).verdict, 'correct');
  // and the number inside is not the text answer
  assert.equal(gradePair({ gold, pred: '120', type: 'text' }).verdict, 'incorrect');
});

test('a worked-solution gold is re-read only when it is the whole text: the part after #### is the gold as written', () => {
  // goldAnswerOf: "####" gives the gold; it is not re-read as a response, whatever it says
  const gold = 'She earns 18 dollars.\n#### The final answer is 18 dollars and 2 cents';
  assert.equal(gradeResponse({ gold, response: 'so \\boxed{18}' }).verdict, 'incorrect');
  // while a whole-text worked solution without a box or #### is read for the answer it states
  const solution = 'Half of 56 is 28, so the final answer is $28\\%$. I hope it is correct.';
  assert.equal(gradeResponse({ gold: solution, response: 'so \\boxed{28\\%}' }).verdict, 'correct');
});

test('pairs mode, text: a prediction with prose but no answer marker is a bare answer, kept as written', () => {
  // for a text answer the words are the answer; only a box or an answer marker makes it a response
  assert.deepEqual(gradePair({ gold: 'Paris', pred: 'It is Paris', type: 'text' }), {
    extracted: 'It is Paris',
    verdict: 'incorrect',
    equal: false,
  });
  assert.deepEqual(gradePair({ gold: 'Paris', pred: 'The answer is Paris.', type: 'text' }), {
    extracted: 'paris',
    verdict: 'correct',
    equal: true,
  });
});

test('pairs mode, choice: a bare letter is the answer as written; anything else is read as a response', () => {
  // the letter, with or without $…$, is a bare answer
  assert.deepEqual(gradePair({ gold: 'B', pred: '$B$', type: 'choice' }), {
    extracted: 'B',
    verdict: 'correct',
    equal: true,
  });
  // a sentence around the letter is a response: the letter is read out of it
  assert.deepEqual(gradePair({ gold: 'B', pred: 'The answer is B', type: 'choice' }), {
    extracted: 'B',
    verdict: 'correct',
    equal: true,
  });
  assert.equal(gradePair({ gold: 'B', pred: 'I think it is (C) because', type: 'choice' }).extracted, 'C');
});

test('pairs mode: a harmony reply that never reached its final channel is no answer, never equal', () => {
  // stripTemplateTokens gives null (reasoning only, like an unclosed <think>)
  assert.deepEqual(gradePair({ gold: '5', pred: '<|channel|>analysis<|message|>still thinking about 5' }), {
    extracted: null,
    verdict: 'no-answer',
    equal: false,
  });
});
