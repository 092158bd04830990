// runUnit, one unit's attempts, against the fake OpenAI-compatible server on 127.0.0.1 with the
// in-thread request runner and the real trace writer: what is stored after success, retries,
// exhausted retries, permanent and fatal failures, a server that ignores n, and a cancel.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { runUnit, splitTokens, type AttemptContext, type Unit } from '../../../src/core/sampling/attempts';
import type { RequestFailure, SamplingParams } from '../../../src/core/sampling/client';
import { inThreadRunner } from '../../../src/core/sampling/request-pool';
import { BUILTIN_TEMPLATES, renderPrompt } from '../../../src/core/sampling/templates';
import type { Store } from '../../../src/core/store/open';
import { createTraceWriter } from '../../../src/core/traces/trace-writer';
import { fakeAnswer, startFakeServer, type FakeServer, type FakeServerOptions } from '../../fakes/openai-server';
import { cleanup, storeWithSet, traces } from './helpers';

const template = BUILTIN_TEMPLATES.find((t) => t.name === 'qwen-base')!;
const RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5000 };

let server: FakeServer;
let store: Store;
let dir: string;
let questions: string[];
before(async () => {
  server = await startFakeServer();
  ({ store, dir, questions } = await storeWithSet(3, 'units'));
});
after(async () => {
  await server.close();
  cleanup(store, dir);
});
beforeEach(() => {
  server.clearRequests();
});

let runs = 0;
interface Harness {
  ctx: AttemptContext;
  run: string;
  logs: string[];
  queued: Unit[];
  /** Calls of enqueue, even with nothing to queue. */
  enqueueCalls: number;
  fatal: RequestFailure[];
  controller: AbortController;
  /** Commits what the writer holds and returns the run's rows. */
  stored(): ReturnType<typeof traces>;
}

function harness(
  serverOptions: FakeServerOptions,
  extra: { params?: SamplingParams; serverN?: boolean; timeoutMs?: number; retry?: typeof RETRY } = {},
): Harness {
  server.options = serverOptions;
  const run = `u${++runs}`;
  const setId = (store.db.prepare("SELECT id FROM problem_sets WHERE name = 'units'").get() as { id: number }).id;
  const runId = Number(
    store.db
      .prepare("INSERT INTO runs (name, kind, set_id, model) VALUES (?, 'sample', ?, 'fake-model')")
      .run(run, setId).lastInsertRowid,
  );
  const writer = createTraceWriter(store, runId);
  const logs: string[] = [];
  const queued: Unit[] = [];
  const fatal: RequestFailure[] = [];
  const controller = new AbortController();
  const timeoutMs = extra.timeoutMs ?? 2000;
  const ctx: AttemptContext = {
    runner: inThreadRunner({ baseUrl: server.url, timeoutMs }),
    writer,
    model: 'fake-model',
    baseUrl: server.url,
    template,
    params: extra.params ?? { temperature: 0, max_tokens: 512 },
    stream: true,
    timeoutMs,
    deadlineMs: undefined,
    retry: extra.retry ?? RETRY,
    signal: controller.signal,
    log: (level, message) => logs.push(`${level}: ${message}`),
    serverN: extra.serverN,
    inFlight: 0,
    lastError: null,
    enqueue: (units) => {
      h.enqueueCalls++;
      queued.push(...units);
    },
    onFatal: (f) => fatal.push(f),
  };
  const h: Harness = {
    ctx,
    run,
    logs,
    queued,
    enqueueCalls: 0,
    fatal,
    controller,
    stored: () => (writer.flush(), traces(store, run)),
  };
  return h;
}

/** The unit for problem `p` (0-based) and these sample indices. */
function unit(p: number, indices: number[]): Unit {
  const row = store.db
    .prepare(
      "SELECT p.id, p.key, p.question FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = 'units' AND p.position = ?",
    )
    .get(p) as {
    id: number;
    key: string;
    question: string;
  };
  return { item: { problemId: row.id, key: row.key, question: row.question, sampleIndices: indices }, indices };
}

