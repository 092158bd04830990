/**
 * Issue 25: the equivalence rules of src/core/grader/equivalence.ts, one test per rule, each pinned by the
 * verdicts of gold/prediction pairs as a user sees them. The rules and their sources: the module's
 * comments, the README's grading policies, shared/notes/grading.md (Math-Verify 0.8.0: gold →
 * prediction, sets, tuples, intervals, relations, matrices, decimals) and MATH_VERIFY_DIFFS.md.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  answersEqual,
  choiceEqual,
  mathEqual,
  MAX_ANSWER_CHARS,
  numberEqual,
  textEqual,
} from '../../../src/core/grader/equivalence';
import { MAX_NESTING } from '../../../src/core/grader/normalize';
import { GradingTimeout } from '../../../src/core/grader/types';

const later = (): number => Date.now() + 5000;

/** Each gold/prediction pair under `math`. */
function math(rule: string, cases: [gold: string, pred: string, equal: boolean][]): void {
  for (const [g, p, equal] of cases) {
    assert.equal(mathEqual(g, p, later()), equal, `${rule}: ${JSON.stringify(g)} vs ${JSON.stringify(p)}`);
  }
}

test('lists are sets: order and repeats do not matter, every item must pair with one distinct item', () => {
  math(
    'lists',
    [
      ['1, 2', '1, 1, 2'],
      ['1, 2, 3', '3, 2, 1'],
      ['\\{1,2\\}', '\\{2,1,1\\}'],
      ['1, 2', '2, \\frac{2}{2}'],
      ['\\frac{1}{2}, 1', '1, 0.5'],
    ].map(([g, p]) => [g, p, true] as [string, string, boolean]),
  );
  math(
    'lists',
    [
      ['1, 2', '1, 2, 3'],
      ['1, 2, 3', '1, 2'],
      ['1, 2', '1, 1'],
      ['1, 1, 2', '1, 3'],
      ['1, 2', '2, 3'],
      // two gold items cannot both pair with one prediction item (1.41 and 1.414 each match \sqrt{2})
      ['1.41, 1.414', '\\sqrt{2}, 5'],
      ['x, 2x', '2x, 2x'],
    ].map(([g, p]) => [g, p, false] as [string, string, boolean]),
  );
});

test('a list or set whose items are all one value is that value (Math-Verify FiniteSet), both ways', () => {
  math('one value', [
    ['4', '4, 4', true],
    ['4, 4', '4', true],
    ['\\{4, 4\\}', '4', true],
    ['4', '\\{2+2, 4\\}', true],
    ['4', '4, 5', false],
    ['4, 5', '4', false],
  ]);
});

test('long lists (over 64 items) are compared by their normalised items as sets, without pairwise equivalence', () => {
  const items = Array.from({ length: 70 }, (_, i) => String(i));
  const list = items.join(', ');
  math('long lists', [
    [list, [...items].reverse().join(', '), true],
    [list, [...items, '3'].join(', '), true],
    [list, [...items.slice(0, 69), '700'].join(', '), false],
    // no equivalence between items: 0.5 and \frac{1}{2} differ as written
    [[...items.slice(0, 69), '0.5'].join(', '), [...items.slice(0, 69), '\\frac{1}{2}'].join(', '), false],
    [list, items.slice(0, 69).join(', '), false],
  ]);
  // one side over 64 is enough: 0.5 and \frac{1}{2} are two items of a 65-item gold
  const head = Array.from({ length: 63 }, (_, i) => String(i));
  math('one long side', [
    [[...head, '0.5', '\\frac{1}{2}'].join(', '), [...head, '0.5'].join(', '), false],
    [[...head, '0.5'].join(', '), [...head, '0.5', '\\frac{1}{2}'].join(', '), false],
  ]);
  // the items stay apart: `1, 23` is not `12, 3` though their characters run together the same
  const xs = Array.from({ length: 66 }, (_, i) => `x${i}`);
  math('long lists, item boundaries', [[[...xs, '1', '23'].join(', '), [...xs, '12', '3'].join(', '), false]]);
  // 64 items or fewer: item by item, with equivalence
  const short = Array.from({ length: 63 }, (_, i) => String(i));
  math('64 items', [[[...short, '0.5'].join(', '), [...short, '\\frac{1}{2}'].join(', '), true]]);
});

