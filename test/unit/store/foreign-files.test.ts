// Files that are not ours must be refused and left byte for byte as they were, whatever they look
// like: another application's SQLite file may carry its own application_id, its own user_version, even
// tables named like ours. (The store's other tests used foreign files with user_version 0 only.)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/core/store/migrations';
import { APPLICATION_ID, openStore } from '../../../src/core/store/open';
import { openSqlite } from '../../../src/core/store/sqlite';
import { tempDir } from '../../support/tmp';

function make(build: (db: ReturnType<typeof openSqlite>) => void): { file: string; bytes: Buffer } {
  const file = path.join(tempDir(), 'other.db');
  const db = openSqlite(file);
  build(db);
  db.close();
  return { file, bytes: fs.readFileSync(file) };
}

function assertRefusedUntouched(file: string, bytes: Buffer, message: RegExp): void {
  for (const readonly of [false, true]) {
    assert.throws(
      () => openStore(file, { readonly }),
      (e: unknown) => {
        assert.ok(e instanceof W2sError, `a W2sError, not ${String(e)}`);
        assert.ok(e.message.includes(file), 'the message names the file');
        assert.match(e.message, message);
        return true;
      },
      `readonly: ${readonly}`,
    );
    assert.deepEqual(fs.readFileSync(file), bytes, `the file is unchanged (readonly: ${readonly})`);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['other.db'], 'no journal or WAL left beside it');
  }
}

describe('foreign SQLite files are refused untouched', () => {
  it('another application id, even with tables named like ours and a user_version of ours', () => {
    const { file, bytes } = make((db) => {
      db.exec(
        'CREATE TABLE problem_sets (id INTEGER PRIMARY KEY); CREATE TABLE runs (id INTEGER PRIMARY KEY); CREATE TABLE traces (id INTEGER PRIMARY KEY, body TEXT)',
      );
      db.exec("INSERT INTO traces (body) VALUES ('theirs')");
      db.pragma('user_version = 3');
      db.pragma('application_id = 1179603780'); // 0x464f5344
    });
    assertRefusedUntouched(file, bytes, /another application|not a W2S store/);
  });

  it('another application id on a file with no tables yet', () => {
    const { file, bytes } = make((db) => db.pragma('application_id = 305419896')); // 0x12345678
    assertRefusedUntouched(file, bytes, /another application|not a W2S store/);
  });

  it('no application id, its own user_version and tables', () => {
    const { file, bytes } = make((db) => {
      db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')");
      db.pragma('user_version = 2');
    });
    assertRefusedUntouched(file, bytes, /another application|not a W2S store/);
  });

  it('no application id and no tables, but a user_version: someone else set it, so it is not empty', () => {
    const { file, bytes } = make((db) => db.pragma('user_version = 7'));
    assertRefusedUntouched(file, bytes, /not a W2S store|another application/);
  });

  it('no application id, tables named like ours but user_version 0: not a store we made', () => {
    const { file, bytes } = make((db) =>
      db.exec(
        'CREATE TABLE problem_sets (id INTEGER PRIMARY KEY); CREATE TABLE runs (id INTEGER PRIMARY KEY); CREATE TABLE traces (id INTEGER PRIMARY KEY)',
      ),
    );
    assertRefusedUntouched(file, bytes, /another application|not a W2S store/);
  });

  it('our application id with a newer schema version: refused as too new, untouched', () => {
    const { file, bytes } = make((db) => {
      for (const m of MIGRATIONS) db.exec(m);
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    });
    assertRefusedUntouched(file, bytes, /newer W2S Studio/);
  });

  it('a store of ours from before the id existed (no id, our tables, user_version > 0) is still ours', () => {
    const file = path.join(tempDir(), 'old.db');
    const db = openSqlite(file);
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.close();
    const store = openStore(file);
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(store.db.pragma('application_id', { simple: true }), APPLICATION_ID);
    store.close();
  });
  it('views, indexes or triggers named like our tables, with a user_version, do not make a file ours: only tables count', () => {
    const { file, bytes } = make((db) => {
      db.exec('CREATE TABLE theirs (id INTEGER PRIMARY KEY, body TEXT)');
      db.exec(
        'CREATE VIEW problem_sets AS SELECT id FROM theirs; CREATE VIEW runs AS SELECT id FROM theirs; CREATE VIEW traces AS SELECT body FROM theirs',
      );
      db.pragma('user_version = 1');
    });
    assertRefusedUntouched(file, bytes, /another application/);
  });
});

/** The refusal's message for the file `build` makes (a writable open; the file is checked unchanged). */
function refusal(build: (db: ReturnType<typeof openSqlite>) => void): string {
  const { file, bytes } = make(build);
  let message = '';
  assert.throws(
    () => openStore(file),
    (e: unknown) => {
      assert.ok(e instanceof W2sError && e.code === 'NOT_A_STORE', `NOT_A_STORE, not ${String(e)}`);
      message = e.message;
      return true;
    },
  );
  assert.deepEqual(fs.readFileSync(file), bytes);
  return message;
}

// The refusal says what the file holds, so the user can tell which application's file they pointed at:
// its application id when it has one, else what its schema holds (tables first, five names of a kind at
// most), else its user_version.
describe('the refusal names what it found', () => {
  it('tables first, at most five names of a kind then "…", then indexes, triggers and views by name', () => {
    const message = refusal((db) => {
      for (const n of ['t_f', 't_b', 't_d', 't_a', 't_e', 't_c'])
        db.exec(`CREATE TABLE ${n} (id INTEGER PRIMARY KEY, x)`);
      db.exec('CREATE INDEX i_x ON t_a(x); CREATE VIEW v_a AS SELECT x FROM t_a');
      db.exec('CREATE TRIGGER g_a AFTER INSERT ON t_a BEGIN DELETE FROM t_b; END');
    });
    assert.match(
      message,
      /\(tables t_a, t_b, t_c, t_d, t_e, …; indexes i_x; triggers g_a; views v_a\), not a W2S store/,
    );
  });

  it('exactly five of a kind are all named, with no "…"', () => {
    const message = refusal((db) => {
      for (const n of ['a', 'b', 'c', 'd', 'e']) db.exec(`CREATE TABLE ${n} (id INTEGER PRIMARY KEY)`);
    });
    assert.match(message, /\(tables a, b, c, d, e\), not a W2S store/);
  });

  it("its own application id, in hex as SQLite's header holds it (also one above 0x7fffffff), instead of its tables", () => {
    for (const [id, hex] of [
      [0x12345678, '0x12345678'],
      [-0x789abcdf, '0x87654321'], // PRAGMA application_id is a signed 32-bit integer
    ] as const) {
      const message = refusal((db) => {
        db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
        db.pragma(`application_id = ${id}`);
      });
      assert.ok(message.includes(`(application id ${hex}), not a W2S store`), message);
    }
  });

  it('its user_version when it has no application id and nothing in its schema', () => {
    const message = refusal((db) => db.pragma('user_version = 7'));
    assert.match(message, /\(user_version 7\), not a W2S store/);
  });
});
