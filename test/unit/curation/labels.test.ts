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

describe('label rules the history and the undo depend on', () => {
  it('each action describes its change and its traces: what the history and the undo message show', async () => {
    const { store, traces } = await fixture();
    const free = traces.filter((t) => !t.decision && !t.star && !t.note).map((t) => t.id);
    const [a, b] = [free[0]!, free[1]!];
    // one trace named twice is one trace
    assert.equal(labelTraces(store, [a, a], { decision: 'accept' }).description, `accept: trace ${a}`);
    assert.equal(labelTraces(store, [a, b, a], { star: true, note: 'tidy' }).description, 'star, note: 2 traces');
    assert.equal(
      labelTraces(store, [a], { decision: null, star: false, note: '' }).description,
      `clear accept/reject, unstar, clear note: trace ${a}`,
    );
    assert.equal(labelTraces(store, [b], { note: null }).description, `clear note: trace ${b}`);
    const incorrect = traces.filter((t) => t.verdict === 'incorrect').length;
    const bulk = labelFiltered(store, { verdicts: ['incorrect'] }, { decision: 'reject' });
    assert.equal(bulk.description, `reject: bulk (${incorrect} selected)`);
    assert.deepEqual(bulk.filter, { verdicts: ['incorrect'] }, 'a bulk action keeps its filter');
    const named = labelFiltered(store, { verdicts: ['incorrect'] }, { star: false }, 'view "wrong"');
    assert.equal(named.description, `unstar: view "wrong" (${incorrect} selected)`);
    assert.equal(listActions(store).at(-1)!.filter, null, 'an action on named traces has no filter');
    store.close();
  });

  it('a star must be true or false and a note text or null; a note of exactly 10000 characters is kept', async () => {
    const { store, traces } = await fixture();
    const id = traces.find((t) => !t.decision && !t.star && !t.note)!.id;
    const before = snapshot(store);
    assert.throws(() => labelTraces(store, [id], { star: 1 as unknown as boolean }), {
      code: 'BAD_LABEL',
      message: 'label: star must be true or false.',
    });
    assert.throws(() => labelTraces(store, [id], { note: 5 as unknown as string }), {
      code: 'BAD_LABEL',
      message: 'label: note must be text or null.',
    });
    assert.deepEqual(snapshot(store), before);
    const longest = 'n'.repeat(10_000);
    assert.equal(labelTraces(store, [id], { note: longest }).count, 1);
    assert.equal(traceLabel(store, id).note, longest);
    store.close();
  });

  it('a trace with labels but no star reads as unstarred; one with no row reads as nothing', async () => {
    const { store, traces } = await fixture();
    const [a, b] = traces.filter((t) => !t.decision && !t.star && !t.note).map((t) => t.id);
    labelTraces(store, [a!], { decision: 'accept' });
    assert.deepEqual(traceLabel(store, a!), { decision: 'accept', star: false, note: null });
    assert.deepEqual(traceLabel(store, b!), { decision: null, star: false, note: null });
    store.close();
  });

  it('refusals carry codes callers tell apart (the trace view shows NO_ACTION as information, not a failure)', async () => {
    const { store, traces } = await fixture();
    assert.throws(() => undoAction(store), { code: 'NO_ACTION', message: 'Nothing to undo: no labelling action yet.' });
    assert.throws(() => undoAction(store, 42), {
      code: 'NO_ACTION',
      message: 'No labelling action 42 (w2s label history lists them).',
    });
    const id = traces[0]!.id;
    assert.throws(() => labelTraces(store, [id], { decision: 'maybe' as 'accept' }), { code: 'BAD_LABEL' });
    assert.throws(() => labelTraces(store, [id], {}), { code: 'BAD_LABEL', message: 'label: nothing to change.' });
    assert.throws(() => labelTraces(store, [id], { note: 'x'.repeat(10_001) }), {
      code: 'BAD_LABEL',
      message: 'label: a note holds at most 10000 characters.',
    });
    assert.throws(() => labelTraces(store, [999_999], { star: true }), {
      code: 'NO_TRACE',
      message: 'label: no trace 999999 with text in the store.',
    });
    const a = labelTraces(store, [id], { star: !traces[0]!.star });
    undoAction(store, a.id);
    assert.throws(() => undoAction(store, a.id), { code: 'ALREADY_UNDONE' });
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
