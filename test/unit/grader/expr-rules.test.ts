/**
 * Issue 25: the rules of the expression parser and evaluator (src/core/grader/expr.ts), the grader's fast
 * path before the CAS. Each test names the rule it pins: how LaTeX reads (precedence, implicit products,
 * `2^10`, mixed numbers, subscripts, functions and their powers), what each function's value is (the
 * textbook value, complex where the function is), and how two expressions are compared (values at sample
 * points, proportional equations, infinities, canonical text).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type C,
  canonical,
  compareExprs,
  evaluate,
  ExprError,
  parseExpr,
  proportionality,
  variablesOf,
} from '../../../src/core/grader/expr';

/** The value of `latex` with the given real variables. */
function val(latex: string, vars: Record<string, number> = {}): C {
  return evaluate(parseExpr(latex), new Map(Object.entries(vars).map(([k, x]) => [k, [x, 0] as C])));
}

/** Each expression's value, real (or [re, im]), to 1e-9. */
function values(rule: string, cases: [latex: string, value: number | C, vars?: Record<string, number>][]): void {
  for (const [latex, want, vars] of cases) {
    const [re, im] = val(latex, vars);
    const [wr, wi] = typeof want === 'number' ? [want, 0] : want;
    const ok = (a: number, b: number): boolean =>
      Number.isFinite(b) ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) : Object.is(a, b) || a === b;
    assert.ok(
      ok(re, wr) && ok(im, wi),
      `${rule}: ${latex} is ${JSON.stringify([re, im])}, not ${JSON.stringify([wr, wi])}`,
    );
  }
}

const cmp = (a: string, b: string): string => compareExprs(parseExpr(a), parseExpr(b));

test('precedence: powers before products before sums; a product left to right; unary signs', () => {
  values('precedence', [
    ['1+2*3', 7],
    ['2*3+1', 7],
    ['(1+2)*3', 9],
    ['2-3-4', -5],
    ['2-(3-4)', 3],
    ['12/3/2', 2],
    ['12/(3/2)', 8],
    ['2*3^2', 18],
    ['-2^2', -4],
    ['(-2)^2', 4],
    ['+3', 3],
    ['--3', 3],
    ['2*-3', -6],
    ['2+-3', -1],
    ['[2+1]*2', 6],
    ['{2+1}*2', 6],
    ['6:2', 3],
    ['6\\div 2', 3],
    ['2\\cdot 3', 6],
    ['2\\times 3', 6],
    ['.5', 0.5],
    ['1.25', 1.25],
    ['10 - 2 + 3', 11],
  ]);
});

test('implicit products: juxtaposed factors multiply, binding tighter than a sum', () => {
  values('implicit', [
    ['2 3', 6],
    ['2x', 4, { x: 2 }],
    ['2x+1', 5, { x: 2 }],
    ['xy', 6, { x: 2, y: 3 }],
    ['2(x+1)', 6, { x: 2 }],
    ['(x+1)(x-1)', 3, { x: 2 }],
    ['2\\pi', 2 * Math.PI],
    ['2\\sqrt{2}', 2 * Math.SQRT2],
    ['x^2y', 12, { x: 2, y: 3 }],
    ['2x/4', 1, { x: 2 }],
  ]);
});

test('mixed numbers: `2\\frac{1}{2}` is 2½ only when both parts are plain non-negative integers', () => {
  values('mixed', [
    ['2\\frac{1}{2}', 2.5],
    ['0\\frac{1}{2}', 0.5],
    ['2\\frac{x}{2}', 2, { x: 2 }],
    ['x\\frac{1}{2}', 1, { x: 2 }],
    ['2\\frac{1}{x}', 1, { x: 2 }],
    ['2\\frac{0}{2}', 0],
    ['2.5\\frac{1}{2}', 1.25],
    ['2\\frac{1.5}{2}', 1.5],
    ['2\\sqrt{4}', 4],
  ]);
});

test('scripts: a power takes a group or one token; `2^10` is 2^1·0 as in LaTeX; a signed power is allowed', () => {
  values('scripts', [
    ['2^{10}', 1024],
    ['2^10', 0],
    ['2^3', 8],
    ['2^-1', 0.5],
    ['2^{-1}', 0.5],
    ['x^-1', 0.5, { x: 2 }],
    ['2^x', 4, { x: 2 }],
    ['2^\\pi', 2 ** Math.PI],
    ['2^{x+1}', 8, { x: 2 }],
    ['3!', 6],
    ['3!!', 720],
    ['0!', 1],
    ['|-3|', 3],
    ['|x-5|', 3, { x: 2 }],
  ]);
});

