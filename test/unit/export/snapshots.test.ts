// What a dataset snapshot keeps and refuses, on a real store: its name rule, how one is found, replaced or
// refused, and its frozen entries in order with their split, one rule per case.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import {
  checkDatasetName,
  findDataset,
  listDatasets,
  requireDataset,
  saveSnapshot,
  snapshotEntries,
  type DatasetCounts,
  type DatasetOptions,
  type DatasetSelection,
} from '../../../src/core/export/snapshots';
import { openStore, type Store } from '../../../src/core/store/open';
import { seedBrowseFixture } from '../../support/browse-fixture';
import { tempDir } from '../../support/tmp';

const isW2s = (code: string, message: RegExp) => (e: unknown) =>
  e instanceof W2sError && e.code === code && message.test(e.message);

function fixture(): { store: Store; ids: number[] } {
  const store = openStore(path.join(tempDir('w2s-snapshots-'), 'w2s.db'));
  return { store, ids: seedBrowseFixture(store).map((t) => t.id) };
}

const selection: DatasetSelection = { preset: 'w2sr-p', filter: { verdicts: ['correct'], sets: ['math-a'] } };
const options: DatasetOptions = {
  reasoning: 'think',
  system: 'Be brief.',
  maxPerProblem: 2,
  dropTruncated: true,
  dedupe: false,
  valFraction: 0.25,
  seed: 7,
};
const counts: DatasetCounts = {
  selected: 5,
  train: 2,
  val: 1,
  skipped: { truncated: 1, duplicates: 0, overMaxPerProblem: 1 },
  problems: 2,
  sha256: { train: 'a'.repeat(64), val: 'b'.repeat(64) },
};
const snap = (name: string, file = `/data/${name}.jsonl`) => ({
  name,
  format: 'sharegpt' as const,
  file,
  selection,
  options,
  counts,
});
const entriesOf = (store: Store, id: number, batch?: number) => [...snapshotEntries(store, id, batch)];

describe('checkDatasetName', () => {
  it('takes 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit (a LLaMA-Factory key)', () => {
    for (const name of ['a', 'Z', '7', 'A.b_c-9', '9-x.y_z', 'a'.repeat(100)])
      assert.equal(checkDatasetName(name), name, name);
  });

  it('refuses an empty name, a leading ".", "_" or "-", a 101st character, a space, a slash or a non-ASCII letter, saying the rule', () => {
    for (const name of ['', '.a', '_a', '-a', 'a'.repeat(101), 'a b', ' a', 'a ', 'a/b', 'é', 'aé', 'a\nb']) {
      assert.throws(
        () => checkDatasetName(name),
        isW2s(
          'BAD_NAME',
          /^".*" is not a valid dataset name: letters, digits, "\.", "_" or "-" \(up to 100, starting with a letter or digit\); it becomes a LLaMA-Factory dataset key\.$/s,
        ),
        JSON.stringify(name),
      );
      assert.throws(
        () => checkDatasetName(name),
        (e: Error) => e.message.startsWith(`"${name}"`),
      );
    }
  });
});

