// Which part of a response is graded: the text after the LAST </think> (a model may write "</think>"
// inside its reasoning, quote it, or close a block twice), nothing when a <think> block never closes
// (the model ran out of tokens while thinking), and the whole response when it has no thinking block.
// Checked through gradeResponse, for every answer type, since each reads the region on its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradeResponse } from '../../../src/core/grader';
import { afterThinking } from '../../../src/core/grader/latex';

describe('the graded region of a response', () => {
  it('afterThinking: after the last </think>; null for an unclosed <think>; the whole text without one', () => {
    assert.equal(afterThinking('<think>a</think> b </think> c'), ' c');
    assert.equal(afterThinking('<think>a</think>b'), 'b');
    assert.equal(afterThinking('no block'), 'no block');
    assert.equal(afterThinking('<think>still thinking'), null);
    assert.equal(afterThinking('<THINK>still thinking'), null, 'the opening tag in any case');
    assert.equal(afterThinking('</think>'), '');
  });

  // the draft sits between the two closing tags, where reading from the first </think> would find it
  const twice = (draft: string, final: string) =>
    `<think>Let me think. Oops, I wrote </think> too early. Draft: ${draft}.\nRe-check.</think>\n${final}`;

  it('math: the answer after the last </think>, not a draft between two', () => {
    const r = gradeResponse({ gold: '42', type: 'math', response: twice('\\boxed{41}', 'The answer is 42.') });
    assert.deepEqual([r.extracted, r.verdict], ['42', 'correct']);
    const wrong = gradeResponse({ gold: '41', type: 'math', response: twice('\\boxed{41}', 'The answer is 42.') });
    assert.equal(wrong.verdict, 'incorrect', 'the draft in the reasoning is not the answer');
  });

  it('number, choice and text read the same region', () => {
    assert.equal(
      gradeResponse({ gold: '18', type: 'number', response: twice('\\boxed{17}', 'The answer is 18.') }).verdict,
      'correct',
    );
    assert.equal(
      gradeResponse({ gold: 'B', type: 'choice', response: twice('\\boxed{A}', 'The answer is (B).') }).verdict,
      'correct',
    );
    assert.equal(
      gradeResponse({ gold: 'Paris', type: 'text', response: twice('\\boxed{Lyon}', 'The answer is Paris.') }).verdict,
      'correct',
    );
  });

  it('an unclosed <think> is no answer, even with a boxed answer inside it', () => {
    const r = gradeResponse({ gold: '42', type: 'math', response: '<think>so it is \\boxed{42} but let me check' });
    assert.deepEqual([r.extracted, r.verdict], [null, 'no-answer']);
    assert.equal(gradeResponse({ gold: 'B', type: 'choice', response: '<think>(B) is likely' }).verdict, 'no-answer');
    assert.equal(gradeResponse({ gold: 'Paris', type: 'text', response: '<think>answer: Paris' }).verdict, 'no-answer');
  });
});
