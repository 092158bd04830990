// Runs the BUILT CLI (node dist/cli.js) in a temp folder against the fake OpenAI-compatible server.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { gradeResponse } from '../../src/core/grader';
import { fakeAnswer, startFakeServer, type FakeServer } from '../fakes/openai-server';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const TRACES = path.join(ROOT, 'test', 'fixtures', 'qwen25-math-cot-sample.jsonl');

let server: FakeServer;
let dir: string;

function w2s(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--db', path.join(dir, 'w2s.db')], {
      cwd: dir,
      env: { ...process.env, OPENAI_API_KEY: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function writeSet(name: string, count: number): void {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ id: `q${i}`, problem: `Compute ${i} * 3. (#${i})`, answer: String(i * 3) }),
  );
  fs.writeFileSync(path.join(dir, `${name}.jsonl`), lines.join('\n'));
}

function rows(
  run: string,
): { key: string; sample_index: number; prompt: string; answer: string | null; error: string | null }[] {
  const db = new Database(path.join(dir, 'w2s.db'), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT p.key, t.sample_index, t.prompt, t.answer, t.error FROM traces t JOIN runs r ON r.id = t.run_id JOIN problems p ON p.id = t.problem_id WHERE r.name = ? ORDER BY p.position, t.sample_index`,
      )
      .all(run) as never;
  } finally {
    db.close();
  }
}

/** What the grader makes of each stored answer of a run, counted by verdict. */
function expectedVerdicts(run: string): Record<'correct' | 'incorrect' | 'no-answer' | 'error', number> {
  const db = new Database(path.join(dir, 'w2s.db'), { readonly: true });
  try {
    const list = db
      .prepare(
        `SELECT p.answer AS gold, p.answer_type AS type, t.answer FROM traces t JOIN runs r ON r.id = t.run_id JOIN problems p ON p.id = t.problem_id WHERE r.name = ? AND t.error IS NULL`,
      )
      .all(run) as { gold: string; type: 'number'; answer: string | null }[];
    const counts = { correct: 0, incorrect: 0, 'no-answer': 0, error: 0 };
    for (const t of list) counts[gradeResponse({ gold: t.gold, response: t.answer ?? '', type: t.type }).verdict]++;
    return counts;
  } finally {
    db.close();
  }
}

before(async () => {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  server = await startFakeServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-cli-sample-'));
});
after(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('w2s sample / runs / import-traces (built CLI)', () => {
  it('samples a set, prints a --json summary, and lists the run', async () => {
    writeSet('s1', 6);
    assert.equal((await w2s(['import', 's1.jsonl', '--set', 's1'])).code, 0);
    server.options = { reasoning: 'reasoning_content' };
    const r = await w2s([
      'sample',
      '--set',
      's1',
      '--base-url',
      server.url,
      '--model',
      'fake-model',
      '--n',
      '2',
      '--temperature',
      '0.6',
      '--seed',
      '0',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.status, 'done');
    assert.equal(summary.done, 12);
    assert.equal(summary.runName, 's1-fake-model-qwen-base');
    const again = await w2s(['sample', '--set', 's1', '--base-url', server.url, '--model', 'fake-model', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      JSON.parse(again.stdout).storedThisSession,
      0,
      'the same command resumes (settings inherited), nothing new to do',
    );
    const runs = JSON.parse((await w2s(['runs', '--json'])).stdout);
    assert.equal(runs.length, 1);
    assert.equal(runs[0].status, 'done');
    assert.equal(runs[0].done, 12);
    assert.equal(runs[0].total, 12);
    assert.ok(runs[0].completionTokens > 0);
    assert.ok(!JSON.stringify(runs).includes('owner'));
    // graded as they arrived, exactly as the grader grades each stored answer
    const expected = expectedVerdicts('s1-fake-model-qwen-base');
    assert.deepEqual(summary.grades, { ...expected, ungraded: 0 });
    assert.equal(expected.correct + expected.incorrect + expected['no-answer'] + expected.error, 12);
    assert.equal(runs[0].accuracy, expected.correct / 12);
    assert.match((await w2s(['runs'])).stdout, new RegExp(`${((expected.correct / 12) * 100).toFixed(1)}% correct`));
  });

  it('clear errors for an unknown set, a closed port, a wrong model and changed settings', async () => {
    const unknown = await w2s(['sample', '--set', 'nope', '--base-url', server.url, '--model', 'fake-model']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No problem set named "nope".*w2s import/);
    const refused = await w2s([
      'sample',
      '--set',
      's1',
      '--base-url',
      'http://127.0.0.1:1/v1',
      '--model',
      'fake-model',
      '--run',
      'x',
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Cannot reach http:\/\/127\.0\.0\.1:1\/v1.*Is the server running/);
    const model = await w2s(['sample', '--set', 's1', '--base-url', server.url, '--model', 'gpt-9', '--run', 'x']);
    assert.match(model.stderr, /does not serve the model "gpt-9"\. It offers: fake-model/);
    const changed = await w2s(['sample', '--run', 's1-fake-model-qwen-base', '--temperature', '0']);
    assert.equal(changed.code, 1);
    assert.match(
      changed.stderr,
      /already exists with different settings \(temperature 0\.6 ≠ 0\).*choose a new run name/,
    );
    const key = await w2s([
      'sample',
      '--set',
      's1',
      '--base-url',
      server.url,
      '--model',
      'fake-model',
      '--run',
      'y',
      '--api-key-env',
      'W2S_NOPE_KEY',
    ]);
    assert.match(key.stderr, /W2S_NOPE_KEY is not set/);
    assert.equal(JSON.parse((await w2s(['runs', '--json'])).stdout).length, 1, 'failed starts leave no run behind');
  });

  it('kill -9 mid-run, then a resume gives exactly the expected traces, none twice', async () => {
    writeSet('s2', 40);
    assert.equal((await w2s(['import', 's2.jsonl', '--set', 's2'])).code, 0);
    server.options = { reasoning: 'think', chunkDelayMs: 15, chunkChars: 24, completionChars: 300 };
    const db = path.join(dir, 'w2s.db');
    const child: ChildProcess = spawn(
      process.execPath,
      [
        CLI,
        'sample',
        '--set',
        's2',
        '--base-url',
        server.url,
        '--model',
        'fake-model',
        '--run',
        'k9',
        '--n',
        '2',
        '--concurrency',
        '4',
        '--db',
        db,
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    const exited = new Promise((r) => child.on('exit', r));
    const t0 = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const n = fs.existsSync(db) ? rows('k9').length : 0;
      if (n >= 10) break;
      assert.ok(Date.now() - t0 < 20_000, 'the run stores traces');
    }
    child.kill('SIGKILL');
    await exited;
    const before = rows('k9');
    assert.ok(before.length >= 10 && before.length < 80, `${before.length} traces before the kill`);
    const listed = JSON.parse((await w2s(['runs', '--json'])).stdout).find((r: { name: string }) => r.name === 'k9');
    assert.equal(listed.status, 'interrupted');

    server.options = { reasoning: 'think' };
    const resumed = await w2s(['sample', '--run', 'k9', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout);
    assert.equal(summary.alreadyDone, before.length);
    const all = rows('k9');
    assert.equal(all.length, 80);
    assert.equal(new Set(all.map((r) => `${r.key}#${r.sample_index}`)).size, 80);
    for (const r of all) {
      assert.equal(r.error, null);
      const user = (JSON.parse(r.prompt) as { role: string; content: string }[])[1]!.content;
      assert.equal(r.answer, `The answer is \\boxed{${fakeAnswer(user)}}.`, 'each trace belongs to its own problem');
    }
    // traces stored before the kill were kept as they were
    const kept = new Map(all.map((r) => [`${r.key}#${r.sample_index}`, r.answer]));
    for (const r of before) assert.equal(kept.get(`${r.key}#${r.sample_index}`), r.answer);
    const listedAfter = JSON.parse((await w2s(['runs', '--json'])).stdout).find(
      (r: { name: string }) => r.name === 'k9',
    );
    assert.equal(listedAfter.status, 'done');
  });

  it('imports the shared qwen25 trace file, matched by id and by question, reporting what does not match', async () => {
    const lines = fs
      .readFileSync(TRACES, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { problem_index: number; question: string; gold: string });
    const problems = new Map<number, { question: string; gold: string }>();
    for (const l of lines) problems.set(l.problem_index, l);
    // by id: the set's ids are the file's problem_index
    fs.writeFileSync(
      path.join(dir, 'math-ids.jsonl'),
      [...problems].map(([i, p]) => JSON.stringify({ id: i, problem: p.question, answer: p.gold })).join('\n'),
    );
    assert.equal((await w2s(['import', 'math-ids.jsonl', '--set', 'math-ids'])).code, 0);
    const r = await w2s([
      'import-traces',
      TRACES,
      '--set',
      'math-ids',
      '--run',
      'qwen25',
      '--model',
      'Qwen2.5-Math-7B',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.traces, 400);
    assert.equal(res.imported, 400);
    assert.equal(res.matchedById, 400);
    assert.equal(res.unmatched, 0);
    assert.deepEqual(res.layouts, { 'trace-per-line': 400 });
    const again = JSON.parse(
      (
        await w2s([
          'import-traces',
          TRACES,
          '--set',
          'math-ids',
          '--run',
          'qwen25',
          '--model',
          'Qwen2.5-Math-7B',
          '--json',
        ])
      ).stdout,
    );
    assert.equal(again.imported, 0);
    assert.equal(again.alreadyPresent, 400);
    const runs = JSON.parse((await w2s(['runs', '--json'])).stdout).find((x: { name: string }) => x.name === 'qwen25');
    assert.equal(runs.kind, 'import');
    assert.equal(runs.done, 400);
    assert.equal(runs.total, 400);

    // by question: other ids, and 10 problems left out of the set
    const subset = [...problems].slice(0, 40);
    fs.writeFileSync(
      path.join(dir, 'math-q.jsonl'),
      subset.map(([i, p]) => JSON.stringify({ id: `m${i}`, problem: p.question, answer: p.gold })).join('\n'),
    );
    assert.equal((await w2s(['import', 'math-q.jsonl', '--set', 'math-q'])).code, 0);
    const q = await w2s([
      'import-traces',
      TRACES,
      '--set',
      'math-q',
      '--run',
      'qwen25-q',
      '--model',
      'Qwen2.5-Math-7B',
      '--json',
    ]);
    const qr = JSON.parse(q.stdout);
    assert.equal(qr.matchedByQuestion, 320);
    assert.equal(qr.unmatched, 80);
    assert.match(q.stderr, /80 of 400 trace\(s\) match no problem of math-q.*\n\s+line \d+ \(id \d+\): /);
  });

  it('imports W2SR and OpenAI chat layouts; a malformed line names the file and line and imports nothing', async () => {
    const w2sr = [
      {
        prompt: 'P',
        question: 'Compute 1 * 3. (#1)',
        response: ['<think>a</think>3', 'b</think>\\boxed{3}'],
        gt_answer: '3',
      },
    ];
    fs.writeFileSync(path.join(dir, 'w2sr.json'), JSON.stringify(w2sr));
    const a = JSON.parse(
      (await w2s(['import-traces', 'w2sr.json', '--set', 's1', '--run', 'w2sr', '--model', 'm', '--json'])).stdout,
    );
    assert.equal(a.imported, 2);
    assert.deepEqual(a.layouts, { w2sr: 1 });
    const chat = [
      {
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: 'Compute 2 * 3. (#2)' },
          { role: 'assistant', content: '6', reasoning_content: 'two threes' },
        ],
      },
    ];
    fs.writeFileSync(path.join(dir, 'chat.jsonl'), chat.map((c) => JSON.stringify(c)).join('\n'));
    const b = JSON.parse(
      (await w2s(['import-traces', 'chat.jsonl', '--set', 's1', '--run', 'chat', '--model', 'm', '--json'])).stdout,
    );
    assert.equal(b.imported, 1);
    assert.deepEqual(
      rows('chat').map((r) => r.answer),
      ['6'],
    );
    fs.writeFileSync(path.join(dir, 'bad.jsonl'), `${JSON.stringify(chat[0])}\n{"question": "x", "response": \n`);
    const bad = await w2s(['import-traces', 'bad.jsonl', '--set', 's1', '--run', 'bad', '--model', 'm']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.jsonl:2: not valid JSON/);
    assert.equal(
      JSON.parse((await w2s(['runs', '--json'])).stdout).some((x: { name: string }) => x.name === 'bad'),
      false,
    );
  });

  it('--no-grade leaves traces ungraded for a later w2s grade', async () => {
    writeSet('s-nograde', 3);
    assert.equal((await w2s(['import', 's-nograde.jsonl', '--set', 's-nograde'])).code, 0);
    server.options = {};
    const r = await w2s([
      'sample',
      '--set',
      's-nograde',
      '--base-url',
      server.url,
      '--model',
      'fake-model',
      '--no-grade',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).grades, undefined);
    const runs = JSON.parse((await w2s(['runs', '--json'])).stdout) as {
      name: string;
      grades?: { ungraded: number };
      accuracy: number | null;
    }[];
    const run = runs.find((x) => x.name === 's-nograde-fake-model-qwen-base')!;
    assert.equal(run.grades!.ungraded, 3);
    assert.equal(run.accuracy, null);
    const g = await w2s(['grade', '--run', run.name, '--json']);
    assert.equal(g.code, 0, g.stderr);
    assert.deepEqual(
      JSON.parse(g.stdout).counts,
      Object.fromEntries(Object.entries(expectedVerdicts(run.name)).filter(([, n]) => n > 0)),
    );
  });
  it('--limit is stored with the run: runs shows it as limited, a resume keeps it, a larger --limit or --limit all extends it', async () => {
    writeSet('lim', 10);
    assert.equal((await w2s(['import', 'lim.jsonl', '--set', 'lim'])).code, 0);
    server.options = {};
    const first = await w2s([
      'sample',
      '--set',
      'lim',
      '--base-url',
      server.url,
      '--model',
      'fake-model',
      '--run',
      'lim-run',
      '--limit',
      '3',
      '--json',
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(
      (({ status, done, total, problemLimit, setProblems }) => ({ status, done, total, problemLimit, setProblems }))(
        JSON.parse(first.stdout),
      ),
      { status: 'done', done: 3, total: 3, problemLimit: 3, setProblems: 10 },
    );
    const listed = await w2s(['runs']);
    assert.match(
      listed.stdout,
      /lim-run\s+done\s+3\/3\s+\(3 of 10 problems; more: w2s sample --run lim-run --limit N\|all\)/,
    );
    const runJson = (
      JSON.parse((await w2s(['runs', '--json'])).stdout) as {
        name: string;
        problems: number;
        setProblems: number;
        problemLimit: number | null;
      }[]
    ).find((r) => r.name === 'lim-run')!;
    assert.deepEqual([runJson.problems, runJson.setProblems, runJson.problemLimit], [3, 10, 3]);

    const asked = () => server.requests.filter((q) => q.path.endsWith('/completions')).length;
    const before = asked();
    const resumed = await w2s(['sample', '--run', 'lim-run']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(asked(), before, 'a resume samples nothing beyond the stored selection');
    assert.match(
      resumed.stdout,
      /limited to the first 3 of 10 problems; sample more: w2s sample --run lim-run --limit N\|all/,
    );
    assert.equal(rows('lim-run').length, 3);

    const more = await w2s(['sample', '--run', 'lim-run', '--limit', '6']);
    assert.equal(more.code, 0, more.stderr);
    assert.deepEqual(
      rows('lim-run').map((r) => r.key),
      ['q0', 'q1', 'q2', 'q3', 'q4', 'q5'],
    );
    const fewer = await w2s(['sample', '--run', 'lim-run', '--limit', '2']);
    assert.equal(fewer.code, 1);
    assert.match(fewer.stderr, /already covers the first 6 problems; a limit of 2 would hide some of its traces/);
    const all = await w2s(['sample', '--run', 'lim-run', '--limit', 'all']);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(rows('lim-run').length, 10);
    assert.doesNotMatch(all.stdout, /limited to/);
    const bad = await w2s(['sample', '--run', 'lim-run', '--limit', 'some']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--limit must be a positive integer or "all"/);
  });
});
