/**
 * The rules of cas.ts (issue 25): what is given to the CAS (@cortex-js/compute-engine) at all, how its
 * answers are read (relations side by side, structural sameness, undecided stays undefined), and the time
 * budget around it. casEqual is the grader's last resort: it runs only when the fast paths cannot decide,
 * so most rules are pinned on it directly, and the verdicts a user sees where grading reaches it.
 * Sources: cas.ts's comments; shared/notes/grading.md ("isEqual on two equations compares them as
 * booleans — compare the sides instead").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradePair, gradeResponse } from '../../../src/core/grader';
import { CAS_LIMITS, assertCasSafe, casEqual } from '../../../src/core/grader/cas';
import { GradingTimeout } from '../../../src/core/grader/types';

const later = () => Date.now() + 10_000;
const refused = { name: 'GradingTimeout', message: 'timeout' };

function assertRefused(latex: string): void {
  assert.throws(() => assertCasSafe(latex), refused, latex);
}

function assertAllowed(latex: string): void {
  assert.doesNotThrow(() => assertCasSafe(latex), latex);
}

/** Runs f with Date.now answering from `clock` (the one input a test cannot make tick on time). */
function withClock<T>(clock: () => number, f: () => T): T {
  const real = Date.now;
  Date.now = clock;
  try {
    return f();
  } finally {
    Date.now = real;
  }
}

test('size bound: at most maxChars characters go to the CAS; one more is refused as a timeout', () => {
  assert.equal(CAS_LIMITS.maxChars, 240);
  assertAllowed('x'.repeat(CAS_LIMITS.maxChars));
  assertRefused('x'.repeat(CAS_LIMITS.maxChars + 1));
  // casEqual checks both sides before the CAS runs
  assert.throws(() => casEqual('1', `1+${'0+'.repeat(120)}0`, later()), refused);
  assert.throws(() => casEqual(`1+${'0+'.repeat(120)}0`, '1', later()), refused);
});

test('exponent towers are refused, with or without braces and spaces: a^{b^c}, a^b^c', () => {
  for (const tower of ['9^{9^{9}}', '2^ {3^{4}}', 'a^b^c', 'a^ b^c', 'a^b ^c', 'a^b^ c']) assertRefused(tower);
  // one exponent, or exponents side by side, are not towers
  for (const flat of ['x^{2}+y^{3}', 'a^b c^d', 'e^{i\\pi}', '2^{10}']) assertAllowed(flat);
});

test('exponent bound: up to maxExponentDigits digits in an exponent, one more is refused', () => {
  assert.equal(CAS_LIMITS.maxExponentDigits, 4);
  for (const ok of ['2^{9999}', '2^9999', '2^{-9999}', '2^{ 999}']) assertAllowed(ok);
  for (const big of ['2^{10000}', '2^10000', '2^{-10000}', '2^ { 10000}']) assertRefused(big);
});

test('literal bound: up to maxLiteralDigits digits in a number, one more is refused', () => {
  assert.equal(CAS_LIMITS.maxLiteralDigits, 40);
  assertAllowed(`${'9'.repeat(40)}+1`);
  assertRefused(`${'9'.repeat(41)}+1`);
});

test('factorials of numbers of four digits or more are refused; small factorials go to the CAS', () => {
  for (const ok of ['3!', '999!', '12 !', 'x!']) assertAllowed(ok);
  for (const big of ['1000!', '1000 !', '12345!']) assertRefused(big);
});

test('the refusal reaches the user as error/timeout: a CAS-only answer with a 41-digit number', () => {
  // \lim is beyond the fast paths, so the pair goes to the CAS, whose bound refuses the huge literal
  const huge = '9'.repeat(CAS_LIMITS.maxLiteralDigits + 1);
  const r = gradePair({ gold: `\\lim_{x\\to 0} ${huge}x`, pred: '0', type: 'math' });
  assert.deepEqual([r.verdict, r.detail], ['error', 'timeout']);
});

test('an expression equal to another by the CAS: true; a different one: false', () => {
  assert.equal(casEqual('\\ln(e^2)', '2', later()), true);
  assert.equal(casEqual('\\sqrt{8}', '2\\sqrt{2}', later()), true);
  assert.equal(casEqual('\\ln(e^2)', '3', later()), false);
});