describe('saveSnapshot, findDataset, listDatasets', () => {
  it('keeps every field as given (format, file, selection, options, counts) and finds it by name; another name is undefined', () => {
    const { store, ids } = fixture();
    const saved = saveSnapshot(store, snap('one'), { ids: [ids[0]!], val: [false], length: 1 }, false);
    const found = findDataset(store, 'one')!;
    assert.deepEqual(found, saved);
    assert.equal(found.name, 'one');
    assert.equal(found.format, 'sharegpt');
    assert.equal(found.file, '/data/one.jsonl');
    assert.deepEqual(found.selection, selection);
    assert.deepEqual(found.options, options);
    assert.deepEqual(found.counts, counts);
    assert.match(found.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(typeof found.id, 'number');
    assert.equal(findDataset(store, 'two'), undefined);
    store.close();
  });

  it('lists the newest first, and of two made at the same time the later one first', () => {
    const { store, ids } = fixture();
    const e = { ids: [ids[0]!], val: [false], length: 1 };
    for (const name of ['old', 'same-1', 'same-2', 'new']) saveSnapshot(store, snap(name), e, false);
    const at = store.db.prepare('UPDATE datasets SET created_at = ? WHERE name = ?');
    at.run('2026-01-01T00:00:00.000Z', 'old');
    at.run('2026-06-01T00:00:00.000Z', 'same-1');
    at.run('2026-06-01T00:00:00.000Z', 'same-2');
    at.run('2026-12-01T00:00:00.000Z', 'new');
    assert.deepEqual(
      listDatasets(store).map((d) => d.name),
      ['new', 'same-2', 'same-1', 'old'],
    );
    store.close();
  });

  it('refuses a second snapshot of the same name unless asked to replace it, and a replaced one keeps only the new entries', () => {
    const { store, ids } = fixture();
    const first = saveSnapshot(store, snap('d'), { ids: [ids[0]!, ids[1]!], val: [false, true], length: 2 }, false);
    assert.throws(
      () => saveSnapshot(store, snap('d', '/other.jsonl'), { ids: [ids[2]!], val: [false], length: 1 }, false),
      isW2s(
        'DATASET_EXISTS',
        /^A dataset snapshot named "d" exists\. Re-create its files with --snapshot d, or choose another --name \(or --replace\)\.$/,
      ),
    );
    assert.equal(findDataset(store, 'd')!.file, '/data/d.jsonl', 'the refused one changed nothing');
    assert.deepEqual(entriesOf(store, first.id).flat(), [
      { id: ids[0], val: false },
      { id: ids[1], val: true },
    ]);
    const second = saveSnapshot(store, snap('d', '/other.jsonl'), { ids: [ids[2]!], val: [true], length: 1 }, true);
    assert.equal(second.file, '/other.jsonl');
    assert.deepEqual(
      listDatasets(store).map((x) => x.name),
      ['d'],
    );
    assert.deepEqual(entriesOf(store, second.id).flat(), [{ id: ids[2], val: true }]);
    assert.equal(
      store.db.prepare('SELECT count(*) FROM dataset_traces').pluck().get(),
      1,
      "the replaced snapshot's entries are gone",
    );
    store.close();
  });

  it('records nothing when place() fails, and records the snapshot when it succeeds', () => {
    const { store, ids } = fixture();
    const e = { ids: [ids[0]!], val: [false], length: 1 };
    assert.throws(
      () =>
        saveSnapshot(store, snap('p'), e, false, () => {
          throw new Error('rename failed');
        }),
      /rename failed/,
    );
    assert.equal(findDataset(store, 'p'), undefined);
    assert.equal(store.db.prepare('SELECT count(*) FROM dataset_traces').pluck().get(), 0);
    let placed = 0;
    saveSnapshot(store, snap('p'), e, false, () => placed++);
    assert.equal(placed, 1);
    assert.ok(findDataset(store, 'p'));
    store.close();
  });

  it('stores the entries in the order given with their split, across the 50,000-entry statements (typed arrays too)', () => {
    // one INSERT … json_each per 50,000 entries: positions run on across the statements
    const { store, ids } = fixture();
    const n = 50_003;
    const want = Array.from({ length: n }, (_, i) => ({ id: ids[(i * 7) % ids.length]!, val: i % 3 === 1 }));
    const saved = saveSnapshot(
      store,
      snap('big'),
      {
        ids: Int32Array.from(want, (w) => w.id),
        val: Uint8Array.from(want, (w) => (w.val ? 1 : 0)),
        length: n,
      },
      false,
    );
    assert.deepEqual(entriesOf(store, saved.id, 20_000).flat(), want);
    assert.deepEqual(
      store.db
        .prepare('SELECT min(position), max(position), count(*) FROM dataset_traces WHERE dataset_id = ?')
        .raw()
        .get(saved.id),
      [0, n - 1, n],
    );
    store.close();
  });

  it('uses only the first `length` entries of longer arrays', () => {
    // the export sizes its arrays for every candidate and fills the first `length` (export.ts, `kept`)
    const { store, ids } = fixture();
    const saved = saveSnapshot(
      store,
      snap('part'),
      { ids: [ids[3]!, ids[4]!, ids[5]!], val: [true, false, true], length: 2 },
      false,
    );
    assert.deepEqual(entriesOf(store, saved.id).flat(), [
      { id: ids[3], val: true },
      { id: ids[4], val: false },
    ]);
    store.close();
  });
});

describe('snapshotEntries', () => {
  it('yields the entries in position order, `batch` at a time, the first entry included, and nothing for an empty snapshot', () => {
    const { store, ids } = fixture();
    const want = ids.slice(0, 7).map((id, i) => ({ id, val: i === 0 || i === 5 }));
    const saved = saveSnapshot(
      store,
      snap('seven'),
      { ids: want.map((w) => w.id), val: want.map((w) => w.val), length: 7 },
      false,
    );
    const batches = entriesOf(store, saved.id, 3);
    assert.deepEqual(
      batches.map((b) => b.length),
      [3, 3, 1],
    );
    assert.deepEqual(batches.flat(), want);
    assert.deepEqual(entriesOf(store, saved.id).flat(), want, 'the default batch holds them all');
    const empty = saveSnapshot(store, snap('empty'), { ids: [], val: [], length: 0 }, false);
    assert.deepEqual(entriesOf(store, empty.id), []);
    store.close();
  });
});

describe('requireDataset', () => {
  it('returns the snapshot of that name', () => {
    const { store, ids } = fixture();
    saveSnapshot(store, snap('here'), { ids: [ids[0]!], val: [false], length: 1 }, false);
    assert.equal(requireDataset(store, 'here').name, 'here');
    store.close();
  });

  it('refuses a missing name, listing the snapshots there are, or saying how to make one when there are none', () => {
    const { store, ids } = fixture();
    assert.throws(
      () => requireDataset(store, 'nope'),
      isW2s('NO_DATASET', /^No dataset snapshot named "nope" \(none yet: w2s export … --name NAME makes one\)\.$/),
    );
    const e = { ids: [ids[0]!], val: [false], length: 1 };
    saveSnapshot(store, snap('a'), e, false);
    saveSnapshot(store, snap('b'), e, false);
    store.db.prepare("UPDATE datasets SET created_at = '2026-01-01T00:00:00.000Z' WHERE name = 'a'").run();
    assert.throws(
      () => requireDataset(store, 'nope'),
      isW2s('NO_DATASET', /^No dataset snapshot named "nope" \(snapshots: b, a\)\.$/),
    );
    store.close();
  });
});