test('tuples and intervals keep their order and their brackets; a list against an open pair is read in order', () => {
  math('tuples', [
    ['(1,2,3)', '(1,2,3)', true],
    ['(1,2,3)', '(3,2,1)', false],
    // every item pairs with the item in its place: no item left over on either side
    ['(1,2)', '(1,2,3)', false],
    ['(1,2,3)', '(1,2)', false],
    ['(1,2]', '(1,2]', true],
    ['(1,2]', '[1,2)', false],
    ['(1,2)', '[1,2]', false],
    ['[1,2]', '\\{1,2\\}', false],
    ['(1, 2)', '1, 2', true],
    ['(1, 2)', '2, 1', false],
    ['1, 2', '(1, 2)', true],
    ['1, 2', '(2, 1)', false],
    // only an open pair: a closed or half-open interval is no list
    ['1, 2', '[1, 2]', false],
    ['1, 2', '(1, 2]', false],
    ['\\{1,2\\}', '(1,2)', false],
    ['(1, 2)', '\\{1, 2\\}', true],
    ['[1, 2]', '1, 2', false],
    ['(\\frac{1}{2}, 3)', '(0.5, 3)', true],
  ]);
});

test('assignments: `x = a = b` is `x = b`; a prediction equation against a non-equation gold is read by its last side', () => {
  math('assignments', [
    ['x = 5', 'x = 2+3 = 5', true],
    ['5', 'x = 2+3 = 5', true],
    ['5', 'x = 5', true],
    ['5', '2+3 = 5', true],
    ['5', 'x = 6', false],
    ['x = 5', '5', true],
    ['x = 5', '6', false],
    // a gold equation that is no assignment (a number on the left) is not reduced to its right side
    ['2+3 = 5', '5', false],
    ['a=b=c', 'c=b=a', true],
    ['x = 3', '3 = x', true],
    ['x = 3', 'y = 3', false],
  ]);
});

test('functions: `f(x) = …` (or `f^{-1}(x) = …`) and `y = …` are one function, compared by their right sides', () => {
  math('function forms', [
    ['f(x) = 2x+3', 'y = 2x+3', true],
    ['y = 2x+3', 'f(x)=2x+3', true],
    ['f^{-1}(x) = 2x', 'y = 2x', true],
    ['y = 2x', 'f^{-1}(x) = 2x', true],
    ['g(x) = 2x', 'y = 3x', false],
    ['y = 2x', 'f(x) = 3x', false],
    // `f(2)` is no function definition
    ['f(2) = 4', 'y = 4', false],
  ]);
});

test('relations: sides in order, or flipped with their operators; one relation each compares lhs − rhs up to a factor', () => {
  math('relations', [
    ['x > 1', '1 < x', true],
    ['x \\geq 2', '2 \\leq x', true],
    ['1<x<2', '2>x>1', true],
    ['1<x<2', '1<x\\leq 2', false],
    ['x < 3', 'x \\leq 3', false],
    ['x < 3', 'x > 3', false],
    // equations and \neq: any non-zero multiple
    ['x+y=1', '2x+2y=2', true],
    ['x+y=1', '-x-y=-1', true],
    ['2x+4y-3=0', 'y = -\\frac{x}{2} + \\frac{3}{4}', true],
    ['x \\neq 1', '-x \\neq -1', true],
    ['x \\neq 1', 'x \\neq 2', false],
    ['x+y=1', 'x+y=2', false],
    // inequalities: a positive multiple of the same direction
    ['x+y<1', '2x+2y<2', true],
    ['x+y<1', '-2x-2y>-2', true],
    ['x < 1', '-x > -1', true],
    ['x \\leq 2', '-x \\geq -2', true],
    ['x < 1', '-x < -1', false],
    ['x < 1', '2x < 1', false],
  ]);
});

