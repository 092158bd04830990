import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { openSqlite, type Database } from './sqlite';
import { storeFailure } from './store-errors';
import { enterWal } from './wal-mode';

export type { Database } from './sqlite';

export const DEFAULT_STORE_PATH = path.join('.w2s', 'w2s.db');

/**
 * SQLite's `application_id` of a W2S store ("W2SS"): another application's SQLite file is told
 * apart before anything is written to it (sqlite.org/fileformat.html, "Application ID").
 */
export const APPLICATION_ID = 0x57325353;

export interface Store {
  readonly db: Database;
  readonly file: string;
  close(): void;
}

export interface OpenStoreOptions {
  /** Open an existing store for reading only; never creates, migrates or changes it. */
  readonly readonly?: boolean;
  /** How long a writer waits for another process's lock before failing (ms). */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating and migrating if needed) the workspace store. Nothing is written to a file that is
 * not a W2S store (another application's SQLite database), nor to one written by a newer version of
 * W2S Studio; a read-only open never writes at all.
 */
export function openStore(file: string, options: OpenStoreOptions = {}): Store {
  const abs = path.resolve(file);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(abs);
  } catch {
    // not there yet: created below (or refused when reading only)
  }
  if (stat?.isDirectory()) {
    throw new W2sError(
      `${abs} is a folder, not a store file. Give the path of a file, e.g. ${path.join(abs, 'w2s.db')}.`,
      'STORE_IS_FOLDER',
    );
  }
  if (options.readonly && !stat) {
    throw new W2sError(`No W2S store at ${abs}. Import a problem set first (w2s import).`, 'NO_STORE');
  }
  if (!options.readonly) makeFolder(path.dirname(abs));

  let db: Database;
  try {
    db = openSqlite(abs, { readonly: options.readonly ?? false });
  } catch (e) {
    if (e instanceof W2sError) throw e;
    throw (
      storeFailure(e, abs) ?? new W2sError(`Cannot open the W2S store ${abs}: ${(e as Error).message}`, 'STORE_OPEN')
    );
  }
  try {
    const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    let version: number;
    let appId: number;
    try {
      version = db.pragma('user_version', { simple: true }) as number;
      appId = db.pragma('application_id', { simple: true }) as number;
      // the pragmas read only the header: reading the schema finds a damaged first page, or a schema
      // format this SQLite does not know, here rather than in the middle of a command
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch (e) {
      // the first read: a read-only folder (SQLite must write a -shm file to read a WAL store) fails here too
      throw firstReadFailure(e, abs);
    }
    const kind = ownership(db, version, appId);
    if (kind === 'foreign') throw foreignFile(db, abs, appId);
    refuseNewer(abs, version);
    if (options.readonly) {
      if (kind === 'empty')
        throw new W2sError(
          `${abs} is an empty database, not a W2S store yet. Import a problem set first (w2s import).`,
          'NO_STORE',
        );
      if (version < SCHEMA_VERSION) {
        throw new W2sError(
          `The W2S store ${abs} has schema version ${version}; this W2S Studio reads version ${SCHEMA_VERSION}. A command that ` +
            `writes (w2s import, w2s sample, w2s grade) upgrades it, as does opening the workspace in VS Code. It was not modified.`,
          'STORE_TOO_OLD',
        );
      }
    } else {
      enterWal(db, busyTimeoutMs);
      db.pragma('synchronous = NORMAL');
      // 64 MB of page cache: index inserts of a large import stay in memory instead of thrashing.
      db.pragma('cache_size = -65536');
      migrate(db, abs);
    }
    db.pragma('foreign_keys = ON');
  } catch (e) {
    db.close();
    throw storeFailure(e, abs) ?? e;
  }
  return { db, file: abs, close: () => db.close() };
}

function makeFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? 'a part of that path is a file, not a folder'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'the disk is read-only'
            : code === 'ENOSPC'
              ? 'the disk is full'
              : (e as Error).message;
    throw new W2sError(
      `Cannot create the folder ${dir} for the W2S store: ${why} (${code}). Give another store path (--db PATH; in VS Code, the setting w2s.storePath).`,
      'STORE_FOLDER',
    );
  }
}

/**
 * Whose file this is: ours (our application_id, or — from before it was set — our schema), empty (a
 * new file, ours to fill: no schema at all, no user_version), or another application's. Anything in
 * the schema counts — a view, a trigger or an index alone makes a file someone else's.
 */
