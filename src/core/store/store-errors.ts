import { W2sError } from '../errors';

/**
 * The failures a store meets in normal life — another process holding the lock, a read-only file, a
 * full disk, a folder that cannot be made — as W2sErrors that say what happened and what to do, instead
 * of a raw SqliteError or ENOSPC with a stack. Undefined for anything else (a bug, reported as one).
 */
export function storeFailure(e: unknown, file: string): W2sError | undefined {
  if (e instanceof W2sError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const detail = `${code}: ${(e as Error).message}`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new W2sError(
      `The store ${file} is locked by another process (a w2s command, or VS Code, writing to it) and stayed locked past the ` +
        `busy timeout (${detail}). Wait for that process to finish, then run this again; what was stored before is kept.`,
      'STORE_BUSY',
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new W2sError(
      `The store ${file} is read-only: W2S Studio cannot write to it or to its folder (permissions, or a read-only disk; ` +
        `SQLite also writes a -shm file beside the store to read it) (${detail}). Make both writable, or use another store: ` +
        `--db PATH (in VS Code, the setting w2s.storePath). Nothing was changed.`,
      'STORE_READONLY',
    );
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EFBIG' || code === 'EDQUOT') {
    return new W2sError(
      `Cannot write to the store ${file}: the disk is full, or the file may not grow any further (${detail}). Free some space, ` +
        `then run this again; what was stored before is kept.`,
      'STORE_FULL',
    );
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new W2sError(
      `Cannot write to the store ${file}: the disk reported an error (${detail}). The disk may be full, the file may have reached ` +
        `the largest size allowed to it, or the disk may be failing. Free some space or move the store (--db PATH), then run ` +
        `this again; what was stored before is kept.`,
      'STORE_IO',
    );
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return new W2sError(
      `${file} is damaged or is not a SQLite database (${detail}). Use another store (--db PATH), or restore this one from a copy.`,
      'STORE_CORRUPT',
    );
  }
  if (code === 'SQLITE_CANTOPEN') {
    return new W2sError(
      `Cannot open the store file ${file} (${detail}). Check that its folder exists and can be written to.`,
      'STORE_OPEN',
    );
  }
  return undefined;
}

/** Runs `fn` on the store, turning an expected store failure into its W2sError. */
export function withStoreErrors<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw storeFailure(e, file) ?? e;
  }
}
