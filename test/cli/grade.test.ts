import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { gradePair, gradeResponse } from '../../src/core/grader';
import { openStore } from '../../src/core/store/open';
import { CLI, ensureBuilt, w2s } from '../support/cli';
import { seedRealTraces, seedTraces, tracesWithKnownVerdicts } from '../support/traces-fixture';
import { tempDir, writeFile } from '../support/tmp';

describe('w2s grade', () => {
  it('grades every stored trace in worker threads, reports per-run verdicts, and resumes with nothing left to do', async () => {
    const cwd = tempDir();
    const db = path.join(cwd, '.w2s', 'w2s.db');
    const store = openStore(db);
    const { traces } = seedRealTraces(store, 'qwen');
    const known = tracesWithKnownVerdicts();
    const knownRun = seedTraces(
      store,
      'known',
      known.map((k) => k.trace),
    );
    store.close();
    const r = await w2s(['grade', '--json', '--threads', '2'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      graded: number;
      runs: { run: string; correct: number; ungraded: number; accuracy: number }[];
    };
    assert.equal(doc.graded, traces.length + known.length);
    const expectedCorrect = traces.filter(
      (t) => gradeResponse({ gold: t.gold, response: t.response, type: 'math' }).verdict === 'correct',
    ).length;
    const qwen = doc.runs.find((x) => x.run === 'qwen')!;
    assert.equal(qwen.correct, expectedCorrect);
    assert.equal(qwen.ungraded, 0);
    // Verdicts written down by hand, so a grading regression fails here too (not only a plumbing one).
    const check = openStore(db);
    try {
      const stored = check.db
        .prepare(
          'SELECT g.extracted, g.verdict FROM grades g JOIN traces t ON t.id = g.trace_id WHERE t.run_id = ? ORDER BY t.id',
        )
        .all(knownRun);
      assert.deepEqual(
        stored,
        known.map((k) => ({ extracted: k.extracted, verdict: k.verdict })),
      );
    } finally {
      check.close();
    }
    assert.equal(doc.runs.find((x) => x.run === 'known')!.correct, 1);
    const again = await w2s(['grade', '--run', 'qwen'], { cwd });
    assert.equal(again.code, 0);
    assert.match(again.stdout, /graded 0 trace/);
    assert.match(again.stdout, new RegExp(`qwen: ${((expectedCorrect / traces.length) * 100).toFixed(1)}% correct`));
    const unknown = await w2s(['grade', '--run', 'nope'], { cwd });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No run named "nope"/);
    const usage = await w2s(['grade', '--regrade', '--all'], { cwd });
    assert.equal(usage.code, 2);
  });

  it('--regrade re-grades verdicts of another grader version and reports, per run, how many changed', async () => {
    const cwd = tempDir();
    const db = path.join(cwd, '.w2s', 'w2s.db');
    const store = openStore(db);
    seedRealTraces(store, 'first', 40);
    seedRealTraces(store, 'second', 30);
    store.close();
    assert.equal((await w2s(['grade', '--threads', '2'], { cwd })).code, 0);
    // an older grader stored other verdicts: 6 traces of "first" as errors, 4 of "second" with the same verdict
    const s2 = openStore(db);
    const firstIds =
      "SELECT t.id FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = 'first' ORDER BY t.id LIMIT 6";
    const secondIds =
      "SELECT t.id FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = 'second' ORDER BY t.id LIMIT 4";
    s2.db
      .prepare(`UPDATE grades SET grader_version = 'w2s-grader/1', verdict = 'error' WHERE trace_id IN (${firstIds})`)
      .run();
    s2.db.prepare(`UPDATE grades SET grader_version = 'w2s-grader/1' WHERE trace_id IN (${secondIds})`).run();
    s2.close();
    const plain = await w2s(['grade'], { cwd });
    assert.match(plain.stdout, /graded 0 trace/, 'without --regrade, other versions are kept');
    const r = await w2s(['grade', '--regrade', '--json', '--threads', '2'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { graded: number; runs: { run: string; regraded: number; changed: number }[] };
    assert.equal(doc.graded, 10);
    assert.deepEqual(
      doc.runs.map((x) => [x.run, x.regraded, x.changed]),
      [
        ['first', 6, 6],
        ['second', 4, 0],
      ],
    );
    const s3 = openStore(db);
    s3.db
      .prepare(`UPDATE grades SET grader_version = 'w2s-grader/1', verdict = 'error' WHERE trace_id IN (${firstIds})`)
      .run();
    s3.close();
    const human = await w2s(['grade', '--regrade', '--run', 'first'], { cwd });
    assert.match(human.stdout, /first: .*6 of 6 re-graded verdict\(s\) changed/);
  });
});

describe('w2s grade-pairs', () => {
  const pairs = [
    { gold: '\\frac{1}{2}', pred: 'So the answer is $\\boxed{0.5}$.' },
    { gold: 'We compute ... so the answer is $\\boxed{10}$.', pred: '$10$' },
    { gold: '72', pred: 'She earned $72 in total. #### 72', type: 'number' },
    { gold: 'C', pred: 'The answer is (B).' },
    { gold: '(1,2]', pred: '[1,2)' },
  ];

  it('writes one line per input, in order, with extracted, verdict and equal, from stdin', async () => {
    const cwd = tempDir();
    const r = await w2s(['grade-pairs'], { cwd, input: pairs.map((p) => JSON.stringify(p)).join('\n') + '\n' });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(out.length, pairs.length);
    out.forEach((o, i) => {
      const p = pairs[i]!;
      assert.equal(o.gold, p.gold);
      assert.equal(o.pred, p.pred);
      const expected = gradePair(p as { gold: string; pred: string; type?: 'number' });
      assert.equal(o.extracted, expected.extracted);
      assert.equal(o.verdict, expected.verdict);
      assert.equal(o.equal, expected.equal);
    });
    assert.deepEqual(
      out.map((o) => o.equal),
      [true, true, true, false, false],
    );
  });

  it('reads a file; a bad line yields an error line naming it, keeps the order, and exits 1', async () => {
    const cwd = tempDir();
    const file = writeFile(
      cwd,
      'pairs.jsonl',
      [JSON.stringify(pairs[0]), '{not json', JSON.stringify({ gold: '1' }), JSON.stringify(pairs[1])].join('\n'),
    );
    const r = await w2s(['grade-pairs', file], { cwd });
    assert.equal(r.code, 1);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(out.length, 4);
    assert.equal(out[0]!.equal, true);
    assert.match(String(out[1]!.error), /pairs\.jsonl:2: not valid JSON/);
    assert.match(String(out[2]!.error), /pairs\.jsonl:3: the "pred" field is missing/);
    assert.equal(out[3]!.equal, true);
    assert.match(r.stderr, /pairs\.jsonl:2/);
  });

  // Bounded wall time is the property under test here: each of these inputs once hung the command
  // (time grew with the square of the input) or crashed the whole batch.
  it('hostile lines give error/timeout or their verdict for that line only, in order, in bounded time', async () => {
    const cwd = tempDir();
    const lines = [
      { gold: '2', pred: '\\boxed{2}' },
      { gold: '5', pred: '\\boxed{'.repeat(140_000) },
      { gold: `${'\\text{'.repeat(6000)}x${'}'.repeat(6000)}`, pred: '5' },
      { gold: '10^{400}', pred: '10^{500}' },
      { gold: '1e400', pred: '5e999' },
      { gold: '10^{-400}', pred: '10^{-500}' },
      { gold: '10^{400}', pred: '10^{400}' },
      { gold: '10^{10^{10}}', pred: '10^{10^{10}}+1' },
      { gold: '3', pred: `\\boxed{${'x+'.repeat(500_000)}1}` },
      { gold: '7', pred: 'so \\boxed{7}\u0000 and a NUL byte' },
      { gold: '\\frac{1}{2}', pred: 'The answer is $0.5$.' },
    ];
    // and a line whose prediction holds bytes that are not UTF-8 (read as U+FFFD, then graded)
    const badUtf8 = Buffer.concat([
      Buffer.from('{"gold": "1", "pred": "'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(' \\\\boxed{1}"}\n'),
    ]);
    const file = writeFile(
      cwd,
      'hostile.jsonl',
      Buffer.concat([Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'), badUtf8]),
    );
    const t = performance.now();
    const r = await w2s(['grade-pairs', file, '--threads', '2'], { cwd });
    const ms = performance.now() - t;
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { gold: string; verdict: string; detail?: string });
    assert.equal(out.length, lines.length + 1);
    out.slice(0, -1).forEach((o, i) => assert.equal(o.gold, lines[i]!.gold, `line ${i + 1} out of order`));
    assert.deepEqual(
      out.map((o) => (o.detail ? `${o.verdict}/${o.detail}` : o.verdict)),
      [
        'correct',
        'error/timeout',
        'error/timeout',
        'incorrect',
        'incorrect',
        'incorrect',
        'correct',
        'error/timeout',
        'error/timeout',
        'correct',
        'correct',
        'correct',
      ],
    );
    assert.ok(ms < 60_000, `took ${Math.round(ms)} ms`);
  });

  it('a pair past the hard cap is error/timeout for its line only; the worker is replaced', async () => {
    const cwd = tempDir();
    // three megabytes of numbers: linear work, but far past a 0.2 s cap on any machine
    const slow = '1 2 3 4 5 6 7 8 9 0 '.repeat(150_000);
    const lines = [
      { gold: '4', pred: '\\boxed{4}' },
      { gold: '5', pred: slow },
      { gold: '6', pred: 'Answer: 6' },
    ];
    const file = writeFile(cwd, 'slow.jsonl', lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await w2s(['grade-pairs', file, '--threads', '1', '--timeout', '0.2'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { verdict: string; detail?: string });
    assert.deepEqual(
      out.map((o) => (o.detail ? `${o.verdict}/${o.detail}` : o.verdict)),
      ['correct', 'error/timeout', 'correct'],
    );
    assert.equal((await w2s(['grade-pairs', '--timeout', '0'], { cwd, input: '' })).code, 2);
  });

  it('SIGTERM stops it while it waits for input: the lines already graded are written, exit code 1', async () => {
    ensureBuilt();
    const cwd = tempDir();
    const child = spawn(process.execPath, [CLI, 'grade-pairs', '--threads', '1'], {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // stdin stays open: the command answers the line it has, then waits for more until it is told to stop
    child.stdin.write(`${JSON.stringify({ gold: '9', pred: '\\boxed{9}' })}\n`);
    for (let waited = 0; !stdout.includes('\n') && waited < 30_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(stdout.trim().split('\n').length, 1, `no answer to the first line: ${stderr}`);
    child.kill('SIGTERM');
    const code = await Promise.race([
      closed,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000)),
    ]);
    if (code === 'hung') child.kill('SIGKILL');
    assert.notEqual(code, 'hung', 'grade-pairs did not stop on SIGTERM');
    assert.equal(code, 1);
    assert.match(stderr, /interrupted after 1 line/);
    assert.deepEqual(
      stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { verdict: string }).verdict),
      ['correct'],
    );
  });
});
