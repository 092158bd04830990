// Two export rules whose mutants survived: the validation split's size is round(F·n) — checked where
// F·n is not whole, so floor and ceil give other answers — and "duplicate" means the same text for the
// same problem: the same reasoning and answer under two problems are two examples.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { exportDataset, validationProblems } from '../../../src/core/export/export';
import { computeStoredSignals, recordSignals } from '../../../src/core/signals/record';
import { openStore } from '../../../src/core/store/open';
import { seedBrowseFixture } from '../../support/browse-fixture';
import { tempDir } from '../../support/tmp';

const ids = (n: number) => Array.from({ length: n }, (_, i) => 100 + i * 3);

describe('validation split size: round(F·n), at least 1, at most n − 1', () => {
  it('rounds F·n to the nearest whole problem, not down and not up', () => {
    assert.equal(validationProblems(ids(10), 0.34, 1).size, 3, '3.4 → 3 (ceil would give 4)');
    assert.equal(validationProblems(ids(10), 0.36, 1).size, 4, '3.6 → 4 (floor would give 3)');
    assert.equal(validationProblems(ids(7), 0.3, 5).size, 2, '2.1 → 2');
    assert.equal(validationProblems(ids(9), 0.25, 5).size, 2, '2.25 → 2');
    assert.equal(validationProblems(ids(5), 0.3, 5).size, 2, '1.5 → 2 (half up)');
  });

  it('keeps at least one problem on each side', () => {
    assert.equal(validationProblems(ids(10), 0.01, 1).size, 1, '0.1 → at least 1');
    assert.equal(validationProblems(ids(3), 0.9, 1).size, 2, '2.7 → 3, but one problem stays in train');
    assert.equal(validationProblems(ids(2), 0.5, 1).size, 1);
    assert.equal(validationProblems(ids(1), 0.5, 1).size, 0, 'one problem cannot be split');
    assert.equal(validationProblems(ids(10), 0, 1).size, 0, 'no fraction, no split');
  });

  it('takes problems of the list, the same ones for the same seed whatever the input order', () => {
    const list = ids(20);
    const a = validationProblems(list, 0.25, 42);
    for (const p of a) assert.ok(list.includes(p));
    assert.deepEqual(
      [...validationProblems([...list].reverse(), 0.25, 42)].sort(),
      [...a].sort(),
      'input order does not matter',
    );
    const others = [1, 2, 3, 4, 5, 6, 7].map((s) => [...validationProblems(list, 0.25, s)].sort().join());
    assert.ok(new Set(others).size > 1, 'another seed picks other problems');
  });
});

describe('dedupe', () => {
  it('drops a copy of a trace for the same problem, keeps the same text under another problem', async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'w2s.db'));
    try {
      seedBrowseFixture(store);
      await computeStoredSignals(store);
      const src = store.db
        .prepare(
          "SELECT t.id, t.run_id, t.problem_id FROM traces t JOIN grades g ON g.trace_id = t.id WHERE g.verdict = 'correct' ORDER BY t.id LIMIT 1",
        )
        .get() as { id: number; run_id: number; problem_id: number };
      // a text no other trace has, so only the copies below can be its duplicates
      store.db
        .prepare("UPDATE traces SET reasoning = 'Add the two.', answer = 'So \\boxed{17} (copied).' WHERE id = ?")
        .run(src.id);
      const other = store.db
        .prepare('SELECT id FROM problems WHERE id <> ? ORDER BY id LIMIT 1')
        .pluck()
        .get(src.problem_id) as number;
      const copy = (problem: number, sample: number) => {
        const id = Number(
          store.db
            .prepare(
              'INSERT INTO traces (run_id, problem_id, sample_index, prompt, reasoning, answer, finish_reason) SELECT run_id, ?, ?, prompt, reasoning, answer, finish_reason FROM traces WHERE id = ?',
            )
            .run(problem, sample, src.id).lastInsertRowid,
        );
        store.db.prepare("INSERT INTO grades (trace_id, verdict, grader_version) VALUES (?, 'correct', 'x')").run(id);
        recordSignals(store, [id]);
        return id;
      };
      const sameProblem = copy(src.problem_id, 90);
      const otherProblem = copy(other, 91);
      const r = await exportDataset(store, {
        name: 'd',
        preset: 'w2sr',
        format: 'openai',
        out: path.join(dir, 'd.jsonl'),
        dedupe: true,
      });
      const kept = store.db
        .prepare('SELECT trace_id FROM dataset_traces WHERE dataset_id = ?')
        .pluck()
        .all(r.snapshot.id) as number[];
      assert.ok(kept.includes(src.id), 'the original');
      assert.ok(!kept.includes(sameProblem), 'its copy under the same problem is a duplicate');
      assert.ok(kept.includes(otherProblem), 'the same text under another problem is another example');
      assert.equal(r.snapshot.counts.skipped.duplicates, 1);
      assert.equal(
        fs.readFileSync(path.join(dir, 'd.jsonl'), 'utf8').trim().split('\n').length,
        r.snapshot.counts.train,
      );
    } finally {
      store.close();
    }
  });
});
