import { W2sError } from '../errors';
import {
  checkRunsDeletable,
  countTraceRecords,
  deleteRunRows,
  inWriteTransaction,
  type TraceRecordCounts,
} from '../runs/delete-run';
import { findRun, type RunRow } from '../runs/runs';
import type { Store } from '../store/open';

export interface SetDeletionPlan extends TraceRecordCounts {
  readonly set: string;
  readonly problems: number;
  /** The runs on this set, deleted with it (only with `cascade`). */
  readonly runs: readonly string[];
}

function requireSet(store: Store, name: string): { id: number; problems: number } {
  const set = store.db
    .prepare(
      'SELECT id, (SELECT count(*) FROM problems p WHERE p.set_id = s.id) AS problems FROM problem_sets s WHERE name = ?',
    )
    .get(name) as { id: number; problems: number } | undefined;
  if (set) return set;
  const names = (store.db.prepare('SELECT name FROM problem_sets ORDER BY name').all() as { name: string }[]).map(
    (r) => r.name,
  );
  throw new W2sError(
    `No problem set named "${name}"${names.length ? ` (sets: ${names.join(', ')})` : ' (no sets yet)'}.`,
    'NO_SET',
  );
}

function runsOn(store: Store, setId: number): RunRow[] {
  const names = store.db.prepare('SELECT name FROM runs WHERE set_id = ? ORDER BY id').all(setId) as { name: string }[];
  return names.map((r) => findRun(store, r.name)!);
}

function describe(
  store: Store,
  name: string,
  cascade: boolean,
): { plan: SetDeletionPlan; setId: number; runs: RunRow[] } {
  const set = requireSet(store, name);
  const runs = runsOn(store, set.id);
  if (runs.length && !cascade) {
    throw new W2sError(
      `Problem set "${name}" has ${runs.length} run(s) (${runs
        .slice(0, 5)
        .map((r) => r.name)
        .join(', ')}${runs.length > 5 ? ', …' : ''}). ` +
        `Delete them first (w2s runs delete NAME), or delete the set with its runs and their traces: --cascade. Nothing was deleted.`,
      'SET_HAS_RUNS',
    );
  }
  // A trace of another set's run on one of these problems (never made by W2S itself) would block the delete.
  const foreign = (
    store.db
      .prepare(
        'SELECT count(*) AS n FROM traces t JOIN problems p ON p.id = t.problem_id JOIN runs r ON r.id = t.run_id WHERE p.set_id = ? AND r.set_id <> ?',
      )
      .get(set.id, set.id) as { n: number }
  ).n;
  if (foreign)
    throw new W2sError(
      `${foreign} trace(s) of runs on other sets answer problems of "${name}"; delete those runs first. Nothing was deleted.`,
      'SET_IN_USE',
    );
  const plan = {
    set: name,
    problems: set.problems,
    runs: runs.map((r) => r.name),
    ...countTraceRecords(
      store,
      runs.map((r) => r.id),
    ),
  };
  return { plan, setId: set.id, runs };
}

/** What `deleteSet` would remove; throws when it would refuse. */
export function planSetDeletion(store: Store, name: string, options: { cascade?: boolean } = {}): SetDeletionPlan {
  const { plan, runs } = describe(store, name, Boolean(options.cascade));
  checkRunsDeletable(store, runs);
  return plan;
}

/**
 * Deletes a problem set with its problems; with `cascade`, also its runs with their traces, grades,
 * labels and signals (refused if a dataset snapshot holds one of them). One write transaction.
 */
export function deleteSet(store: Store, name: string, options: { cascade?: boolean } = {}): SetDeletionPlan {
  return inWriteTransaction(store, () => {
    const { plan, setId, runs } = describe(store, name, Boolean(options.cascade));
    deleteRunRows(store, runs);
    store.db.prepare('DELETE FROM problem_sets WHERE id = ?').run(setId);
    return plan;
  });
}
