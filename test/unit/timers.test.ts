import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_TIMER_MS, timerDelay } from '../../src/core/timers';

test('timerDelay clamps to what a Node timer holds, so a huge limit never fires at once', async () => {
  assert.equal(MAX_TIMER_MS, 2147483647);
  assert.deepEqual([2500600000, MAX_TIMER_MS + 1, Infinity].map(timerDelay), [
    MAX_TIMER_MS,
    MAX_TIMER_MS,
    MAX_TIMER_MS,
  ]);
  assert.deepEqual([MAX_TIMER_MS, 1500, 1, 0.5].map(timerDelay), [MAX_TIMER_MS, 1500, 1, 0.5]);
  assert.deepEqual([0, -5, NaN, -Infinity].map(timerDelay), [0, 0, 0, 0]);
  // what Node does with the unclamped value: fires after 1 ms, with a TimeoutOverflowWarning
  let fired = false;
  const t = setTimeout(() => (fired = true), timerDelay(2500600000));
  await new Promise((r) => setTimeout(r, 20));
  clearTimeout(t);
  assert.equal(fired, false);
});