test('a relation against the set it describes: an interval, or a union of intervals', () => {
  math('relation as set', [
    ['(1,2)', '1 < x < 2', true],
    ['[1,2)', '1 \\leq x < 2', true],
    ['(1,2)', '1 \\leq x < 2', false],
    ['1 < x < 2', '(1,2)', true],
    ['x > 3', '(3, \\infty)', true],
    ['x > 3', '[3, \\infty)', false],
    ['(-\\infty, 1) \\cup (2, \\infty)', '(-\\infty, 1) \\cup (2, \\infty)', true],
    ['(-\\infty, 1) \\cup (2, \\infty)', '(2, \\infty) \\cup (-\\infty, 1)', true],
    ['(-\\infty, 1) \\cup (2, \\infty)', '(-\\infty, 1) \\cup (3, \\infty)', false],
    ['(-\\infty, 1) \\cup (2, \\infty)', '(-\\infty, 1)', false],
  ]);
});

test('decimal comma: `2,74` is 2.74 against one number, but `1,000` stays a thousands separator', () => {
  math('decimal comma', [
    ['2.74', '2,74', true],
    ['2,74', '2.74', true],
    ['-2.5', '-2,5', true],
    ['2.75', '2,74', false],
    ['1000', '1,000', true],
    ['1.000', '1,000', false],
    ['0.125', '0,125', true],
    ['1234.5', '1234,5', true],
  ]);
});

test('matrices: element by element, any bracket style; sums, differences, products and multiples are evaluated', () => {
  const M = (rows: string): string => `\\begin{pmatrix}${rows}\\end{pmatrix}`;
  const A = M('1&2\\\\3&4');
  const B = M('3&4\\\\5&6');
  math('matrices', [
    [A, '\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}', true],
    [A, M('1&2\\\\3&5'), false],
    [M('1\\\\2'), M('1&2'), false],
    [M('1&2\\\\3&4'), M('1&2'), false],
    [M('4&6\\\\8&10'), `${A}+${B}`, true],
    [`${A}+${B}`, M('4&6\\\\8&10'), true],
    [M('-2&-2\\\\-2&-2'), `${A}-${B}`, true],
    [M('2&4\\\\6&8'), `2${A}`, true],
    [M('2&4\\\\6&8'), `2 \\cdot ${A}`, true],
    [M('0.5&1'), `\\frac{1}{2}${M('1&2')}`, true],
    [M('1&2'), `1 ${M('1&2')}`, true],
    [M('7&10\\\\15&22'), `${A}${A}`, true],
    [M('7&10\\\\15&22'), `${A}\\cdot${A}`, true],
    [M('7&10\\\\15&22'), `${A}\\times ${A}`, true],
    [M('4&6\\\\8&10'), `${A}${B}`, false],
    [M('8'), `${M('1&2')}${M('2\\\\3')}`, true],
    // shapes that do not fit: no value, compared as written
    [M('1&2'), `${M('1&2')}${M('1&2')}`, false],
    [M('1&2'), `${M('1&2')}+${M('1\\\\2')}`, false],
    // a single matrix literal is no expression; a variable entry has no value
    [M('x&1'), M('x&1'), true],
    [M('2&2'), `${M('x&1')}+${M('1&1')}`, false],
    [M('2&2'), `y${M('1&1')}`, false],
    [M('4&6\\\\8&10'), `${A}+${B} x`, false],
  ]);
});

test('numbers: exact, and a decimal against an exact value matches it to the decimal places written', () => {
  math('numbers', [
    ['1.414', '\\sqrt{2}', true],
    ['\\sqrt{2}', '1.414', true],
    ['1.4142', '\\sqrt{2}', true],
    ['1.5', '\\sqrt{2}', false],
    ['3.14', '\\pi', true],
    ['3.15', '\\pi', false],
    ['0.5', '\\frac{1}{2}', true],
    ['12', '12.0', true],
    ['2', '\\sqrt{4}', true],
    ['2', '\\sqrt{5}', false],
    // a decimal against an expression with a variable: no value, compared as expressions
    ['0.5x', '\\frac{x}{2}', true],
    ['0.5x', '\\frac{x}{3}', false],
    // a decimal against an imaginary value: no value
    ['1.0', '\\sqrt{-1}', false],
    ['2.0', '2+i', false],
    ['2.5', '2.5+\\sqrt{-4}', false],
  ]);
});

