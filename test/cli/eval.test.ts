// `w2s eval` end to end against the fake OpenAI-compatible server (built CLI, real store), then
// `w2s results` on what it stored. Each fake model answers a known set of problems correctly, so every
// expected number below is worked out by hand in the comments.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { startFakeServer, type FakeServer } from '../fakes/openai-server';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

let server: FakeServer;
let dir: string;

function w2s(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--db', path.join(dir, 'w2s.db')], {
      cwd: dir,
      env: { ...process.env, OPENAI_API_KEY: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Problem i of a set asks for 3·i; the prompt carries "(#i)" so the fake model knows which problem it answers. */
function writeSet(name: string, count: number): void {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      id: `q${i}`,
      problem: `Compute ${i} * 3. (#${i})`,
      answer: String(i * 3),
      subject: i % 2 ? 'odd' : 'even',
    }),
  );
  fs.writeFileSync(path.join(dir, `${name}.jsonl`), lines.join('\n') + '\n');
}
const problemOf = (prompt: string) => Number(/\(#(\d+)\)/.exec(prompt)![1]);

/** The fake serves `model`, answering problem i correctly iff correct(i, sample index). */
function serve(model: string, correct: (i: number, sample: number) => boolean): void {
  server.options = {
    models: [model],
    answer: (prompt, index) => (correct(problemOf(prompt), index) ? String(problemOf(prompt) * 3) : '999999'),
  };
}

async function evaluate(
  model: string,
  sets: string,
  extra: string[] = [],
): Promise<{
  runs: { set: string; runName: string; status: string; storedThisSession: number; metrics: { accuracy: number } }[];
}> {
  const r = await w2s(['eval', '--base-url', server.url, '--model', model, '--sets', sets, ...extra, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

before(async () => {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  server = await startFakeServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-cli-eval-'));
  writeSet('mini', 10);
  writeSet('mini2', 4);
  writeSet('flat', 4);
  for (const s of ['mini', 'mini2', 'flat']) assert.equal((await w2s(['import', `${s}.jsonl`, '--set', s])).code, 0);
});
after(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('w2s eval and w2s results (built CLI, fake endpoint)', () => {
  it("evaluates each set as an eval run with W2SR's settings, graded as it arrives; again resumes with nothing to do", async () => {
    serve('base-m', (i) => i < 4 || false);
    const out = await evaluate('base-m', 'mini,mini2,flat');
    assert.deepEqual(
      out.runs.map((r) => [r.set, r.runName, r.status]),
      [
        ['mini', 'eval-mini-base-m', 'done'],
        ['mini2', 'eval-mini2-base-m', 'done'],
        ['flat', 'eval-flat-base-m', 'done'],
      ],
    );
    // mini: 4 of 10 correct; mini2: all 4 (i < 4); flat: all 4
    assert.deepEqual(
      out.runs.map((r) => r.metrics.accuracy),
      [0.4, 1, 1],
    );
    const db = new Database(path.join(dir, 'w2s.db'), { readonly: true });
    try {
      const run = db
        .prepare("SELECT kind, params, template, samples_per_problem FROM runs WHERE name = 'eval-mini-base-m'")
        .get() as { kind: string; params: string; template: string; samples_per_problem: number };
      assert.equal(run.kind, 'eval');
      assert.deepEqual(JSON.parse(run.params), { seed: 0, temperature: 0.6, top_p: 0.95 }); // no max_tokens: up to the context
      assert.equal(JSON.parse(run.template).name, 'qwen-base');
      assert.equal(run.samples_per_problem, 1);
      const ungraded = db
        .prepare(
          "SELECT count(*) AS n FROM traces t LEFT JOIN grades g ON g.trace_id = t.id JOIN runs r ON r.id = t.run_id WHERE r.kind = 'eval' AND g.trace_id IS NULL",
        )
        .get() as { n: number };
      assert.equal(ungraded.n, 0, 'every generation is graded');
    } finally {
      db.close();
    }
    const body = server.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)!.body;
    assert.equal(body.temperature, 0.6);
    assert.equal(body.top_p, 0.95);
    assert.equal(body.seed, 0);
    assert.equal(body.max_tokens, undefined);
    const again = await evaluate('base-m', 'mini,mini2,flat');
    assert.deepEqual(
      again.runs.map((r) => r.storedThisSession),
      [0, 0, 0],
    );
  });

  it('results: Δ with a paired interval, RGR per benchmark and averaged, "undefined" where RL equals base', async () => {
    // base-m changes on mini2 and flat for the comparison: evaluate those under a fresh model name instead
    serve('base', (i) => i < 4); // mini 4/10 = 0.4
    await evaluate('base', 'mini');
    serve('base', (i) => i < 1); // mini2 1/4 = 0.25; flat 1/4
    await evaluate('base', 'mini2,flat');
    serve('rl', (i) => i < 8); // mini 0.8
    await evaluate('rl', 'mini');
    serve('rl', (i) => i < 3); // mini2 0.75
    await evaluate('rl', 'mini2');
    serve('rl', (i) => i < 1); // flat 0.25 = base's
    await evaluate('rl', 'flat');
    serve('student', (i) => i < 7); // mini 0.7
    await evaluate('student', 'mini');
    serve('student', (i) => i < 2); // mini2 0.5, flat 0.5
    await evaluate('student', 'mini2,flat');

    // gaps of 4 and 2 problems: under the default threshold of 5 they are unstable; allow 1 to average them
    const r = await w2s([
      'results',
      '--base',
      'base',
      '--rl',
      'rl',
      '--sets',
      'mini,mini2,flat',
      '--rgr-min-gap',
      '1',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout);
    assert.deepEqual(c.rows.map((x: { model: string }) => x.model).slice(0, 2), ['base', 'rl'], 'base first, then RL');
    const student = c.rows.find((x: { model: string }) => x.model === 'student');
    const cell = (s: string) => student.cells[s];
    assert.equal(cell('mini').metrics.accuracy, 0.7);
    // Δ on mini: problems 4,5,6 gained, none lost: 3/10 = 0.3
    assert.ok(Math.abs(cell('mini').delta.value - 0.3) < 1e-12);
    assert.equal(cell('mini').delta.common, 10);
    // no problem was lost, so no resample goes below 0; 0.7^10 = 2.8% of resamples draw no gain at all (> 2.5%): low = 0
    assert.deepEqual([cell('mini').delta.interval.low, cell('mini').delta.interval.high > 0.3], [0, true]);
    // RGR mini = (0.7 − 0.4) / (0.8 − 0.4) = 0.75; mini2 = (0.5 − 0.25) / (0.75 − 0.25) = 0.5; flat: RL = base
    assert.ok(Math.abs(cell('mini').rgr.value - 0.75) < 1e-12);
    assert.ok(Math.abs(cell('mini2').rgr.value - 0.5) < 1e-12);
    assert.equal(cell('flat').rgr.value, null);
    assert.match(cell('flat').rgr.reason, /undefined: RL equals the base on the 4 common problems/);
    assert.ok(Math.abs(student.rgr.value - 0.625) < 1e-12);
    assert.deepEqual([student.rgr.over, student.rgr.of], [2, 3]);
    // average accuracy over the three sets: (0.7 + 0.5 + 0.5) / 3; base (0.4 + 0.25 + 0.25) / 3
    assert.ok(Math.abs(student.average.accuracy - 1.7 / 3) < 1e-12);
    assert.ok(Math.abs(student.average.delta.value - 0.8 / 3) < 1e-12);
    assert.match(c.settings.interval, /^percentile bootstrap over problems \(Wilson score interval where/);
    // breakdown by the set's own "subject" field: student solves q0..q6 → even 0,2,4,6 = 4/5, odd 1,3,5 = 3/5
    assert.deepEqual(cell('mini').metrics.breakdowns.subject, [
      { value: 'even', problems: 5, accuracy: 0.8 },
      { value: 'odd', problems: 5, accuracy: 0.6 },
    ]);

    const table = await w2s([
      'results',
      '--base',
      'base',
      '--rl',
      'rl',
      '--sets',
      'mini,mini2,flat',
      '--rgr-min-gap',
      '1',
    ]);
    assert.equal(table.code, 0, table.stderr);
    const studentLine = table.stdout.split('\n').find((l) => l.startsWith('student'))!;
    assert.match(studentLine, /70\.0 \[\d+\.\d, \d+\.\d\] · Δ \+30\.0 \[/);
    assert.match(studentLine, /undefined/);
    // ten and four problems: the RL–base gap vanishes in enough resamples that the mean's interval is unbounded, and says so
    assert.match(
      studentLine,
      /62\.5% \(no interval: unbounded: RL does not beat the base in \d+ of 2000 resamples\) over 2 of 3 \(left out: 1 undefined\)/,
    );
    const md = (await w2s(['results', '--base', 'base', '--rl', 'rl', '--sets', 'mini,mini2,flat', '--format', 'md']))
      .stdout;
    assert.match(
      md,
      /^\| Model \| Role \| mini \| mini2 \| flat \| Avg\. \(macro\) \| Avg\. Δ \| RGR \(mean-of-ratios\) \|$/m,
    );
    assert.match(md, /^\| student \| {2}\| 70\.0 /m);
    const csv = (
      await w2s(['results', '--base', 'base', '--rl', 'rl', '--sets', 'mini,mini2,flat', '--format', 'csv'])
    ).stdout
      .trim()
      .split('\n');
    assert.equal(csv.length, 1 + 4 * 3, 'a header and one line per model and set (base, rl, student, base-m)');
    const header = csv[0]!.split(',');
    const line = csv.find((l) => l.startsWith('student,') && l.includes(',mini,'))!.split(',');
    assert.equal(line[header.indexOf('accuracy')], '0.7');
    assert.equal(line[header.indexOf('rgr')], '0.75');
    assert.equal(line[header.indexOf('delta')], '0.3');
  });

  it('n > 1: pass@k and maj@k from the stored samples', async () => {
    // problem i has c = i mod 5 correct samples (the first c); wrong samples all answer 999999
    serve('student-n4', (i, s) => s < i % 5);
    const out = await evaluate('student-n4', 'mini', ['--n', '4']);
    assert.equal(out.runs[0]!.runName, 'eval-mini-student-n4-n4');
    const c = JSON.parse((await w2s(['results', '--sets', 'mini', '--format', 'json'])).stdout);
    const m = c.rows.find((x: { model: string }) => x.model === 'student-n4').cells.mini.metrics;
    // c over the ten problems: 0,1,2,3,4,0,1,2,3,4 → pass@1 = Σc/40 = 20/40
    assert.equal(m.accuracy, 0.5);
    const pass = Object.fromEntries(m.passAtK.map((x: { k: number; value: number }) => [x.k, x.value]));
    // pass@2 per c: 0, 1 − 3/6, 1 − 1/6, 1, 1 → twice (0 + 0.5 + 5/6 + 1 + 1) / 10 = 2/3; pass@4: any correct = 8/10
    assert.ok(Math.abs(pass[2] - 2 / 3) < 1e-9);
    assert.ok(Math.abs(pass[4] - 0.8) < 1e-12);
    const maj = Object.fromEntries(m.majAtK.map((x: { k: number; value: number }) => [x.k, x.value]));
    // maj@2: c ≥ 1 wins (c = 1 is a tie that the first, correct sample wins) → 8/10; maj@4: c ≥ 2 (c = 2 ties, first is correct) → 6/10
    assert.equal(maj[2], 0.8);
    assert.equal(maj[4], 0.6);
  });

  it("teacher → student lineage by hand: the student's row names the teacher run, its accuracy and the preset", async () => {
    serve('teacher-0.5b', (i) => i % 2 === 0); // the teacher solves the even problems: 5/10
    assert.equal(
      (
        await w2s([
          'sample',
          '--set',
          'mini',
          '--base-url',
          server.url,
          '--model',
          'teacher-0.5b',
          '--run',
          'teacher-traces',
        ])
      ).code,
      0,
    );
    // A snapshot of the teacher's correct traces, as the trace browser's "correct only" preset makes one.
    const db = new Database(path.join(dir, 'w2s.db'));
    try {
      const id = db
        .prepare("INSERT INTO datasets (name, filter, format) VALUES ('teacher-correct', '{}', 'alpaca')")
        .run().lastInsertRowid;
      const traces = db
        .prepare(
          "SELECT t.id FROM traces t JOIN runs r ON r.id = t.run_id JOIN grades g ON g.trace_id = t.id WHERE r.name = 'teacher-traces' AND g.verdict = 'correct' ORDER BY t.id",
        )
        .all() as { id: number }[];
      traces.forEach((t, i) =>
        db.prepare('INSERT INTO dataset_traces (dataset_id, position, trace_id) VALUES (?, ?, ?)').run(id, i, t.id),
      );
    } finally {
      db.close();
    }
    const bad = await w2s(['results', 'link', '--run', 'eval-mini-student', '--snapshot', 'nope']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /No dataset snapshot named "nope" \(snapshots: teacher-correct\)/);
    const link = await w2s(['results', 'link', '--run', 'eval-mini-student', '--snapshot', 'teacher-correct']);
    assert.equal(link.code, 0, link.stderr);
    const c = JSON.parse(
      (await w2s(['results', '--base', 'base', '--rl', 'rl', '--sets', 'mini', '--format', 'json'])).stdout,
    );
    const student = c.rows.find((x: { model: string }) => x.model === 'student');
    assert.deepEqual(student.roles, ['student']);
    assert.deepEqual(student.lineage, {
      job: null, // linked by hand: no SFT job of ours trained it
      snapshot: 'teacher-correct',
      preset: 'correct only (W2SR-P)',
      traces: 5,
      teachers: [{ run: 'teacher-traces', model: 'teacher-0.5b', set: 'mini', traces: 5, accuracy: 0.5 }],
    });
    const table = (await w2s(['results', '--base', 'base', '--rl', 'rl', '--sets', 'mini'])).stdout;
    assert.match(table, /teacher-correct: correct only \(W2SR-P\) from teacher-0\.5b \(teacher-traces, 50\.0%\)/);
    assert.equal((await w2s(['results', 'unlink', '--model', 'student'])).code, 0);
    const after = JSON.parse((await w2s(['results', '--sets', 'mini', '--format', 'json'])).stdout);
    assert.equal(after.rows.find((x: { model: string }) => x.model === 'student').lineage, null);
  });

  it('clear errors: an unknown set or model, a missing flag; a missing built-in benchmark is added first', async () => {
    const unknownSet = await w2s(['eval', '--base-url', server.url, '--model', 'student', '--sets', 'mini,nosuch']);
    assert.equal(unknownSet.code, 1);
    assert.match(unknownSet.stderr, /--sets: no problem set named "nosuch" and no built-in benchmark of that name/);
    const unknownModel = await w2s(['results', '--base', 'gpt-9']);
    assert.equal(unknownModel.code, 1);
    assert.match(
      unknownModel.stderr,
      /--base gpt-9: no evaluated model or evaluation run of that name \(models: .*student/,
    );
    const unknownColumn = await w2s(['results', '--sets', 'mini,zzz']);
    assert.equal(unknownColumn.code, 1);
    assert.match(unknownColumn.stderr, /--sets: no problem set named "zzz"/);
    assert.equal((await w2s(['eval', '--model', 'x'])).code, 2);
    assert.equal((await w2s(['results', '--format', 'xml'])).code, 2);

    server.options = { models: ['student'], answer: () => '999999' };
    const r = await w2s([
      'eval',
      '--base-url',
      server.url,
      '--model',
      'student',
      '--sets',
      'aime24',
      '--limit',
      '3',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /added the built-in benchmark AIME 2024 \(30 problems\)/);
    const out = JSON.parse(r.stdout);
    assert.equal(out.runs[0].done, 3);
    assert.equal(out.runs[0].metrics.accuracy, 0);
    // the summary line marks an evaluation of part of its set
    const again = await w2s([
      'eval',
      '--base-url',
      server.url,
      '--model',
      'student',
      '--sets',
      'aime24',
      '--limit',
      '3',
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /aime24: eval-aime24-student done — .*accuracy 0\.0% \[0\.0, \d+\.\d\].* \(partial: 3 of 30 problems graded\)/,
    );
  });
});
