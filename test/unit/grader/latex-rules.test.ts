/**
 * The rules of latex.ts (issue 25): brace matching, which `\boxed{}` a response holds and where, how
 * nearby boxes join into one answer (Math-Verify's rule, latex2sympy2_extended 1.10.2
 * `extract_boxed_content`, mode "last"), math delimiters around a whole answer, and the text after the
 * reasoning. Each case names the rule it pins; the rules are documented in latex.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradeResponse } from '../../../src/core/grader';
import {
  afterThinking,
  braceMatches,
  findBoxes,
  lastBoxed,
  matchBrace,
  stripMathDelimiters,
} from '../../../src/core/grader/latex';

test('matchBrace: the index of the matching close, nested braces counted, escaped braces skipped, -1 if none', () => {
  assert.equal(matchBrace('{a}', 0), 2);
  assert.equal(matchBrace('x{a{b}c}d', 1), 7);
  assert.equal(matchBrace('x{a{b}c}d', 3), 5);
  assert.equal(matchBrace('{\\}}', 0), 3, 'an escaped close is not the match');
  assert.equal(matchBrace('{\\{}', 0), 3, 'an escaped open is not counted');
  assert.equal(matchBrace('{a{b}', 0), -1, 'unterminated');
  assert.equal(matchBrace('{a', 0), -1);
  // other bracket pairs, as normalize.ts asks for `[…]` and `(…)`
  assert.equal(matchBrace('[a[b]]c', 0, '[', ']'), 5);
  assert.equal(matchBrace('(a{)', 0, '(', ')'), 3, 'braces do not count inside a () match');
});

test('braceMatches: every { with its matching }, -1 when unmatched; escaped and stray braces ignored', () => {
  assert.deepEqual(Array.from(braceMatches('{a{b}}')), [5, -1, 4, -1, -1, -1]);
  assert.deepEqual(Array.from(braceMatches('{a')), [-1, -1]);
  assert.deepEqual(Array.from(braceMatches('}{}')), [-1, 2, -1], 'a stray } closes nothing');
  assert.deepEqual(Array.from(braceMatches('{\\}}')), [3, -1, -1, -1], 'an escaped } is skipped');
  assert.deepEqual(Array.from(braceMatches('\\{{}')), [-1, -1, 3, -1], 'an escaped { is skipped');
});

test('findBoxes: every \\boxed{} and \\fbox{} in order, with their place, a box inside a box part of its content', () => {
  const s = 'a \\boxed{1} b \\fbox{2} c \\boxed{x^{2}+\\boxed{3}}';
  const boxes = findBoxes(s);
  assert.deepEqual(
    boxes.map((b) => b.content),
    ['1', '2', 'x^{2}+\\boxed{3}'],
  );
  for (const b of boxes) assert.match(s.slice(b.start, b.end), /^\\(?:boxed|fbox)\s*\{.*\}$/);
  assert.deepEqual(
    boxes.map((b) => [b.start, b.end]),
    [
      [2, 11],
      [14, 22],
      [25, s.length],
    ],
  );
  // white space between the command and its brace
  assert.deepEqual(
    findBoxes('so \\boxed {7}').map((b) => b.content),
    ['7'],
  );
  assert.deepEqual(findBoxes('no box here'), []);
  assert.deepEqual(findBoxes(''), []);
});

test('findBoxes: an unterminated box is skipped and the boxes after it are still found', () => {
  assert.deepEqual(
    findBoxes('\\boxed{1 \\boxed{2}').map((b) => b.content),
    ['2'],
  );
  assert.deepEqual(findBoxes('\\boxed{'), []);
});

test('findBoxes: the same string asked twice gives the same boxes; another string its own', () => {
  const a = 'x \\boxed{1}';
  const b = 'x \\boxed{2}';
  assert.deepEqual(
    findBoxes(a).map((x) => x.content),
    ['1'],
  );
  assert.deepEqual(
    findBoxes(a).map((x) => x.content),
    ['1'],
  );
  assert.deepEqual(
    findBoxes(b).map((x) => x.content),
    ['2'],
  );
  assert.deepEqual(
    findBoxes('none').map((x) => x.content),
    [],
  );
  assert.deepEqual(
    findBoxes(a).map((x) => x.content),
    ['1'],
  );
});

test('findBoxes: `\\boxed 5` is one token after white space, closing punctuation dropped', () => {
  assert.deepEqual(
    findBoxes('so \\boxed 5').map((b) => [b.content, b.start, b.end]),
    [['5', 3, 11]],
  );
  assert.deepEqual(
    findBoxes('so \\boxed 42.').map((b) => b.content),
    ['42'],
  );
  assert.deepEqual(
    findBoxes('(\\boxed 7)]').map((b) => b.content),
    ['7'],
  );
  // the token ends at white space, `$`, a comma or a semicolon
  assert.deepEqual(
    findBoxes('$\\boxed 3$ and \\boxed 4, \\boxed 5; \\boxed 6 x').map((b) => b.content),
    ['3', '4', '5', '6'],
  );
  // no white space after the command: not a box (`\boxed\frac…` is not read as one token)
  assert.deepEqual(findBoxes('\\boxed\\frac12'), []);
  // `\boxeds`: another command
  assert.deepEqual(findBoxes('\\boxeds{1}'), []);
  // punctuation only: nothing to box
  assert.deepEqual(findBoxes('so \\boxed .'), []);
  assert.deepEqual(findBoxes('so \\boxed $5$'), []);
});

test('findBoxes: the `\\boxed 5` token is read within 200 characters', () => {
  const long = 'x'.repeat(300);
  assert.deepEqual(
    findBoxes(`so \\boxed ${long}`).map((b) => b.content.length),
    [200],
  );
});

test('lastBoxed: the last box; none is null; its start is where the (first joined) box starts', () => {
  assert.equal(lastBoxed('nothing'), null);
  assert.deepEqual(lastBoxed('so \\boxed{ 5 }'), { content: '5', start: 3 });
  // far apart (70 characters or more between them): only the last
  const s = `\\boxed{1}${' '.repeat(80)}\\boxed{2}`;
  assert.deepEqual(lastBoxed(s), { content: '2', start: 89 });
});

test('lastBoxed: boxes less than 10 characters apart are one answer', () => {
  assert.deepEqual(lastBoxed('\\boxed{1}, \\boxed{2}'), { content: '1, 2', start: 0 });
  assert.equal(lastBoxed('\\boxed{1} \\boxed{2} \\boxed{3}')!.content, '1, 2, 3');
  // nine characters of gap, no separator: still joined; ten: not
  assert.equal(lastBoxed(`\\boxed{1}${'x'.repeat(9)}\\boxed{2}`)!.content, '1, 2');
  assert.equal(lastBoxed(`\\boxed{1}${'x'.repeat(10)}\\boxed{2}`)!.content, '2');
  // the same answer boxed twice close together counts once
  assert.equal(lastBoxed('\\boxed{4} \\boxed{4}')!.content, '4');
});

test('lastBoxed: boxes up to 70 characters apart join when the gap holds and/or/a comma/a semicolon and they differ', () => {
  const gap = (sep: string, n: number) => `${'x'.repeat(n - sep.length - 2)} ${sep} `;
  for (const sep of ['and', 'or', ',', ';', 'et', 'ou', '和', '或', '，', '；'])
    assert.equal(lastBoxed(`\\boxed{3}${gap(sep, 30)}\\boxed{4}`)!.content, '3, 4', sep);
  // 69 characters of gap: joined; 70: not
  assert.equal(lastBoxed(`\\boxed{3}${gap('and', 69)}\\boxed{4}`)!.content, '3, 4');
  assert.equal(lastBoxed(`\\boxed{3}${gap('and', 70)}\\boxed{4}`)!.content, '4');
  // no separator word (only inside another word: "band", "order")
  assert.equal(lastBoxed(`\\boxed{3} for part (a) the band order is \\boxed{4}`)!.content, '4');
  // the same answer twice with a long gap is a restatement, not a list
  const restated = `\\boxed{1}, \\boxed{4} for part (a), and so on, then \\boxed{4}`;
  assert.deepEqual(lastBoxed(restated), { content: '4', start: restated.lastIndexOf('\\boxed') });
  // the joined answer starts at its first box
  assert.equal(lastBoxed(`x \\boxed{3} for part (a) and \\boxed{4}`)!.start, 2);
});

test('lastBoxed: joining stops at the first gap that does not join', () => {
  const s = `\\boxed{1}${'.'.repeat(80)}\\boxed{2}, \\boxed{3}`;
  assert.deepEqual(lastBoxed(s), { content: '2, 3', start: 89 });
});

test('stripMathDelimiters: $…$, $$…$$, \\(…\\), \\[…\\] around the whole answer, nested layers, spaces trimmed', () => {
  for (const [raw, want] of [
    ['$x$', 'x'],
    ['$$x$$', 'x'],
    ['\\(x\\)', 'x'],
    ['\\[x\\]', 'x'],
    ['  $ x $  ', 'x'],
    ['$$ $x$ $$', 'x'],
    ['\\[ \\( $x$ \\) \\]', 'x'],
    ['$$$$x$$$$', 'x'],
    // two math spans are not one answer in delimiters
    ['$a$ and $b$', '$a$ and $b$'],
    // an escaped dollar inside is text
    ['$\\$5$', '\\$5'],
    // a lone dollar is no pair
    ['$', '$'],
    ['$$', ''],
    ['$$$$', ''],
    ['$5', '$5'],
    ['5$', '5$'],
    ['\\(x', '\\(x'],
    ['x\\]', 'x\\]'],
    ['x\\)', 'x\\)'],
    ['\\[x', '\\[x'],
    // `$$` on one side only is no pair
    ['$$x+1', '$$x+1'],
    ['x+1$$', 'x+1$$'],
    ['$$$', '$$$'],
    ['plain', 'plain'],
  ] as const)
    assert.equal(stripMathDelimiters(raw), want, raw);
});

test('stripMathDelimiters: at most 8 layers are stripped (hostile $$$$… costs no pass per layer)', () => {
  const layers = (n: number) => `${'\\('.repeat(n)}x${'\\)'.repeat(n)}`;
  assert.equal(stripMathDelimiters(layers(8)), 'x');
  assert.equal(stripMathDelimiters(layers(9)), '\\(x\\)');
});

test('afterThinking: every reasoning template, the text after its last close; an unclosed block is no answer', () => {
  for (const [open, close] of [
    ['<think>', '</think>'],
    ['<|begin_of_thought|>', '<|end_of_thought|>'],
    ['<reasoning>', '</reasoning>'],
    ['<start_working_out>', '<end_working_out>'],
  ]) {
    assert.equal(afterThinking(`${open}a${close} b ${close} c`), ' c', close);
    assert.equal(afterThinking(`${open}still thinking`), null, open);
  }
  assert.equal(afterThinking('<REASONING>still'), null, 'the <reasoning> tag in any case');
  // the answer is graded from the text after the block
  const r = gradeResponse({
    gold: '5',
    response: '<reasoning>maybe \\boxed{4}</reasoning> so \\boxed{5}',
    type: 'math',
  });
  assert.deepEqual([r.extracted, r.verdict], ['5', 'correct']);
});

test('findBoxes: `\\boxed 5` keeps dots inside the token (only closing punctuation at its end goes), at its place', () => {
  assert.deepEqual(
    findBoxes('so \\boxed 0.5.').map((b) => b.content),
    ['0.5'],
  );
  const s = 'so \\boxed 5 and \\boxed 6';
  assert.deepEqual(
    findBoxes(s).map((b) => [b.content, s.slice(b.start, b.end)]),
    [
      ['5', '\\boxed 5'],
      ['6', '\\boxed 6'],
    ],
  );
});

test('lastBoxed: boxes are compared and joined by their trimmed contents', () => {
  assert.equal(lastBoxed('\\boxed{ 4 } \\boxed{4}')!.content, '4');
  assert.equal(lastBoxed('\\boxed{ 1 }, \\boxed{2}')!.content, '1, 2');
});
