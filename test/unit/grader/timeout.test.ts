/** Time caps: pathological inputs end in `error`/`timeout` quickly, never a hang. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradePair, gradeResponse } from '../../../src/core/grader';

function timed<T>(f: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = f();
  return { value, ms: performance.now() - t };
}

test('exponent towers and huge literals are refused before the CAS: error/timeout', () => {
  for (const [gold, pred] of [
    ['9^{9^{9^{9}}}', '9^{9^{9^{9}}}+1'],
    ['10000!', '10000!+1'],
    ['\\sum_{k=1}^{100000} k', '5000050000'],
  ]) {
    const { value, ms } = timed(() => gradeResponse({ gold, response: `\\boxed{${pred}}`, type: 'math' }));
    assert.equal(value.verdict, 'error', `${gold} vs ${pred}: ${JSON.stringify(value)}`);
    assert.equal(value.detail, 'timeout');
    assert.ok(ms < 1000, `took ${ms} ms`);
  }
});

test('an exhausted time budget gives error/timeout when the CAS would be needed', () => {
  const r = gradePair({ gold: '\\int_0^1 x\\,dx', pred: '\\frac{1}{2}', type: 'math' }, { timeoutMs: -1 });
  assert.equal(r.verdict, 'error');
  assert.equal(r.detail, 'timeout');
  // the fast paths do not need the budget
  assert.equal(gradePair({ gold: '\\frac{1}{2}', pred: '0.5', type: 'math' }, { timeoutMs: -1 }).verdict, 'correct');
});

test('huge and deeply nested responses are handled in bounded time', () => {
  const nested = `\\boxed{${'{'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
  const a = timed(() => gradeResponse({ gold: '1', response: nested, type: 'math' }));
  assert.ok(a.ms < 3000, `nested took ${a.ms} ms`);
  assert.ok(['correct', 'incorrect', 'error'].includes(a.value.verdict));
  const long = `${'word 12 $x$ '.repeat(100_000)}\\boxed{7}`;
  const b = timed(() => gradeResponse({ gold: '7', response: long, type: 'math' }));
  assert.equal(b.value.verdict, 'correct');
  assert.ok(b.ms < 3000, `long took ${b.ms} ms`);
  const unclosed = `\\boxed{${'\\frac{'.repeat(20_000)}`;
  const c = timed(() => gradeResponse({ gold: '7', response: unclosed, type: 'math' }));
  assert.ok(c.ms < 3000, `unclosed took ${c.ms} ms`);
});