test('an expression the CAS cannot evaluate still equals itself (structural sameness): x!, an integral', () => {
  // isEqual says false for these; isSame says they are the same expression
  assert.equal(casEqual('x!', 'x!', later()), true);
  assert.equal(casEqual('\\int x dx', '\\int x\\,dx', later()), true);
  assert.equal(casEqual('y=x!', 'y=x!', later()), true);
});

test('what the CAS cannot parse is undecided (undefined), never equal, even against the same text', () => {
  assert.equal(casEqual('\\frac{', '\\frac{', later()), undefined);
  assert.equal(casEqual('\\frac{', '1', later()), undefined);
  assert.equal(casEqual('1', '\\frac{', later()), undefined);
  assert.equal(casEqual('1<2', '\\frac{', later()), undefined);
});

test('relations are compared side by side: same relation, equal sides', () => {
  assert.equal(casEqual('y=2x+1', 'y=1+2x', later()), true);
  assert.equal(casEqual('x\\le 2+1', 'x\\le 3', later()), true);
  assert.equal(casEqual('x<2+1', 'x<3', later()), true);
  assert.equal(casEqual('x\\ne 2+1', 'x\\ne 3', later()), true);
  // `>` is read as `<` with the sides swapped
  assert.equal(casEqual('x<3', '3>x', later()), true);
});

test('two equations are not equal because both are false as booleans (x=1 vs y=2)', () => {
  // the notes' pitfall: isEqual on two equations compares truth values, and calls these equal
  assert.equal(casEqual('x=1', 'y=2', later()), false);
  assert.equal(casEqual('1=2', '3=4', later()), false);
  // and sides are compared in order (x=3 vs 3=x is the assignments rule's job, before the CAS)
  assert.equal(casEqual('x=3', '3=x', later()), false);
  assert.equal(casEqual('x\\ne 3', '3\\ne x', later()), false);
});

test('relations: another relation symbol, another side, or another number of sides is not equal', () => {
  assert.equal(casEqual('x<3', 'x\\le 3', later()), false);
  assert.equal(casEqual('x<3', 'x<4', later()), false);
  assert.equal(casEqual('y<x', 'x<x', later()), false);
  assert.equal(casEqual('x<3', 'x<3<y', later()), false);
  assert.equal(casEqual('x<3<y', 'x<3', later()), false);
  // a relation against a bare value, either way round
  assert.equal(casEqual('x=3', '3', later()), false);
  assert.equal(casEqual('3', 'x=3', later()), false);
});

test('an exhausted budget refuses before the CAS runs, whatever the input', () => {
  const past = Date.now() - 1;
  for (const [g, p] of [
    ['\\ln(e^2)', '2'],
    ['\\frac{', '1'],
  ])
    assert.throws(
      () => casEqual(g, p, past),
      (e: unknown) => e instanceof GradingTimeout && e.message === 'timeout',
    );
});

test('a budget that ends now is not yet spent; one that passes while the CAS runs is a timeout', () => {
  const T = 1_000_000;
  assert.equal(
    withClock(
      () => T,
      () => casEqual('\\ln(e^2)', '2', T),
    ),
    true,
  );
  // the clock reads T before the CAS and T+1 after it: the answer came too late
  let reads = 0;
  assert.throws(
    () =>
      withClock(
        () => (reads++ === 0 ? T : T + 1),
        () => casEqual('\\ln(e^2)', '2', T),
      ),
    refused,
  );
});

test('where grading reaches the CAS, its answer is the verdict: limits and max', () => {
  assert.equal(gradePair({ gold: '\\lim_{x\\to 0} x', pred: '0', type: 'math' }).verdict, 'correct');
  assert.equal(gradePair({ gold: '\\lim_{x\\to 0} x', pred: '1', type: 'math' }).verdict, 'incorrect');
  assert.equal(gradeResponse({ gold: '\\max(1,2)', response: 'so \\boxed{2}' }).verdict, 'correct');
  assert.equal(gradeResponse({ gold: '\\max(1,2)', response: 'so \\boxed{1}' }).verdict, 'incorrect');
});
