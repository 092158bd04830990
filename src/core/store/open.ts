import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { openSqlite, type Database } from './sqlite';

export type { Database } from './sqlite';

export const DEFAULT_STORE_PATH = path.join('.w2s', 'w2s.db');

export interface Store {
  readonly db: Database;
  readonly file: string;
  close(): void;
}

export interface OpenStoreOptions {
  /** Open an existing store for reading only; never creates or migrates. */
  readonly readonly?: boolean;
  /** How long a writer waits for another process's lock before failing (ms). */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating and migrating if needed) the workspace store. A file written by a newer version of
 * W2S Studio is refused before anything is written to it.
 */
export function openStore(file: string, options: OpenStoreOptions = {}): Store {
  const abs = path.resolve(file);
  if (options.readonly && !fs.existsSync(abs)) {
    throw new W2sError(`No W2S store at ${abs}. Import a problem set first (w2s import).`, 'NO_STORE');
  }
  if (!options.readonly) fs.mkdirSync(path.dirname(abs), { recursive: true });

  let db: Database;
  try {
    db = openSqlite(abs, { readonly: options.readonly ?? false });
  } catch (e) {
    if (e instanceof W2sError) throw e;
    throw new W2sError(`Cannot open the W2S store ${abs}: ${(e as Error).message}`, 'STORE_OPEN');
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    let version: number;
    try {
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (e) {
      throw new W2sError(`${abs} is not a W2S store (not a SQLite database): ${(e as Error).message}`, 'STORE_OPEN');
    }
    refuseNewer(abs, version);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // 64 MB of page cache: index inserts of a large import stay in memory instead of thrashing.
      db.pragma('cache_size = -65536');
      migrate(db, abs);
    }
    db.pragma('foreign_keys = ON');
  } catch (e) {
    db.close();
    throw e;
  }
  return { db, file: abs, close: () => db.close() };
}

function refuseNewer(file: string, version: number): void {
  if (version > SCHEMA_VERSION) {
    throw new W2sError(
      `The W2S store ${file} has schema version ${version}, written by a newer W2S Studio; this version ` +
        `understands up to ${SCHEMA_VERSION}. Update W2S Studio (the file was not modified).`,
      'STORE_TOO_NEW',
    );
  }
}

function migrate(db: Database, file: string): void {
  if ((db.pragma('user_version', { simple: true }) as number) === SCHEMA_VERSION) return;
  // IMMEDIATE: a second process migrating at the same moment waits, then sees the new version.
  db.exec('BEGIN IMMEDIATE');
  try {
    const current = db.pragma('user_version', { simple: true }) as number;
    refuseNewer(file, current);
    for (let v = current; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  }
}

/** Resolves the store path: explicit option, then environment, then the default under `cwd`. */
export function resolveStorePath(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit || env.W2S_DB || DEFAULT_STORE_PATH;
  return path.resolve(cwd, chosen);
}

/** Increases whenever any connection (this process or another) commits; cheap to poll. */
export function dataVersion(store: Store): number {
  return store.db.pragma('data_version', { simple: true }) as number;
}
