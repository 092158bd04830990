import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { BASE_FROM, compileFilter, whereAll } from '../curation/compile';
import { andFilters, checkFilter, type TraceFilter } from '../curation/filter';
import { W2sError } from '../errors';
import { seededRandom } from '../seeded-random';
import type { Store } from '../store/open';
import {
  checkDatasetTargets,
  createDatasetWriter,
  datasetInfoEntries,
  datasetPaths,
  mergeDatasetInfo,
  readDatasetInfo,
  type DatasetPaths,
  type ExampleText,
} from './dataset-files';
import { EXPORT_DEFAULTS } from './defaults';
import { checkFormat, type ExportFormat, type ReasoningMode } from './formats';
import { presetFilter, type ExportPreset } from './presets';
import {
  checkDatasetName,
  requireDataset,
  saveSnapshot,
  snapshotEntries,
  type DatasetCounts,
  type DatasetOptions,
  type DatasetSnapshot,
} from './snapshots';

export interface ExportRequest {
  /** Snapshot name (also the LLaMA-Factory dataset key). */
  readonly name: string;
  /** Default `w2sr` (every trace); combined (AND) with `filter`. */
  readonly preset?: ExportPreset;
  readonly filter?: TraceFilter;
  readonly format: ExportFormat;
  /** The training file; the validation split goes beside it as NAME.val.jsonl. */
  readonly out: string;
  readonly reasoning?: ReasoningMode;
  readonly system?: string | null;
  /** At most k traces per problem (the first k in problem, run, sample order, after the other options). */
  readonly maxPerProblem?: number;
  /** Unset: `EXPORT_DEFAULTS` (every option left unset takes the shared default). */
  readonly dropTruncated?: boolean;
  /** Drop a trace whose reasoning and answer repeat another trace of the same problem word for word. */
  readonly dedupe?: boolean;
  /** Share of *problems* (not traces) held out for validation, so no problem is in both splits. */
  readonly valFraction?: number;
  readonly seed?: number;
  /** Write or update `dataset_info.json` beside the file (default true). */
  readonly datasetInfo?: boolean;
  /** Replace a snapshot of the same name. */
  readonly replace?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ExportResult {
  readonly snapshot: DatasetSnapshot;
  readonly paths: DatasetPaths;
  readonly elapsedMs: number;
  readonly tracesPerSecond: number;
}

const BATCH = 500;

/** The validation problems: a seeded shuffle of the sorted problem ids, the first round(F·n) of them (at least one). */
export function validationProblems(problemIds: readonly number[], fraction: number, seed: number): Set<number> {
  if (!(fraction > 0) || problemIds.length < 2) return new Set();
  const ids = [...problemIds].sort((a, b) => a - b);
  const rand = seededRandom(seed);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  const n = Math.min(ids.length - 1, Math.max(1, Math.round(fraction * ids.length)));
  return new Set(ids.slice(0, n));
}

function checkOptions(r: ExportRequest): DatasetOptions {
  const k = r.maxPerProblem ?? EXPORT_DEFAULTS.maxPerProblem ?? undefined;
  if (k !== undefined && !(Number.isInteger(k) && k >= 1))
    throw new W2sError(`max per problem must be a positive integer (got ${k}).`, 'BAD_OPTION');
  const f = r.valFraction ?? EXPORT_DEFAULTS.valFraction;
  if (!(f >= 0 && f < 1))
    throw new W2sError(`the validation fraction must be at least 0 and below 1 (got ${f}).`, 'BAD_OPTION');
  const seed = r.seed ?? EXPORT_DEFAULTS.seed;
  if (!Number.isInteger(seed)) throw new W2sError(`the seed must be an integer (got ${seed}).`, 'BAD_OPTION');
  const reasoning = r.reasoning ?? EXPORT_DEFAULTS.reasoning;
  if (reasoning !== 'think' && reasoning !== 'plain')
    throw new W2sError(`reasoning must be think or plain (got ${String(reasoning)}).`, 'BAD_OPTION');
  return {
    reasoning,
    system: r.system?.length ? r.system : null,
    maxPerProblem: k ?? null,
    dropTruncated: r.dropTruncated ?? EXPORT_DEFAULTS.dropTruncated,
    dedupe: r.dedupe ?? EXPORT_DEFAULTS.dedupe,
    valFraction: f,
    seed,
  };
}

/**
 * Reads the texts of traces one primary-key lookup at a time (faster than IN lists here), the problem's
 * question from a one-entry cache: traces come in problem order, so a problem is read once.
 */
function textReader(store: Store): (id: number) => ExampleText | undefined {
  const trace = store.db.prepare('SELECT problem_id, reasoning, answer FROM traces WHERE id = ?').raw();
  const problem = store.db.prepare('SELECT question FROM problems WHERE id = ?').pluck();
  let lastProblem = -1;
  let question = '';
  return (id) => {
    const t = trace.get(id) as [number, string | null, string | null] | undefined;
    if (!t) return undefined;
    if (t[0] !== lastProblem) {
      question = problem.get(t[0]) as string;
      lastProblem = t[0];
    }
    return { question, reasoning: t[1], answer: t[2] };
  };
}

/**
 * Exports what a preset and a filter select as an SFT dataset and freezes it as a snapshot. Two
 * passes, neither holding more than a batch of text: the ids in problem order (narrow rows), then the
 * texts a batch at a time, written to temporary files that are renamed only once the snapshot is stored.
 * Cancelled (`signal`), it leaves neither files nor a snapshot.
 */
export async function exportDataset(store: Store, r: ExportRequest): Promise<ExportResult> {
  const started = performance.now();
  const name = checkDatasetName(r.name);
  const format = checkFormat(r.format);
  const options = checkOptions(r);
  const selection = { preset: r.preset ?? null, filter: checkFilter(r.filter ?? {}) };
  if (!r.replace && store.db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(name)) {
    throw new W2sError(
      `A dataset snapshot named "${name}" exists. Re-create its files with --snapshot ${name}, or choose another --name (or --replace).`,
      'DATASET_EXISTS',
    );
  }
  const paths = datasetPaths(r.out, options.valFraction > 0, r.datasetInfo !== false);
  checkDatasetTargets(paths);
  if (paths.info) readDatasetInfo(paths.info);

  const filter = andFilters(presetFilter(r.preset ?? 'w2sr'), selection.filter);
  const c = compileFilter(store, filter);
  const where = whereAll(c);
  // Pass 1: ids in problem order (set, position, run, sample), with what the options need.
  const candidates = store.db
    .prepare(
      `SELECT s.trace_id AS id, s.problem_id AS problem, s.truncated FROM ${BASE_FROM} JOIN problems p ON p.id = s.problem_id
       WHERE ${where} ORDER BY p.set_id, p.position, s.run_id, s.sample_index, s.trace_id`,
    )
    .raw()
    .all(c.params) as [number, number, number][];
  const problems = [...new Set(candidates.map((x) => x[1]))];
  const valSet = validationProblems(problems, options.valFraction, options.seed);

  const writer = createDatasetWriter({ format, reasoning: options.reasoning, system: options.system, paths });
  const kept = { ids: new Int32Array(candidates.length), val: new Uint8Array(candidates.length), length: 0 };
  const skipped = { truncated: 0, duplicates: 0, overMaxPerProblem: 0 };
  const perProblem = new Map<number, number>();
  const seen = new Set<string>();
  const read = textReader(store);
  try {
    let done = 0;
    r.onProgress?.(0, candidates.length);
    for (let i = 0; i < candidates.length; i += BATCH) {
      if (r.signal?.aborted) throw new W2sError('Export cancelled: no file and no snapshot were written.', 'CANCELLED');
      for (const [id, problem, truncated] of candidates.slice(i, i + BATCH)) {
        if (options.dropTruncated && truncated) {
          skipped.truncated++;
          continue;
        }
        if (options.maxPerProblem !== null && (perProblem.get(problem) ?? 0) >= options.maxPerProblem) {
          skipped.overMaxPerProblem++;
          continue;
        }
        const t = read(id);
        if (!t) continue;
        if (options.dedupe) {
          const key = createHash('sha1')
            .update(`${problem}\u0000${t.reasoning ?? ''}\u0000${t.answer ?? ''}`)
            .digest('base64');
          if (seen.has(key)) {
            skipped.duplicates++;
            continue;
          }
          seen.add(key);
        }
        perProblem.set(problem, (perProblem.get(problem) ?? 0) + 1);
        const val = valSet.has(problem);
        writer.add(t, val);
        kept.ids[kept.length] = id;
        kept.val[kept.length] = val ? 1 : 0;
        kept.length++;
      }
      done = Math.min(candidates.length, i + BATCH);
      r.onProgress?.(done, candidates.length);
      // let a Ctrl-C or a cancel button through, and keep an extension host responsive
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (r.signal?.aborted) throw new W2sError('Export cancelled: no file and no snapshot were written.', 'CANCELLED');
    const sha256 = writer.digest();
    // every byte written and checked before the snapshot; the files are renamed into place inside its
    // transaction, so a failed write or rename leaves the previous files and no snapshot
    writer.finish();
    const counts: DatasetCounts = {
      selected: candidates.length,
      train: writer.train,
      val: writer.val,
      skipped,
      problems: perProblem.size,
      sha256,
    };
    const snapshot = saveSnapshot(
      store,
      { name, format, file: paths.train, selection, options, counts },
      kept,
      Boolean(r.replace),
      () => {
        writer.commit();
        if (paths.info) mergeDatasetInfo(paths.info, datasetInfoEntries(name, format, paths));
      },
    );
    const elapsedMs = performance.now() - started;
    return { snapshot, paths, elapsedMs, tracesPerSecond: (kept.length / Math.max(1, elapsedMs)) * 1000 };
  } catch (e) {
    writer.abort();
    throw e;
  }
}

export interface RecreateResult {
  readonly snapshot: DatasetSnapshot;
  readonly paths: DatasetPaths;
  /** Whether the files are byte for byte those of the original export (SHA-256). */
  readonly identical: boolean;
  readonly sha256: { readonly train: string; readonly val: string | null };
  readonly elapsedMs: number;
}

/** Writes a snapshot's files again from its frozen ids and options (to its own path, or `out`). */
export async function recreateDataset(
  store: Store,
  name: string,
  o: {
    out?: string;
    datasetInfo?: boolean;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<RecreateResult> {
  const started = performance.now();
  const snap = requireDataset(store, name);
  const out = o.out ?? snap.file;
  if (!out) throw new W2sError(`Snapshot "${name}" has no file recorded; give --out FILE.`, 'NO_FILE');
  const paths = datasetPaths(out, snap.counts.val > 0 || snap.options.valFraction > 0, o.datasetInfo !== false);
  checkDatasetTargets(paths);
  if (paths.info) readDatasetInfo(paths.info);
  const total = snap.counts.train + snap.counts.val;
  const read = textReader(store);
  const writer = createDatasetWriter({
    format: snap.format,
    reasoning: snap.options.reasoning,
    system: snap.options.system,
    paths,
  });
  try {
    let done = 0;
    o.onProgress?.(0, total);
    for (const batch of snapshotEntries(store, snap.id, BATCH)) {
      if (o.signal?.aborted)
        throw new W2sError('Re-creating the export was cancelled: no file was written.', 'CANCELLED');
      for (const e of batch) {
        const t = read(e.id);
        if (!t)
          throw new W2sError(
            `Snapshot "${name}" names trace ${e.id}, which is no longer in the store.`,
            'SNAPSHOT_BROKEN',
          );
        writer.add(t, e.val);
      }
      done += batch.length;
      o.onProgress?.(done, total);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const sha256 = writer.digest();
    writer.finish();
    writer.commit();
    if (paths.info) mergeDatasetInfo(paths.info, datasetInfoEntries(snap.name, snap.format, paths));
    return {
      snapshot: snap,
      paths,
      sha256,
      identical: sha256.train === snap.counts.sha256.train && sha256.val === snap.counts.sha256.val,
      elapsedMs: performance.now() - started,
    };
  } catch (e) {
    writer.abort();
    throw e;
  }
}
