import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, sleep } from '../../../src/core/sampling/retry';

describe('retry', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('2'), 2000);
    assert.equal(parseRetryAfter('0.5'), 500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:07 GMT', now), 7000);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter(''), undefined);
  });

  it('reads only a whole number of seconds (spaces around it are fine), else an HTTP date', () => {
    assert.equal(parseRetryAfter(' 3 '), 3000);
    assert.equal(parseRetryAfter('12'), 12_000);
    assert.equal(parseRetryAfter('1.25'), 1250);
    // Neither seconds nor a date: a prefix or a suffix around digits is not read as seconds.
    assert.equal(parseRetryAfter('x5'), undefined);
    assert.equal(parseRetryAfter('5s'), undefined);
  });

  it('honours Retry-After over the backoff, with a little jitter, capped', () => {
    assert.equal(
      backoffDelay(1, DEFAULT_RETRY, 3000, () => 0),
      3000,
    );
    const d = backoffDelay(1, DEFAULT_RETRY, 3000, () => 0.999);
    assert.ok(d >= 3000 && d <= 3350, `${d}`);
    assert.equal(
      backoffDelay(1, DEFAULT_RETRY, 10 * 3600_000, () => 0),
      DEFAULT_RETRY.maxRetryAfterMs,
    );
  });

  it('the jitter on top of Retry-After is up to 10% + 50 ms, at most 1 s', () => {
    assert.equal(
      backoffDelay(1, DEFAULT_RETRY, 3000, () => 0.5),
      3000 + 0.5 * 350,
    );
    assert.equal(
      backoffDelay(1, DEFAULT_RETRY, 0, () => 1),
      50,
    );
    assert.equal(
      backoffDelay(1, DEFAULT_RETRY, 100_000, () => 0.5),
      100_500,
    );
  });

  it('grows exponentially with full jitter up to the cap', () => {
    const p = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
    assert.equal(
      backoffDelay(1, p, undefined, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(2, p, undefined, () => 1),
      200,
    );
    assert.equal(
      backoffDelay(3, p, undefined, () => 1),
      400,
    );
    assert.equal(
      backoffDelay(8, p, undefined, () => 1),
      1000,
    );
    assert.equal(
      backoffDelay(3, p, undefined, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(3, p, undefined, () => 0.5),
      200,
    );
  });

  it('sleep rejects at once with the reason of a signal aborted before it starts', async () => {
    const c = new AbortController();
    const reason = new Error('run cancelled');
    c.abort(reason);
    const t0 = Date.now();
    await assert.rejects(sleep(10_000, c.signal), (e) => e === reason);
    assert.ok(Date.now() - t0 < 1000);
  });

  it('sleep leaves no listener on the signal, whether it ends or is aborted', async () => {
    const c = new AbortController();
    await sleep(5, c.signal);
    assert.equal(getEventListeners(c.signal, 'abort').length, 0, 'removed when the sleep ends');
    const p = sleep(10_000, c.signal);
    c.abort(new Error('stop'));
    await assert.rejects(p, /stop/);
    assert.equal(getEventListeners(c.signal, 'abort').length, 0, 'a once listener is gone after the abort');
  });

  it('sleep stops at once on abort', async () => {
    const c = new AbortController();
    const t0 = Date.now();
    const p = sleep(10_000, c.signal);
    setTimeout(() => c.abort(), 10);
    await assert.rejects(p);
    assert.ok(Date.now() - t0 < 1000);
  });
});
