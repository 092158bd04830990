/** Extraction order (Math-Verify 0.8.0), choice / number / text extraction, </think>. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractAnswer } from '../../../src/core/grader';

test('"final answer is X. I hope" beats a later box (priority 0 < 50)', () => {
  const r = 'Final Answer: The final answer is $7$. I hope it is correct. Earlier draft: \\boxed{3}';
  assert.equal(extractAnswer(r, 'math'), '7');
});

test('the last box wins over an earlier "answer:" (50 < 100) and earlier boxes', () => {
  assert.equal(extractAnswer('Answer: 4. Then we refine: \\boxed{5}', 'math'), '5');
  assert.equal(
    extractAnswer('\\boxed{1} ... much later ... text text text text text text text \\boxed{2}', 'math'),
    '2',
  );
});

test('within priority 50 the rightmost of box / "final answer … is" wins', () => {
  assert.equal(extractAnswer('\\boxed{3}. On reflection the final answer is $4$', 'math'), '4');
  assert.equal(extractAnswer('The final answer is $4$. Hmm, no: \\boxed{3}', 'math'), '3');
});

test('"answer:" beats "answer is" (100 < 200), then a last-resort number', () => {
  assert.equal(extractAnswer('Answer: 8\nbut some say the answer is 9', 'math'), '8');
  assert.equal(extractAnswer('so the answer is 9', 'math'), '9');
  assert.equal(extractAnswer('We end with 11 apples', 'math'), '11');
  // the relation is kept; grading reads a predicted equation by its last side (Math-Verify)
  assert.equal(extractAnswer('We end with $x = 12$', 'math'), 'x = 12');
});

test('boxes: nested braces, \\fbox, nearby boxes joined, boxed text', () => {
  assert.equal(extractAnswer('\\boxed{\\frac{\\sqrt{3}}{2}}', 'math'), '\\frac{\\sqrt{3}}{2}');
  assert.equal(extractAnswer('\\fbox{5}', 'math'), '5');
  assert.equal(extractAnswer('roots \\boxed{1} and \\boxed{2}.', 'math'), '1, 2');
  assert.equal(extractAnswer('\\boxed{\\text{Evelyn}}', 'math'), '\\text{Evelyn}');
  assert.equal(extractAnswer('\\boxed{\\{1,2\\}}', 'math'), '\\{1,2\\}');
  // an unterminated box is no box, and "12" after "{" is not a number standing alone (Math-Verify)
  assert.equal(extractAnswer('unterminated \\boxed{12', 'math'), null);
});

test('only the text after </think>; unfinished reasoning has no answer', () => {
  assert.equal(extractAnswer('<think>\\boxed{1}</think> so \\boxed{2}', 'math'), '2');
  assert.equal(extractAnswer('<think>\\boxed{1}</think>', 'math'), null);
  assert.equal(extractAnswer('<think>still thinking \\boxed{1}', 'math'), null);
});

test('no answer at all is null', () => {
  assert.equal(extractAnswer('', 'math'), null);
  assert.equal(extractAnswer('I cannot solve this.', 'math'), null);
  assert.equal(extractAnswer('No idea.', 'number'), null);
  assert.equal(extractAnswer('No letter here at all.', 'choice'), null);
});

test('choice letters', () => {
  assert.equal(extractAnswer('Looking at (A) and (C)... \\boxed{B}', 'choice'), 'B');
  assert.equal(extractAnswer('The answer is (D).', 'choice'), 'D');
  assert.equal(extractAnswer('Answer: C', 'choice'), 'C');
  assert.equal(extractAnswer('\\boxed{\\textbf{(E)}\\ 42}', 'choice'), 'E');
  assert.equal(extractAnswer('Options (A) and then (B) look right', 'choice'), 'B');
  assert.equal(extractAnswer('Thinking...\nA', 'choice'), 'A');
});

test('numbers: boxed / "answer is" / "####" first, then the last number; separators and currency', () => {
  assert.equal(extractAnswer('3 + 4 = 7. The answer is 7 eggs, not 9', 'number'), '7');
  assert.equal(extractAnswer('She earns $1,234.50 in total', 'number'), '1234.5');
  assert.equal(extractAnswer('x \\boxed{\\$2,000}', 'number'), '2000');
  assert.equal(extractAnswer('16 - 3 - 4 = 9\n#### 18', 'number'), '18');
  assert.equal(extractAnswer('Total: -5 degrees', 'number'), '-5');
});

test('text answers are normalised', () => {
  assert.equal(extractAnswer('The answer is The Eiffel Tower.', 'text'), 'eiffel tower');
  assert.equal(extractAnswer('\\boxed{\\text{Evelyn}}', 'text'), 'evelyn');
});
