/** The worker pool: order, equality with the synchronous path, kill-and-replace, errors. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { createGraderPool, gradeResponse, type GradeInput } from '../../../src/core/grader';
import { REAL_TRACES } from '../../support/tmp';

const WORKER = path.resolve(__dirname, '../../../src/core/grader/worker.ts');
const HANG_WORKER = path.resolve(__dirname, 'fixtures/hang-worker.ts');

/** The first 120 real responses; a missing or unreadable fixture fails the test that needs it. */
function traceItems(): GradeInput[] {
  const items = readFileSync(REAL_TRACES, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, 120)
    .map((l) => {
      const r = JSON.parse(l) as { gold: string; response: string };
      return { gold: r.gold, response: r.response, type: 'math' as const };
    });
  assert.equal(items.length, 120, `${REAL_TRACES} holds fewer than 120 responses`);
  return items;
}

const pools: { close(): Promise<void> }[] = [];
after(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

test('pool results are in input order and equal to the synchronous path', async () => {
  const pool = createGraderPool({ size: 2, workerPath: WORKER, batchSize: 7 });
  pools.push(pool);
  const items: GradeInput[] = [
    ...traceItems(),
    { gold: '\\frac{1}{2}', response: 'The answer is \\boxed{0.5}' },
    { gold: 'B', response: 'Answer: C' },
    { gold: '5', response: 'no answer here' },
    { gold: '9^{9^{9^{9}}}', response: '\\boxed{9^{9^{9^{9}}}+1}', type: 'math' },
  ];
  const got = await pool.grade(items);
  assert.equal(got.length, items.length);
  assert.deepEqual(
    got,
    items.map((i) => gradeResponse(i)),
  );
  assert.equal(got[got.length - 1].detail, 'timeout');
  assert.equal(got[got.length - 2].verdict, 'no-answer');
  assert.equal(got[got.length - 3].verdict, 'incorrect');
  assert.equal(got[got.length - 4].verdict, 'correct');
  // concurrent calls keep their own order
  const [a, b] = await Promise.all([pool.grade(items.slice(0, 30)), pool.grade(items.slice(30, 60).reverse())]);
  assert.deepEqual(a, got.slice(0, 30));
  assert.deepEqual(b, got.slice(30, 60).reverse());
  assert.deepEqual(await pool.grade([]), []);
});

test('a worker that hangs is killed and replaced; the item gets error/timeout; the rest still grade', async () => {
  const pool = createGraderPool({ size: 1, workerPath: HANG_WORKER, timeoutMs: 400, batchSize: 10 });
  pools.push(pool);
  const items: GradeInput[] = [
    { gold: '1', response: '\\boxed{1}' },
    { gold: '1', response: '__HANG__' },
    { gold: '2', response: '\\boxed{2}' },
    { gold: '3', response: '\\boxed{4}' },
  ];
  const t = performance.now();
  const got = await pool.grade(items);
  const ms = performance.now() - t;
  assert.deepEqual(
    got.map((r) => r.verdict),
    ['correct', 'error', 'correct', 'incorrect'],
  );
  assert.equal(got[1].detail, 'timeout');
  assert.ok(pool.stats.killed >= 1 && pool.stats.started >= 2, JSON.stringify(pool.stats));
  assert.equal(pool.stats.crashed, 0, 'a worker killed past the time cap did not crash');
  assert.ok(ms < 20_000, `took ${ms} ms`);
  // the replacement keeps working
  assert.deepEqual(
    (await pool.grade([{ gold: '5', response: '\\boxed{5}' }])).map((r) => r.verdict),
    ['correct'],
  );
});

test('a worker that crashes is replaced; its item gets error', async () => {
  const pool = createGraderPool({ size: 1, workerPath: HANG_WORKER, timeoutMs: 5000 });
  pools.push(pool);
  const got = await pool.grade([
    { gold: '1', response: '\\boxed{1}' },
    { gold: '1', response: '__CRASH__' },
    { gold: '2', response: '\\boxed{2}' },
  ]);
  assert.equal(got[0].verdict, 'correct');
  assert.equal(got[1].verdict, 'error');
  assert.match(got[1].detail ?? '', /exit/);
  assert.equal(got[2].verdict, 'correct');
  // counted, so that w2s sample / w2s grade can say so and exit non-zero
  assert.equal(pool.stats.crashed, 1);
  assert.match(pool.stats.lastCrash ?? '', /exited with code 3/);
});

test('a missing worker script rejects instead of hanging', async () => {
  const pool = createGraderPool({ size: 1, workerPath: path.join(__dirname, 'fixtures/does-not-exist.js') });
  pools.push(pool);
  await assert.rejects(pool.grade([{ gold: '1', response: '\\boxed{1}' }]), /failed to start/);
});

test('close() rejects pending work and later calls', async () => {
  const pool = createGraderPool({ size: 1, workerPath: WORKER });
  const pending = assert.rejects(pool.grade(traceItems()), /closed/);
  await pool.close();
  await pending;
  await assert.rejects(pool.grade([{ gold: '1', response: '1' }]), /closed/);
});
