// The comparison against a base, through buildComparison on a real store: a pinned base run stands for
// its set instead of the latest one; the base's own row has no Δ (it is the reference); a model's
// average Δ is taken only over sets the base was evaluated on too, and says over how many. Accuracies
// are chosen so each wrong rule gives another number.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GRADER_VERSION } from '../../../src/core/grader';
import { importProblemSet } from '../../../src/core/problems/import';
import { buildComparison } from '../../../src/core/results/comparison';
import { openStore, type Store } from '../../../src/core/store/open';
import { importTraces } from '../../../src/core/traces/import-traces';
import { tempDir, writeFile } from '../../support/tmp';

let store: Store;
let dir: string;
const question = (set: string, i: number) => `In set ${set}, what is ${i} + ${i}?`;

/** An evaluation of `set` by `model` where the first `right` of the 4 problems are answered correctly. */
function evaluation(set: string, run: string, model: string, right: number): void {
  const file = writeFile(
    dir,
    `${run}.jsonl`,
    [0, 1, 2, 3]
      .map((i) =>
        JSON.stringify({
          question: question(set, i),
          response: [`\\boxed{${i < right ? 2 * i : 999}}`],
          gt_answer: String(2 * i),
        }),
      )
      .join('\n'),
  );
  importTraces(store, { file, setName: set, runName: run, model });
  // graded as the grader would: the boxed answer against the gold
  const traces = store.db
    .prepare(
      'SELECT t.id, t.answer, p.answer AS gold FROM traces t JOIN runs r ON r.id = t.run_id JOIN problems p ON p.id = t.problem_id WHERE r.name = ?',
    )
    .all(run) as { id: number; answer: string; gold: string }[];
  for (const t of traces) {
    const extracted = /\\boxed\{(\d+)\}/.exec(t.answer)![1]!;
    store.db
      .prepare('INSERT INTO grades (trace_id, extracted, verdict, grader_version) VALUES (?, ?, ?, ?)')
      .run(t.id, extracted, extracted === t.gold ? 'correct' : 'incorrect', GRADER_VERSION);
  }
}

before(async () => {
  dir = tempDir('w2s-comparison-');
  store = openStore(path.join(dir, 'w2s.db'));
  for (const set of ['a', 'b']) {
    const file = writeFile(
      dir,
      `${set}.jsonl`,
      [0, 1, 2, 3]
        .map((i) => JSON.stringify({ id: `${set}${i}`, problem: question(set, i), answer: String(2 * i) }))
        .join('\n'),
    );
    await importProblemSet(store, { file, name: set });
  }
  evaluation('a', 'base-a-old', 'base-model', 1); // 0.25
  evaluation('a', 'base-a-new', 'base-model', 3); // 0.75, the latest
  evaluation('a', 'student-a', 'student-model', 4); // 1.0
  evaluation('b', 'student-b', 'student-model', 2); // 0.5; the base has no evaluation of b
});
after(() => store.close());

const close = (a: number | null | undefined, b: number) =>
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-9, `${a} ≉ ${b}`);

describe('the comparison against a base', () => {
  it('the base model: its latest evaluation stands; Δ is on the problems both were graded on', async () => {
    const c = await buildComparison(store, { base: 'base-model', sets: ['a'] });
    assert.equal(c.base, 'base-model');
    const [base, student] = c.rows;
    assert.equal(base!.model, 'base-model', 'the base row first');
    assert.deepEqual(base!.roles, ['base']);
    assert.equal(base!.cells.a!.run, 'base-a-new');
    close(student!.cells.a!.delta?.value, 1 - 0.75);
    assert.equal(student!.cells.a!.delta!.common, 4);
    close(student!.average.delta?.value, 0.25);
  });

  it('a pinned base run stands for its set instead of the latest', async () => {
    const c = await buildComparison(store, { base: 'base-a-old', sets: ['a'] });
    assert.equal(c.base, 'base-model', 'the run names its model');
    const base = c.rows.find((r) => r.model === 'base-model')!;
    const student = c.rows.find((r) => r.model === 'student-model')!;
    assert.equal(base.cells.a!.run, 'base-a-old');
    close(base.cells.a!.metrics.accuracy, 0.25);
    close(student.cells.a!.delta?.value, 1 - 0.25);
    close(student.average.delta?.value, 0.75);
  });

  it('the base row has no Δ of its own, in a cell or on average', async () => {
    for (const selector of ['base-model', 'base-a-old']) {
      const c = await buildComparison(store, { base: selector });
      const base = c.rows.find((r) => r.model === 'base-model')!;
      assert.equal(base.cells.a!.delta, null, selector);
      assert.equal(base.average.delta, null, selector);
    }
  });

  it('the average Δ is over the sets the base was evaluated on too, and says how many', async () => {
    const c = await buildComparison(store, { base: 'base-model', sets: ['a', 'b'] });
    const student = c.rows.find((r) => r.model === 'student-model')!;
    close(student.average.accuracy, (1 + 0.5) / 2);
    assert.equal(student.average.over, 2);
    assert.equal(student.cells.b!.delta, null, 'no base on b: no Δ there');
    // the base lacks b: the average Δ is a's Δ alone (not 1.0 − 0.75 with b's 0.5 counted, nor b against nothing)
    close(student.average.delta?.value, 1 - 0.75);
    assert.equal(student.average.delta?.over, 1);
    assert.equal(student.average.delta?.common, 4);
    const base = c.rows.find((r) => r.model === 'base-model')!;
    assert.equal(base.cells.b, null);
    close(base.average.accuracy, 0.75);
    assert.equal(base.average.over, 1);
  });

  it('without a base: no Δ anywhere', async () => {
    const c = await buildComparison(store, { sets: ['a', 'b'] });
    assert.equal(c.base, null);
    for (const row of c.rows) {
      assert.equal(row.average.delta, null);
      for (const cell of Object.values(row.cells)) if (cell) assert.equal(cell.delta, null);
    }
  });
});
