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

test('huge and deeply nested responses are handled in bounded time, each with the one verdict it must give', () => {
  // 50,000 nested braces: refused before the structural comparison (nesting cap)
  const nested = `\\boxed{${'{'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
  const a = timed(() => gradeResponse({ gold: '1', response: nested, type: 'math' }));
  assert.ok(a.ms < 3000, `nested took ${a.ms} ms`);
  assert.deepEqual([a.value.verdict, a.value.detail], ['error', 'timeout']);
  // a megabyte of prose with a box at the end: the box is read
  const long = `${'word 12 $x$ '.repeat(100_000)}\\boxed{7}`;
  const b = timed(() => gradeResponse({ gold: '7', response: long, type: 'math' }));
  assert.equal(b.value.verdict, 'correct');
  assert.ok(b.ms < 3000, `long took ${b.ms} ms`);
  // an unterminated box holding 20,000 unterminated fractions: no box, no number, so no answer
  const unclosed = `\\boxed{${'\\frac{'.repeat(20_000)}`;
  const c = timed(() => gradeResponse({ gold: '7', response: unclosed, type: 'math' }));
  assert.ok(c.ms < 3000, `unclosed took ${c.ms} ms`);
  assert.deepEqual([c.value.verdict, c.value.extracted], ['no-answer', null]);
});

test('hostile golds and predictions of issue 9 give error/timeout or their verdict, never an exception', () => {
  const cases: [string, string, string, string | undefined][] = [
    // 6,000 nested \text{ in the gold: the gold's type and value are read inside the guard
    [`${'\\text{'.repeat(6000)}x${'}'.repeat(6000)}`, '5', 'error', 'timeout'],
    // 140,000 unbalanced \\boxed{ (a megabyte with no box and no space: a bare answer, too long to compare)
    ['5', '\\boxed{'.repeat(140_000), 'error', 'timeout'],
    ['10^{10^{10}}', '10^{10^{10}}+1', 'error', 'timeout'],
    [`x+${'x+'.repeat(500_000)}1`, `\\boxed{${'x+'.repeat(500_000)}1}`, 'error', 'timeout'],
  ];
  // as a response, the same text has no box that closes and nothing else to read
  const boxes = timed(() => gradeResponse({ gold: '5', response: '\\boxed{'.repeat(140_000), type: 'math' }));
  assert.deepEqual([boxes.value.verdict, boxes.value.extracted], ['no-answer', null]);
  assert.ok(boxes.ms < 5000, `unbalanced boxes took ${boxes.ms} ms`);
  for (const [gold, pred, verdict, detail] of cases) {
    const r = timed(() => gradePair({ gold, pred, type: 'math' }));
    assert.deepEqual(
      [r.value.verdict, r.value.detail],
      [verdict, detail],
      `${gold.slice(0, 30)} vs ${pred.slice(0, 30)}`,
    );
    assert.ok(r.ms < 5000, `${gold.slice(0, 30)} took ${r.ms} ms`);
  }
});