test('base-b numerals (52_8) are compared as written, never evaluated', () => {
  math('bases', [
    ['52_8', '52_8', true],
    ['52_8', '42', false],
    ['42', '52_8', false],
    ['52_8', '52_{8}', true],
    ['52_8', '53_8', false],
  ]);
});

test('words: answers with words compare as normalised text first, then as math', () => {
  math('words', [
    ['\\text{Paris}', '\\text{paris}', true],
    ['\\text{no solution}', '\\text{No Solution.}', true],
    ['\\text{yes}', '\\text{no}', false],
    ['x+1', '1+x', true],
    ['\\sin x', '\\sin(x)', true],
  ]);
});

test('expressions: compared by value, by canonical form, then by the CAS', () => {
  math('expressions', [
    ['x^2+2x+1', '(x+1)^2', true],
    ['x^2+2x+1', '(x+1)^3', false],
    ['\\frac{1}{x}', 'x^{-1}', true],
    ['2\\sqrt{2}', '\\sqrt{8}', true],
    ['2\\sqrt{2}', '\\sqrt{7}', false],
    ['\\frac{\\pi}{2}', '\\frac{2\\pi}{4}', true],
  ]);
});

test('percent: X\\% equals X as written and X/100; two percents compare their numbers', () => {
  math('percent', [
    ['50\\%', '0.5', true],
    ['50\\%', '50', true],
    ['50\\%', '\\frac{1}{2}', true],
    ['0.5', '50\\%', true],
    ['50', '50\\%', true],
    ['\\frac{1}{2}', '50\\%', true],
    ['50\\%', '50\\%', true],
    ['50\\%', '50.0\\%', true],
    ['1.5\\%', '0.015', true],
    ['100\\%', '1', true],
    ['20\\%', '0.5', false],
    ['0.5', '5\\%', false],
    ['50\\%', '25\\%', false],
    ['\\%', '0', false],
    ['5\\%\\%', '5\\%', false],
    // two percents compare their numbers only: 50% is not 0.5%, though 50/100 is 0.5
    ['50\\%', '0.5\\%', false],
    ['0.5\\%', '50\\%', false],
  ]);
});

test('an empty answer (after normalisation) equals nothing, not even another empty answer', () => {
  assert.equal(mathEqual('', '', later()), false);
  assert.equal(mathEqual('.', '.', later()), false);
  assert.equal(mathEqual('5', '', later()), false);
  assert.equal(mathEqual('', '5', later()), false);
  assert.equal(textEqual('', '', later()), false);
  assert.equal(textEqual('the', 'a', later()), false);
  assert.equal(choiceEqual('', ''), false);
});

test('number answers: canonical numbers compare exactly; a percent on either side goes by the percent rule', () => {
  for (const [g, p, equal] of [
    ['0.5', '50\\%', true],
    ['50\\%', '0.5', true],
    ['12', '12.0', true],
    ['1,000', '1000', true],
    ['1/2', '0.5', true],
    ['3', '\\frac{6}{2}', true],
    ['12', '13', false],
    ['2', '\\sqrt{4}', true],
    ['0.1', '0.1001', false],
    // the percent rule, not the plain-number reading, decides a pair with a percent sign (a doubled sign is no percent)
    ['5', '5\\%\\%', false],
    ['5\\%\\%', '5', false],
  ] as const) {
    assert.equal(numberEqual(g, p, later()), equal, `${g} vs ${p}`);
    assert.equal(answersEqual(g, p, 'number', later()), equal, `answersEqual ${g} vs ${p}`);
  }
});

test('choice answers: letters compare as letters; other text as normalised text', () => {
  for (const [g, p, equal] of [
    ['B', 'b', true],
    ['(B)', 'B', true],
    ['B. Paris', 'B', true],
    ['The answer is B', 'B', true],
    ['B', 'C', false],
    ['Paris', 'paris', true],
    ['Paris', 'B', false],
  ] as const) {
    assert.equal(choiceEqual(g, p), equal, `${g} vs ${p}`);
    assert.equal(answersEqual(g, p, 'choice'), equal, `answersEqual ${g} vs ${p}`);
  }
});