test('names: a subscript or primes are part of the name; e and i are constants; Greek letters are variables', () => {
  values('names', [
    ['x_1 + x_2', 5, { x_1: 2, x_2: 3 }],
    ['x_{12}', 7, { 'x_{12}': 7 }],
    ["f'", 4, { "f'": 4 }],
    ["f''", 5, { "f''": 5 }],
    ['e', Math.E],
    ['\\e', Math.E],
    ['e^2', Math.E ** 2],
    ['i', [0, 1]],
    ['2i', [0, 2]],
    ['\\alpha + \\beta', 5, { '\\alpha': 2, '\\beta': 3 }],
    ['\\theta_1', 4, { '\\theta_1': 4 }],
    ['\\pi', Math.PI],
    ['\\infty', Infinity],
    ['-\\infty', -Infinity],
  ]);
  assert.deepEqual([...variablesOf(parseExpr('x_1 + \\alpha y - \\sin(z) + |w| + \\frac{u}{2} + e'))].sort(), [
    '\\alpha',
    'u',
    'w',
    'x_1',
    'y',
    'z',
  ]);
  // a number with a subscript is a base-b numeral: no value
  assert.throws(() => parseExpr('52_8'), ExprError);
  assert.throws(() => val('x'), /unbound x/);
});

test('functions: textbook values, with powers, inverse by ^{-1}, log bases, and the argument up to the next function', () => {
  values('functions', [
    ['\\sin 0', 0],
    ['\\sin \\frac{\\pi}{2}', 1],
    ['\\cos 0', 1],
    ['\\cos \\pi', -1],
    ['\\tan \\frac{\\pi}{4}', 1],
    ['\\sec 0', 1],
    ['\\csc \\frac{\\pi}{2}', 1],
    ['\\cot \\frac{\\pi}{4}', 1],
    ['\\arcsin 1', Math.PI / 2],
    ['\\arccos 0', Math.PI / 2],
    ['\\arccos 1', 0],
    ['\\arctan 1', Math.PI / 4],
    ['\\sinh 1', Math.sinh(1)],
    ['\\cosh 1', Math.cosh(1)],
    ['\\tanh 1', Math.tanh(1)],
    ['\\ln e', 1],
    ['\\ln 1', 0],
    ['\\log 100', Math.log(100)],
    ['\\log_2 8', 3],
    ['\\log_{2} 8', 3],
    ['\\lg 100', 2],
    ['\\exp(1)', Math.E],
    ['\\exp 2', Math.E ** 2],
    ['\\sqrt{4}', 2],
    ['\\sqrt4', 2],
    ['\\sqrt[3]{8}', 2],
    ['\\sqrt[3]{-8}', -2],
    ['(-8)^{1/3}', -2],
    ['(-32)^{1/5}', -2],
    ['\\sin^2 x', Math.sin(2) ** 2, { x: 2 }],
    ['\\sin(x)^2', Math.sin(2) ** 2, { x: 2 }],
    ['\\sin^{-1} 1', Math.PI / 2],
    ['\\cos^{-1} 1', 0],
    ['\\sin^{-2} 1', Math.sin(1) ** -2],
    ['\\sin 2x', Math.sin(4), { x: 2 }],
    ['\\sin x \\cos x', Math.sin(2) * Math.cos(2), { x: 2 }],
    ['\\sin x y', Math.sin(6), { x: 2, y: 3 }],
    ['\\sin(x) y', Math.sin(2) * 3, { x: 2, y: 3 }],
    ['\\lfloor 2.5 \\rfloor', 2],
    ['\\lfloor -2.5 \\rfloor', -3],
    ['\\lceil 2.5 \\rceil', 3],
  ]);
});

test('real-only functions have no value off the real line; complex ones do (principal branches)', () => {
  values('complex', [
    ['\\sqrt{-4}', [0, 2]],
    ['i^2', [-1, 0]],
    ['(1+i)(1-i)', 2],
    ['\\frac{1}{i}', [0, -1]],
    ['\\frac{2+2i}{1+i}', 2],
    ['\\ln(-1)', [0, Math.PI]],
    ['e^{i\\pi}', [-1, 0]],
    ['\\sin i', [0, Math.sinh(1)]],
    ['\\cos i', Math.cosh(1)],
    ['\\sin(1+i)', [Math.sin(1) * Math.cosh(1), Math.cos(1) * Math.sinh(1)]],
    ['\\cos(1+i)', [Math.cos(1) * Math.cosh(1), -Math.sin(1) * Math.sinh(1)]],
    ['(-4)^{0.5}', [0, 2]],
    ['0^{i}', 0],
    ['2^{i}', [Math.cos(Math.LN2), Math.sin(Math.LN2)]],
    ['|3+4i|', 5],
  ]);
  for (const f of ['\\arcsin 2', '\\arcsin i', '\\sinh i', '\\lfloor i \\rfloor', '(i)!']) {
    assert.ok(Number.isNaN(val(f)[0]), `${f} has no value`);
  }
  // a root of even index of a negative number is not real: (-8)^(1/2) is 2√2·i
  values('even root', [['(-8)^{1/2}', [0, Math.sqrt(8)]]]);
});

