// planWork decides alone what a (re)started run samples: every (problem, sample) of the set without a
// stored trace, plus those whose stored row records a failure; never one stored with text.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { planWork } from '../../../src/core/sampling/resume';
import type { Store } from '../../../src/core/store/open';
import { cleanup, storeWithSet } from './helpers';

let store: Store;
let dir: string;
let setId: number;
let problemIds: number[];
before(async () => {
  ({ store, dir } = await storeWithSet(4, 'plan'));
  setId = (store.db.prepare("SELECT id FROM problem_sets WHERE name = 'plan'").get() as { id: number }).id;
  problemIds = (
    store.db.prepare('SELECT id FROM problems WHERE set_id = ? ORDER BY position').all(setId) as { id: number }[]
  ).map((r) => r.id);
});
after(() => cleanup(store, dir));

let runs = 0;
/** A run of the set with these stored rows: [problem position, sample index, failed?]. */
function runWith(rows: [number, number, boolean][]): number {
  const runId = Number(
    store.db
      .prepare("INSERT INTO runs (name, kind, set_id, model) VALUES (?, 'sample', ?, 'm')")
      .run(`r${++runs}`, setId).lastInsertRowid,
  );
  const insert = store.db.prepare(
    'INSERT INTO traces (run_id, problem_id, sample_index, prompt, answer, error) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const [p, i, failed] of rows)
    insert.run(runId, problemIds[p], i, 'prompt', failed ? null : 'text', failed ? 'HTTP 500: boom' : null);
  return runId;
}

describe('planWork (what a resume samples)', () => {
  it('a new run needs every sample of every problem, in file order', () => {
    const plan = planWork(store, runWith([]), setId, 2);
    assert.deepEqual(
      plan.items.map((w) => [w.key, w.sampleIndices]),
      [
        ['p0', [0, 1]],
        ['p1', [0, 1]],
        ['p2', [0, 1]],
        ['p3', [0, 1]],
      ],
    );
    assert.equal(plan.items[0]!.problemId, problemIds[0]);
    assert.equal(plan.items[2]!.question, 'What is 2 + 2? (problem 2)');
    assert.deepEqual([plan.total, plan.alreadyDone, plan.retrying], [8, 0, 0]);
  });

  it('skips samples stored with text, retries failed ones, and leaves out finished problems', () => {
    const runId = runWith([
      [0, 0, false],
      [0, 1, false],
      [1, 0, true],
      [1, 1, false],
      [2, 1, true],
    ]);
    const plan = planWork(store, runId, setId, 2);
    assert.deepEqual(
      plan.items.map((w) => [w.key, w.sampleIndices]),
      [
        ['p1', [0]],
        ['p2', [0, 1]],
        ['p3', [0, 1]],
      ],
    );
    assert.deepEqual([plan.total, plan.alreadyDone, plan.retrying], [8, 3, 2]);
  });

  it('reads only its own run: another run of the same set changes nothing', () => {
    runWith([
      [0, 0, false],
      [1, 0, false],
    ]);
    const plan = planWork(store, runWith([[3, 0, false]]), setId, 1);
    assert.deepEqual(
      plan.items.map((w) => w.key),
      ['p0', 'p1', 'p2'],
    );
    assert.deepEqual([plan.total, plan.alreadyDone, plan.retrying], [4, 1, 0]);
  });

  it('a limit takes the first problems; more samples per problem extend a finished run', () => {
    const runId = runWith([
      [0, 0, false],
      [1, 0, false],
      [2, 0, false],
      [3, 0, false],
    ]);
    const limited = planWork(store, runId, setId, 2, 2);
    assert.deepEqual(
      limited.items.map((w) => [w.key, w.sampleIndices]),
      [
        ['p0', [1]],
        ['p1', [1]],
      ],
    );
    assert.deepEqual([limited.total, limited.alreadyDone, limited.retrying], [4, 2, 0]);
    const done = planWork(store, runId, setId, 1);
    assert.deepEqual([done.items.length, done.total, done.alreadyDone], [0, 4, 4]);
  });
});
