import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createTraceIndex } from '../../../src/core/curation/trace-index';
import { deleteSet } from '../../../src/core/problems/delete-set';
import { computeStoredSignals } from '../../../src/core/signals';
import { deleteRun, planRunDeletion } from '../../../src/core/runs/delete-run';
import { claimRun, finishRun, findRun } from '../../../src/core/runs/runs';
import { openStore } from '../../../src/core/store/open';
import { seedBrowseFixture } from '../../support/browse-fixture';
import { tempDir } from '../../support/tmp';

function fixture() {
  const store = openStore(path.join(tempDir(), 'w2s.db'));
  seedBrowseFixture(store);
  const count = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n;
  const snapshot = () => ({
    runs: count('SELECT count(*) AS n FROM runs'),
    traces: count('SELECT count(*) AS n FROM traces'),
    grades: count('SELECT count(*) AS n FROM grades'),
    labels: count('SELECT count(*) AS n FROM labels'),
    problems: count('SELECT count(*) AS n FROM problems'),
    sets: count('SELECT count(*) AS n FROM problem_sets'),
  });
  return { store, snapshot };
}

describe('deleting runs and sets', () => {
  it('is one transaction: a failure while deleting the second run of a set leaves the first run, its traces and the set in place', () => {
    const { store, snapshot } = fixture();
    const before = snapshot();
    // teacher-b is deleted after teacher-a; its delete fails, as a full disk or an I/O error would
    store.db.exec(
      "CREATE TRIGGER boom BEFORE DELETE ON runs WHEN old.name = 'teacher-b' BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END",
    );
    assert.throws(() => deleteSet(store, 'math-a', { cascade: true }), /disk I\/O error \(test\)/);
    assert.deepEqual(snapshot(), before);
    assert.ok(findRun(store, 'teacher-a'));
    assert.equal(store.db.inTransaction, false);
    store.close();
  });

  it('refuses a run this process is sampling, and deletes it once sampling finished', () => {
    const { store } = fixture();
    const run = findRun(store, 'teacher-c')!;
    claimRun(store, run.id);
    assert.throws(
      () => deleteRun(store, 'teacher-c'),
      /being sampled right now by this process\. Cancel the sampling first/,
    );
    assert.throws(() => planRunDeletion(store, 'teacher-c'), /being sampled right now/);
    finishRun(store, run.id, 'cancelled', null);
    assert.equal(deleteRun(store, 'teacher-c').run, 'teacher-c');
    assert.equal(findRun(store, 'teacher-c'), undefined);
    store.close();
  });

  it('deletes the re-runs layered over an evaluation with it', () => {
    const { store } = fixture();
    const a = findRun(store, 'teacher-a')!;
    const b = findRun(store, 'teacher-b')!;
    store.db.prepare('INSERT INTO run_reruns (run_id, rerun_of) VALUES (?, ?)').run(b.id, a.id);
    const plan = planRunDeletion(store, 'teacher-a');
    assert.deepEqual(plan.reruns, ['teacher-b']);
    deleteRun(store, 'teacher-a');
    assert.equal(findRun(store, 'teacher-b'), undefined);
    assert.equal(
      (
        store.db
          .prepare(
            "SELECT count(*) AS n FROM traces t JOIN problems p ON p.id = t.problem_id JOIN problem_sets s ON s.id = p.set_id WHERE s.name = 'math-a'",
          )
          .get() as { n: number }
      ).n,
      0,
    );
    store.close();
  });
});

describe('a deleted run leaves the browser', () => {
  it('the in-memory trace index of a long-lived caller (the extension) drops its traces and its facet value on refresh', async () => {
    const { store } = fixture();
    await computeStoredSignals(store);
    const index = createTraceIndex(store);
    await index.load();
    const runs = () =>
      index
        .facets({})
        .facets.run.map((v) => v.value)
        .sort();
    assert.deepEqual(runs(), ['teacher-a', 'teacher-b', 'teacher-c']);
    const before = index.facets({}).total;
    const gone = planRunDeletion(store, 'teacher-b').signals;
    deleteRun(store, 'teacher-b');
    assert.deepEqual(runs(), ['teacher-a', 'teacher-c']);
    assert.equal(index.facets({}).total, before - gone);
    assert.equal(index.page({ filter: { runs: ['teacher-b'] }, offset: 0, limit: 10 }).rows.length, 0);
    store.close();
  });
});
