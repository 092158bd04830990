import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitReasoning } from '../../../src/core/traces/reasoning-split';

describe('splitReasoning', () => {
  it('uses a reasoning field (vLLM/DeepSeek reasoning_content, OpenRouter reasoning)', () => {
    assert.deepEqual(splitReasoning('The answer is 4.', 'two plus two'), {
      reasoning: 'two plus two',
      answer: 'The answer is 4.',
    });
  });
  it('splits <think>…</think> in the content', () => {
    assert.deepEqual(splitReasoning('<think>\nhmm, 2+2\n</think>\n\nIt is \\boxed{4}.', null), {
      reasoning: 'hmm, 2+2',
      answer: 'It is \\boxed{4}.',
    });
  });
  it('splits when only </think> comes back (the template opened the block in the prompt)', () => {
    assert.deepEqual(splitReasoning('hmm, 2+2\n</think>\nIt is 4.', null), {
      reasoning: 'hmm, 2+2',
      answer: 'It is 4.',
    });
  });
  it('keeps an unclosed <think> block as reasoning with no answer (truncated while thinking)', () => {
    assert.deepEqual(splitReasoning('<think>\nstill going', null), { reasoning: 'still going', answer: null });
  });
  it('leaves text without any reasoning marker as the answer', () => {
    assert.deepEqual(splitReasoning('Just 4.', null), { reasoning: null, answer: 'Just 4.' });
    assert.deepEqual(splitReasoning('', null), { reasoning: null, answer: null });
  });
  it('does not treat a <think> in the middle of an answer as reasoning', () => {
    assert.deepEqual(splitReasoning('Answer first. <think> is a tag', null), {
      reasoning: null,
      answer: 'Answer first. <think> is a tag',
    });
  });
  it('joins a reasoning field with think text still left in the content', () => {
    assert.deepEqual(splitReasoning('<think>more</think>4', 'field part'), {
      reasoning: 'field part\nmore',
      answer: '4',
    });
  });
  it('a reasoning field with empty content (truncated) has no answer', () => {
    assert.deepEqual(splitReasoning('', 'long thought'), { reasoning: 'long thought', answer: null });
  });
});
