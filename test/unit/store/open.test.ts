import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/core/store/migrations';
import { importProblemSet } from '../../../src/core/problems/import';
import { APPLICATION_ID, dataVersion, openStore, resolveStorePath } from '../../../src/core/store/open';
import { openSqlite } from '../../../src/core/store/sqlite';
import { tempDir, writeFile } from '../../support/tmp';

/** Another application's SQLite file: a table, a row, the default (rollback) journal. */
function foreignDb(file: string, appId = 0): Buffer {
  const raw = openSqlite(file);
  raw.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')");
  if (appId) raw.pragma(`application_id = ${appId}`);
  raw.close();
  return fs.readFileSync(file);
}

/** A W2S store as versions before the application id made it (schema, no id). */
function legacyStore(file: string): void {
  openStore(file).close();
  const raw = openSqlite(file);
  raw.pragma('application_id = 0');
  raw.close();
}

describe('store', () => {
  it('creates the file and folder, in WAL mode with foreign keys, at the current schema version', () => {
    const dir = tempDir();
    const file = path.join(dir, 'nested', '.w2s', 'w2s.db');
    const store = openStore(file);
    try {
      assert.ok(fs.existsSync(file));
      assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.ok((store.db.pragma('busy_timeout', { simple: true }) as number) > 0);
      const tables = (
        store.db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table')").all() as { name: string }[]
      ).map((r) => r.name);
      for (const t of [
        'problem_sets',
        'problems',
        'runs',
        'traces',
        'grades',
        'labels',
        'datasets',
        'dataset_traces',
        'jobs',
        'job_metrics',
        'traces_fts',
      ]) {
        assert.ok(tables.includes(t), `missing table ${t}`);
      }
    } finally {
      store.close();
    }
  });

  it('reopening an up-to-date store changes nothing', () => {
    const file = path.join(tempDir(), 'w2s.db');
    openStore(file).close();
    const before = fs.statSync(file).mtimeMs;
    const store = openStore(file);
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    store.close();
    assert.equal(fs.statSync(file).mtimeMs, before);
  });

  it('refuses a store written by a newer version, without modifying it', () => {
    const file = path.join(tempDir(), 'w2s.db');
    const raw = openSqlite(file);
    raw.exec('CREATE TABLE future (x)');
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.pragma(`application_id = ${APPLICATION_ID}`); // as every W2S store since the id exists
    raw.close();
    const bytes = fs.readFileSync(file);
    assert.throws(
      () => openStore(file),
      (e: unknown) =>
        e instanceof W2sError &&
        e.code === 'STORE_TOO_NEW' &&
        e.message.includes(
          `The W2S store ${file} has schema version ${SCHEMA_VERSION + 5}, written by a newer W2S Studio`,
        ) &&
        e.message.includes(`understands up to ${SCHEMA_VERSION}. Update W2S Studio (the file was not modified).`),
    );
    assert.deepEqual(fs.readFileSync(file), bytes, 'the newer file must not be touched');
    assert.ok(!fs.existsSync(`${file}-wal`), 'no WAL file may be created for a refused store');
  });

  it('lets two connections (extension and CLI) write the same file, and data_version shows the other one’s commits', () => {
    const file = path.join(tempDir(), 'w2s.db');
    const a = openStore(file);
    const b = openStore(file);
    try {
      const v0 = dataVersion(a);
      b.db.prepare("INSERT INTO problem_sets (name, source, source_hash) VALUES ('x', 'test', 'h')").run();
      assert.notEqual(dataVersion(a), v0);
      a.db.prepare("INSERT INTO problem_sets (name, source, source_hash) VALUES ('y', 'test', 'h')").run();
      assert.equal((b.db.prepare('SELECT count(*) AS n FROM problem_sets').get() as { n: number }).n, 2);
    } finally {
      a.close();
      b.close();
    }
  });

  it('keeps the full-text index in step with traces', () => {
    const store = openStore(path.join(tempDir(), 'w2s.db'));
    try {
      const db = store.db;
      const set = db
        .prepare("INSERT INTO problem_sets (name, source, source_hash) VALUES ('s', 't', 'h')")
        .run().lastInsertRowid;
      const p = db
        .prepare(
          "INSERT INTO problems (set_id, key, position, question, answer, answer_type) VALUES (?, '1', 0, 'q', '1', 'number')",
        )
        .run(set).lastInsertRowid;
      const run = db
        .prepare("INSERT INTO runs (name, kind, set_id, model) VALUES ('r', 'sample', ?, 'm')")
        .run(set).lastInsertRowid;
      const t = db
        .prepare(
          "INSERT INTO traces (run_id, problem_id, sample_index, prompt, reasoning, answer) VALUES (?, ?, 0, 'p', 'we factor the quadratic', 'so x = 3')",
        )
        .run(run, p).lastInsertRowid;
      const hits = () =>
        (
          db.prepare("SELECT rowid FROM traces_fts WHERE traces_fts MATCH 'quadratic'").all() as { rowid: number }[]
        ).map((r) => r.rowid);
      assert.deepEqual(hits(), [Number(t)]);
      db.prepare("UPDATE traces SET reasoning = 'no longer' WHERE id = ?").run(t);
      assert.deepEqual(hits(), []);
      db.prepare('DELETE FROM traces WHERE id = ?').run(t);
      assert.equal(
        (db.prepare("SELECT count(*) AS n FROM traces_fts WHERE traces_fts MATCH 'longer'").get() as { n: number }).n,
        0,
      );
    } finally {
      store.close();
    }
  });

  it('a native module that cannot load gives an error naming the runtime ABI and the fix', () => {
    const dir = tempDir();
    const fake = path.join(dir, 'better_sqlite3.node');
    fs.writeFileSync(fake, 'not a shared object');
    assert.throws(
      () => openSqlite(path.join(dir, 'x.db'), { nativeBinding: fake }),
      (e: unknown) =>
        e instanceof W2sError &&
        e.code === 'NATIVE_MODULE' &&
        e.message.includes(`NODE_MODULE_VERSION ${process.versions.modules}`) &&
        e.message.includes(`Node ${process.versions.node}`) &&
        /npm rebuild better-sqlite3/.test(e.message) &&
        /--runtime electron/.test(e.message),
    );
  });

  it("marks its stores with SQLite's application_id, and adopts a store made before the id existed", () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'w2s.db'));
    assert.equal(store.db.pragma('application_id', { simple: true }), APPLICATION_ID);
    store.close();
    const old = path.join(dir, 'old.db');
    legacyStore(old);
    const reopened = openStore(old);
    assert.equal(reopened.db.pragma('application_id', { simple: true }), APPLICATION_ID);
    reopened.close();
  });

  it("refuses another application's SQLite file, writable or read-only, and leaves it byte for byte as it was", () => {
    const dir = tempDir();
    for (const [name, appId] of [
      ['notes.db', 0],
      ['tagged.db', 0x12345678],
    ] as const) {
      const file = path.join(dir, name);
      const bytes = foreignDb(file, appId);
      for (const readonly of [false, true]) {
        assert.throws(
          () => openStore(file, { readonly }),
          (e: unknown) =>
            e instanceof W2sError &&
            e.code === 'NOT_A_STORE' &&
            e.message.includes(file) &&
            /another application/.test(e.message) &&
            /--db/.test(e.message),
        );
        assert.deepEqual(
          fs.readFileSync(file),
          bytes,
          `${name} (${readonly ? 'read-only' : 'writable'} open) is unchanged`,
        );
        assert.ok(!fs.existsSync(`${file}-wal`) && !fs.existsSync(`${file}-journal`), 'no journal was made for it');
      }
    }
    // an empty file is a new store
    const empty = writeFile(dir, 'empty.db', '');
    openStore(empty).close();
    assert.equal(openStore(empty, { readonly: true }).db.pragma('application_id', { simple: true }), APPLICATION_ID);
  });

  it('a read-only open never migrates or changes the journal mode; an older store is refused until a writer upgrades it', () => {
    const file = path.join(tempDir(), 'w2s.db');
    const raw = openSqlite(file);
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1'); // a store written by the first version: rollback journal, schema 1
    raw.close();
    const bytes = fs.readFileSync(file);
    assert.throws(
      () => openStore(file, { readonly: true }),
      (e: unknown) => e instanceof W2sError && e.code === 'STORE_TOO_OLD' && /upgrades it/.test(e.message),
    );
    assert.deepEqual(fs.readFileSync(file), bytes);
    const writer = openStore(file);
    assert.equal(writer.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    writer.close();
    const reader = openStore(file, { readonly: true });
    assert.equal((reader.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n, 0);
    reader.close();
  });

  it('a folder given as the store, and a folder that cannot be created, are W2sErrors naming the path', () => {
    const dir = tempDir();
    assert.throws(
      () => openStore(dir),
      (e: unknown) =>
        e instanceof W2sError && e.code === 'STORE_IS_FOLDER' && e.message.includes(path.join(dir, 'w2s.db')),
    );
    const file = writeFile(dir, 'plain.txt', 'a file, not a folder');
    const under = path.join(file, 'sub', 'w2s.db');
    assert.throws(
      () => openStore(under),
      (e: unknown) =>
        e instanceof W2sError &&
        e.code === 'STORE_FOLDER' &&
        /a part of that path is a file/.test(e.message) &&
        e.message.includes(path.join(file, 'sub')),
    );
  });

  it('a store locked by another writer past the busy timeout is a STORE_BUSY W2sError, and the import stores nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'w2s.db');
    const holder = openStore(file);
    const store = openStore(file, { busyTimeoutMs: 200 });
    const problems = writeFile(dir, 'p.jsonl', JSON.stringify({ question: 'q', answer: '1' }));
    holder.db.exec('BEGIN IMMEDIATE');
    try {
      const t0 = Date.now();
      await assert.rejects(
        importProblemSet(store, { file: problems, name: 'p' }),
        (e: unknown) => e instanceof W2sError && e.code === 'STORE_BUSY' && /locked by another process/.test(e.message),
      );
      assert.ok(Date.now() - t0 >= 150, 'it waited for the busy timeout first');
    } finally {
      holder.db.exec('ROLLBACK');
    }
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM problem_sets').get() as { n: number }).n, 0);
    await importProblemSet(store, { file: problems, name: 'p' });
    holder.close();
    store.close();
  });

  it('resolves the path from --db, then W2S_DB, then the default', () => {
    assert.equal(resolveStorePath('x.db', '/w', {}), '/w/x.db');
    assert.equal(resolveStorePath(undefined, '/w', { W2S_DB: '/abs/y.db' }), '/abs/y.db');
    assert.equal(resolveStorePath(undefined, '/w', {}), '/w/.w2s/w2s.db');
  });
});
