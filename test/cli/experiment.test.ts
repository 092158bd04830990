// `w2s experiment run|status` end to end over real HTTP: the fake OpenAI server answers the teachers, the
// fake Ray cluster replays the runner's real GPU logs (test/fixtures/runner-replay) for SFT and eval jobs,
// the store is a real SQLite file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeServer, type FakeServer } from '../fakes/openai-server';
import { startRayJobsServer, type RayJobsServer } from '../fakes/ray-jobs-server';
import { openSqlite } from '../../src/core/store/sqlite';
import { CLI, ensureBuilt, w2s } from '../support/cli';
import { REPO_ROOT, tempDir, writeFile } from '../support/tmp';

const REPLAY = path.join(REPO_ROOT, 'test', 'fixtures', 'runner-replay');

// Six sums; the fake teacher gets the even ones right, so W2SR (all) and W2SR-P (correct only) differ.
const PROBLEMS = Array.from({ length: 6 }, (_, i) => ({
  id: `p${i}`,
  question: `What is ${i}+${10 + i}?`,
  answer: String(10 + 2 * i),
}));

function experimentYaml(o: { openai: string; ray: string; lrP?: number }): string {
  return `name: exp
problems:
  file: teacher-problems.jsonl
teachers:
  - name: small
    endpoint: ${o.openai}
    model: teacher-small
    datasets: [w2sr, { preset: w2sr-p${o.lrP !== undefined ? `, sft: { learning_rate: ${o.lrP} }` : ''} }]
  - name: large
    endpoint: ${o.openai}
    model: teacher-large
student:
  base_model: Qwen/Qwen2.5-Math-7B
  gpus: 4
  model_config: ${path.join(REPO_ROOT, 'test', 'fixtures', 'model-configs', 'qwen2.5-7b.config.json')}
cluster:
  address: ${o.ray}
  checkpoint_root: /shared/ckpt
eval:
  sets:
    - file: ${path.join(REPLAY, 'problems.jsonl')}
      set: sums
compare:
  base: Qwen/Qwen2.5-Math-7B
  rl: hkust-nlp/Qwen-2.5-Math-7B-SimpleRL-Zoo
`;
}

type StepJson = { id: string; kind: string; state: string; name: string };

function count(db: string, sql: string): number {
  const conn = openSqlite(db, { readonly: true });
  try {
    return conn.prepare(sql).pluck().get() as number;
  } finally {
    conn.close();
  }
}

