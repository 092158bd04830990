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

// ---- Rules pinned after Stryker's first run on expr.ts (issue 25): each case names the rule it holds. ----

test('tokens: a number may start at its dot and keeps all its digits; 400 tokens are read, 401 are refused', () => {
  values('tokens', [
    ['.25', 0.25],
    ['0.125', 0.125],
  ]);
  // '-' and 200 ones joined by '+' are 400 tokens; one more '-' is 401
  const ones = Array(200).fill('1').join('+');
  assert.deepEqual(val(`-${ones}`), [-1 + 199, 0]);
  assert.throws(() => parseExpr(`--${ones}`), /too long/);
});

test('implicit products: every factor that can start a term multiplies what precedes it', () => {
  values('implicit factor starts', [
    ['2[1+1]', 4],
    ['2{1+1}', 4],
    ['2\\binom{3}{1}', 6],
    ['2\\lfloor 2.5 \\rfloor', 4],
    ['2\\lceil 2.5 \\rceil', 6],
    ['2\\exp 1', 2 * Math.E],
    ['2\\e', 2 * Math.E],
    ['2\\sum_{k=1}^{3} k', 12],
    ['2\\prod_{k=1}^{3} k', 12],
    ['2\\alpha', 6, { '\\alpha': 3 }],
    ['2\\infty', Infinity],
  ]);
  // a mixed number's whole part is a real integer: i\frac{1}{2} is i·½, not i + ½
  // and only \frac makes one: 2(1/2) is a product
  values('mixed', [
    ['i\\frac{1}{2}', [0, 0.5]],
    ['2(1/2)', 1],
  ]);
  // a function's argument runs on through factors that are not functions: \sin \frac{1}{2}\pi is sin(π/2)
  values('function argument', [['\\sin \\frac{1}{2}\\pi', 1]]);
});

test('names: every Greek letter LaTeX writes as a command (and \\odot, \\hbar, \\ell) is a variable named by its command', () => {
  // written out here, not read from expr.ts: the test is the list's own statement
  const greek = (
    'alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda ' +
    'mu nu xi rho sigma tau upsilon phi varphi chi psi omega Gamma ' +
    'Delta Theta Lambda Xi Sigma Phi Psi Omega odot hbar ell'
  ).split(' ');
  for (const g of greek) assert.deepEqual([...variablesOf(parseExpr(`\\${g}`))], [`\\${g}`], g);
});

test('scripts: only a power takes a signed argument; a letter in a script has no subscript; only \\log and \\lg take a base', () => {
  // \sqrt-4 and \frac-1 2: a command's argument is a group or one token, never a sign
  assert.throws(() => parseExpr('\\sqrt-4'), ExprError);
  assert.throws(() => parseExpr('\\frac-12'), ExprError);
  // 2^x_1: in LaTeX the subscript belongs to the base 2, which a number cannot have
  assert.throws(() => parseExpr('2^x_1'), ExprError);
  assert.throws(() => parseExpr('\\sin_2 x'), ExprError);
  values('bases', [
    ['\\lg_{10} 100', 2],
    ['\\log_{10} 1000', 3],
  ]);
  // a negative power other than -1 is a power of the value, whatever its base
  values('function powers', [
    ['\\sin^{-x} y', Math.sin(3) ** -2, { x: 2, y: 3 }],
    // a function's power may be signed without braces, as a power may: \sin^-1 is \arcsin
    ['\\sin^-1 1', Math.PI / 2],
  ]);
  // an inverse by ^{-1} of a function with no inverse here is not read as one (the CAS decides)
  assert.throws(() => val('\\sinh^{-1} 1'), /unknown function arcsinh/);
});

test('complex arithmetic: real operands stay real (no NaN from ∞·0), complex ones take both parts', () => {
  // a negation negates both parts
  values('neg', [
    ['-i', [0, -1]],
    ['-(1+i)', [-1, -1]],
  ]);
  values('mul/div', [
    ['i\\cdot 2', [0, 2]],
    ['\\frac{i}{2}', [0, 0.5]],
    ['\\frac{1}{2i}', [0, -0.5]],
    // a real over zero is infinite with the numerator's sign; huge reals divide without overflow
    ['\\frac{1}{0}', Infinity],
    ['\\frac{-1}{0}', -Infinity],
    ['\\frac{10^{200}}{10^{200}}', 1],
  ]);
  values('exp/log', [
    ['\\ln(i)', [0, Math.PI / 2]],
    ['\\exp 1000', Infinity],
    ['\\exp(1+i)', [Math.E * Math.cos(1), Math.E * Math.sin(1)]],
  ]);
  values('powers', [
    // 0 to a negative power is infinite (Math.pow), not 0
    ['0^{-0.5}', Infinity],
    // a negative real to an integer power is exact and real (not e^{100·log(-2)})
    ['(-2)^{100}', 2 ** 100],
    ['i^{i}', Math.exp(-Math.PI / 2)],
    // the real odd root applies to a real base and a real exponent 1/odd only; else the principal value
    ['(-1+i)^{1/3}', [2 ** (1 / 6) * Math.SQRT1_2, 2 ** (1 / 6) * Math.SQRT1_2]],
    [
      '(-8)^{\\frac{1}{3}+i}',
      [
        2 * Math.exp(-Math.PI) * Math.cos(Math.PI / 3 + Math.log(8)),
        2 * Math.exp(-Math.PI) * Math.sin(Math.PI / 3 + Math.log(8)),
      ],
    ],
    ['(-8)^{0.3}', [8 ** 0.3 * Math.cos(0.3 * Math.PI), 8 ** 0.3 * Math.sin(0.3 * Math.PI)]],
  ]);
  // a real-only function takes an imaginary part up to 1e-12 as rounding; below the line as above it, no value
  values('real-only', [['\\arcsin(10^{-12}i)', 0]]);
  for (const f of ['\\arcsin(-i)', '\\binom{2}{i}']) assert.ok(Number.isNaN(val(f)[0]), `${f} has no value`);
});

