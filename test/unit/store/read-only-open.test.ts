// A read-only open (the CLI's reading commands, the tree views before a write) never creates, migrates or
// changes anything, and says what to do when there is nothing it can read yet.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/core/store/migrations';
import { openStore } from '../../../src/core/store/open';
import { openSqlite } from '../../../src/core/store/sqlite';
import { tempDir, writeFile } from '../../support/tmp';

describe('read-only open', () => {
  it('of a path with no file is NO_STORE naming the path and the command that makes one; no file or folder is made', () => {
    const dir = tempDir();
    const file = path.join(dir, 'not-yet', 'w2s.db');
    assert.throws(
      () => openStore(file, { readonly: true }),
      (e: unknown) =>
        e instanceof W2sError && e.code === 'NO_STORE' && e.message.includes(file) && /w2s import/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing was created');
  });

  it('of an empty file (a store not written yet) is NO_STORE, not "too old", and the file stays empty', () => {
    const file = writeFile(tempDir(), 'w2s.db', '');
    assert.throws(
      () => openStore(file, { readonly: true }),
      (e: unknown) =>
        e instanceof W2sError &&
        e.code === 'NO_STORE' &&
        e.message.includes(file) &&
        /empty database/.test(e.message) &&
        /w2s import/.test(e.message),
    );
    assert.equal(fs.statSync(file).size, 0);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['w2s.db']);
  });

  it('of an older store names the file, its version and the version this build reads', () => {
    const file = path.join(tempDir(), 'w2s.db');
    const raw = openSqlite(file);
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    raw.close();
    assert.throws(
      () => openStore(file, { readonly: true }),
      (e: unknown) =>
        e instanceof W2sError &&
        e.code === 'STORE_TOO_OLD' &&
        e.message.includes(
          `The W2S store ${file} has schema version 1; this W2S Studio reads version ${SCHEMA_VERSION}.`,
        ),
    );
  });

  it('gives a connection that cannot write: a write through it is refused by SQLite and the file is unchanged', () => {
    const file = path.join(tempDir(), 'w2s.db');
    openStore(file).close();
    const bytes = fs.readFileSync(file);
    const store = openStore(file, { readonly: true });
    try {
      assert.equal(store.db.readonly, true);
      assert.throws(
        () => store.db.prepare("INSERT INTO problem_sets (name, source, source_hash) VALUES ('x', 't', 'h')").run(),
        (e: unknown) => (e as { code?: string }).code === 'SQLITE_READONLY',
      );
    } finally {
      store.close();
    }
    assert.deepEqual(fs.readFileSync(file), bytes);
  });
});
