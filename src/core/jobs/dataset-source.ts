import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';
import type { Store } from '../store/open';
import { BUNDLE_DATA_LIMIT } from './bundle';
import type { ZipEntry } from './zip';

/**
 * Where an SFT job's data comes from:
 * - a dataset snapshot of the store (the trace browser's `datasets` / `dataset_traces`): its exported
 *   file when it has one, else its frozen traces as OpenAI chat records;
 * - a JSONL file in any format the runner reads (OpenAI chat `messages`, ShareGPT `conversations`,
 *   Alpaca `instruction`/`output`), zipped into the bundle;
 * - a path on storage the cluster shares (for data over the bundle limit), sent as is.
 */
export type DatasetSource =
  | { readonly kind: 'snapshot'; readonly name: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'cluster'; readonly path: string };

export interface ResolvedDataset {
  /** The file to put in the bundle (absent for a cluster path). */
  readonly entry?: ZipEntry;
  /** What job.json says: `data/train.jsonl`, or the cluster path. */
  readonly jobPath: string;
  /** In words, for names and messages. */
  readonly label: string;
  readonly examples?: number;
}

/** Checks every line of an SFT file the way the runner will read it; errors name file:line. */
export function checkSftJsonl(text: string, where: string): number {
  let n = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new W2sError(`${where}:${i + 1}: not valid JSON (${(e as Error).message}).`, 'BAD_DATASET');
    }
    const o = obj as Record<string, unknown>;
    const ok =
      o &&
      typeof o === 'object' &&
      !Array.isArray(o) &&
      (Array.isArray(o.messages) ||
        Array.isArray(o.conversations) ||
        (typeof o.instruction === 'string' && typeof o.output === 'string'));
    if (!ok)
      throw new W2sError(
        `${where}:${i + 1}: not an SFT record: expected "messages" (OpenAI chat), "conversations" (ShareGPT) or "instruction" + "output" (Alpaca).`,
        'BAD_DATASET',
      );
    if (Array.isArray(o.messages) && !(o.messages as { role?: unknown }[]).some((m) => m && m.role === 'assistant')) {
      throw new W2sError(`${where}:${i + 1}: no assistant message to learn from.`, 'BAD_DATASET');
    }
    n++;
  }
  if (n === 0) throw new W2sError(`${where}: the dataset is empty.`, 'BAD_DATASET');
  return n;
}

function fromFile(file: string, label: string): ResolvedDataset {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new W2sError(`Dataset file ${file} does not exist.`, 'NO_DATASET');
  }
  if (size > BUNDLE_DATA_LIMIT) {
    throw new W2sError(
      `Dataset ${file} is ${(size / 2 ** 20).toFixed(0)} MiB, over the ${BUNDLE_DATA_LIMIT / 2 ** 20} MiB a job bundle carries: copy it to storage the cluster shares ` +
        'and give that path (--cluster-dataset PATH, or "A path on the cluster…" in VS Code).',
      'BUNDLE_TOO_LARGE',
    );
  }
  const data = fs.readFileSync(file);
  const examples = checkSftJsonl(data.toString('utf8'), file);
  return { entry: { path: 'data/train.jsonl', data }, jobPath: 'data/train.jsonl', label, examples };
}

/** The frozen traces of a snapshot as chat records: the stored prompt, then the trace's text as the answer. */
function snapshotRecords(store: Store, datasetId: number): string[] {
  const rows = store.db
    .prepare(
      `SELECT t.prompt, t.reasoning, t.answer FROM dataset_traces d JOIN traces t ON t.id = d.trace_id
       WHERE d.dataset_id = ? ORDER BY d.position`,
    )
    .all(datasetId) as { prompt: string; reasoning: string | null; answer: string | null }[];
  return rows.map((r) => {
    let messages: { role: string; content: string }[];
    try {
      const parsed = JSON.parse(r.prompt) as unknown;
      messages = Array.isArray(parsed)
        ? (parsed as { role: string; content: string }[])
        : [{ role: 'user', content: r.prompt }];
    } catch {
      messages = [{ role: 'user', content: r.prompt }]; // a completions prompt: the raw text is the user turn
    }
    // Reasoning kept apart at sampling goes back in front of the answer, as the teacher wrote it.
    const answer = r.reasoning ? `<think>\n${r.reasoning}\n</think>\n\n${r.answer ?? ''}` : (r.answer ?? '');
    return JSON.stringify({ messages: [...messages, { role: 'assistant', content: answer }] });
  });
}

export function resolveDataset(store: Store | undefined, source: DatasetSource, cwd = process.cwd()): ResolvedDataset {
  if (source.kind === 'cluster') {
    if (!source.path.startsWith('/') && !/^[a-z0-9]+:\/\//i.test(source.path)) {
      throw new W2sError(
        `A dataset on the cluster must be an absolute path (or a URI): "${source.path}".`,
        'BAD_DATASET',
      );
    }
    return { jobPath: source.path, label: path.basename(source.path).replace(/\.[^.]+$/, '') };
  }
  if (source.kind === 'file') {
    const file = path.resolve(cwd, source.path);
    return fromFile(file, path.basename(file).replace(/\.[^.]+$/, ''));
  }
  const row = store?.db.prepare('SELECT id, name, file FROM datasets WHERE name = ?').get(source.name) as
    { id: number; name: string; file: string | null } | undefined;
  if (!row) {
    const names = store
      ? (store.db.prepare('SELECT name FROM datasets ORDER BY id DESC').all() as { name: string }[]).map((r) => r.name)
      : [];
    throw new W2sError(
      `No dataset snapshot named "${source.name}"${names.length ? ` (snapshots: ${names.slice(0, 10).join(', ')})` : ' (none yet: export one from the trace browser, or give a dataset file)'}.`,
      'NO_DATASET',
    );
  }
  if (row.file && fs.existsSync(path.resolve(cwd, row.file))) return fromFile(path.resolve(cwd, row.file), row.name);
  const lines = snapshotRecords(store!, row.id);
  if (!lines.length) throw new W2sError(`Dataset snapshot "${row.name}" has no traces.`, 'BAD_DATASET');
  const data = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  if (data.length > BUNDLE_DATA_LIMIT)
    throw new W2sError(
      `Dataset snapshot "${row.name}" is over the ${BUNDLE_DATA_LIMIT / 2 ** 20} MiB a bundle carries: export it, copy it to shared storage, and give that path.`,
      'BUNDLE_TOO_LARGE',
    );
  return {
    entry: { path: 'data/train.jsonl', data },
    jobPath: 'data/train.jsonl',
    label: row.name,
    examples: lines.length,
  };
}

/** The store's dataset snapshots, newest first (pickers). */
export function listDatasetSnapshots(store: Store): { name: string; traces: number; createdAt: string }[] {
  return store.db
    .prepare(
      'SELECT d.name, d.created_at AS createdAt, (SELECT count(*) FROM dataset_traces t WHERE t.dataset_id = d.id) AS traces FROM datasets d ORDER BY d.id DESC',
    )
    .all() as { name: string; traces: number; createdAt: string }[];
}