test('factorials, binomials, sums and products: exact for integers, Γ between them, bounded in size', () => {
  values('counting', [
    ['5!', 120],
    ['0.5!', Math.sqrt(Math.PI) / 2],
    ['(-0.5)!', Math.sqrt(Math.PI)],
    // Γ below ½ by the reflection formula: (-0.7)! = Γ(0.3), (-1.5)! = Γ(-0.5) = -2√π
    ['(-0.7)!', 2.991568987687591],
    ['(-1.5)!', -2 * Math.sqrt(Math.PI)],
    // Γ(½ − n) = (−2)^n·√π / (2n − 1)!!: for n = 8, (-8.5)! = Γ(−7.5) = 2^8·√π / 15!!
    ['(-8.5)!', (Math.sqrt(Math.PI) * 2 ** 8) / (15 * 13 * 11 * 9 * 7 * 5 * 3 * 1)],
    ['170!', 7.257415615307994e306],
    ['171!', Infinity],
    ['\\binom{5}{2}', 10],
    ['\\binom{5}{0}', 1],
    ['\\binom{5}{5}', 1],
    ['\\binom{2}{5}', 0],
    ['\\binom{30}{15}', 155117520],
    ['\\binom{1000}{1}', 1000],
    ['\\binom{5.5}{2}', 12.375],
    ['\\binom{i}{2}', [NaN, NaN]],
    ['\\sum_{k=1}^{3} k', 6],
    ['\\sum_{k=1}^{4} k^2', 30],
    ['\\sum_{k=1}^{0} k', 0],
    ['\\prod_{k=1}^{4} k', 24],
    ['\\prod_{k=1}^{0} k', 1],
    ['\\sum_{k=1}^{x} k', 3, { x: 2 }],
    ['\\sum_{k=1}^{3} 2k', 12],
    ['\\sum_{k=1}^{3} k + 1', 7],
    ['\\sum_{k=1}^{10000} 1', 10000],
  ]);
  // no loop runs on a value: a huge factorial is infinite at once (10^15 steps otherwise)
  values('huge', [['(10^{15})!', Infinity]]);
  assert.throws(() => val('\\sum_{k=0.5}^{3} k'), /symbolic bounds/);
  assert.throws(() => val('\\sum_{k=1}^{i} k'), /symbolic bounds/);
  assert.throws(() => val('\\sum_{k=1}^{10002} k'), /too many terms/);
  assert.throws(() => parseExpr('\\sum_{1=1}^{3} k'), /sum variable/);
  assert.throws(() => parseExpr('\\sum_{k}^{3} k'), /expected =/);
});

test('what cannot be read is an ExprError (the caller falls back to the CAS), never a hang', () => {
  for (const s of ['5 @', '\\foo', '\\sqrt', '(1', 'x_', '1)', '\\frac{1}', '|x', 'x_{1', '\\lfloor 2', '\\', '']) {
    assert.throws(() => parseExpr(s), ExprError, s);
  }
  // 400 tokens at most
  assert.doesNotThrow(() => parseExpr(Array(200).fill('1').join('+')));
  assert.throws(() => parseExpr(Array(202).fill('1').join('+')), /too long/);
  // a number is read 64 characters at a time
  assert.deepEqual(val('1'.repeat(70)), [Number('1'.repeat(64)) * 111111, 0]);
  // whitespace of every kind is ignored
  values('spaces', [['1 +\n2\t* 3', 7]]);
});