test('factorials and binomials off the integers: Γ above 171 is infinite at once; \\binom by Γ for a non-integer or negative k', () => {
  values('gamma', [['(10^{15}+0.5)!', Infinity]]);
  // an integer factorial is the exact product, not Γ's approximation: 0! is 1 exactly
  assert.equal(val('0!')[0], 1);
  values('binom', [
    // Γ(6) / (Γ(3.5)·Γ(3.5)), Γ(3.5) = (15/8)√π
    ['\\binom{5}{2.5}', 120 / ((15 / 8) * Math.sqrt(Math.PI)) ** 2],
    // k = 0 takes the exact loop up to n = 1000, where 1000! itself is infinite (Γ would give ∞/∞)
    ['\\binom{1000}{0}', 1],
    // 1/Γ(0) = 0: no way to choose -1 of 5
    ['\\binom{5}{-1}', 0],
  ]);
  // the exact loop runs only for n <= 1000 (no loop runs on a value); beyond, Γ overflows to no finite value
  assert.ok(!Number.isFinite(val('\\binom{10^{15}}{5\\cdot 10^{14}}')[0]));
});

test('sums: the bounds are real integers at most 10,000 apart; the body sees the outer variables', () => {
  assert.throws(() => val('\\sum_{k=i}^{3} k'), /symbolic bounds/);
  assert.throws(() => val('\\sum_{k=1}^{2.5} k'), /symbolic bounds/);
  // to − from = 10,000 is the most (10,001 terms); the distance counts from a negative start too
  values('sum size', [['\\sum_{k=1}^{10001} 1', 10001]]);
  assert.throws(() => val('\\sum_{k=-10000}^{1} 1'), /too many terms/);
  values('outer variables', [['\\sum_{k=1}^{3} kx', 12, { x: 2 }]]);
  assert.throws(() => parseExpr('\\sum_{'), /sum variable/);
});

test('what cannot be read says why (the message names the token or the missing part)', () => {
  const cases: [string, RegExp][] = [
    ['5 @', /unexpected @/],
    ['\\', /bad command/],
    ['\\foo', /unsupported \\foo/],
    ['1)', /trailing \)/],
    ['(1', /expected \)/],
    ['\\frac{1}', /missing argument/],
    ['x_', /missing subscript/],
    ['x_{1', /unclosed subscript/],
    ['', /unexpected end/],
    // a number with a subscript is a base-b numeral
    ['52_8', /base subscript/],
  ];
  for (const [s, why] of cases) assert.throws(() => parseExpr(s), why, s);
});

test('compare: agreement is relative to the larger value; a point where one side has no value is skipped; an infinite part is no value', () => {
  // |a − b| = 1.0000005 is within 1e-6 of the larger (1000001.0000005), not of the smaller (1000000)
  assert.equal(cmp('1000000', '1000001.0000005'), 'equal');
  // x + 0·\arcsin x has no value above x = 1 and equals x below: the points above are skipped, either side
  assert.equal(cmp('x + 0\\arcsin x', 'x'), 'equal');
  assert.equal(cmp('x', 'x + 0\\arcsin x'), 'equal');
  // an infinity written as one equals only another written as one, whichever side it is on
  assert.equal(cmp('2^{2000}', '\\infty'), 'unknown');
  // the sample points lie on both sides of 1: ⌊x⌋ is 0 below 1 only
  assert.equal(cmp('\\lfloor x \\rfloor', '0'), 'different');
  // 10^{308}·10i has an infinite imaginary part: no value to compare
  assert.equal(cmp('10^{308}(10i)', '1'), 'unknown');
  // the verdict does not depend on which side is the gold: variables take their points in name order, not in
  // order of appearance (⌊0.7/y⌋ is 0 only where y > 0.7, which holds at every point of one variable's draws,
  // not of the other's)
  const floorY = '\\lfloor \\frac{0.7}{y} \\rfloor + x';
  assert.equal(cmp(floorY, 'x'), 'different');
  assert.equal(cmp('x', floorY), 'different');
  const prop = (a: string, b: string): string => proportionality(parseExpr(a), parseExpr(b));
  assert.equal(prop(floorY, 'x'), 'no');
  assert.equal(prop('x', floorY), 'no');
  assert.equal(prop('1', '\\infty'), 'unknown');
  // 1/i = -i: a ratio with a negative imaginary part is no real constant
  assert.equal(prop('1', 'i'), 'unknown');
});

test('canonical text: a difference inside a product is one factor, not spread into the product', () => {
  const can = (s: string): string => canonical(parseExpr(s));
  assert.notEqual(can('a(b-c)'), can('ab(-c)'));
  // and a product inside a sum is one term; a function's arguments stay apart
  assert.notEqual(can('a+bc'), can('a+b-c'));
  assert.notEqual(can('\\binom{1}{23}'), can('\\binom{12}{3}'));
  assert.equal(can('a(b-c)'), '*(+(b,neg(c)),a)');
});
