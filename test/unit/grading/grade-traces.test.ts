import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { accuracy, verdictCountsByRun } from '../../../src/core/grading/counts';
import { gradeTraces } from '../../../src/core/grading/grade-traces';
import { createLiveGrader } from '../../../src/core/grading/live-grader';
import { createGraderPool, gradeResponse, GRADER_VERSION, type GraderPool } from '../../../src/core/grader';
import { openStore, type Store } from '../../../src/core/store/open';
import { seedRealTraces, seedTraces, tracesWithKnownVerdicts } from '../../support/traces-fixture';
import { REPO_ROOT, tempDir } from '../../support/tmp';

let store: Store;
let pool: GraderPool;
before(() => {
  store = openStore(path.join(tempDir(), 'w2s.db'));
  pool = createGraderPool({ size: 2, workerPath: path.join(REPO_ROOT, 'src', 'core', 'grader', 'worker.ts') });
});
after(async () => {
  await pool.close();
  store.close();
});

const grades = () =>
  store.db.prepare('SELECT trace_id, extracted, verdict, grader_version FROM grades ORDER BY trace_id').all() as {
    trace_id: number;
    extracted: string | null;
    verdict: string;
    grader_version: string;
  }[];

describe('grading stored traces', () => {
  it('grades a run through the worker pool exactly as the synchronous grader does, and counts verdicts', async () => {
    const { runId, traces } = seedRealTraces(store, 'real');
    const summary = await gradeTraces(store, pool, { runs: ['real'], batchSize: 64 });
    assert.equal(summary.graded, traces.length);
    const rows = grades();
    assert.equal(rows.length, traces.length);
    const expected: Record<string, number> = {};
    traces.forEach((t, i) => {
      const r = gradeResponse({ gold: t.gold, response: t.response, type: 'math' });
      expected[r.verdict] = (expected[r.verdict] ?? 0) + 1;
      assert.equal(rows[i]!.verdict, r.verdict, `trace ${i}`);
      assert.equal(rows[i]!.extracted, r.extracted);
      assert.equal(rows[i]!.grader_version, GRADER_VERSION);
    });
    assert.deepEqual(summary.counts, expected);
    const c = verdictCountsByRun(store).get(runId)!;
    assert.equal(c.correct, expected.correct);
    assert.equal(c.ungraded, 0);
    // fixed verdicts, not only the plumbing: Math-Verify 0.8.0 marks 375 of these 400 responses correct
    // (the fixture's math_verify_correct), and the grader agrees on all 400
    assert.equal(c.correct, traces.filter((t) => t.math_verify_correct).length);
    assert.equal(c.correct, 375);
    assert.equal(accuracy(c), 375 / 400);
  });

  it('grades only what is missing, re-grades a stale grader version on request, and everything with "all"', async () => {
    assert.equal((await gradeTraces(store, pool, { runs: ['real'] })).graded, 0);
    store.db
      .prepare(
        "UPDATE grades SET grader_version = 'old', verdict = 'error' WHERE trace_id IN (SELECT id FROM traces ORDER BY id LIMIT 5)",
      )
      .run();
    assert.equal((await gradeTraces(store, pool, { runs: ['real'] })).graded, 0);
    const stale = await gradeTraces(store, pool, { runs: ['real'], mode: 'stale' });
    assert.equal(stale.graded, 5);
    // all five were stored as `error` by the "old" grader and are graded again: five verdicts changed
    const realRun = (store.db.prepare("SELECT id FROM runs WHERE name = 'real'").get() as { id: number }).id;
    assert.deepEqual(stale.changes.get(realRun), { regraded: 5, changed: 5 });
    assert.ok(grades().every((g) => g.grader_version === GRADER_VERSION && g.verdict !== 'error'));
    // a stale grade whose verdict stays the same is re-graded but not counted as changed
    store.db
      .prepare("UPDATE grades SET grader_version = 'old' WHERE trace_id IN (SELECT id FROM traces ORDER BY id LIMIT 3)")
      .run();
    assert.deepEqual((await gradeTraces(store, pool, { runs: ['real'], mode: 'stale' })).changes.get(realRun), {
      regraded: 3,
      changed: 0,
    });
    const all = await gradeTraces(store, pool, { runs: ['real'], mode: 'all' });
    assert.equal(all.graded, 400);
    assert.deepEqual(all.changes.get(realRun), { regraded: 400, changed: 0 });
  });

  it('an interrupted grade keeps what it committed and resumes', async () => {
    seedRealTraces(store, 'again', 200);
    const controller = new AbortController();
    const first = await gradeTraces(store, pool, {
      runs: ['again'],
      batchSize: 50,
      signal: controller.signal,
      onProgress: (p) => p.done >= 100 && controller.abort(),
    });
    assert.equal(first.cancelled, true);
    assert.equal(first.graded, 100);
    const second = await gradeTraces(store, pool, { runs: ['again'] });
    assert.equal(second.graded, 100);
  });

  it('names an unknown run', async () => {
    await assert.rejects(gradeTraces(store, pool, { runs: ['nope'] }), /No run named "nope". Runs: again, real/);
  });

  it('grades traces as they arrive', async () => {
    const { runId } = seedRealTraces(store, 'live', 40);
    const ids = (
      store.db.prepare('SELECT id FROM traces WHERE run_id = ? ORDER BY id').all(runId) as { id: number }[]
    ).map((r) => r.id);
    const live = createLiveGrader(store, pool, { batchSize: 8 });
    for (let i = 0; i < ids.length; i += 5) live.enqueue(ids.slice(i, i + 5));
    await live.drain();
    assert.equal(live.graded, 40);
    assert.equal(live.lastError, undefined);
    assert.equal(verdictCountsByRun(store).get(runId)!.ungraded, 0);
  });

  it('stores the verdict a reader gives a plainly right, a plainly wrong and an unanswered trace', async () => {
    const known = tracesWithKnownVerdicts();
    const runId = seedTraces(
      store,
      'known',
      known.map((k) => k.trace),
    );
    const summary = await gradeTraces(store, pool, { runs: ['known'] });
    assert.equal(summary.graded, known.length);
    const stored = store.db
      .prepare(
        'SELECT g.extracted, g.verdict FROM grades g JOIN traces t ON t.id = g.trace_id WHERE t.run_id = ? ORDER BY t.id',
      )
      .all(runId) as { extracted: string | null; verdict: string }[];
    assert.deepEqual(
      stored,
      known.map((k) => ({ extracted: k.extracted, verdict: k.verdict })),
    );
    assert.deepEqual(summary.counts, { correct: 1, incorrect: 1, 'no-answer': 1 });
  });
});