function ownership(db: Database, version: number, appId: number): 'ours' | 'empty' | 'foreign' {
  if (appId === APPLICATION_ID) return 'ours';
  if (appId !== 0) return 'foreign';
  const entries = db.prepare('SELECT type, name FROM sqlite_master').all() as { type: string; name: string }[];
  if (entries.length === 0 && version === 0) return 'empty';
  const tables = new Set(entries.filter((e) => e.type === 'table').map((e) => e.name));
  return version > 0 && tables.has('problem_sets') && tables.has('runs') && tables.has('traces') ? 'ours' : 'foreign';
}

function foreignFile(db: Database, file: string, appId: number): W2sError {
  const entries = db
    .prepare(
      "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type = 'table' DESC, type, name",
    )
    .all() as { type: string; name: string }[];
  const groups = new Map<string, string[]>();
  for (const e of entries) groups.set(e.type, [...(groups.get(e.type) ?? []), e.name]);
  const listed = [...groups]
    .map(([type, names]) => `${plural(type)} ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`)
    .join('; ');
  const what =
    appId !== 0
      ? `application id 0x${(appId >>> 0).toString(16)}`
      : listed || `user_version ${db.pragma('user_version', { simple: true }) as number}`;
  return new W2sError(
    `${file} is a SQLite database of another application (${what}), not a W2S store. W2S Studio leaves it as it is: ` +
      `give the path of a new or existing W2S store instead (--db PATH, or $W2S_DB; in VS Code, the setting w2s.storePath).`,
    'NOT_A_STORE',
  );
}

/** sqlite_master's types (table, index, view, trigger) as a heading: "indexes", not "indexs". */
const plural = (type: string): string => (type === 'index' ? 'indexes' : `${type}s`);

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
  const ready = () =>
    (db.pragma('user_version', { simple: true }) as number) === SCHEMA_VERSION &&
    (db.pragma('application_id', { simple: true }) as number) === APPLICATION_ID;
  if (ready()) return;
  // IMMEDIATE: a second process migrating at the same moment waits, then sees the new version.
  db.exec('BEGIN IMMEDIATE');
  try {
    const current = db.pragma('user_version', { simple: true }) as number;
    refuseNewer(file, current);
    for (let v = current; v < SCHEMA_VERSION; v++) {
      try {
        db.exec(MIGRATIONS[v]!);
      } catch (e) {
        // SQLite's words alone ("table x already exists") say neither which file nor that nothing changed
        throw new W2sError(
          `Cannot upgrade the store ${file} from version ${current} to ${SCHEMA_VERSION}: step ${v + 1} failed (${(e as Error).message}). Nothing was changed; the file may have been edited by another tool — open a copy of it, or move it away to start a new store.`,
          'STORE_UPGRADE',
        );
      }
      db.pragma(`user_version = ${v + 1}`);
    }
    // stores made before the application id existed get it with their next write
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

/** Resolves the store path: explicit option, then environment, then the default under `cwd`. */
export function resolveStorePath(
  explicit: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const chosen = explicit || env.W2S_DB || DEFAULT_STORE_PATH;
  return path.resolve(cwd, chosen);
}

/** Increases whenever any connection (this process or another) commits; cheap to poll. */
export function dataVersion(store: Store): number {
  return store.db.pragma('data_version', { simple: true }) as number;
}

/** What the first read of a file says about it, as a W2sError where it says something a user can act on. */
export function firstReadFailure(e: unknown, abs: string): unknown {
  const code = (e as { code?: string }).code;
  const message = (e as Error).message;
  if (code === 'SQLITE_NOTADB')
    return new W2sError(`${abs} is not a W2S store (not a SQLite database): ${message}`, 'STORE_OPEN');
  if (code === 'SQLITE_CORRUPT')
    return new W2sError(
      `${abs} is a damaged SQLite database (${message}). Use another store (--db PATH), or restore this one from a copy. ` +
        `Nothing was written to it.`,
      'STORE_CORRUPT',
    );
  // sqlite3.c, "unsupported file format": a schema format number above 4 (sqlite.org/fileformat.html, offset 44)
  if (code === 'SQLITE_ERROR' && /unsupported file format/.test(message))
    return new W2sError(
      `${abs} is a SQLite database in a file format newer than this W2S Studio's SQLite reads (${message}). Open it with a ` +
        `newer W2S Studio, or use another store (--db PATH). Nothing was written to it.`,
      'STORE_OPEN',
    );
  return e;
}
