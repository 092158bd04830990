import type { Store } from './open';

/**
 * `trace_changes`: the ids of traces whose browser row or labels changed, in order (triggers of
 * migration 3). An in-memory index replays what it has not seen; the log is pruned to its newest
 * entries, and an index left further behind than that loads again.
 */
export const PRUNE_AT = 200_000;
export const KEEP_CHANGES = 100_000;

/** Two separate subqueries: SQLite answers a lone min() or max() of the primary key from the b-tree's ends, both in one scan the table. */
export function traceChangeBounds(store: Store): { lo: number; hi: number } {
  return store.db
    .prepare(
      'SELECT coalesce((SELECT min(seq) FROM trace_changes), 0) AS lo, coalesce((SELECT max(seq) FROM trace_changes), 0) AS hi',
    )
    .get() as { lo: number; hi: number };
}

/** Drops all but the newest KEEP_CHANGES entries once there are more than PRUNE_AT; never fails its caller. */
export function pruneTraceChanges(store: Store): void {
  try {
    const { lo, hi } = traceChangeBounds(store);
    if (hi - lo > PRUNE_AT) store.db.prepare('DELETE FROM trace_changes WHERE seq <= ?').run(hi - KEEP_CHANGES);
  } catch {
    // a busy or read-only store prunes another time
  }
}
