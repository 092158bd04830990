// Grading against a gold that is not a bare answer: a worked solution without a box gives the answer it
// states (MATH-style references that end "The final answer is $7$."), a solution with a box gives its
// box; a factored and an expanded form are the same answer; a bare answer in pairs mode is an answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradePair, gradeResponse } from '../../../src/core/grader/grade';

describe('the gold a response is compared with', () => {
  it('a worked solution without a box: the answer it states', () => {
    const gold = 'We add 3 and 4 to get 7. The final answer is $7$. I hope it is correct.';
    assert.deepEqual(gradeResponse({ gold, response: 'So the sum is \\boxed{7}.' }), {
      extracted: '7',
      verdict: 'correct',
    });
    assert.equal(gradeResponse({ gold, response: 'So the sum is \\boxed{4}.' }).verdict, 'incorrect');
  });

  it('a solution with a box: the box, not a number the prose names after it', () => {
    const gold = 'First we get \\boxed{7}. Checking with 8 apples gives the same.';
    assert.equal(gradeResponse({ gold, response: 'So \\boxed{7}.' }).verdict, 'correct');
    assert.equal(gradeResponse({ gold, response: 'So \\boxed{8}.' }).verdict, 'incorrect');
  });

  it('a factored and an expanded form are the same answer, in a response and in pairs', () => {
    assert.deepEqual(gradeResponse({ gold: '(x+1)^2', response: 'So \\boxed{x^2+2x+1}.' }), {
      extracted: 'x^2+2x+1',
      verdict: 'correct',
    });
    assert.equal(gradePair({ gold: '(x+1)^2', pred: 'x^2+2x+1' }).verdict, 'correct');
  });

  it('pairs: a bare math answer is read as an answer, not as a response without a box', () => {
    assert.deepEqual(gradePair({ gold: 'x^2', pred: 'x^2' }), { extracted: 'x^2', verdict: 'correct', equal: true });
    assert.deepEqual(gradePair({ gold: '\\frac{1}{2}', pred: '$\\frac{1}{2}$' }), {
      extracted: '\\frac{1}{2}',
      verdict: 'correct',
      equal: true,
    });
  });
});
