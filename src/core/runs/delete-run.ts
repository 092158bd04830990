import { W2sError } from '../errors';
import { isFinished, type JobStatus } from '../jobs/job-store';
import type { Store } from '../store/open';
import { storeFailure } from '../store/store-errors';
import { writeTransaction } from '../store/write-transaction';
import { effectiveStatus, findRun, thisOwner, type RunRow } from './runs';

/** What deleting runs removes: their traces and everything hanging off a trace. */
export interface TraceRecordCounts {
  readonly traces: number;
  readonly grades: number;
  /** traces with a decision, a star or a note */
  readonly labels: number;
  readonly signals: number;
}

export interface RunDeletionPlan extends TraceRecordCounts {
  readonly run: string;
  readonly kind: RunRow['kind'];
  readonly model: string;
  readonly set: string;
  /** Re-runs layered over this evaluation (results' "rerun failed"): deleted with it. */
  readonly reruns: readonly string[];
}

/** The dataset snapshots that hold a trace of these runs (frozen records: they must go first). */
function snapshotsUsing(store: Store, runIds: readonly number[]): string[] {
  if (runIds.length === 0) return [];
  return (
    store.db
      .prepare(
        `SELECT DISTINCT d.name FROM datasets d WHERE EXISTS (
           SELECT 1 FROM dataset_traces dt JOIN traces t ON t.id = dt.trace_id
           WHERE dt.dataset_id = d.id AND t.run_id IN (${runIds.map(() => '?').join(',')})) ORDER BY d.name`,
      )
      .all(...runIds) as { name: string }[]
  ).map((r) => r.name);
}

export function countTraceRecords(store: Store, runIds: readonly number[]): TraceRecordCounts {
  if (runIds.length === 0) return { traces: 0, grades: 0, labels: 0, signals: 0 };
  const inRuns = `t.run_id IN (${runIds.map(() => '?').join(',')})`;
  const n = (sql: string) => (store.db.prepare(sql).get(...runIds) as { n: number }).n;
  return {
    traces: n(`SELECT count(*) AS n FROM traces t WHERE ${inRuns}`),
    grades: n(`SELECT count(*) AS n FROM grades g JOIN traces t ON t.id = g.trace_id WHERE ${inRuns}`),
    labels: n(
      `SELECT count(*) AS n FROM labels l JOIN traces t ON t.id = l.trace_id WHERE ${inRuns} AND (l.decision IS NOT NULL OR l.star = 1 OR l.note IS NOT NULL)`,
    ),
    signals: n(`SELECT count(*) AS n FROM trace_signals s JOIN traces t ON t.id = s.trace_id WHERE ${inRuns}`),
  };
}

function requireRun(store: Store, name: string): RunRow {
  const run = findRun(store, name);
  if (run) return run;
  const names = (store.db.prepare('SELECT name FROM runs ORDER BY id DESC LIMIT 10').all() as { name: string }[]).map(
    (r) => r.name,
  );
  throw new W2sError(
    `No run named "${name}"${names.length ? ` (recent: ${names.join(', ')})` : ' (no runs yet)'}.`,
    'NO_RUN',
  );
}

function rerunsOf(store: Store, runId: number): { id: number; name: string }[] {
  return store.db
    .prepare('SELECT r.id, r.name FROM run_reruns x JOIN runs r ON r.id = x.run_id WHERE x.rerun_of = ? ORDER BY r.id')
    .all(runId) as { id: number; name: string }[];
}

/**
 * Why a run cannot be deleted now, or null: a sampler or a cluster job still writes into it, or a dataset
 * snapshot holds some of its traces (a snapshot is a frozen record of an export: `w2s datasets delete` first).
 */
export function checkRunsDeletable(store: Store, runs: readonly RunRow[]): void {
  const refused = refusal(store, runs);
  if (refused) throw refused;
}