test('text answers: normalised text; without words on either side, compared as math', () => {
  for (const [g, p, equal] of [
    ['Paris', 'paris', true],
    ['Paris', 'the Paris.', true],
    ['12', '12.0', true],
    ['x+1', '1+x', true],
    ['\\frac12', '0.5', true],
    ['twelve', '12', false],
    ['12', 'twelve', false],
    ['Paris France', 'France Paris', false],
  ] as const) {
    assert.equal(textEqual(g, p, later()), equal, `${g} vs ${p}`);
    assert.equal(answersEqual(g, p, 'text', later()), equal, `answersEqual ${g} vs ${p}`);
  }
  assert.equal(answersEqual('\\frac{1}{2}', '0.5', 'math', later()), true);
});

test('size guard: an answer over MAX_ANSWER_CHARS, or nested deeper than MAX_NESTING, is a grading timeout', () => {
  const long = '1'.repeat(MAX_ANSWER_CHARS + 1);
  const deep = '('.repeat(MAX_NESTING + 1) + '1' + ')'.repeat(MAX_NESTING + 1);
  const okDeep = '('.repeat(MAX_NESTING - 1) + '1' + ')'.repeat(MAX_NESTING - 1);
  for (const f of [
    () => mathEqual(long, '1', later()),
    () => mathEqual('1', long, later()),
    () => numberEqual(long, '1', later()),
    () => textEqual('1', long, later()),
    () => mathEqual(deep, '1', later()),
    () => mathEqual('1', '{'.repeat(MAX_NESTING + 1) + '1' + '}'.repeat(MAX_NESTING + 1), later()),
    () => mathEqual('1', '['.repeat(MAX_NESTING + 1) + '1' + ']'.repeat(MAX_NESTING + 1), later()),
  ]) {
    assert.throws(f, GradingTimeout);
  }
  // at the limit: compared
  assert.equal(mathEqual('1'.repeat(MAX_ANSWER_CHARS), '1'.repeat(MAX_ANSWER_CHARS), later()), true);
  assert.doesNotThrow(() => mathEqual(okDeep, '1', later()));
  // closing brackets without openers do not count as depth, and do not hide later nesting
  const closers = ')'.repeat(500) + '('.repeat(MAX_NESTING + 1) + '1' + ')'.repeat(MAX_NESTING + 1);
  assert.throws(() => mathEqual(closers, '1', later()), GradingTimeout);
  assert.throws(() => textEqual(closers, closers, later()), GradingTimeout);
});

test('size guard rule: depth counts nesting, not groups — siblings of each bracket kind close what they open; MAX_NESTING deep is compared', () => {
  // 201 sibling groups are depth 1 each, whichever bracket closes them
  for (const group of ['(1)', '[1]', '\\{1\\}', '{1}']) {
    const siblings = group.repeat(MAX_NESTING + 1);
    assert.equal(mathEqual(siblings, siblings, later()), true, `${group} × ${MAX_NESTING + 1}`);
  }
  // exactly MAX_NESTING deep is within the limit (the guard refuses only deeper)
  const atLimit = '('.repeat(MAX_NESTING) + '1' + ')'.repeat(MAX_NESTING);
  assert.equal(mathEqual(atLimit, atLimit, later()), true);
  assert.equal(numberEqual(atLimit, atLimit, later()), true);
  assert.equal(textEqual(atLimit, atLimit, later()), true);
});

test('assignment chain rule: only an all-`=` chain whose first side is a target (`x = … = b`) is cut to its ends', () => {
  math('assignment chain', [
    // an inequality chain is no assignment: `x < 4 < 5` is not `x = 5`
    ['x = 5', 'x < 4 < 5', false],
    ['x < 4 < 5', 'x = 5', false],
    // a chain whose first side is no target keeps its middle: `1+4 = 5 = 2+3` is not `1+4 = 2+3`
    ['1+4 = 2+3', '1+4 = 5 = 2+3', false],
    ['1+4 = 5 = 2+3', '1+4 = 2+3', false],
    // a target chain keeps its first and last sides, on either side
    ['x = 2+3 = 5', 'x = 5', true],
    ['x = y+1 = 5', 'x = y+1', false],
  ]);
});

