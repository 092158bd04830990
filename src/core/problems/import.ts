import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';
import type { Store } from '../store/open';
import { storeFailure } from '../store/store-errors';
import { planFields, toProblem, type FieldOptions, type FieldPlan, type ProblemRecord } from './fields';
import { readRecords, type ReadOptions, type SourceFormat, type SourceRecord } from './records';
import { decodeUtf8 } from './text-file';

export interface ImportOptions extends FieldOptions, ReadOptions {
  readonly file: string;
  readonly name: string;
  /** Replace a set of the same name imported from different content. */
  readonly replace?: boolean;
  /** Shown as the set's source instead of the file path (built-in benchmarks). */
  readonly sourceLabel?: string;
  /** `total` is an estimate (non-blank lines) until the end: JSONL is parsed as it is written. */
  readonly onProgress?: (p: { phase: 'write'; done: number; total: number }) => void;
  readonly signal?: AbortSignal;
  /** Rows written between yields to the event loop (keeps an extension host responsive). */
  readonly chunkSize?: number;
}

export type ImportOutcome = 'created' | 'replaced' | 'unchanged';

export interface ImportResult {
  readonly setId: number;
  readonly name: string;
  readonly outcome: ImportOutcome;
  readonly format: SourceFormat;
  readonly problems: number;
  readonly answerTypes: Record<string, number>;
  readonly source: string;
  /**
   * Problems whose question repeats an earlier problem's word for word: a file of traces (several
   * samples per question) imported as problems by mistake; `w2s import-traces --create-set` reads those.
   */
  readonly repeatedQuestions: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkSetName(name: string): void {
  if (!NAME.test(name)) {
    throw new W2sError(
      `"${name}" is not a valid problem set name: use letters, digits, ".", "_" or "-" (up to 100, starting with a letter or digit).`,
      'BAD_NAME',
    );
  }
}

/**
 * Imports a problem file as one set, all or nothing: every record is validated before the first write,
 * and the writes are one transaction. Re-importing identical content under the same name is a no-op.
 */
export async function importProblemSet(store: Store, options: ImportOptions): Promise<ImportResult> {
  checkSetName(options.name);
  const file = path.resolve(options.file);
  const display = path.basename(file);
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new W2sError(
      code === 'ENOENT'
        ? `${file}: no such file.`
        : code === 'EISDIR'
          ? `${file}: is a folder, not a file.`
          : `${file}: cannot read (${(e as Error).message}).`,
      'READ_FAILED',
    );
  }
  const fieldOptions = pickFieldOptions(options);
  const hash = createHash('sha256').update(raw).update(JSON.stringify(fieldOptions)).digest('hex');
  const source = options.sourceLabel ?? file;
  const db = store.db;

  const existing = db.prepare('SELECT id, source_hash FROM problem_sets WHERE name = ?').get(options.name) as
    { id: number; source_hash: string } | undefined;
  if (existing && existing.source_hash === hash) {
    return { ...summarize(store, existing.id, options.name), outcome: 'unchanged' };
  }
  if (existing && !options.replace) {
    throw new W2sError(
      `${display}: a problem set named "${options.name}" already exists with different content. Choose another name, or replace it ` +
        `(CLI: --replace; the traces of problems that remain are kept).`,
      'SET_EXISTS',
    );
  }

  const { format, records, estimatedCount } = readRecords(display, decodeUtf8(display, raw), options);
  const iterator = records[Symbol.iterator]();
  // Fields are chosen from the first records; the rest are parsed as they are written.
  const head: SourceRecord[] = [];
  for (let r = iterator.next(); !r.done; r = head.length < 50 ? iterator.next() : { done: true, value: undefined })
    head.push(r.value);
  if (head.length === 0) throw new W2sError(`${display}: the file holds no problems.`, 'EMPTY_FILE');
  const plan = planFields(display, head, fieldOptions);
  const all: Iterable<SourceRecord> = {
    *[Symbol.iterator]() {
      yield* head;
      for (let r = iterator.next(); !r.done; r = iterator.next()) yield r.value;
    },
  };

