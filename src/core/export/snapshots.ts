import { W2sError } from '../errors';
import type { TraceFilter } from '../curation/filter';
import type { Store } from '../store/open';
import { writeTransaction } from '../store/write-transaction';
import type { ExportFormat, ReasoningMode } from './formats';
import type { ExportPreset } from './presets';

/**
 * Dataset snapshots: the trace ids an export chose, frozen in order with their split (`datasets`,
 * `dataset_traces`), so the same files can be written again and later jobs refer to the data by name.
 */
export const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkDatasetName(name: string): string {
  if (!DATASET_NAME.test(name)) {
    throw new W2sError(
      `"${name}" is not a valid dataset name: letters, digits, ".", "_" or "-" (up to 100, starting with a letter or digit); it becomes a LLaMA-Factory dataset key.`,
      'BAD_NAME',
    );
  }
  return name;
}

/** What was selected: stored as the snapshot's `filter` (JSON). */
export interface DatasetSelection {
  readonly preset: ExportPreset | null;
  readonly filter: TraceFilter;
}

/** How the files were written: stored as the snapshot's `options` (JSON). */
export interface DatasetOptions {
  readonly reasoning: ReasoningMode;
  readonly system: string | null;
  readonly maxPerProblem: number | null;
  readonly dropTruncated: boolean;
  readonly dedupe: boolean;
  readonly valFraction: number;
  readonly seed: number;
}

export interface DatasetCounts {
  /** Traces the selection matched before the options applied. */
  readonly selected: number;
  readonly train: number;
  readonly val: number;
  readonly skipped: { readonly truncated: number; readonly duplicates: number; readonly overMaxPerProblem: number };
  readonly problems: number;
  /** SHA-256 of each file as written: a re-created export is checked against it. */
  readonly sha256: { readonly train: string; readonly val: string | null };
}

export interface DatasetSnapshot {
  readonly id: number;
  readonly name: string;
  readonly format: ExportFormat;
  /** Absolute path of the training file when it was exported (the validation file sits beside it). */
  readonly file: string | null;
  readonly selection: DatasetSelection;
  readonly options: DatasetOptions;
  readonly counts: DatasetCounts;
  readonly createdAt: string;
}

interface Row {
  id: number;
  name: string;
  filter: string;
  format: ExportFormat;
  file: string | null;
  counts: string;
  options: string;
  created_at: string;
}

const toSnapshot = (r: Row): DatasetSnapshot => ({
  id: r.id,
  name: r.name,
  format: r.format,
  file: r.file,
  selection: JSON.parse(r.filter) as DatasetSelection,
  options: JSON.parse(r.options) as DatasetOptions,
  counts: JSON.parse(r.counts) as DatasetCounts,
  createdAt: r.created_at,
});

export function listDatasets(store: Store): DatasetSnapshot[] {
  return (store.db.prepare('SELECT * FROM datasets ORDER BY created_at DESC, id DESC').all() as Row[]).map(toSnapshot);
}

export function findDataset(store: Store, name: string): DatasetSnapshot | undefined {
  const r = store.db.prepare('SELECT * FROM datasets WHERE name = ?').get(name) as Row | undefined;
  return r && toSnapshot(r);
}

export function requireDataset(store: Store, name: string): DatasetSnapshot {
  const d = findDataset(store, name);
  if (d) return d;
  const names = listDatasets(store).map((x) => x.name);
  throw new W2sError(
    `No dataset snapshot named "${name}"${names.length ? ` (snapshots: ${names.join(', ')})` : ' (none yet: w2s export … --name NAME makes one)'}.`,
    'NO_DATASET',
  );
}

/**
 * Stores a snapshot in one transaction (replacing one of the same name when asked). `place` runs last
 * inside it (the export renames its files into place there): when it fails, no snapshot is recorded.
 */
export function saveSnapshot(
  store: Store,
  s: {
    name: string;
    format: ExportFormat;
    file: string;
    selection: DatasetSelection;
    options: DatasetOptions;
    counts: DatasetCounts;
  },
  entries: { ids: Int32Array | number[]; val: Uint8Array | boolean[]; length: number },
  replace: boolean,
  place: () => void = () => undefined,
): DatasetSnapshot {
  const db = store.db;
  writeTransaction(db, () => {
    const existing = db.prepare('SELECT id FROM datasets WHERE name = ?').get(s.name) as { id: number } | undefined;
    if (existing) {
      if (!replace)
        throw new W2sError(
          `A dataset snapshot named "${s.name}" exists. Re-create its files with --snapshot ${s.name}, or choose another --name (or --replace).`,
          'DATASET_EXISTS',
        );
      db.prepare('DELETE FROM datasets WHERE id = ?').run(existing.id);
    }
    const id = Number(
      db
        .prepare('INSERT INTO datasets (name, filter, format, file, counts, options) VALUES (?, ?, ?, ?, ?, ?)')
        .run(s.name, JSON.stringify(s.selection), s.format, s.file, JSON.stringify(s.counts), JSON.stringify(s.options))
        .lastInsertRowid,
    );
    // One statement per 50,000 entries, looping inside SQLite (json_each) rather than one call per trace:
    // each entry travels as id·2 + (1 for validation).
    const insert = db.prepare(
      `INSERT INTO dataset_traces (dataset_id, position, trace_id, split)
       SELECT ?, ? + key, value >> 1, CASE value & 1 WHEN 1 THEN 'val' ELSE 'train' END FROM json_each(?)`,
    );
    for (let from = 0; from < entries.length; from += 50_000) {
      const part: number[] = [];
      for (let i = from; i < Math.min(entries.length, from + 50_000); i++)
        part.push(Number(entries.ids[i]) * 2 + (entries.val[i] ? 1 : 0));
      insert.run(id, from, JSON.stringify(part));
    }
    place();
  })();
  return findDataset(store, s.name)!;
}

/** The frozen entries of a snapshot, in order, a batch at a time. */
export function* snapshotEntries(
  store: Store,
  datasetId: number,
  batch = 1000,
): Generator<{ id: number; val: boolean }[]> {
  const page = store.db.prepare(
    'SELECT position, trace_id, split FROM dataset_traces WHERE dataset_id = ? AND position > ? ORDER BY position LIMIT ?',
  );
  for (let after = -1; ;) {
    const rows = page.all(datasetId, after, batch) as { position: number; trace_id: number; split: string }[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.position;
    yield rows.map((r) => ({ id: r.trace_id, val: r.split === 'val' }));
  }
}