function refusal(store: Store, runs: readonly RunRow[]): W2sError | null {
  for (const run of runs) {
    if (effectiveStatus(run) === 'running') {
      const who = run.owner === thisOwner() ? 'this process' : `another process (${run.owner})`;
      return new W2sError(
        `Run "${run.name}" is being sampled right now by ${who}. Cancel the sampling first, then delete it.`,
        'RUN_BUSY',
      );
    }
    const job = store.db
      .prepare('SELECT j.name, j.status FROM runs r JOIN jobs j ON j.id = r.job_id WHERE r.id = ?')
      .get(run.id) as { name: string; status: JobStatus } | undefined;
    if (job && !isFinished(job.status)) {
      return new W2sError(
        `Run "${run.name}" is filled by cluster job "${job.name}" (${job.status}). Stop the job (w2s jobs stop ${job.name}) or wait for it, then delete the run.`,
        'RUN_BUSY',
      );
    }
  }
  const snapshots = snapshotsUsing(
    store,
    runs.map((r) => r.id),
  );
  if (snapshots.length) {
    const names = runs.map((r) => `"${r.name}"`).join(', ');
    return new W2sError(
      `Dataset snapshot${snapshots.length > 1 ? 's' : ''} ${snapshots.map((s) => `"${s}"`).join(', ')} ${snapshots.length > 1 ? 'were' : 'was'} made from traces of ${names}; ` +
        `a snapshot is a frozen record of an export, so its traces stay. Delete the snapshot first (w2s datasets delete ${snapshots[0]}), then the run. Nothing was deleted.`,
      'RUN_IN_SNAPSHOT',
    );
  }
  return null;
}

/** The run and its re-runs, as they would be deleted. */
function runsToDelete(store: Store, name: string): RunRow[] {
  const run = requireRun(store, name);
  return [run, ...rerunsOf(store, run.id).map((r) => findRun(store, r.name)!)];
}

/** What `deleteRun` would remove, without removing anything. Throws when the run cannot be deleted. */
export function planRunDeletion(store: Store, name: string): RunDeletionPlan {
  const runs = runsToDelete(store, name);
  checkRunsDeletable(store, runs);
  return describe(store, runs);
}

function describe(store: Store, runs: readonly RunRow[]): RunDeletionPlan {
  const run = runs[0]!;
  return {
    run: run.name,
    kind: run.kind,
    model: run.model,
    set: run.setName,
    reruns: runs.slice(1).map((r) => r.name),
    ...countTraceRecords(
      store,
      runs.map((r) => r.id),
    ),
  };
}

/** Deletes runs with their traces, inside the caller's write transaction. */
export function deleteRunRows(store: Store, runs: readonly RunRow[]): void {
  checkRunsDeletable(store, runs);
  // Grades, labels, signals and dataset links go by ON DELETE CASCADE, the search index by the
  // traces_fts_delete trigger, and the browser's index hears of it through trace_changes.
  const delTraces = store.db.prepare('DELETE FROM traces WHERE run_id = ?');
  const delRun = store.db.prepare('DELETE FROM runs WHERE id = ?');
  for (const r of [...runs].reverse()) {
    delTraces.run(r.id);
    delRun.run(r.id);
  }
}

/**
 * Deletes a run (and the re-runs layered over it) with its traces, grades, labels, signals and their
 * search index rows, in one write transaction: all of it or, on any refusal or failure, nothing.
 */
export function deleteRun(store: Store, name: string): RunDeletionPlan {
  return inWriteTransaction(store, () => {
    // looked up again under the write lock: what is deleted is what is counted
    const runs = runsToDelete(store, name);
    const plan = describe(store, runs);
    deleteRunRows(store, runs);
    return plan;
  });
}

/** One write transaction (writeTransaction: BEGIN IMMEDIATE), its store failures as W2sErrors. */
export function inWriteTransaction<T>(store: Store, fn: () => T): T {
  try {
    return writeTransaction(store.db, fn)();
  } catch (e) {
    if (e instanceof W2sError) throw e;
    throw storeFailure(e, store.file) ?? e;
  }
}
