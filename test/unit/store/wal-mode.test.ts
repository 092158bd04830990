import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openSqlite, type Database } from '../../../src/core/store/sqlite';
import { enterWal } from '../../../src/core/store/wal-mode';
import { tempDir } from '../../support/tmp';

/**
 * A real connection whose journal-mode switch first fails `failures` times with `code`, as SQLite's does
 * while another process is opening the same new store (seen: two `w2s import`s of a new store at once).
 */
function refusingSwitch(failures: number, code = 'SQLITE_BUSY'): { db: Database; tries: () => number } {
  const db = openSqlite(path.join(tempDir(), 'w2s.db'));
  let tries = 0;
  const pragma = db.pragma.bind(db);
  const wrapped = new Proxy(db, {
    get(target, key) {
      if (key !== 'pragma') return Reflect.get(target, key) as unknown;
      return (source: string, options?: { simple?: boolean }) => {
        if (source === 'journal_mode = WAL' && tries++ < failures)
          throw Object.assign(new Error('database is locked'), { code });
        return pragma(source, options);
      };
    },
  });
  return { db: wrapped, tries: () => tries };
}

describe('enterWal', () => {
  it('tries the switch again while SQLite answers busy, and the store ends in WAL mode', () => {
    const { db, tries } = refusingSwitch(3);
    enterWal(db, 5_000, 1);
    assert.equal(tries(), 4);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it('an extended busy code (SQLITE_BUSY_RECOVERY) is waited out as well', () => {
    const { db, tries } = refusingSwitch(1, 'SQLITE_BUSY_RECOVERY');
    enterWal(db, 5_000, 1);
    assert.equal(tries(), 2);
    db.close();
  });

  it("gives up with SQLite's own error once the busy timeout has passed, after pausing between tries", () => {
    const { db, tries } = refusingSwitch(Infinity);
    const started = Date.now();
    assert.throws(() => enterWal(db, 60, 10), { code: 'SQLITE_BUSY' });
    assert.ok(Date.now() - started >= 60, 'waited the timeout');
    assert.ok(tries() >= 2 && tries() <= 8, `${tries()} tries of 10 ms pauses in 60 ms`);
    db.close();
  });

  it('any other failure is thrown at once, not retried', () => {
    const { db, tries } = refusingSwitch(5, 'SQLITE_IOERR_WRITE');
    assert.throws(() => enterWal(db, 5_000, 1), { code: 'SQLITE_IOERR_WRITE' });
    assert.equal(tries(), 1);
    db.close();
  });
});
