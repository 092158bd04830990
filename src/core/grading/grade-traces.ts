import { W2sError } from '../errors';
import type { GraderPool } from '../grader/pool';
import type { GradeInput, GradeResult } from '../grader/types';
import { GRADER_VERSION } from '../grader/version';
import type { AnswerType } from '../problems/answer-type';
import type { Statement } from 'better-sqlite3';
import type { Store } from '../store/open';
import { writeTransaction } from '../store/write-transaction';

/** Which traces `gradeTraces` takes: the ungraded ones, those graded by another grader version too, or all. */
export type RegradeMode = 'missing' | 'stale' | 'all';

export interface GradeRunOptions {
  /** Restrict to these runs (by name); all runs when empty. */
  readonly runs?: readonly string[];
  readonly mode?: RegradeMode;
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { done: number; total: number; counts: Record<string, number> }) => void;
}

export interface GradeRunSummary {
  readonly graded: number;
  readonly counts: Record<string, number>;
  readonly graderVersion: string;
  readonly cancelled: boolean;
  /** Per run: traces that already had a verdict and were graded again, and how many of those verdicts changed. */
  readonly changes: ReadonlyMap<number, { regraded: number; changed: number }>;
}

interface Row {
  id: number;
  run_id: number;
  answer: string | null;
  gold: string;
  type: AnswerType;
  old_verdict: string | null;
}

/**
 * Grades the traces of some runs in batches through the worker pool (the calling thread never runs the
 * CAS), committing each batch, so an interrupted grade resumes where it stopped.
 */
export async function gradeTraces(
  store: Store,
  pool: GraderPool,
  options: GradeRunOptions = {},
): Promise<GradeRunSummary> {
  const db = store.db;
  const mode = options.mode ?? 'missing';
  const runIds = resolveRuns(store, options.runs ?? []);
  const runFilter = runIds.length ? `AND t.run_id IN (${runIds.map(() => '?').join(',')})` : '';
  const gradeFilter =
    mode === 'all'
      ? ''
      : mode === 'stale'
        ? 'AND (g.trace_id IS NULL OR g.grader_version <> @version)'
        : 'AND g.trace_id IS NULL';
  const where = `t.error IS NULL ${runFilter} ${gradeFilter}`;
  const params = (extra: Record<string, unknown> = {}) => [...runIds, { version: GRADER_VERSION, ...extra }];
  const from = `FROM traces t JOIN problems p ON p.id = t.problem_id LEFT JOIN grades g ON g.trace_id = t.id`;
  const total = (db.prepare(`SELECT count(*) AS n ${from} WHERE ${where}`).get(...params()) as { n: number }).n;
  const page = db.prepare(
    `SELECT t.id, t.run_id, t.answer, p.answer AS gold, p.answer_type AS type, g.verdict AS old_verdict ${from}
     WHERE ${where} AND t.id > @after ORDER BY t.id LIMIT @limit`,
  );
  const batchSize = options.batchSize ?? 512;
  const counts: Record<string, number> = {};
  const changes = new Map<number, { regraded: number; changed: number }>();
  let done = 0;
  let after = 0;
  options.onProgress?.({ done, total, counts });
  while (!options.signal?.aborted) {
    const rows = page.all(...params({ after, limit: batchSize })) as Row[];
    if (rows.length === 0) break;
    const results = await pool.grade(rows.map(toInput));
    saveGrades(
      store,
      rows.map((r) => r.id),
      results,
    );
    results.forEach((r, i) => {
      counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
      const old = rows[i]!.old_verdict;
      if (old === null) return;
      const c = changes.get(rows[i]!.run_id) ?? { regraded: 0, changed: 0 };
      c.regraded++;
      if (old !== r.verdict) c.changed++;
      changes.set(rows[i]!.run_id, c);
    });
    done += rows.length;
    after = rows[rows.length - 1]!.id;
    options.onProgress?.({ done, total, counts });
  }
  return {
    graded: done,
    counts,
    graderVersion: GRADER_VERSION,
    cancelled: Boolean(options.signal?.aborted) && done < total,
    changes,
  };
}

/** Grades the given traces (e.g. as the sampler stores them); already-graded ones are graded again. */
export async function gradeTraceIds(
  store: Store,
  pool: GraderPool,
  traceIds: readonly number[],
): Promise<GradeResult[]> {
  if (traceIds.length === 0) return [];
  const rows: Row[] = [];
  let select = selectStatements.get(store);
  if (!select) {
    select = store.db.prepare(
      `SELECT t.id, t.run_id, t.answer, p.answer AS gold, p.answer_type AS type, NULL AS old_verdict
       FROM traces t JOIN problems p ON p.id = t.problem_id WHERE t.id = ? AND t.error IS NULL`,
    );
    selectStatements.set(store, select);
  }
  for (const id of traceIds) {
    const row = select.get(id) as Row | undefined;
    if (row) rows.push(row);
  }
  const results = await pool.grade(rows.map(toInput));
  saveGrades(
    store,
    rows.map((r) => r.id),
    results,
  );
  return results;
}

function toInput(r: Row): GradeInput {
  // The answer column holds what came after the reasoning; a trace cut off inside its reasoning has
  // none, which the grader reports as no-answer.
  return { gold: r.gold, response: r.answer ?? '', type: r.type };
}

// Statements prepared once per store: the live grader calls these for every batch while sampling.
const selectStatements = new WeakMap<Store, Statement>();
const saveStatements = new WeakMap<Store, (ids: number[], results: GradeResult[]) => void>();

function saveGrades(store: Store, ids: number[], results: GradeResult[]): void {
  let save = saveStatements.get(store);
  if (!save) {
    const upsert = store.db.prepare(
      `INSERT INTO grades (trace_id, extracted, verdict, detail, grader_version, graded_at)
       VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
       ON CONFLICT (trace_id) DO UPDATE SET extracted = excluded.extracted, verdict = excluded.verdict,
         detail = excluded.detail, grader_version = excluded.grader_version, graded_at = excluded.graded_at`,
    );
    save = writeTransaction(store.db, (ids: number[], results: GradeResult[]) => {
      ids.forEach((id, i) => {
        const r = results[i]!;
        upsert.run(id, r.extracted, r.verdict, r.detail ?? null, GRADER_VERSION);
      });
    });
    saveStatements.set(store, save);
  }
  save(ids, results);
}

function resolveRuns(store: Store, names: readonly string[]): number[] {
  const get = store.db.prepare('SELECT id FROM runs WHERE name = ?');
  return names.map((name) => {
    const row = get.get(name) as { id: number } | undefined;
    if (!row) {
      const known = (
        store.db.prepare('SELECT name FROM runs ORDER BY id DESC LIMIT 10').all() as { name: string }[]
      ).map((r) => r.name);
      throw new W2sError(
        `No run named "${name}".${known.length ? ` Runs: ${known.join(', ')}.` : ' Sample or import traces first.'}`,
        'NO_RUN',
      );
    }
    return row.id;
  });
}