test('compare: equal when the values agree (to a relative 1e-6) at every sample point, different at the first that does not', () => {
  assert.equal(cmp('x^2+2x+1', '(x+1)^2'), 'equal');
  // agreement is to a relative 1e-6 (floating point error is no difference)
  assert.equal(cmp('x^2+2x+1', '(x+1)^2 + 10^{-4}'), 'different');
  assert.equal(cmp('x^2+2x+1', '(x+1)^2 + 10^{-9}x'), 'equal');
  assert.equal(cmp('\\frac{1}{2}', '0.5'), 'equal');
  assert.equal(cmp('\\frac{1}{2}', '0.5000001'), 'equal');
  assert.equal(cmp('\\frac{1}{2}', '0.50001'), 'different');
  assert.equal(cmp('0', '10^{-13}'), 'equal');
  assert.equal(cmp('0', '10^{-11}'), 'different');
  assert.equal(cmp('xy', 'yx'), 'equal');
  assert.equal(cmp('x', 'y'), 'different');
  assert.equal(cmp('x^{1/3}', 'x^{0.3333}'), 'different');
  assert.equal(cmp('\\sqrt{x^2}', 'x'), 'equal');
  // the sample points lie in [0.31, 2.01]: some below 1
  assert.equal(cmp('|x-1|', 'x-1'), 'different');
  assert.equal(cmp('|x+1|', 'x+1'), 'equal');
  // a variable only one side has is sampled too
  assert.equal(cmp('x', 'x + \\frac{1}{z}'), 'different');
  assert.equal(cmp('\\sum_{k=1}^{n} k', '\\frac{n(n+1)}{2}'), 'unknown');
  // both infinite: equal only for the same infinity written as one
  assert.equal(cmp('\\infty', '\\infty'), 'equal');
  assert.equal(cmp('-\\infty', '-\\infty'), 'equal');
  assert.equal(cmp('\\infty', '-\\infty'), 'unknown');
  assert.equal(cmp('\\infty', '2^{2000}'), 'unknown');
  assert.equal(cmp('2^{2000}', '2^{2000}'), 'unknown');
  assert.equal(cmp('\\infty x', '\\infty x'), 'unknown');
  assert.equal(cmp('\\infty + 1', '\\infty'), 'unknown');
  // points where a side has no value are skipped: \arcsin x has none above x = 1, a value below
  assert.equal(cmp('\\arcsin x', '\\arcsin(x)'), 'equal');
  assert.equal(cmp('\\arcsin x', '\\arccos x'), 'different');
  // no value anywhere (NaN at every point): unknown
  assert.equal(cmp('\\arcsin 2', '\\arcsin 3'), 'unknown');
  assert.equal(cmp('\\arcsin 2', '5'), 'unknown');
  assert.equal(cmp('5', '\\arcsin 2'), 'unknown');
  // complex values compare both parts
  assert.equal(cmp('\\sqrt{-4}', '2i'), 'equal');
  assert.equal(cmp('\\sqrt{-4}', '-2i'), 'different');
  assert.equal(cmp('i', '1'), 'different');
});

test('proportional: a = c·b for one non-zero c at every point, its sign; zero where both are zero', () => {
  const prop = (a: string, b: string): string => proportionality(parseExpr(a), parseExpr(b));
  assert.equal(prop('x+y-1', '2x+2y-2'), 'positive');
  assert.equal(prop('x+y-1', '-x-y+1'), 'negative');
  assert.equal(prop('x+y-1', 'x+y-2'), 'no');
  assert.equal(prop('x-1', 'x^2-1'), 'no');
  assert.equal(prop('2', '4'), 'positive');
  assert.equal(prop('2', '-4'), 'negative');
  assert.equal(prop('0', '0'), 'unknown');
  assert.equal(prop('0', '1'), 'no');
  assert.equal(prop('1', '0'), 'no');
  assert.equal(prop('x', '\\sum_{k=1}^{n} k'), 'unknown');
  assert.equal(prop('i', '1'), 'unknown');
  assert.equal(prop('\\arcsin 2', '1'), 'unknown');
  assert.equal(prop('x - x', '0'), 'unknown');
  assert.equal(prop('\\infty', '1'), 'unknown');
});

test('canonical text: sums and products sorted (a difference is a sum with a negated term), other operators in order', () => {
  const can = (s: string): string => canonical(parseExpr(s));
  assert.equal(can('b+a'), can('a+b'));
  assert.equal(can('b a'), can('a b'));
  assert.equal(can('c-b+a'), can('a-b+c'));
  assert.equal(can('a+b+c'), '+(a,b,c)');
  assert.equal(can('a-b'), '+(a,neg(b))');
  assert.equal(can('a*b*c'), '*(a,b,c)');
  assert.notEqual(can('a-b'), can('b-a'));
  assert.notEqual(can('a/b'), can('b/a'));
  assert.equal(can('a/b'), '/(a,b)');
  assert.equal(can('a^b'), '^(a,b)');
  assert.equal(can('-a'), 'neg(a)');
  assert.equal(can('x_{1 2}'), 'x_12');
  assert.equal(can('2i'), '*(0+1i,2)');
  assert.equal(can('\\sin(b+a)'), 'sin(+(a,b))');
  assert.equal(can('\\sum_{k=1}^{n} k'), can('\\sum_{k=1}^{n} k'));
  assert.equal(can('(a+b)+c'), can('a+(b+c)'));
  assert.equal(can('(a-b)-c'), '+(a,neg(b),neg(c))');
});