  const written = await writeSet(store, {
    existingId: existing?.id,
    name: options.name,
    display,
    source,
    hash,
    options: { ...fieldOptions, format },
    problems: mapProblems(display, all, plan, fieldOptions),
    chunkSize: options.chunkSize ?? 5000,
    onProgress: options.onProgress,
    signal: options.signal,
    estimatedTotal: estimatedCount,
  });
  if (written.concurrent) return { ...summarize(store, written.setId, options.name), outcome: 'unchanged' };
  return { ...summarize(store, written.setId, options.name), format, outcome: existing ? 'replaced' : 'created' };
}

/** Validates records into problems, failing on the first bad one (the caller's transaction rolls back). */
function* mapProblems(
  display: string,
  records: Iterable<SourceRecord>,
  plan: FieldPlan,
  options: FieldOptions,
): Generator<ProblemRecord> {
  const lineOfKey = new Map<string, number>();
  for (const r of records) {
    const p = toProblem(display, r, plan, options);
    const first = lineOfKey.get(p.key);
    if (first !== undefined) {
      throw new W2sError(
        `${display}:${p.line}: duplicate id "${p.key}" (first on line ${first}). Ids must be unique within a set; ` +
          `choose another id field with --id-field.`,
        'DUPLICATE_ID',
      );
    }
    lineOfKey.set(p.key, p.line);
    yield p;
  }
}

function pickFieldOptions(o: ImportOptions): FieldOptions {
  const out: { -readonly [K in keyof FieldOptions]: FieldOptions[K] } = {};
  if (o.questionField) out.questionField = o.questionField;
  if (o.answerField) out.answerField = o.answerField;
  if (o.idField) out.idField = o.idField;
  if (o.answerType) out.answerType = o.answerType;
  if (o.shuffleSeed !== undefined) out.shuffleSeed = o.shuffleSeed;
  return out;
}

interface WriteSpec {
  existingId: number | undefined;
  name: string;
  display: string;
  source: string;
  hash: string;
  options: object;
  problems: Iterable<ProblemRecord>;
  chunkSize: number;
  estimatedTotal: number;
  onProgress: ImportOptions['onProgress'];
  signal: AbortSignal | undefined;
}

/**
 * Writes the set in one transaction. `concurrent`: another import stored the same content under this
 * name while this one read its file, so there was nothing to write.
 */