describe('w2s experiment', { timeout: 10 * 60_000 }, () => {
  let openai: FakeServer;
  let ray: RayJobsServer;
  before(async () => {
    openai = await startFakeServer({
      models: ['teacher-small', 'teacher-large'],
      answer: (prompt) => {
        const m = /What is (\d+)\+(\d+)\?/.exec(prompt);
        const a = Number(m?.[1] ?? 1);
        return a % 2 === 0 ? String(a + Number(m?.[2] ?? 0)) : '999';
      },
    });
    ray = await startRayJobsServer({ replay: REPLAY, lineDelayMs: 1, pendingMs: 10, stopWaitMs: 500, tailPollMs: 20 });
  });
  after(async () => {
    await openai?.close();
    await ray?.close();
  });

  function setup(): { dir: string; db: string; file: string } {
    const dir = tempDir('w2s-experiment-');
    writeFile(dir, 'teacher-problems.jsonl', PROBLEMS.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const file = writeFile(dir, 'exp.w2s.yaml', experimentYaml({ openai: openai.url, ray: ray.url }));
    return { dir, db: path.join(dir, 'w2s.db'), file };
  }
  const run = (dir: string, args: string[], extra: Parameters<typeof w2s>[1] = { cwd: dir }) =>
    w2s(['experiment', ...args, '--db', path.join(dir, 'w2s.db')], {
      ...extra,
      cwd: dir,
      env: {
        W2S_CLUSTER_ADDRESS: '',
        W2S_CLUSTER_TOKEN: '',
        W2S_CHECKPOINT_ROOT: '',
        OPENAI_API_KEY: '',
        ...extra.env,
      },
    });
  /** Runs the experiment and sends it `signal` (SIGKILL: kill -9; SIGINT: Ctrl-C) when its progress shows `line`. */
  function killWhen(
    dir: string,
    line: RegExp,
    signal: NodeJS.Signals = 'SIGKILL',
  ): Promise<{ stderr: string; code: number | null }> {
    ensureBuilt();
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [CLI, 'experiment', 'run', 'exp.w2s.yaml', '--db', path.join(dir, 'w2s.db')],
        {
          cwd: dir,
          env: { ...process.env, W2S_DB: '', W2S_CLUSTER_ADDRESS: '', W2S_CLUSTER_TOKEN: '', W2S_CHECKPOINT_ROOT: '' },
        },
      );
      let stderr = '';
      let sent = false;
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (!sent && line.test(stderr)) sent = child.kill(signal);
      });
      child.on('error', reject);
      child.on('close', (code) =>
        sent ? resolve({ stderr, code }) : reject(new Error(`ended before it was sent ${signal}: ${stderr}`)),
      );
    });
  }
  /** Evaluates a model on the sums set with `w2s jobs eval`, outside any experiment. */
  async function evalOutside(dir: string, model: string, runName: string): Promise<void> {
    const imported = await w2s(['import', path.join(REPLAY, 'problems.jsonl'), '--set', 'sums', '--db', 'w2s.db'], {
      cwd: dir,
    });
    assert.equal(imported.code, 0, imported.stderr);
    const r = await w2s(
      [
        'jobs',
        'eval',
        '--model',
        model,
        '--problems',
        'sums',
        '--run',
        runName,
        '--address',
        ray.url,
        '--db',
        'w2s.db',
      ],
      { cwd: dir, env: { W2S_CLUSTER_TOKEN: '' } },
    );
    assert.equal(r.code, 0, r.stderr);
  }
  const ranOf = (stdout: string) => (JSON.parse(stdout) as { ran: string[] }).ran;

  it('runs two teachers x two datasets to a results table, then redoes nothing, then only what a learning rate reaches', async () => {
    const { dir, db, file } = setup();
    const dry = await run(dir, ['run', 'exp.w2s.yaml', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /to do\s+sft:small:w2sr-p\s+[0-9a-f]{8}\s+memory: fsdp over 4 GPU\(s\): [\d.]+ GiB per GPU of 80 GiB, fits/,
    );
    assert.ok(!fs.existsSync(db), 'a dry run does not even create the store');

    const first = await run(dir, ['run', 'exp.w2s.yaml', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const ran = ranOf(first.stdout);
    assert.deepEqual(ran.filter((s) => s.startsWith('sft:')).sort(), [
      'sft:large:w2sr',
      'sft:large:w2sr-p',
      'sft:small:w2sr',
      'sft:small:w2sr-p',
    ]);
    assert.equal(ran.filter((s) => s.startsWith('eval:')).length, 6, ran.join(' '));
    assert.equal(count(db, "SELECT count(*) FROM jobs WHERE status = 'succeeded'"), 10);
    // the students train side by side: some two SFT jobs ran at the same time on the cluster
    const overlapping = count(
      db,
      `SELECT count(*) FROM jobs a JOIN jobs b ON a.id < b.id WHERE a.kind = 'sft' AND b.kind = 'sft'
       AND json_extract(a.output, '$.startTime') < json_extract(b.output, '$.endTime')
       AND json_extract(b.output, '$.startTime') < json_extract(a.output, '$.endTime')`,
    );
    assert.ok(overlapping > 0, 'the SFT jobs ran one after another');
    // the W2SR-P snapshot holds only the teacher's correct traces (3 of 6), W2SR all 6
    const trainOf = (like: string) =>
      count(db, `SELECT group_concat(json_extract(counts, '$.train'), ',') FROM datasets WHERE name LIKE '${like}'`);
    assert.equal(trainOf('%.w2sr-p.%'), '3,3');
    assert.equal(trainOf('%.w2sr.%'), '6,6');
    const table = fs.readFileSync(path.join(dir, '.w2s', 'experiments', 'exp', 'results.md'), 'utf8');
    assert.match(table, /sums/);
    // lineage: teacher (run) → dataset (snapshot) → student job, on the student's row
    assert.match(
      table,
      /exp\.small\.w2sr-p\.[0-9a-f]{8}: correct only \(W2SR-P\) from teacher-small \(exp\.small\.[0-9a-f]{8}, [\d.]+%\) → SFT job exp\.sft\.small\.w2sr-p\.[0-9a-f]{8}/,
    );
    // one row per student, base and RL: 4 + 2 (the table's rows start with "| " and a model name)
    for (const m of [
      '/shared/ckpt/exp.sft.small.w2sr.',
      'Qwen/Qwen2.5-Math-7B',
      'hkust-nlp/Qwen-2.5-Math-7B-SimpleRL-Zoo',
    ])
      assert.ok(table.includes(m), m);

    const status = await run(dir, ['status', 'exp.w2s.yaml', '--json']);
    const steps = (JSON.parse(status.stdout) as { steps: StepJson[] }).steps;
    assert.ok(
      steps.every((s) => s.state === 'done'),
      JSON.stringify(steps.filter((s) => s.state !== 'done')),
    );
    const dryAfter = await run(dir, ['run', 'exp.w2s.yaml', '--dry-run']);
    assert.match(dryAfter.stdout, /All 21 steps done\./);

    const again = await run(dir, ['run', 'exp.w2s.yaml', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(ranOf(again.stdout), []);
    assert.equal(count(db, 'SELECT count(*) FROM jobs'), 10);

    // one learning rate (small's W2SR-P) edited: that student is trained and evaluated again, then the table
    fs.writeFileSync(file, experimentYaml({ openai: openai.url, ray: ray.url, lrP: 5e-6 }));
    const edited = await run(dir, ['status', 'exp.w2s.yaml', '--json']);
    const stale = (JSON.parse(edited.stdout) as { steps: StepJson[] }).steps.filter((s) => s.state !== 'done');
    assert.deepEqual(
      stale.map((s) => `${s.id}=${s.state}`),
      ['sft:small:w2sr-p=stale', 'eval:small:w2sr-p:sums=stale', 'results=stale'],
    );
    const third = await run(dir, ['run', 'exp.w2s.yaml', '--json']);
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual(ranOf(third.stdout), ['sft:small:w2sr-p', 'eval:small:w2sr-p:sums', 'results']);
    assert.equal(count(db, 'SELECT count(*) FROM jobs'), 12);
    assert.equal(count(db, "SELECT count(*) FROM runs WHERE kind = 'sample'"), 2, 'the traces are kept');

    // the problem file edited since its import: refused with the file named, never silently ignored
    fs.appendFileSync(
      path.join(dir, 'teacher-problems.jsonl'),
      `${JSON.stringify({ id: 'p9', question: 'What is 9+19?', answer: '28' })}\n`,
    );
    const changedFile = await run(dir, ['run', 'exp.w2s.yaml']);
    assert.equal(changedFile.code, 1);
    assert.match(
      changedFile.stderr,
      /teacher-problems\.jsonl: a problem set named "teacher-problems" already exists with different content/,
    );
    assert.equal(count(db, 'SELECT count(*) FROM jobs'), 12);
  });

  it('finishes after a kill -9 in the middle without doing anything twice', async () => {
    const { dir, db } = setup();
    // killed while the first student trains on the cluster (its job then keeps running, unwatched)
    const { stderr: killedLog } = await killWhen(dir, /sft small\/w2sr: job \S+ \w+ \d+\/\d+/);
    const jobsBefore = count(db, 'SELECT count(*) FROM jobs');
    assert.ok(jobsBefore >= 1, killedLog);
    const done = await run(dir, ['run', 'exp.w2s.yaml', '--json']);
    assert.equal(done.code, 0, done.stderr);
    assert.doesNotMatch(done.stderr, /sft small\/w2sr: submitting/, 'the job left running is not submitted again');
    assert.equal(count(db, "SELECT count(*) FROM jobs WHERE name LIKE 'exp.sft.small.w2sr.%'"), 1);
    // a job the kill caught before the cluster took it is marked submit-failed and submitted again as
    // NAME-r2; every job the cluster took is followed, none is submitted twice
    const taken = "SELECT name FROM jobs WHERE status <> 'submit-failed'";
    assert.equal(count(db, `SELECT count(*) FROM (${taken})`), 10, 'no step has two jobs on the cluster');
    assert.equal(count(db, `SELECT count(DISTINCT replace(name, '-r2', '')) FROM (${taken})`), 10);
    assert.equal(count(db, "SELECT count(*) FROM jobs WHERE status <> 'succeeded' AND status <> 'submit-failed'"), 0);
    assert.equal(count(db, "SELECT count(*) FROM runs WHERE kind = 'sample'"), 2);
    assert.equal(count(db, "SELECT count(*) FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.kind = 'sample'"), 12);
    assert.equal(count(db, 'SELECT count(*) FROM datasets'), 4);
    // every eval run holds each problem once
    assert.equal(
      count(
        db,
        "SELECT count(*) FROM (SELECT run_id, problem_id, sample_index FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.kind = 'eval' GROUP BY 1, 2, 3 HAVING count(*) > 1)",
      ),
      0,
    );
    const status = await run(dir, ['status', 'exp.w2s.yaml']);
    assert.match(status.stdout, /All 21 steps done\./);
  });

  it('leaves cluster jobs running on Ctrl-C, and the next run follows them', async () => {
    const { dir, db } = setup();
    // a model outside the experiment, evaluated on the same set in the same store: not a row of its table
    await evalOutside(dir, 'other/model', 'other-sums');
    const stopped = await killWhen(dir, /sft small\/w2sr: job \S+ \w+ \d+\/\d+/, 'SIGINT');
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /sft small\/w2sr: left job \S+ (pending|running) on the cluster/);
    assert.match(stopped.stderr, /stopped; cluster jobs keep running/);
    const left = count(db, "SELECT count(*) FROM jobs WHERE status IN ('pending', 'running')");
    assert.ok(left >= 1, 'the jobs are neither stopped nor forgotten');
    const again = await run(dir, ['run', 'exp.w2s.yaml', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /sft small\/w2sr: submitting/);
    assert.equal(count(db, 'SELECT count(*) FROM jobs'), 1 + 10);
    const table = fs.readFileSync(path.join(dir, '.w2s', 'experiments', 'exp', 'results.md'), 'utf8');
    assert.ok(table.includes('hkust-nlp/Qwen-2.5-Math-7B-SimpleRL-Zoo'));
    assert.ok(!table.includes('other/model'), table);
  });

  it('--until runs one step and what it needs, nothing after it; a step that is not in the plan runs nothing', async () => {
    const { dir, db } = setup();
    const typo = await run(dir, ['run', 'exp.w2s.yaml', '--until', 'export:small:w2sr-q', '--json']);
    assert.equal(typo.code, 1, typo.stderr);
    assert.match(
      typo.stderr,
      /exp\.w2s\.yaml: no step "export:small:w2sr-q" in this experiment \(its steps: .*export:small:w2sr-p/,
    );
    assert.equal(fs.existsSync(db) ? count(db, 'SELECT count(*) FROM runs') : 0, 0, 'nothing sampled for a typo');

    const r = await run(dir, ['run', 'exp.w2s.yaml', '--until', 'export:small:w2sr-p', '--json']);
    assert.equal(r.code, 0, r.stderr);
    // the import, the small teacher's sampling and grading, its W2SR-P export: not the other dataset, teacher or any job
    assert.deepEqual(ranOf(r.stdout).sort(), [
      'export:small:w2sr-p',
      'grade:small',
      'problems:sums',
      'problems:teacher-problems',
      'sample:small',
    ]);
    assert.equal(count(db, 'SELECT count(*) FROM jobs'), 0);
    assert.equal(count(db, 'SELECT count(*) FROM datasets'), 1);
    assert.doesNotMatch(r.stdout, /^Results:/m);

    // two targets: both SFT students of the small teacher (the W2SR export is what is left to do before them)
    const two = await run(dir, [
      'run',
      'exp.w2s.yaml',
      '--until',
      'sft:small:w2sr',
      '--until',
      'sft:small:w2sr-p',
      '--json',
    ]);
    assert.equal(two.code, 0, two.stderr);
    assert.deepEqual(ranOf(two.stdout).sort(), ['export:small:w2sr', 'sft:small:w2sr', 'sft:small:w2sr-p']);
    assert.equal(count(db, 'SELECT count(*) FROM jobs'), 2);
    const steps = (JSON.parse(two.stdout) as { steps: StepJson[] }).steps;
    assert.equal(steps.find((s) => s.id === 'sample:large')?.state, 'to do');
  });

  it('evaluates a reference model only where it has no results yet', async () => {
    const { dir } = setup();
    await evalOutside(dir, 'Qwen/Qwen2.5-Math-7B', 'base-sums');
    const status = await run(dir, ['status', 'exp.w2s.yaml']);
    assert.match(status.stdout, /done\s+eval:base:sums\s+[0-9a-f]{8}\s+results of run base-sums/);
    assert.match(status.stdout, /to do\s+eval:rl:sums/);
  });

  it('writes a new experiment file for the main setting, never over an existing one', async () => {
    const dir = tempDir('w2s-experiment-new-');
    const made = await w2s(['experiment', 'new', 'main.w2s.yaml'], { cwd: dir });
    assert.equal(made.code, 0, made.stderr);
    const status = await w2s(['experiment', 'status', 'main.w2s.yaml', '--json'], { cwd: dir });
    assert.equal(status.code, 0, status.stderr);
    const ids = (JSON.parse(status.stdout) as { steps: StepJson[] }).steps.map((s) => s.id);
    assert.ok(ids.includes('sft:zoo-1.5b:w2sr-p') && ids.includes('eval:rl:olympiadbench'), ids.join(' '));
    fs.appendFileSync(path.join(dir, 'main.w2s.yaml'), '# mine\n');
    const again = await w2s(['experiment', 'new', 'main.w2s.yaml'], { cwd: dir });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /main\.w2s\.yaml exists; it is left as it is/);
    assert.match(fs.readFileSync(path.join(dir, 'main.w2s.yaml'), 'utf8'), /# mine\n$/);
    const badName = await w2s(['experiment', 'new', 'main.yaml'], { cwd: dir });
    assert.equal(badName.code, 2);
  });

  it("samples a teacher named by an endpoint profile of the workspace's .vscode/settings.json, with its extraBody and the key from the environment", async () => {
    const KEY = 'sk-profile-3f9a7c21';
    // a server that answers only with this key (Authorization: Bearer, as OpenAI-compatible servers check it)
    const keyed = await startFakeServer({ models: ['teacher-small'], apiKey: KEY });
    try {
      const ws = tempDir('w2s-experiment-profile-');
      // JSON with comments and a trailing comma, as VS Code writes and reads settings.json
      writeFile(
        ws,
        '.vscode/settings.json',
        `{\n  // the teacher's vLLM server\n  "w2s.endpoints": [\n    { "name": "local-vllm", "baseUrl": "${keyed.url}", "extraBody": { "skip_special_tokens": false } },\n  ],\n}\n`,
      );
      // the experiment one folder below the settings: they are looked for upwards from its folder
      const dir = path.join(ws, 'exps');
      writeFile(dir, 'teacher-problems.jsonl', PROBLEMS.map((x) => JSON.stringify(x)).join('\n') + '\n');
      const yaml = (endpoint: string) => `name: prof
problems:
  file: teacher-problems.jsonl
teachers:
  - name: small
    endpoint: ${endpoint}
    model: teacher-small
    api_key_env: TEACHER_KEY
student:
  model_config: ${path.join(REPO_ROOT, 'test', 'fixtures', 'model-configs', 'qwen2.5-7b.config.json')}
eval:
  sets: [{ file: ${path.join(REPLAY, 'problems.jsonl')}, set: sums }]
`;
      writeFile(dir, 'prof.w2s.yaml', yaml('local-vllm'));
      const r = await run(dir, ['run', 'prof.w2s.yaml', '--until', 'grade:small', '--json'], {
        cwd: dir,
        env: { TEACHER_KEY: KEY },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(ranOf(r.stdout).sort(), [
        'grade:small',
        'problems:sums',
        'problems:teacher-problems',
        'sample:small',
      ]);
      const completions = keyed.requests.filter((q) => q.path.endsWith('/completions'));
      assert.ok(completions.length >= PROBLEMS.length, JSON.stringify(keyed.requests.map((q) => q.path)));
      // every request carried the key (a 401 otherwise) and the profile's extra body field
      assert.deepEqual(
        keyed.requests.filter((q) => q.status !== 200),
        [],
      );
      assert.ok(
        completions.every((q) => q.body.skip_special_tokens === false),
        JSON.stringify(completions[0]?.body),
      );
      const db = path.join(dir, 'w2s.db');
      assert.equal(
        count(db, "SELECT count(*) FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.kind = 'sample'"),
        6,
      );
      // the run stores the profile's address; the key is nowhere: not in the output, not in the store
      assert.equal(count(db, 'SELECT endpoint FROM runs'), keyed.url);
      assert.ok(!(r.stdout + r.stderr).includes(KEY));
      for (const f of fs.readdirSync(dir).filter((x) => x.startsWith('w2s.db')))
        assert.ok(!fs.readFileSync(path.join(dir, f)).includes(KEY), `${f} holds the key`);

      // a profile the settings do not have: the file, the teacher, the settings file and its profiles, the fix
      writeFile(dir, 'missing.w2s.yaml', yaml('remote-vllm').replace('name: prof', 'name: missing'));
      const missing = await run(dir, ['run', 'missing.w2s.yaml', '--until', 'sample:small'], {
        cwd: dir,
        env: { TEACHER_KEY: KEY },
      });
      assert.equal(missing.code, 1, missing.stderr);
      assert.ok(
        missing.stderr.includes(
          `${path.join(dir, 'missing.w2s.yaml')}: teacher small: endpoint "remote-vllm" is not a URL, so it names an endpoint profile, but ${path.join(ws, '.vscode', 'settings.json')} has no profile of that name (its profiles: local-vllm).`,
        ),
        missing.stderr,
      );
      assert.match(
        missing.stderr,
        /Write the teacher's endpoint as a URL .*or add the profile to the workspace's \.vscode\/settings\.json/,
      );
      assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(count(db, "SELECT count(*) FROM runs WHERE name LIKE 'missing.%'"), 0, 'nothing sampled');

      // no settings file at all above the experiment: said so, with the same fix
      const bare = tempDir('w2s-experiment-noprofile-');
      writeFile(bare, 'teacher-problems.jsonl', PROBLEMS.map((x) => JSON.stringify(x)).join('\n') + '\n');
      writeFile(bare, 'prof.w2s.yaml', yaml('local-vllm'));
      const none = await run(bare, ['run', 'prof.w2s.yaml', '--until', 'sample:small'], {
        cwd: bare,
        env: { TEACHER_KEY: KEY },
      });
      assert.equal(none.code, 1, none.stderr);
      assert.match(
        none.stderr,
        /teacher small: endpoint "local-vllm" is not a URL, so it names an endpoint profile, but no \.vscode\/settings\.json at or above \S+ sets w2s\.endpoints \(none found; the CLI cannot read VS Code's user settings\)/,
      );
      assert.ok(!(missing.stderr + none.stderr).includes(KEY));
    } finally {
      await keyed.close();
    }
  });

  it('names the file, line, column and field of a bad experiment', async () => {
    const dir = tempDir('w2s-experiment-bad-');
    writeFile(
      dir,
      'bad.w2s.yaml',
      'teachers:\n  - endpoint: http://127.0.0.1:1/v1\n    model: m\n    sampling:\n      temprature: 0.5\n',
    );
    const r = await run(dir, ['status', 'bad.w2s.yaml']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /bad\.w2s\.yaml:5:7: teachers\[0\]\.sampling\.temprature: unknown field \(expected one of: preset, n, temperature/,
    );
    writeFile(
      dir,
      'bad2.w2s.yaml',
      'teachers:\n  - endpoint: http://127.0.0.1:1/v1\n    model: m\nstudent:\n  gpus: two\n',
    );
    const r2 = await run(dir, ['status', 'bad2.w2s.yaml']);
    assert.match(r2.stderr, /bad2\.w2s\.yaml:5:9: student\.gpus: must be a positive integer \(got "two"\)/);
    writeFile(dir, 'bad3.w2s.yaml', 'teachers: [\n');
    const r3 = await run(dir, ['status', 'bad3.w2s.yaml']);
    assert.match(r3.stderr, /bad3\.w2s\.yaml:\d+:\d+: not valid YAML/);
    assert.doesNotMatch(r.stderr + r2.stderr + r3.stderr, /\n\s+at /, 'no stack trace');
  });
});
