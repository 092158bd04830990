import type { Database } from './sqlite';

/**
 * Puts the store in WAL mode, waiting out another process that is opening the same new store at the
 * same moment. `PRAGMA journal_mode = WAL` can answer SQLITE_BUSY at once, without calling the busy
 * handler, while a second connection is half-way through its own switch or first write of the file: two
 * `w2s import`s of a new store started together failed about one time in ten. So it is tried again
 * until `timeoutMs` (the busy timeout) has passed, as a locked write would wait.
 */
export function enterWal(db: Database, timeoutMs: number, pauseMs = 20): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw e;
      // openStore is synchronous (the CLI and the extension's store opening both call it so): a short
      // blocking pause, as SQLite's own busy handler sleeps.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
    }
  }
}
