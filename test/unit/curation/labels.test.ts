import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { facetCounts } from '../../../src/core/curation/facets';
import { labelFiltered, labelTraces, listActions, traceLabel, undoAction } from '../../../src/core/curation/labels';
import { deleteView, findView, listViews, renameView, requireView, saveView } from '../../../src/core/curation/views';
import { computeStoredSignals } from '../../../src/core/signals/record';
import { openStore, type Store } from '../../../src/core/store/open';
import { seedBrowseFixture, type FixtureTrace } from '../../support/browse-fixture';
import { tempDir } from '../../support/tmp';

async function fixture(): Promise<{ store: Store; traces: FixtureTrace[] }> {
  const store = openStore(path.join(tempDir(), 'w2s.db'));
  const traces = seedBrowseFixture(store);
  await computeStoredSignals(store);
  return { store, traces };
}

/** Every labels row, as it is: what an undo must give back exactly. */
const snapshot = (store: Store) =>
  store.db.prepare('SELECT trace_id, decision, star, note FROM labels ORDER BY trace_id').all();

describe('labels', () => {
  it('accept and reject exclude each other, a star goes with either, a note stays; clearing all leaves no row', async () => {
    const { store, traces } = await fixture();
    const id = traces.find((t) => !t.decision && !t.star && !t.note)!.id;
    labelTraces(store, [id], { decision: 'accept' });
    labelTraces(store, [id], { star: true });
    labelTraces(store, [id], { note: 'clean, short' });
    assert.deepEqual(traceLabel(store, id), { decision: 'accept', star: true, note: 'clean, short' });
    labelTraces(store, [id], { decision: 'reject' });
    assert.deepEqual(traceLabel(store, id), { decision: 'reject', star: true, note: 'clean, short' });
    labelTraces(store, [id], { decision: null, star: false, note: null });
    assert.equal(store.db.prepare('SELECT count(*) FROM labels WHERE trace_id = ?').pluck().get(id), 0);
    store.close();
  });

  it('refuses a trace that does not exist and bad changes, changing nothing', async () => {
    const { store, traces } = await fixture();
    const before = snapshot(store);
    assert.throws(() => labelTraces(store, [traces[0]!.id, 999_999], { decision: 'accept' }), /no trace 999999/);
    assert.throws(
      () => labelTraces(store, [traces[0]!.id], { decision: 'maybe' as 'accept' }),
      /decision must be accept, reject or null/,
    );
    assert.throws(() => labelTraces(store, [traces[0]!.id], {}), /nothing to change/);
    assert.throws(() => labelTraces(store, [traces[0]!.id], { note: 'x'.repeat(10_001) }), /at most 10000/);
    assert.deepEqual(snapshot(store), before);
    assert.equal(listActions(store).length, 0, 'a refused action leaves no trace in the history');
    store.close();
  });

  it('a bulk label of everything a filter selects is one action, and its undo restores every trace exactly', async () => {
    const { store, traces } = await fixture();
    const selected = traces.filter((t) => t.verdict === 'incorrect');
    // one trace already has exactly what the bulk label sets: it is left out of the action
    const done = selected[0]!.id;
    labelTraces(store, [done], { decision: 'reject', star: false, note: 'wrong answer' });
    const before = snapshot(store);
    const a = labelFiltered(store, { verdicts: ['incorrect'] }, { decision: 'reject', note: 'wrong answer' });
    assert.equal(a.count, selected.length - 1, 'every selected trace but the one already so');
    const items = store.db
      .prepare('SELECT trace_id FROM label_action_items WHERE action_id = ?')
      .pluck()
      .all(a.id) as number[];
    assert.deepEqual(
      items.sort((x, y) => x - y),
      selected
        .map((t) => t.id)
        .filter((id) => id !== done)
        .sort((x, y) => x - y),
    );
    assert.equal(facetCounts(store, { verdicts: ['incorrect'], labels: ['reject'] }).total, selected.length);
    const u = undoAction(store);
    assert.equal(u.action.id, a.id);
    assert.deepEqual({ restored: u.restored, skipped: u.skipped }, { restored: selected.length - 1, skipped: 0 });
    assert.deepEqual(snapshot(store), before);
    assert.throws(() => undoAction(store, a.id), /already undone/);
    store.close();
  });

  it('a label that changes nothing is an action of no traces, and its undo changes nothing', async () => {
    const { store, traces } = await fixture();
    const id = traces.find((t) => !t.decision && !t.star && !t.note)!.id;
    labelTraces(store, [id], { decision: 'accept', note: 'ok' });
    const before = snapshot(store);
    const again = labelTraces(store, [id], { decision: 'accept', note: 'ok' });
    assert.equal(again.count, 0);
    assert.equal(
      store.db.prepare('SELECT count(*) FROM label_action_items WHERE action_id = ?').pluck().get(again.id),
      0,
    );
    const nothing = labelTraces(store, [traces.find((t) => t.id !== id && !t.decision && !t.star && !t.note)!.id], {
      decision: null,
      star: false,
      note: '',
    });
    assert.equal(nothing.count, 0, 'clearing what is not there');
    assert.deepEqual(snapshot(store), before);
    assert.deepEqual({ restored: undoAction(store, again.id).restored }, { restored: 0 });
    assert.deepEqual(snapshot(store), before, 'undoing the no-op did not undo the real label before it');
    store.close();
  });

  it('undo leaves traces labelled again since as they are now, and says how many', async () => {
    const { store, traces } = await fixture();
    const ids = traces
      .filter((t) => !t.decision && !t.star)
      .slice(0, 4)
      .map((t) => t.id);
    const a = labelTraces(store, ids, { decision: 'accept' });
    labelTraces(store, [ids[0]!], { decision: 'reject' }); // a later change by hand
    const u = undoAction(store, a.id);
    assert.deepEqual({ restored: u.restored, skipped: u.skipped }, { restored: 3, skipped: 1 });
    assert.equal(traceLabel(store, ids[0]!).decision, 'reject');
    for (const id of ids.slice(1)) assert.equal(traceLabel(store, id).decision, null);
    store.close();
  });

  it('history lists actions newest first; undo without a number takes the newest not undone', async () => {
    const { store, traces } = await fixture();
    const a = labelTraces(store, [traces[0]!.id], { star: true });
    const b = labelTraces(store, [traces[1]!.id], { star: true });
    assert.deepEqual(
      listActions(store).map((x) => x.id),
      [b.id, a.id],
    );
    assert.equal(undoAction(store).action.id, b.id);
    assert.equal(undoAction(store).action.id, a.id);
    assert.throws(() => undoAction(store), /Nothing to undo/);
    store.close();
  });
});

