// The built CLI against stores it must not harm: another application's SQLite file (checked byte for
// byte after every command), a read-only store, a full disk, paths that cannot be a store, and two
// imports racing for one new set. Each is an exit 1 with a W2sError that says what to do.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { MIGRATIONS } from '../../src/core/store/migrations';
import { openSqlite } from '../../src/core/store/sqlite';
import { w2s, type CliOptions, type CliResult } from '../support/cli';
import { REPO_ROOT, tempDir, writeFile } from '../support/tmp';

/** The W2sError a command printed under --json (and that it printed no stack). */
function errorOf(r: CliResult): { code: string; message: string } {
  assert.equal(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /unexpected error|please report|\n\s+at /, r.stderr);
  return (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
}

function problems(dir: string, name: string, count: number, pad = 0): string {
  return writeFile(
    dir,
    name,
    Array.from({ length: count }, (_, i) =>
      JSON.stringify({ id: i, question: `Q${i} ${'x'.repeat(pad)}`, answer: String(i) }),
    ).join('\n'),
  );
}

/** Folders given the search bit for others, with their modes to put back when the file's tests end. */
const searchBitAdded: [string, number][] = [];
after(() => {
  for (const [d, mode] of searchBitAdded.reverse()) fs.chmodSync(d, mode);
});

/**
 * When the tests run as root, file permissions only bite for another user: run the command as nobody.
 * Nobody must reach the CLI as well: a clone inside `mktemp -d` (mode 700) gets the search bit (o+x, not
 * read) on the folders above it until these tests end.
 */
function asUnprivileged(dir: string): Pick<CliOptions, 'uid' | 'gid'> {
  if (process.getuid?.() !== 0) return {};
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d))
    if (d.startsWith(path.dirname(dir))) fs.chmodSync(d, 0o755);
  for (let d = REPO_ROOT; d !== path.dirname(d); d = path.dirname(d)) {
    const mode = fs.statSync(d).mode & 0o7777;
    if (!(mode & 0o001)) {
      searchBitAdded.push([d, mode]);
      fs.chmodSync(d, mode | 0o001);
    }
  }
  return { uid: 65534, gid: 65534 };
}