describe('runUnit', () => {
  it('stores a first-try answer with its prompt, usage and one attempt', async () => {
    const h = harness({});
    await runUnit(h.ctx, unit(0, [0]));
    const [row, ...rest] = h.stored();
    assert.equal(rest.length, 0);
    assert.equal(row!.error, null);
    assert.equal(row!.attempts, 1);
    const sent = (server.requests[0]!.body.messages as { role: string; content: string }[]).at(-1)!.content;
    assert.ok(sent.startsWith(questions[0]!), 'the template wraps the question');
    assert.equal(row!.prompt, renderPrompt(template, questions[0]!).stored, 'the exact prompt sent is stored');
    assert.match(row!.answer!, new RegExp(`\\\\boxed\\{${fakeAnswer(sent)}\\}`));
    assert.ok(row!.prompt_tokens! > 0);
    assert.ok(row!.completion_tokens! > 0);
    assert.equal(row!.finish_reason, 'stop');
    assert.equal(h.ctx.inFlight, 0);
    assert.equal(server.requests.length, 1);
    const { latency_ms } = store.db
      .prepare('SELECT latency_ms FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = ?')
      .get(h.run) as { latency_ms: number };
    assert.ok(latency_ms >= 0 && latency_ms < 60_000, `latency ${latency_ms} ms`);
    assert.equal(h.ctx.serverN, undefined, 'one sample says nothing about n');
  });

  it('a single sample is still sent to a server known to ignore n', async () => {
    const h = harness({}, { serverN: false });
    await runUnit(h.ctx, unit(1, [0]));
    assert.deepEqual(
      h.stored().map((r) => [r.sample_index, r.error]),
      [[0, null]],
    );
    assert.equal(server.requests.length, 1);
    assert.equal(h.enqueueCalls, 0);
  });

  it('retries a 500 and stores the answer with the number of attempts it took', async () => {
    const h = harness({
      fault: (c) => (c.attempt <= 2 ? { kind: 'status', status: 500, message: 'busy' } : undefined),
    });
    await runUnit(h.ctx, unit(1, [0]));
    const [row] = h.stored();
    assert.equal(row!.error, null);
    assert.equal(row!.attempts, 3);
    assert.equal(server.requests.length, 3);
    assert.equal(h.ctx.lastError, null);
    assert.equal(h.ctx.inFlight, 0);
  });

  it('waits as long as Retry-After says before the next attempt', async () => {
    const h = harness({
      fault: (c) => (c.attempt === 1 ? { kind: 'status', status: 429, retryAfter: '0.4' } : undefined),
    });
    const t0 = Date.now();
    await runUnit(h.ctx, unit(2, [0]));
    assert.ok(Date.now() - t0 >= 400, `waited ${Date.now() - t0} ms`);
    assert.equal(h.stored()[0]!.attempts, 2);
  });

  it('after the last attempt, records the failure on the trace (no text) and on the context', async () => {
    const h = harness({ fault: () => ({ kind: 'status', status: 503, message: 'overloaded' }) });
    await runUnit(h.ctx, unit(0, [0, 1]));
    const rows = h.stored();
    assert.deepEqual(
      rows.map((r) => [r.sample_index, r.answer, r.attempts]),
      [
        [0, null, 3],
        [1, null, 3],
      ],
    );
    for (const r of rows) assert.match(r.error!, /HTTP 503: overloaded/);
    assert.match(h.ctx.lastError!, /HTTP 503: overloaded/);
    assert.equal(server.requests.length, RETRY.maxAttempts);
    assert.ok(
      h.logs.some((l) => /^warn: p0 #0,1: failed after 3 attempt\(s\)/.test(l)),
      h.logs.join('\n'),
    );
  });

  it('a 400 is recorded at once, never retried', async () => {
    const h = harness({ fault: () => ({ kind: 'status', status: 400, message: 'prompt too long' }) });
    await runUnit(h.ctx, unit(1, [0]));
    const [row] = h.stored();
    assert.equal(row!.attempts, 1);
    assert.match(row!.error!, /HTTP 400: prompt too long/);
    assert.equal(server.requests.length, 1);
  });

  it('a 401 stops the run through onFatal and stores nothing', async () => {
    const h = harness({ fault: () => ({ kind: 'status', status: 401, message: 'bad key' }) });
    await runUnit(h.ctx, unit(2, [0]));
    assert.equal(h.fatal.length, 1);
    assert.equal(h.fatal[0]!.kind, 'fatal');
    assert.deepEqual(h.stored(), []);
    assert.equal(server.requests.length, 1);
  });

  it('a server that ignores n: stores what came back, queues the rest as single requests, remembers it', async () => {
    const h = harness({ supportsN: false });
    await runUnit(h.ctx, unit(0, [0, 1, 2]));
    assert.equal(h.ctx.serverN, false);
    assert.deepEqual(
      h.stored().map((r) => r.sample_index),
      [0],
    );
    assert.deepEqual(
      h.queued.map((u) => u.indices),
      [[1], [2]],
    );
    assert.equal(h.logs.filter((l) => /ignores n \(asked 3, got 1\)/.test(l)).length, 1);
    // Known not to honour n: the next multi-sample unit is split without a request.
    h.queued.length = 0;
    server.clearRequests();
    await runUnit(h.ctx, unit(1, [0, 1]));
    assert.deepEqual(
      h.queued.map((u) => u.indices),
      [[0], [1]],
    );
    assert.equal(server.requests.length, 0);
  });

  it('a server that honours n stores every sample of one request and says so', async () => {
    const h = harness({});
    await runUnit(h.ctx, unit(2, [0, 1, 2]));
    assert.equal(h.ctx.serverN, true);
    assert.deepEqual(
      h.stored().map((r) => r.sample_index),
      [0, 1, 2],
    );
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]!.body.n, 3);
    assert.equal(h.enqueueCalls, 0);
    assert.deepEqual(h.logs, []);
  });

  it('a server that honoured n and then stops is noticed and said', async () => {
    const h = harness({ supportsN: false }, { serverN: true });
    await runUnit(h.ctx, unit(1, [0, 1]));
    assert.equal(h.ctx.serverN, false);
    assert.equal(h.logs.filter((l) => /ignores n \(asked 2, got 1\)/.test(l)).length, 1);
    assert.deepEqual(
      h.queued.map((u) => u.indices),
      [[1]],
    );
  });

  it('the usage of an n-sample request is shared among its traces and adds up to what the server reported', async () => {
    const h = harness({ reasoning: 'reasoning_content' });
    await runUnit(h.ctx, unit(0, [0, 1]));
    const rows = h.stored();
    // The fake server reports ceil(chars / 4) per choice of reasoning + answer (test/fakes/openai-server.ts).
    const reported = rows.reduce((a, r) => a + Math.ceil(((r.reasoning ?? '') + (r.answer ?? '')).length / 4), 0);
    assert.equal(
      rows.reduce((a, r) => a + r.completion_tokens!, 0),
      reported,
    );
    for (const r of rows) assert.ok(r.completion_tokens! > 0);
  });

  it('a retryable failure whose message mentions choices is retried, not taken for a refusal of n', async () => {
    const h = harness({
      fault: (c) =>
        c.attempt === 1 ? { kind: 'status', status: 500, message: 'no choices yet, n is busy' } : undefined,
    });
    await runUnit(h.ctx, unit(2, [0, 1]));
    assert.deepEqual(
      h.stored().map((r) => [r.sample_index, r.attempts, r.error]),
      [
        [0, 2, null],
        [1, 2, null],
      ],
    );
    assert.equal(h.ctx.serverN, true);
    assert.equal(h.enqueueCalls, 0);
  });

  it('a 400 that mentions n on a single-sample request is a failure of that trace, not a reason to split', async () => {
    const h = harness({ fault: () => ({ kind: 'status', status: 400, message: 'n must be 1 for this model' }) });
    await runUnit(h.ctx, unit(0, [0]));
    assert.match(h.stored()[0]!.error!, /HTTP 400: n must be 1/);
    assert.equal(h.ctx.serverN, undefined);
    assert.equal(h.enqueueCalls, 0);
  });

  it('a 400 that rejects n splits the unit into single requests instead of failing it', async () => {
    const h = harness({
      fault: (c) =>
        (c.body.n as number) > 1 ? { kind: 'status', status: 400, message: 'n must be 1 for this model' } : undefined,
    });
    await runUnit(h.ctx, unit(0, [0, 1]));
    assert.equal(h.ctx.serverN, false);
    assert.deepEqual(
      h.queued.map((u) => u.indices),
      [[0], [1]],
    );
    assert.deepEqual(h.stored(), []);
    assert.ok(h.logs.some((l) => /rejects n > 1/.test(l)));
  });

  it('a cancel while the request is in flight stores nothing, even on its last attempt', async () => {
    const h = harness(
      { fault: () => ({ kind: 'slow', delayMs: 5000 }) },
      { retry: { ...RETRY, maxAttempts: 1 }, timeoutMs: 10_000 },
    );
    const running = runUnit(h.ctx, unit(1, [0]));
    setTimeout(() => h.controller.abort(), 200);
    await running;
    assert.deepEqual(h.stored(), []);
    assert.equal(h.ctx.lastError, null);
  });

  it('separate requests of one problem get seed + their first sample index; no seed stays no seed', async () => {
    const seeded = harness({}, { params: { temperature: 0.6, seed: 7 } });
    await runUnit(seeded.ctx, unit(1, [2]));
    assert.equal(server.requests[0]!.body.seed, 9);
    server.clearRequests();
    const plain = harness({});
    await runUnit(plain.ctx, unit(1, [2]));
    assert.equal(server.requests[0]!.body.seed, undefined);
    server.clearRequests();
    // A seed of null (settings written as JSON) is no seed either.
    const nulled = harness({}, { params: { temperature: 0.6, seed: null as unknown as number } });
    await runUnit(nulled.ctx, unit(1, [2]));
    assert.equal(server.requests[0]!.body.seed ?? null, null);
  });

  it('a cancel during the backoff returns at once and stores nothing', async () => {
    const h = harness({ fault: () => ({ kind: 'status', status: 429, retryAfter: '30' }) });
    const t0 = Date.now();
    const running = runUnit(h.ctx, unit(2, [0]));
    setTimeout(() => h.controller.abort(), 200);
    await running;
    assert.ok(Date.now() - t0 < 5000, 'did not wait out Retry-After');
    assert.deepEqual(h.stored(), []);
    assert.equal(h.ctx.inFlight, 0);
  });
});

describe('splitTokens', () => {
  it("gives one request's usage to its traces in proportion to their text, adding up to the total", () => {
    assert.deepEqual(splitTokens(100, [1]), [100]);
    assert.deepEqual(splitTokens(100, [1, 3]), [25, 75]);
    assert.deepEqual(splitTokens(10, [1, 1, 1]), [4, 3, 3]);
    assert.deepEqual(splitTokens(11, [1, 1, 1]), [4, 4, 3]);
    assert.deepEqual(splitTokens(7, [0, 0]), [4, 3]);
    assert.deepEqual(splitTokens(null, [5, 5]), [null, null]);
  });
});