test('decimal comma rule: the whole answer must be digits, one comma, digits; a thousands group needs a 1–3 digit lead', () => {
  math('decimal comma (whole answer)', [
    // three items are a list, not a decimal hiding in its last two
    ['2.74', '1,2,74', false],
    ['2.74', '2,74,5', false],
    ['1,2,74', '2.74', false],
    // a four-digit lead is no thousands group: `1234,567` is 1234.567
    ['1234.567', '1234,567', true],
    ['1234,567', '1234.567', true],
  ]);
});

test('relation-as-set rule: `a < |x| < b` is a union of two intervals; a relation with no set is no interval', () => {
  math('absolute-value relation against a union', [
    ['(-2,-1) \\cup (1,2)', '1 < |x| < 2', true],
    ['(1,2) \\cup (-2,-1)', '1 < |x| < 2', true],
    ['(-2,-1) \\cup (1,3)', '1 < |x| < 2', false],
    ['1 < |x| < 2', '(-2,-1) \\cup (1,2)', true],
    ['1 \\leq |x| < 2', '(-2,-1] \\cup [1,2)', true],
    ['1 < |x| < 2', '(-2,-1] \\cup [1,2)', false],
  ]);
  math('two intervals are not one', [
    ['(-2,-1)', '1 < |x| < 2', false],
    ['1 < |x| < 2', '(-2,-1)', false],
  ]);
  math('a relation that describes no set', [
    ['(1,2) \\cup (3,4)', 'x + y < 3', false],
    ['(1,2)', 'x + y < 3', false],
    ['x + y < 3', '(1, 2)', false],
    ['x + y < 3', '(1,2) \\cup (3,4)', false],
    // a relation against a list is no set comparison
    ['x > 3', '4, 5', false],
  ]);
  math('only an open interval reads a list in order', [
    ['(1, 2]', '1, 2', false],
    ['(1, 2]', '\\{1, 2\\}', false],
  ]);
});

test('matrix-expression rule: shapes must agree (rows and columns), every row as wide as the first, any matrix environment', () => {
  const M = (rows: string, env = 'pmatrix'): string => `\\begin{${env}}${rows}\\end{${env}}`;
  math('matrix shapes', [
    // a sum of different shapes has no value: compared as written
    [M('2&4'), `${M('1&2')}+${M('1&2&3')}`, false],
    [M('2&4'), `${M('1&2')}+${M('1&2\\\\3&4')}`, false],
    // a ragged matrix (a row shorter than the first) has no value
    [M('2&4\\\\6'), `${M('1&2\\\\3')}+${M('1&2\\\\3')}`, false],
    // a trailing row break adds no row
    [M('2&4\\\\6&8'), `${M('1&2\\\\3&4\\\\')}+${M('1&2\\\\3&4')}`, true],
  ]);
  math('matrix environments', [
    [M('2&4'), `${M('1&2', 'bmatrix')}+${M('1&2', 'bmatrix')}`, true],
    [M('2&4'), `${M('1&2', 'matrix')}+${M('1&2', 'vmatrix')}`, true],
    [M('2&4'), `\\begin{array}{cc}1&2\\end{array}+${M('1&2', 'Bmatrix')}`, true],
    [M('2&4'), `${M('1&2', 'Vmatrix')}+${M('1&2', 'matrix')}`, true],
  ]);
  math('matrix factors', [
    // `*` is a product sign like \cdot and \times
    [M('2&4'), `2 * ${M('1&2')}`, true],
    [M('7&10\\\\15&22'), `${M('1&2\\\\3&4')} * ${M('1&2\\\\3&4')}`, true],
    // an evaluated entry is a decimal and compares by the decimal rules: 0.1 + 0.2 is 0.3
    [M('0.3'), `0.1 ${M('1')} + 0.2 ${M('1')}`, true],
  ]);
});

test('scalar rules: without words case matters; a decimal against an expression with a variable is compared as expressions', () => {
  math('case', [
    ['X', 'x', false],
    ['A+B', 'a+b', false],
  ]);
  math('decimal against a variable expression', [
    ['0.5', 'x - x + \\frac{1}{2}', true],
    ['x - x + \\frac{1}{2}', '0.5', true],
    ['0.5', 'x - x + \\frac{1}{3}', false],
  ]);
});

