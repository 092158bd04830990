// What openStore says when it cannot open a path as a store: a W2sError that names the file (or folder)
// and the cause, never a raw SqliteError or errno error, and a failed upgrade leaves the store as it was.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import { MIGRATIONS } from '../../../src/core/store/migrations';
import { firstReadFailure, openStore } from '../../../src/core/store/open';
import { openSqlite } from '../../../src/core/store/sqlite';
import { tempDir, writeFile } from '../../support/tmp';

// The module object itself (not the namespace copy an `import * as` makes), so a stub of one of its
// functions is what open.ts calls too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs = require('node:fs') as typeof fs;

const w2sError =
  (code: string, ...parts: (string | RegExp)[]) =>
  (e: unknown): boolean => {
    assert.ok(e instanceof W2sError, `a W2sError, not ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of parts) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `${JSON.stringify(p)} in: ${e.message}`);
      else assert.match(e.message, p);
    }
    return true;
  };

describe('opening what is not a store file', () => {
  it('a file that is not SQLite is STORE_OPEN: "not a W2S store (not a SQLite database)" with SQLite\'s reason', () => {
    const file = writeFile(
      tempDir(),
      'w2s.db',
      'plain text, long enough to fill a SQLite header and more\n'.repeat(20),
    );
    assert.throws(
      () => openStore(file),
      w2sError('STORE_OPEN', `${file} is not a W2S store (not a SQLite database): file is not a database`),
    );
  });

  it('a SQLite file whose header claims more pages than the file holds (SQLITE_CORRUPT at the first read) is STORE_CORRUPT: a damaged SQLite database, not "not SQLite"', () => {
    const file = path.join(tempDir(), 'w2s.db');
    const raw = openSqlite(file);
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    const bytes = fs.readFileSync(file);
    // sqlite.org/fileformat.html: the page count at offset 28 is trusted while the change counter (24)
    // equals the version-valid-for number (92); a count past the file's end is SQLITE_CORRUPT.
    assert.equal(bytes.readUInt32BE(24), bytes.readUInt32BE(92));
    bytes.writeUInt32BE(bytes.readUInt32BE(28) + 10, 28);
    fs.writeFileSync(file, bytes);
    assert.throws(
      () => openStore(file, { readonly: true }),
      w2sError(
        'STORE_CORRUPT',
        `${file} is a damaged SQLite database (database disk image is malformed)`,
        'restore this one from a copy. Nothing was written to it.',
      ),
    );
    assert.deepEqual(fs.readFileSync(file), bytes, 'nothing written to it');
  });

  // sqlite.org/fileformat.html: the b-tree page type at offset 100 (page 1's header, after the file
  // header) is one of 2, 5, 10, 13; the pragmas read only the file header, so only a schema read finds it
  for (const readonly of [true, false]) {
    it(`a W2S store whose first page is damaged is STORE_CORRUPT when it is opened${readonly ? ' for reading' : ''}, not on a later query`, () => {
      const file = path.join(tempDir(), 'w2s.db');
      const made = openStore(file);
      made.db.pragma('journal_mode = DELETE');
      made.close();
      const bytes = fs.readFileSync(file);
      bytes[100] = 0x99;
      fs.writeFileSync(file, bytes);
      assert.throws(
        () => openStore(file, { readonly }),
        w2sError('STORE_CORRUPT', `${file} is a damaged SQLite database`),
      );
      assert.deepEqual(fs.readFileSync(file), bytes, 'nothing written to it');
    });
  }

  it('a SQLite file of a schema format newer than this SQLite reads is STORE_OPEN naming the format, not a raw SqliteError', () => {
    const file = path.join(tempDir(), 'w2s.db');
    const made = openStore(file);
    made.db.pragma('journal_mode = DELETE');
    made.close();
    const bytes = fs.readFileSync(file);
    // sqlite.org/fileformat.html: the schema format number at offset 44 is 1 to 4
    bytes.writeUInt32BE(9, 44);
    fs.writeFileSync(file, bytes);
    for (const readonly of [true, false])
      assert.throws(
        () => openStore(file, { readonly }),
        w2sError(
          'STORE_OPEN',
          `${file} is a SQLite database in a file format newer`,
          '(unsupported file format). Open it with a newer W2S Studio',
          'Nothing was written to it.',
        ),
      );
    assert.deepEqual(fs.readFileSync(file), bytes, 'nothing written to it');
  });

  it('the first read names only what it knows: another SQLite error, or that message under another code, is passed on as it is', () => {
    const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });
    for (const e of [
      sqliteError('SQLITE_ERROR', 'no such table: sqlite_schema'),
      sqliteError('SQLITE_IOERR_READ', 'unsupported file format'),
      sqliteError('SQLITE_CANTOPEN', 'unable to open database file'),
    ])
      assert.equal(firstReadFailure(e, '/data/w2s.db'), e);
    const known = firstReadFailure(sqliteError('SQLITE_ERROR', 'unsupported file format'), '/data/w2s.db');
    assert.ok(known instanceof W2sError && known.code === 'STORE_OPEN', String(known));
  });

  it("a path SQLite cannot open (a Unix socket) is STORE_OPEN naming the file and SQLite's code", async () => {
    const file = path.join(tempDir(), 'w2s.db');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(file, resolve));
    try {
      for (const readonly of [false, true]) {
        assert.throws(
          () => openStore(file, { readonly }),
          w2sError('STORE_OPEN', `Cannot open the store file ${file} (SQLITE_CANTOPEN`),
        );
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a store locked by a writer before its first read (rollback journal) is STORE_BUSY, not "not a SQLite database"', () => {
    const file = path.join(tempDir(), 'w2s.db');
    const writer = openSqlite(file); // a store of the first version: rollback journal, where a writer blocks readers
    writer.exec(MIGRATIONS[0]!);
    writer.pragma('user_version = 1');
    writer.exec("BEGIN EXCLUSIVE; INSERT INTO templates (name, api, user) VALUES ('t', 'chat', 'u')");
    try {
      for (const readonly of [false, true]) {
        assert.throws(
          () => openStore(file, { readonly, busyTimeoutMs: 50 }),
          w2sError('STORE_BUSY', file, /locked by another process/),
        );
      }
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  });
});

describe("the store's folder cannot be made", () => {
  it('a file where a folder should be (the last part of the folder is a file: EEXIST) says so', () => {
    const file = writeFile(tempDir(), 'plain.txt', 'a file');
    assert.throws(
      () => openStore(path.join(file, 'w2s.db')),
      w2sError(
        'STORE_FOLDER',
        `Cannot create the folder ${file} for the W2S store: a part of that path is a file, not a folder (EEXIST)`,
        /--db PATH/,
      ),
    );
  });

  it("any other cause is given in the system's own words (a folder name too long: ENAMETOOLONG)", () => {
    const dir = path.join(tempDir(), 'x'.repeat(300));
    assert.throws(
      () => openStore(path.join(dir, 'w2s.db')),
      w2sError('STORE_FOLDER', `Cannot create the folder ${dir} for the W2S store: ENAMETOOLONG: name too long`),
    );
  });

  // Permission bits do not stop root (these tests run as root in the container and CI), and a read-only
  // or full disk cannot be mounted without privileges, so mkdirSync is made to fail the way Node's does:
  // an Error with libuv's code, errno, syscall and path (node lib/internal/errors.js, UVException).
  for (const [code, errno, words, why] of [
    ['EACCES', -13, 'permission denied', 'permission denied'],
    ['EPERM', -1, 'operation not permitted', 'permission denied'],
    ['EROFS', -30, 'read-only file system', 'the disk is read-only'],
    ['ENOSPC', -28, 'no space left on device', 'the disk is full'],
  ] as const) {
    it(`${code} from mkdir is "${why}", with the path and the code`, (t) => {
      const dir = path.join(tempDir(), 'new', 'folder');
      t.mock.method(nodeFs, 'mkdirSync', (p: fs.PathLike) => {
        throw Object.assign(new Error(`${code}: ${words}, mkdir '${String(p)}'`), {
          code,
          errno,
          syscall: 'mkdir',
          path: String(p),
        });
      });
      assert.throws(
        () => openStore(path.join(dir, 'w2s.db')),
        w2sError('STORE_FOLDER', `Cannot create the folder ${dir} for the W2S store: ${why} (${code})`),
      );
    });
  }
});

describe('a failed upgrade', () => {
  it('is rolled back whole (the store keeps its version and none of the newer schema) and its error is thrown', () => {
    const file = path.join(tempDir(), 'w2s.db');
    const raw = openSqlite(file);
    raw.exec(MIGRATIONS[0]!);
    raw.pragma('user_version = 1');
    // a table made by hand under a name a later migration (4: saved views) creates: migrations 2 and 3 run
    // first, then 4 fails
    raw.exec('CREATE TABLE saved_views (x)');
    raw.close();
    assert.throws(
      () => openStore(file),
      (e: Error & { code?: string }) =>
        e.code === 'STORE_UPGRADE' &&
        e.message.startsWith(`Cannot upgrade the store ${file} from version 1 to `) &&
        /step 4 failed \(table saved_views already exists\)\. Nothing was changed/.test(e.message),
    );
    const after = openSqlite(file, { readonly: true });
    try {
      assert.equal(after.pragma('user_version', { simple: true }), 1);
      assert.equal(after.pragma('application_id', { simple: true }), 0);
      const runColumns = (after.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name);
      assert.ok(!runColumns.includes('owner') && !runColumns.includes('problem_limit'), runColumns.join(', '));
    } finally {
      after.close();
    }
  });
});

describe('close()', () => {
  it('closes the connection', () => {
    const store = openStore(path.join(tempDir(), 'w2s.db'));
    assert.equal(store.db.open, true);
    store.close();
    assert.equal(store.db.open, false);
  });
});