async function writeSet(store: Store, spec: WriteSpec): Promise<{ setId: number; concurrent: boolean }> {
  const db = store.db;
  // A manual transaction so the event loop can run between chunks; BEGIN IMMEDIATE takes the write
  // lock up front so a concurrent writer waits instead of failing half-way.
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (e) {
    throw storeFailure(e, store.file) ?? e;
  }
  try {
    let setId: number;
    if (spec.existingId === undefined) {
      // Looked up again under the lock: another import of the same name may have committed meanwhile.
      const other = db.prepare('SELECT id, source_hash FROM problem_sets WHERE name = ?').get(spec.name) as
        { id: number; source_hash: string } | undefined;
      if (other) {
        db.exec('ROLLBACK');
        if (other.source_hash === spec.hash) return { setId: other.id, concurrent: true };
        throw setCreatedMeanwhile(spec);
      }
      const inserted = db
        .prepare(
          'INSERT INTO problem_sets (name, source, source_hash, options) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
        )
        .run(spec.name, spec.source, spec.hash, JSON.stringify(spec.options));
      if (inserted.changes === 0) throw setCreatedMeanwhile(spec);
      setId = Number(inserted.lastInsertRowid);
    } else {
      setId = spec.existingId;
      db.prepare(
        `UPDATE problem_sets SET source = ?, source_hash = ?, options = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
      ).run(spec.source, spec.hash, JSON.stringify(spec.options), setId);
    }
    const insertSql =
      'INSERT INTO problems (set_id, key, position, question, answer, answer_type, choices, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
    // A new set needs no conflict handling; a replaced one keeps the ids (and so the traces) of its problems.
    const upsert = db.prepare(
      spec.existingId === undefined
        ? insertSql
        : `${insertSql} ON CONFLICT (set_id, key) DO UPDATE SET position = excluded.position, question = excluded.question,
           answer = excluded.answer, answer_type = excluded.answer_type, choices = excluded.choices, metadata = excluded.metadata`,
    );
    let written = 0;
    let keys: Set<string> | undefined;
    for (const p of spec.problems) {
      upsert.run(
        setId,
        p.key,
        written,
        p.question,
        p.answer,
        p.answerType,
        p.choices ? JSON.stringify(p.choices) : null,
        JSON.stringify(p.metadata),
      );
      if (spec.existingId !== undefined) (keys ??= new Set()).add(p.key);
      written++;
      if (written % spec.chunkSize === 0) {
        spec.onProgress?.({ phase: 'write', done: written, total: Math.max(written, spec.estimatedTotal) });
        await new Promise((r) => setImmediate(r));
        if (spec.signal?.aborted) throw new W2sError('Import cancelled; nothing was imported.', 'CANCELLED');
      }
    }
    if (spec.existingId !== undefined) removeMissing(store, setId, keys ?? new Set(), spec.display);
    db.prepare(
      'UPDATE problem_sets SET problem_count = (SELECT count(*) FROM problems WHERE set_id = ?) WHERE id = ?',
    ).run(setId, setId);
    db.exec('COMMIT');
    spec.onProgress?.({ phase: 'write', done: written, total: written });
    return { setId, concurrent: false };
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw storeFailure(e, store.file) ?? e;
  }
}

function setCreatedMeanwhile(spec: WriteSpec): W2sError {
  return new W2sError(
    `${spec.display}: another import created a problem set named "${spec.name}" with different content while this one ran; ` +
      `nothing of this file was stored. Choose another name, or replace that set (CLI: --replace).`,
    'SET_EXISTS',
  );
}

/** On replace, problems absent from the new file go, unless traces point at them. */
function removeMissing(store: Store, setId: number, keep: Set<string>, display: string): void {
  const db = store.db;
  const rows = db.prepare('SELECT id, key FROM problems WHERE set_id = ?').all(setId) as { id: number; key: string }[];
  const gone = rows.filter((r) => !keep.has(r.key));
  if (gone.length === 0) return;
  const traced = db.prepare('SELECT 1 FROM traces WHERE problem_id = ? LIMIT 1');
  const blocked = gone.filter((r) => traced.get(r.id));
  if (blocked.length > 0) {
    throw new W2sError(
      `${display}: cannot replace, the new file drops ${blocked.length} problem(s) that have traces (ids ${blocked
        .slice(0, 5)
        .map((b) => `"${b.key}"`)
        .join(', ')}${blocked.length > 5 ? ', …' : ''}). Import it under another name to keep both.`,
      'REPLACE_BLOCKED',
    );
  }
  const del = db.prepare('DELETE FROM problems WHERE id = ?');
  for (const g of gone) del.run(g.id);
}

function summarize(store: Store, setId: number, name: string): Omit<ImportResult, 'outcome'> {
  const db = store.db;
  const row = db.prepare('SELECT problem_count, options, source FROM problem_sets WHERE id = ?').get(setId) as {
    problem_count: number;
    options: string;
    source: string;
  };
  const types = db
    .prepare('SELECT answer_type AS t, count(*) AS n FROM problems WHERE set_id = ? GROUP BY answer_type')
    .all(setId) as {
    t: string;
    n: number;
  }[];
  const repeated = db
    .prepare('SELECT count(*) - count(DISTINCT trim(question)) AS n FROM problems WHERE set_id = ?')
    .get(setId) as { n: number };
  return {
    setId,
    name,
    repeatedQuestions: repeated.n,
    source: row.source,
    format: (JSON.parse(row.options) as { format: SourceFormat }).format,
    problems: row.problem_count,
    answerTypes: Object.fromEntries(types.map((t) => [t.t, t.n])),
  };
}