test('text rule: words on either side make it text only (no math fallback); choice: a letter on one side only compares as text', () => {
  // under `math`, `12 dollars` is 12 (a unit word); under `text` the words keep it apart
  assert.equal(mathEqual('12', '12 dollars', later()), true);
  for (const [g, p] of [
    ['12', '12 dollars'],
    ['12 dollars', '12'],
  ]) {
    assert.equal(textEqual(g, p, later()), false, `text ${g} vs ${p}`);
  }
  // the gold names letter B, the prediction is no letter: the normalised texts decide
  assert.equal(choiceEqual('The answer is B', 'the answer is b'), true);
  assert.equal(choiceEqual('The answer is B', 'the answer is c'), false);
});

test('number answers keep the rounded-decimal rule (D1): `0.33` is 1/3 under `number` as under `math`, `0.3` is not', () => {
  for (const [g, p, equal] of [
    ['0.33', '\\frac{1}{3}', true],
    ['0.333', '1/3', true],
    ['\\frac{1}{3}', '0.333', true],
    ['0.67', '\\frac{2}{3}', true],
    ['0.1429', '\\frac{1}{7}', true],
    // one place is too coarse, and a wrong rounding is wrong
    ['0.3', '\\frac{1}{3}', false],
    ['0.34', '\\frac{1}{3}', false],
    ['0.68', '\\frac{2}{3}', false],
  ] as const) {
    assert.equal(mathEqual(g, p, later()), equal, `math ${g} vs ${p}`);
    assert.equal(numberEqual(g, p, later()), equal, `number ${g} vs ${p}`);
  }
});

test('function-form rule: the left side is exactly `f(x)` or `f^{-1}(x)`, spaces allowed inside; nothing before or after it', () => {
  math('function forms, spaced', [
    ['f^ { - 1 } ( x ) = 2x', 'y = 2x', true],
    ['y = 2x', 'f^ { - 1 } ( x ) = 2x', true],
    ['f (x) = 2x', 'y = 2x', true],
  ]);
  math('function forms, whole side', [
    ['f(x)+1 = 2x', 'y = 2x', false],
    ['y = 2x', 'f(x) + 1 = 2x', false],
    ['2f(x) = 2x', 'y = 2x', false],
    // the value form is `y` and no other letter
    ['z = 2x', 'f(x) = 2x', false],
    ['f(x) = 2x', 'z = 2x', false],
    // a chain is no function definition (`f^{-1}(x)` is no assignment target, so the chain is not cut)
    ['f^{-1}(x) = 2x = 4', 'y = 2x', false],
    ['y = 2x', 'f^{-1}(x) = 2x = 4', false],
  ]);
});

