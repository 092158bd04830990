import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openSqlite } from '../../src/core/store/sqlite';
import { w2s } from '../support/cli';
import { BENCHMARKS, tempDir, writeFile } from '../support/tmp';

// What ships (data/benchmarks), never a copy outside the repository.
const EXPECTED: Record<string, { rows: number; first: string }> = {
  math500: { rows: 500, first: '\\left( 3, \\frac{\\pi}{2} \\right)' },
  gsm8k: { rows: 1319, first: '18' },
  olympiadbench: { rows: 675, first: '2' },
  aime24: { rows: 30, first: '204' },
  amc23: { rows: 40, first: '27' },
  minerva: { rows: 272, first: '1.6' },
};

function dbRows(db: string, sql: string, ...args: unknown[]): unknown[] {
  const conn = openSqlite(db, { readonly: true });
  try {
    return conn.prepare(sql).all(...args);
  } finally {
    conn.close();
  }
}

describe('w2s import', () => {
  it('imports every benchmark file with the right row count and gold answers (--json on stdout only)', async () => {
    const cwd = tempDir();
    const files = fs.readdirSync(BENCHMARKS).filter((f) => f.endsWith('.jsonl'));
    assert.deepEqual(
      files.map((f) => f.replace('.jsonl', '')).sort(),
      Object.keys(EXPECTED).sort(),
      'every shipped benchmark, and only those',
    );
    for (const f of files) {
      const name = f.replace('.jsonl', '');
      const r = await w2s(['import', path.join(BENCHMARKS, f), '--set', name, '--json'], { cwd });
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as { problems: number; outcome: string; name: string };
      assert.equal(doc.name, name);
      assert.equal(doc.outcome, 'created');
      assert.equal(doc.problems, EXPECTED[name]!.rows, name);
      const [first] = dbRows(
        path.join(cwd, '.w2s', 'w2s.db'),
        'SELECT p.answer FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = ? ORDER BY position LIMIT 1',
        name,
      ) as { answer: string }[];
      assert.equal(first!.answer, EXPECTED[name]!.first, name);
    }
    const sets = await w2s(['sets', '--json'], { cwd });
    assert.equal(sets.code, 0);
    const list = JSON.parse(sets.stdout) as { name: string; problems: number }[];
    assert.deepEqual(
      Object.fromEntries(list.map((s) => [s.name, s.problems])),
      Object.fromEntries(Object.entries(EXPECTED).map(([k, v]) => [k, v.rows])),
    );
  });

  it('a malformed file fails with exit 1, names the line, and leaves the store unchanged', async () => {
    const cwd = tempDir();
    const good = writeFile(cwd, 'good.jsonl', JSON.stringify({ question: 'q', answer: '1' }));
    assert.equal((await w2s(['import', good, '--set', 'good'], { cwd })).code, 0);
    const db = path.join(cwd, '.w2s', 'w2s.db');
    const before = dbRows(db, 'SELECT * FROM problems');
    const bad = writeFile(
      cwd,
      'bad.jsonl',
      [JSON.stringify({ question: 'a', answer: '1' }), JSON.stringify({ question: 'b', answer: '2' }), '{oops'].join(
        '\n',
      ),
    );
    const r = await w2s(['import', bad, '--set', 'bad', '--json'], { cwd });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.jsonl:3: not valid JSON/);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'BAD_JSON');
    assert.deepEqual(dbRows(db, 'SELECT * FROM problems'), before);
    assert.deepEqual(dbRows(db, "SELECT name FROM problem_sets WHERE name = 'bad'"), []);
  });

  it('is idempotent, and needs --replace for different content', async () => {
    const cwd = tempDir();
    const a = writeFile(cwd, 'a.jsonl', JSON.stringify({ id: 1, question: 'q', answer: '1' }));
    const b = writeFile(cwd, 'b.jsonl', JSON.stringify({ id: 1, question: 'q?', answer: '2' }));
    assert.equal((await w2s(['import', a, '--set', 's'], { cwd })).code, 0);
    const again = await w2s(['import', a, '--set', 's'], { cwd });
    assert.match(again.stdout, /unchanged/);
    const clash = await w2s(['import', b, '--set', 's'], { cwd });
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, /already exists with different content.*--replace/s);
    const replaced = await w2s(['import', b, '--set', 's', '--replace', '--json'], { cwd });
    assert.equal(replaced.code, 0);
    assert.equal((JSON.parse(replaced.stdout) as { outcome: string }).outcome, 'replaced');
  });

  it('imports built-ins, honours --db and W2S_DB, and lists the benchmarks', async () => {
    const cwd = tempDir();
    const list = await w2s(['benchmarks', '--json'], { cwd });
    assert.equal(list.code, 0);
    const ids = (JSON.parse(list.stdout) as { id: string }[]).map((b) => b.id);
    assert.deepEqual(ids.sort(), ['aime24', 'amc23', 'gsm8k', 'math500', 'minerva', 'olympiadbench']);
    const r = await w2s(['import', '--builtin', 'math500', '--db', 'custom/store.db'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /math500: imported, 500 problems/);
    assert.ok(fs.existsSync(path.join(cwd, 'custom', 'store.db')));
    const viaEnv = await w2s(['sets', '--json'], { cwd, env: { W2S_DB: path.join(cwd, 'custom', 'store.db') } });
    assert.equal((JSON.parse(viaEnv.stdout) as { name: string; source: string }[])[0]!.source, 'builtin:math500');
    const unknown = await w2s(['import', '--builtin', 'gpqa'], { cwd });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No built-in problem set "gpqa". Available: math500.*math-l3to5/);
  });

  it("imports W2SR's training problems (math-l3to5) as a built-in, apart from the benchmarks", async () => {
    const cwd = tempDir();
    const r = await w2s(['import', '--builtin', 'math-l3to5', '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { problems: number; source: string };
    // SimpleRL-Zoo's 8,523 less the two rows whose gold answer is empty upstream (data/README.md)
    assert.equal(result.problems, 8521);
    assert.equal(result.source, 'builtin:math-l3to5');
    const db = path.join(cwd, '.w2s', 'w2s.db');
    assert.deepEqual(
      dbRows(
        db,
        "SELECT p.key, p.answer FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = 'math-l3to5' ORDER BY p.id LIMIT 1",
      ),
      [{ key: 'math-l3to5-0', answer: '118' }],
    );
    // a training set is not a benchmark: evaluation pickers and `w2s benchmarks` leave it out
    const list = await w2s(['benchmarks', '--json'], { cwd });
    assert.ok(!(JSON.parse(list.stdout) as { id: string }[]).some((b) => b.id === 'math-l3to5'));
  });

  it('answers bad usage with exit 2 and help with exit 0', async () => {
    const cwd = tempDir();
    for (const args of [
      ['import'],
      ['import', 'a', 'b'],
      ['import', 'x.jsonl', '--bogus'],
      ['frobnicate'],
      ['import', 'x.jsonl', '--answer-type', 'poem'],
      [],
    ]) {
      const r = await w2s(args, { cwd });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
    const help = await w2s(['import', '--help'], { cwd });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: w2s import FILE --set NAME/);
    const main = await w2s(['--help'], { cwd });
    assert.equal(main.code, 0);
    for (const c of ['import', 'benchmarks', 'sets']) assert.match(main.stdout, new RegExp(`\\n  ${c}\\s`));
    assert.ok(!fs.existsSync(path.join(cwd, '.w2s')), 'usage errors and help create no store');
  });

  it('sets on a folder without a store says so and creates nothing', async () => {
    const cwd = tempDir();
    const r = await w2s(['sets'], { cwd });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No store yet/);
    assert.ok(!fs.existsSync(path.join(cwd, '.w2s')));
  });
});