describe('saved views', () => {
  it('save, read back, refuse a duplicate unless replacing, rename, delete', async () => {
    const { store } = await fixture();
    const v = saveView(
      store,
      'long wrong',
      { verdicts: ['incorrect'], length: { min: 2000 } },
      { key: 'length', desc: true },
    );
    assert.deepEqual(findView(store, 'long wrong')!.filter, { verdicts: ['incorrect'], length: { min: 2000 } });
    assert.deepEqual(v.sort, { key: 'length', desc: true });
    assert.throws(() => saveView(store, 'long wrong', {}), /exists/);
    saveView(store, 'long wrong', { verdicts: ['no-answer'] }, null, { replace: true });
    assert.deepEqual(requireView(store, 'long wrong').filter, { verdicts: ['no-answer'] });
    assert.throws(
      () => saveView(store, 'bad', { verdicts: ['nope' as 'correct'] }),
      /view "bad"\.verdicts: "nope" is not one of/,
    );
    assert.throws(() => saveView(store, 'bad', {}, { key: 'nope' as 'id' }), /unknown key "nope"/);
    renameView(store, 'long wrong', 'no answer');
    assert.deepEqual(
      listViews(store).map((x) => x.name),
      ['no answer'],
    );
    assert.throws(() => requireView(store, 'long wrong'), /No saved view named "long wrong" \(views: no answer\)/);
    assert.equal(deleteView(store, 'no answer'), true);
    assert.equal(listViews(store).length, 0);
    store.close();
  });
});