test('one-value and list rules at their edges: 64 equal items are one value, 65 are a long list; shorter matrices and closed pairs differ', () => {
  const fours = (n: number): string => Array.from({ length: n }, () => '4').join(', ');
  math('one value, up to 64 items', [
    [fours(64), '4', true],
    ['4', fours(64), true],
    // over 64 items a list is compared by its written items only, never read as one value
    [fours(65), '4', false],
    ['4', fours(65), false],
  ]);
  math('matrix rows', [['\\begin{pmatrix}1&2\\end{pmatrix}', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', false]]);
  math('list against a pair', [['1, 2', '[1, 2)', false]]);
});

test('relation rule: a flipped chain reverses its operators in order; a chain is never compared with a single relation', () => {
  math('flipped chains', [
    ['1 < x \\leq 2', '2 \\geq x > 1', true],
    ['1 < x \\leq 2', '2 > x \\geq 1', false],
  ]);
  math('chain against one relation', [
    ['0 < x < 1', '0 < x', false],
    ['0 < x', '0 < x < 1', false],
  ]);
});

test('depth rule: structures nested up to 8 deep (MAX_DEPTH) compare item by item; deeper ones only as written', () => {
  const nest = (n: number, core: string): string => {
    let s = core;
    for (let i = 0; i < n; i++) s = `(${s}, ${i})`;
    return s;
  };
  math('nested tuples', [
    [nest(8, '\\frac{1}{2}'), nest(8, '0.5'), true],
    [nest(9, '\\frac{1}{2}'), nest(9, '0.5'), false],
    [nest(9, '0.5'), nest(9, '0.5'), true],
    // an item written the same on both sides is equal at once, however deep it is inside
    [`(${nest(9, '0.5')}, 1)`, `(${nest(9, '0.5')}, 1.0)`, true],
  ]);
});

test('CAS rule: what the evaluator cannot read or cannot decide goes to the CAS, and only its "equal" is a yes', () => {
  math('unreadable by the evaluator (`\\max`)', [
    ['\\max(1,2)', '2', true],
    ['\\max(1,2)', '3', false],
  ]);
  math('undecided by the evaluator (infinities, overflow)', [
    ['\\infty', '2\\infty', true],
    ['\\infty', '-\\infty', false],
    ['10^{400}', '10^{400}+1', false],
    // the CAS cannot decide either: no verdict of equal
    ['e^{1000x}', 'e^{1000x}+1', false],
  ]);
});

test('matrix-expression rule: a leading sign belongs to the first term (`-A` is evaluated like `-1 A`); an entry or factor without a value leaves no value', () => {
  const M = (rows: string): string => `\\begin{pmatrix}${rows}\\end{pmatrix}`;
  math('leading sign', [
    [M('-1&-2'), `-${M('1&2')}`, true],
    [M('-1&-2'), `-1${M('1&2')}`, true],
    [M('-2&-4'), `-2${M('1&2')}`, true],
    [M('0&0'), `-${M('1&2')}+${M('1&2')}`, true],
    [M('1&2'), `-${M('1&2')}`, false],
    [M('1&2'), `+${M('1&2')}`, true],
    // only a leading sign: `A - -B` is A + B, never A - B; a dangling sign leaves no expression
    [M('0&0'), `${M('1&2')} - -${M('1&2')}`, false],
    [M('1&2'), `${M('1&2')} + ${M('0&0')} +`, false],
  ]);
  math('no value', [
    // a variable entry or an entry the evaluator cannot read is not 0
    [M('1&2'), `${M('x&1')}+${M('1&1')}`, false],
    [M('1&2'), `${M('\\max(1,2)&1')}+${M('1&1')}`, false],
    // a variable factor is not 0
    [M('0&0'), `y ${M('1&1')}`, false],
    // a product with a matrix that has no value, or whose shapes do not fit, has none, whatever follows
    [M('2'), `${M('2')}${M('x')}`, false],
    [M('5'), `${M('1&2')}${M('1&2')}${M('5')}`, false],
  ]);
  // a decimal against what the evaluator cannot read goes to the CAS
  math('decimal against the unreadable', [
    ['2.0', '\\max(1,2)', true],
    ['2.5', '\\max(1,2)', false],
  ]);
});

test('structure rules at their seams: a mixed chain is no equation; one-value lists and decimal commas only against a scalar', () => {
  math('mixed chains', [
    // `x = 5 < 6` is no equation: not read by its last side, not cut to `x = 6`
    ['6', 'x = 5 < 6', false],
    ['x = 5', 'x = 4 < 5', false],
  ]);
  math('chains side by side', [
    ['1<x<2', '1<x<\\frac{4}{2}', true],
    // a flip must turn every operator: `2 \geq x > 1` is not `1 < x < 2`
    ['1 < x < 2', '2 \\geq x > 1', false],
  ]);
  math('one value only against a scalar', [
    ['4, 4', '(4, 4)', true],
    ['(4, 4)', '4, 4', true],
  ]);
  math('decimal comma only against a scalar', [
    ['2,74', '\\{2,74\\}', true],
    ['\\{2,74\\}', '2,74', true],
  ]);
});

test('relation rule when the evaluator cannot decide: an equation compares lhs − rhs up to sign by value; an inequality never', () => {
  math('unreadable side (`\\max`)', [
    ['x - \\max(1,2) = 0', '2 - x = 0', true],
    ['x - \\max(1,2) = 0', '3 - x = 0', false],
    // the sign flip is for equations only: `x - 2 < 0` is not `x - 2 > 0`
    ['x - \\max(1,2) < 0', 'x - 2 > 0', false],
  ]);
  math('no finite value (`\\infty`)', [['x = \\infty', 'x = 5', false]]);
});
