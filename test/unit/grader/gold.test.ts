// What a gold answer is, read off a dataset: the answer of a reference solution or a GSM8K answer, and
// its type (which decides how a response is compared with it). Each case is a gold answer as the
// benchmark sets write them, with the type a reader gives it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goldAnswerOf, inferAnswerType, solutionAnswer } from '../../../src/core/grader/gold';

describe('gold answers', () => {
  it('a reference solution gives its last box alone, a GSM8K answer what follows its last ####, else the trimmed text', () => {
    assert.equal(goldAnswerOf('So $x = \\boxed{2}$ and then $\\boxed{3}$.'), '3');
    assert.equal(goldAnswerOf('Half of 10 is 5.\n#### 5'), '5');
    assert.equal(goldAnswerOf('#### 72'), '72', 'a #### at the very start');
    assert.equal(goldAnswerOf('a #### b #### 9 '), '9', 'the last ####');
    assert.equal(goldAnswerOf('  $\\frac{1}{2}$  '), '\\frac{1}{2}');
    assert.equal(goldAnswerOf(' 42 '), '42');
    assert.equal(solutionAnswer('no box here'), null);
    assert.equal(solutionAnswer('\\boxed{ 7 }'), '7');
    assert.equal(solutionAnswer('\\boxed{  }'), null, 'an empty box is no answer');
  });

  const cases: [string, string][] = [
    // a lone letter A–E, bare or in parentheses
    ['C', 'choice'],
    ['(B)', 'choice'],
    [' $E$ ', 'choice'],
    ['F', 'math'],
    ['AB', 'math'],
    ['(C) 12', 'math'],
    // plain numbers: signs, thousands separators, decimals, a dollar sign
    ['42', 'number'],
    ['-7', 'number'],
    ['+3', 'number'],
    ['0', 'number'],
    ['3.25', 'number'],
    ['.5', 'number'],
    ['-.75', 'number'],
    ['1,234', 'number'],
    ['12,345,678', 'number'],
    ['1,234.5', 'number'],
    ['\\$5', 'number'],
    ['$\\$ 12$', 'number'],
    ['1,23', 'math'],
    ['0,123', 'math'],
    ['3.', 'number'],
    ['1.2.3', 'math'],
    // numbers dressed in units or currency: normalised to a plain number
    ['\\$1,000', 'number'],
    ['7 \\text{ dollars}', 'number'],
    ['10 \\text{ cm}', 'number'],
    // never numbers: fractions, roots, relations, brackets, subscripts
    ['\\frac{1}{2}', 'math'],
    ['\\dfrac{3}{4}', 'math'],
    ['\\sqrt{2}', 'math'],
    ['2\\pi', 'math'],
    ['x = 3', 'math'],
    ['(1, 2)', 'math'],
    ['[0, 1]', 'math'],
    ['x_1', 'math'],
    ['x^2', 'math'],
    // prose: three letters in a row and no math at all
    ['Monday', 'text'],
    ['\\text{Tuesday}', 'text'],
    ['\\textbf{yes}', 'text'],
    ['\\mathrm {odd}', 'text'],
    ['no', 'math'],
    ['Day 3', 'math'],
    ['f(x)', 'math'],
  ];
  for (const [gold, type] of cases) {
    it(`"${gold}" is ${type}`, () => assert.equal(inferAnswerType(gold), type));
  }

  // From 200 characters on, only the plain-number patterns decide (normalising is skipped): each part of
  // them is seen alone there.
  const long = (head: string, unit: string, n: number) => head + unit.repeat(n);
  const longCases: [string, string, string][] = [
    ['a long integer', long('', '1', 250), 'number'],
    ['a long decimal', `${long('', '1', 250)}.55`, 'number'],
    ['a long decimal with nothing after its point', `${long('', '1', 250)}.`, 'math'],
    ['a long decimal with letters after its point', `${long('', '1', 250)}.x`, 'math'],
    ['long thousands from one digit', long('1', ',234', 60), 'number'],
    ['long thousands from two digits', long('12', ',345', 60), 'number'],
    ['long thousands, negative', long('-1', ',234', 60), 'number'],
    ['a group of two after a separator', `${long('1', ',234', 60)},23`, 'math'],
    ['a long leading-point decimal', `.${'5'.repeat(250)}`, 'number'],
    ['a long negative leading-point decimal', `-.${'5'.repeat(250)}`, 'number'],
    ['a long leading-point decimal with text after it', `.${'5'.repeat(250)}abc`, 'math'],
  ];
  for (const [what, gold, type] of longCases) {
    it(`${what} is ${type}`, () => assert.equal(inferAnswerType(gold), type));
  }

  it('a fraction is never normalised into a number, whatever its value', () => {
    assert.equal(inferAnswerType('\\frac{4}{2}'), 'math');
    assert.equal(inferAnswerType('\\dfrac{4}{2}'), 'math');
    assert.equal(inferAnswerType('\\tfrac{6}{3}'), 'math');
    assert.equal(inferAnswerType('-5 \\text{ m}'), 'number');
  });

  it('a very long answer is never normalised into a number', () => {
    assert.equal(inferAnswerType('1'.repeat(199)), 'number');
    assert.equal(inferAnswerType(`${'1'.repeat(199)} \\text{ m}`), 'math');
    // normalised below 200 characters, not at 200
    assert.equal(inferAnswerType(`7${' '.repeat(188)}\\text{ cm}`), 'number');
    assert.equal(inferAnswerType(`7${' '.repeat(189)}\\text{ cm}`), 'math');
  });
});
