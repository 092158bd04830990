import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { facetCounts } from '../../../src/core/curation/facets';
import type { TraceFilter, TraceSort } from '../../../src/core/curation/filter';
import { labelFiltered, labelTraces, undoAction } from '../../../src/core/curation/labels';
import { queryTraces } from '../../../src/core/curation/query';
import { createTraceIndex, type TraceIndex } from '../../../src/core/curation/trace-index';
import { computeStoredSignals, recordSignals } from '../../../src/core/signals/record';
import { openStore, type Store } from '../../../src/core/store/open';
import { seedBrowseFixture } from '../../support/browse-fixture';
import { randomFilters } from '../../support/filter-oracle';
import { tempDir } from '../../support/tmp';

async function fixture(): Promise<{ store: Store; file: string }> {
  const file = path.join(tempDir(), 'w2s.db');
  const store = openStore(file);
  seedBrowseFixture(store);
  await computeStoredSignals(store);
  return { store, file };
}

const SORTS: (TraceSort | undefined)[] = [
  undefined,
  { key: 'problem' },
  { key: 'problem', desc: true },
  { key: 'run', desc: true },
  { key: 'length' },
  { key: 'latency', desc: true },
  { key: 'verdict' },
  { key: 'signal:verification', desc: true },
  { key: 'id', desc: true },
];

/** The index must answer exactly as the SQL functions do (which filter.test.ts checks against the plain definition). */
function assertSameAsSql(store: Store, index: TraceIndex, filters: TraceFilter[], note: string): void {
  for (const f of filters) {
    const sql = facetCounts(store, f);
    const mem = index.facets(f);
    assert.deepEqual(mem, sql, `${note}: facets of ${JSON.stringify(f)}`);
    for (const sort of SORTS) {
      const want = queryTraces(store, { filter: f, sort, limit: 500 }).rows.map((r) => r.id);
      const got = index.page({ filter: f, sort, limit: 500 });
      assert.deepEqual(
        got.rows.map((r) => r.id),
        want,
        `${note}: page of ${JSON.stringify(f)} by ${JSON.stringify(sort)}`,
      );
      assert.equal(got.total, want.length);
      // a small first page takes the bounded-heap path; it must agree with the sorted list
      assert.deepEqual(
        index.page({ filter: f, sort, limit: 3, offset: 2 }).rows.map((r) => r.id),
        want.slice(2, 5),
        `${note}: top-k`,
      );
    }
  }
}

describe('the in-memory trace index', () => {
  it('answers facets and pages exactly as the SQL does, for 60 random filters and every sort', async () => {
    const { store } = await fixture();
    const index = createTraceIndex(store);
    await index.load();
    assert.equal(index.size, store.db.prepare('SELECT count(*) FROM trace_signals').pluck().get() as number);
    assertSameAsSql(store, index, [{}, ...randomFilters(60, 3)], 'loaded');
    assert.deepEqual(
      index.ids({ verdicts: ['incorrect'] }, { key: 'length' }),
      queryTraces(store, { filter: { verdicts: ['incorrect'] }, sort: { key: 'length' }, limit: 500 }).rows.map(
        (r) => r.id,
      ),
    );
    store.close();
  });

  it('follows every kind of change: new traces, grades, labels (and their undo), problem metadata, deleted runs', async () => {
    const { store } = await fixture();
    const index = createTraceIndex(store);
    index.refresh();
    const db = store.db;
    const filters = [{}, ...randomFilters(15, 11)];

    // new traces of a new run, with signals as the sampler stores them
    const setId = (db.prepare("SELECT id FROM problem_sets WHERE name = 'gsm-b'").get() as { id: number }).id;
    const runId = Number(
      db
        .prepare("INSERT INTO runs (name, kind, set_id, model, status) VALUES ('teacher-d', 'import', ?, 'm3', 'done')")
        .run(setId).lastInsertRowid,
    );
    const problems = db.prepare('SELECT id FROM problems WHERE set_id = ?').pluck().all(setId) as number[];
    const ids = problems.map((p, i) =>
      Number(
        db
          .prepare(
            "INSERT INTO traces (run_id, problem_id, sample_index, prompt, answer, finish_reason) VALUES (?, ?, 0, 'p', ?, 'stop')",
          )
          .run(runId, p, `Wait, so $\\boxed{${i}}$`).lastInsertRowid,
      ),
    );
    recordSignals(store, ids);
    assertSameAsSql(store, index, filters, 'new traces');

    // grades arriving and changing
    for (const [i, id] of ids.entries())
      db.prepare('INSERT INTO grades (trace_id, verdict, grader_version) VALUES (?, ?, ?)').run(
        id,
        i % 2 ? 'correct' : 'incorrect',
        'x',
      );
    db.prepare("UPDATE grades SET verdict = 'error' WHERE trace_id = ?").run(ids[0]);
    assertSameAsSql(store, index, filters, 'grades');

    // labels, bulk labels and an undo
    labelTraces(store, ids.slice(0, 2), { decision: 'accept', star: true });
    const bulk = labelFiltered(store, { verdicts: ['incorrect'] }, { decision: 'reject' });
    assertSameAsSql(store, index, filters, 'labels');
    undoAction(store, bulk.id);
    assertSameAsSql(store, index, filters, 'undo');

    // a problem's metadata replaced (w2s import --replace keeps ids)
    db.prepare(`UPDATE problems SET metadata = '{"subject":"Geometry","level":5}' WHERE id = ?`).run(problems[0]);
    assertSameAsSql(store, index, filters, 'metadata');

    // a run deleted with its traces
    db.prepare('DELETE FROM traces WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    assertSameAsSql(store, index, filters, 'deleted');
    store.close();
  });

  it('sees writes of another connection (another process), and reloads when the change log was pruned past it', async () => {
    const { store, file } = await fixture();
    const index = createTraceIndex(store);
    index.refresh();
    const other = openStore(file);
    const some = other.db.prepare('SELECT trace_id FROM trace_signals LIMIT 5').pluck().all() as number[];
    labelTraces(other, some, { decision: 'reject' });
    assert.equal(index.facets({ labels: ['reject'] }).total, facetCounts(store, { labels: ['reject'] }).total);
    // changes the index has not seen, pruned from the log, then more: it cannot replay them, so it loads again
    labelTraces(other, some, { star: true });
    other.db.exec('DELETE FROM trace_changes');
    other.db.prepare("UPDATE grades SET verdict = 'correct' WHERE trace_id = ?").run(some[0]);
    assertSameAsSql(store, index, [{}, { labels: ['star'] }, { verdicts: ['correct'] }], 'after pruning');
    other.close();
    store.close();
  });
});
