import type { Database } from './sqlite';

/**
 * A transaction that begins as a write (`BEGIN IMMEDIATE`). A deferred transaction that reads first
 * holds a read snapshot; when another process (a running sampler) commits before it writes, SQLite
 * cannot upgrade it and fails at once with SQLITE_BUSY_SNAPSHOT, without waiting out the busy timeout
 * (sqlite.org/wal.html, "Sometimes Queries Return SQLITE_BUSY In WAL Mode"; sqlite.org/rescode.html,
 * SQLITE_BUSY_SNAPSHOT). Taking the write lock first makes it wait its turn instead, under
 * `busy_timeout`, and then read the latest data. Nested in another transaction it is a savepoint.
 */
export function writeTransaction<A extends unknown[], R>(db: Database, fn: (...args: A) => R): (...args: A) => R {
  const tx = db.transaction(fn);
  return (...args: A) => tx.immediate(...args);
}