describe('w2s and stores it must leave alone (built CLI)', () => {
  it("another application's SQLite file: every command refuses it and leaves it byte for byte as it was", async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'other-app.db');
    const raw = openSqlite(file);
    raw.exec(
      "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO contacts (name) VALUES ('Ada'), ('Grace')",
    );
    raw.close();
    const bytes = fs.readFileSync(file);
    const input = problems(cwd, 'p.jsonl', 3);
    const commands = [
      ['sets'],
      ['runs'],
      ['sets', '--json'],
      ['runs', '--json'],
      ['import', input, '--set', 'p'],
      ['grade'],
      ['import-traces', input, '--set', 'p', '--run', 'r', '--model', 'm'],
      ['sample', '--set', 'p', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm'],
    ];
    for (const args of commands) {
      const r = await w2s([...args, '--db', file, '--json'], { cwd });
      const e = errorOf(r);
      assert.equal(e.code, 'NOT_A_STORE', `${args.join(' ')}: ${e.message}`);
      assert.match(e.message, /another application \(tables contacts\).*--db PATH/);
      assert.deepEqual(fs.readFileSync(file), bytes, `w2s ${args.join(' ')} changed the file`);
      assert.deepEqual(
        fs.readdirSync(cwd).sort(),
        ['other-app.db', 'p.jsonl'],
        `w2s ${args.join(' ')} left a file beside it`,
      );
    }
  });

  it('a SQLite file with only a view (or only a user_version) is not empty: refused, byte for byte as it was', async () => {
    const cwd = tempDir();
    const input = problems(cwd, 'p.jsonl', 3);
    const cases: [string, string, RegExp][] = [
      ['views.db', 'CREATE VIEW answer AS SELECT 42 AS value', /another application \(views answer\)/],
      ['versioned.db', 'PRAGMA user_version = 7', /another application \(user_version 7\)/],
    ];
    for (const [name, sql, expected] of cases) {
      const file = path.join(cwd, name);
      const raw = openSqlite(file);
      raw.exec(sql);
      raw.close();
      const bytes = fs.readFileSync(file);
      for (const args of [['import', input, '--set', 'p'], ['sets'], ['grade']]) {
        const e = errorOf(await w2s([...args, '--db', file, '--json'], { cwd }));
        assert.equal(e.code, 'NOT_A_STORE', `${name}: ${args.join(' ')}: ${e.message}`);
        assert.match(e.message, expected);
        assert.deepEqual(fs.readFileSync(file), bytes, `w2s ${args.join(' ')} changed ${name}`);
        assert.ok(!fs.existsSync(`${file}-wal`) && !fs.existsSync(`${file}-journal`), 'no journal left beside it');
      }
    }
  });

  it('listing commands never migrate or change a store; an older store is refused until a writer upgrades it', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'w2s.db');
    // A store as the first version wrote it: its schema (migration 1), no application id, a rollback journal.
    const conn = openSqlite(file);
    conn.pragma('journal_mode = DELETE');
    conn.exec(MIGRATIONS[0]!);
    conn.pragma('user_version = 1');
    conn
      .prepare("INSERT INTO problem_sets (name, source, source_hash, problem_count) VALUES ('p', 'p.jsonl', 'h', 1)")
      .run();
    conn
      .prepare(
        "INSERT INTO problems (set_id, key, position, question, answer, answer_type) VALUES (1, '0', 0, 'Q0', '0', 'number')",
      )
      .run();
    conn.close();
    const bytes = fs.readFileSync(file);
    for (const args of [['sets'], ['runs']]) {
      const e = errorOf(await w2s([...args, '--db', file, '--json'], { cwd }));
      assert.equal(e.code, 'STORE_TOO_OLD');
      assert.deepEqual(fs.readFileSync(file), bytes);
    }
    assert.equal(
      (await w2s(['import', problems(cwd, 'q.jsonl', 1), '--set', 'q', '--db', file], { cwd })).code,
      0,
      'a writer upgrades it',
    );
    const sets = await w2s(['sets', '--json', '--db', file], { cwd });
    assert.deepEqual(
      (JSON.parse(sets.stdout) as { name: string }[]).map((s) => s.name),
      ['p', 'q'],
    );
  });

  it('a read-only store: writers get STORE_READONLY, readers still read it when its folder is writable', async () => {
    const cwd = tempDir();
    const storeDir = path.join(cwd, 'store');
    const file = path.join(storeDir, 'w2s.db');
    assert.equal((await w2s(['import', problems(cwd, 'p.jsonl', 2), '--set', 'p', '--db', file], { cwd })).code, 0);
    const user = asUnprivileged(cwd);
    fs.chmodSync(file, 0o444);
    const bytes = fs.readFileSync(file);
    // a read-only folder as well: even reading a WAL store needs SQLite's -shm file there, and the error says so
    fs.chmodSync(storeDir, 0o555);
    const ro = errorOf(await w2s(['sets', '--json', '--db', file], { cwd, ...user }));
    assert.equal(ro.code, 'STORE_READONLY');
    assert.match(ro.message, /is read-only.*-shm.*--db PATH/);
    fs.chmodSync(storeDir, 0o777);
    const imp = errorOf(
      await w2s(['import', problems(cwd, 'q.jsonl', 1), '--set', 'q', '--db', file, '--json'], { cwd, ...user }),
    );
    assert.equal(imp.code, 'STORE_READONLY');
    const sets = await w2s(['sets', '--json', '--db', file], { cwd, ...user });
    assert.equal(sets.code, 0, sets.stderr);
    assert.deepEqual(
      (JSON.parse(sets.stdout) as { name: string }[]).map((s) => s.name),
      ['p'],
    );
    assert.deepEqual(fs.readFileSync(file), bytes);
    fs.chmodSync(storeDir, 0o755);
  });

  it('a full disk mid-import is a W2sError, and the store keeps what it had', async () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'w2s.db');
    assert.equal(
      (await w2s(['import', problems(cwd, 'small.jsonl', 2), '--set', 'small', '--db', file], { cwd })).code,
      0,
    );
    const big = problems(cwd, 'big.jsonl', 20_000, 200);
    // files may not grow past 1 MB: the WAL hits that limit as it would a full disk
    const e = errorOf(
      await w2s(['import', big, '--set', 'big', '--db', file, '--json'], { cwd, fileSizeLimitKb: 1024 }),
    );
    assert.match(e.code, /^STORE_(FULL|IO)$/);
    assert.match(e.message, /Cannot write to the store .*(disk is full|disk reported an error).*Free some space/);
    const sets = await w2s(['sets', '--json', '--db', file], { cwd });
    assert.deepEqual(
      (JSON.parse(sets.stdout) as { name: string; problems: number }[]).map((s) => [s.name, s.problems]),
      [['small', 2]],
    );
  });

  it('a folder given as the store or as the file, and a store folder that cannot be created', async () => {
    const cwd = tempDir();
    const folder = path.join(cwd, 'data');
    fs.mkdirSync(folder);
    const input = problems(cwd, 'p.jsonl', 1);
    const a = errorOf(await w2s(['import', input, '--set', 'p', '--db', folder, '--json'], { cwd }));
    assert.equal(a.code, 'STORE_IS_FOLDER');
    assert.ok(a.message.includes(path.join(folder, 'w2s.db')), a.message);
    const b = errorOf(await w2s(['import', folder, '--set', 'p', '--json'], { cwd }));
    assert.match(b.message, /data: is a folder, not a file/);
    const c = errorOf(
      await w2s(['import', input, '--set', 'p', '--db', path.join(input, 'sub', 'w2s.db'), '--json'], { cwd }),
    );
    assert.equal(c.code, 'STORE_FOLDER');
    assert.match(
      c.message,
      /Cannot create the folder .*p\.jsonl\/sub for the W2S store: a part of that path is a file/,
    );
  });

  it('JSON nested too deep is a W2sError naming the line, not a stack overflow', async () => {
    const cwd = tempDir();
    const file = writeFile(
      cwd,
      'deep.jsonl',
      `{"id": 1, "question": "Q", "answer": "1", "meta": ${'['.repeat(200_000)}${']'.repeat(200_000)}}\n`,
    );
    const e = errorOf(await w2s(['import', file, '--set', 'deep', '--json'], { cwd }));
    assert.equal(e.code, 'JSON_TOO_DEEP');
    assert.match(e.message, /^deep\.jsonl:1: the JSON is nested more than 100 levels deep/);
  });

  it('two imports of the same new set at once: both succeed, one creates it and the other finds it unchanged', async () => {
    const cwd = tempDir();
    const input = problems(cwd, 'p.jsonl', 30_000);
    const args = ['import', input, '--set', 'p', '--json'];
    const [a, b] = await Promise.all([w2s(args, { cwd }), w2s(args, { cwd })]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const outcomes = [a, b].map((r) => (JSON.parse(r.stdout) as { outcome: string; problems: number }).outcome).sort();
    assert.deepEqual(outcomes, ['created', 'unchanged']);
    const sets = JSON.parse((await w2s(['sets', '--json'], { cwd })).stdout) as { name: string; problems: number }[];
    assert.deepEqual(
      sets.map((s) => [s.name, s.problems]),
      [['p', 30_000]],
    );
  });
});
