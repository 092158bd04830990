// The CLI under a reader that stops early and under limits beyond Node's timers (issue 20).
// - `w2s … | head -1`: the closed pipe ends the command quietly, exit 0, nothing on stderr (as
//   `git log | head`), for the listing commands that print much (traces, label history, grade-pairs)
//   and for one that prints little (benchmarks, read by `head -n 0`, which exits before w2s writes).
// - `--max-tokens 10000000`, `--timeout 3000000`, `--deadline 2200000`: delays past 2^31 - 1 ms made
//   Node fire the timers at once, failing every request; they complete against the fake server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeServer, type FakeServer } from '../fakes/openai-server';
import { openStore } from '../../src/core/store/open';
import { CLI, ensureBuilt, w2s } from '../support/cli';
import { tempDir, writeFile } from '../support/tmp';

let server: FakeServer;
before(async () => {
  server = await startFakeServer();
});
after(async () => {
  await server?.close();
});

/** Runs `w2s ARGS | READER` in bash; w2s's own exit status, its stderr, and what the reader printed. */
function piped(
  args: string[],
  cwd: string,
  reader: string,
  input = '',
): Promise<{ status: number; stderr: string; out: string }> {
  ensureBuilt();
  const err = path.join(cwd, `stderr-${Date.now()}`);
  const status = path.join(cwd, `status-${Date.now()}`);
  return new Promise((resolve, reject) => {
    const child = spawn(
      'bash',
      [
        '-c',
        `"$0" "$@" 2>"${err}" | ${reader}; echo "\${PIPESTATUS[0]}" > "${status}"`,
        process.execPath,
        CLI,
        ...args,
      ],
      {
        cwd,
        env: { ...process.env, W2S_DB: path.join(cwd, 'w2s.db') },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () =>
      resolve({ status: Number(fs.readFileSync(status, 'utf8')), stderr: fs.readFileSync(err, 'utf8'), out }),
    );
    child.stdin.end(input);
  });
}

describe('a reader that stops early (built CLI)', () => {
  it('traces, label history, grade-pairs | head -1 and benchmarks | head -n 0: exit 0, nothing on stderr', async () => {
    const cwd = tempDir();
    const env = { W2S_DB: path.join(cwd, 'w2s.db') };
    writeFile(
      cwd,
      'p.jsonl',
      Array.from({ length: 600 }, (_, i) =>
        JSON.stringify({ id: i, question: `What is ${i} + ${i}? ${'Think. '.repeat(20)}`, answer: String(2 * i) }),
      ).join('\n'),
    );
    writeFile(
      cwd,
      't.jsonl',
      Array.from({ length: 600 }, (_, i) =>
        JSON.stringify({ id: i, question: 'q', response: `${'Some reasoning. '.repeat(20)}\\boxed{${2 * i}}` }),
      ).join('\n'),
    );
    assert.equal((await w2s(['import', 'p.jsonl', '--set', 's'], { cwd, env })).code, 0);
    assert.equal(
      (await w2s(['import-traces', 't.jsonl', '--set', 's', '--run', 'r', '--model', 'm'], { cwd, env })).code,
      0,
    );
    // 5,000 labelling actions, written straight in (5,000 commands would be slow)
    const store = openStore(env.W2S_DB);
    store.db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
      INSERT INTO label_actions (description, change, filter, count) SELECT 'accept trace ' || i, '{"decision":"accept"}', NULL, 1 FROM n`);
    store.close();
    const pairs = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ gold: String(i), pred: `\\boxed{${i}}` }),
    ).join('\n');

    const cases: [string, string[], string, string, number][] = [
      // [what, args, reader, stdin, bytes the output would have had (over the 64 KB a pipe holds)]
      ['traces', ['traces', '--json', '--limit', '500'], 'head -1', '', 64 * 1024],
      ['label history', ['label', 'history', '--limit', '5000'], 'head -1', '', 64 * 1024],
      ['grade-pairs', ['grade-pairs', '-'], 'head -1', pairs, 64 * 1024],
      ['benchmarks', ['benchmarks'], 'head -n 0', '', 0],
    ];
    const failures: string[] = [];
    for (const [what, args, reader, input, atLeast] of cases) {
      const full = await w2s(args, { cwd, env, input });
      assert.equal(full.code, 0, `${what}: ${full.stderr}`);
      assert.ok(full.stdout.length > atLeast, `${what} prints ${full.stdout.length} bytes, more than a pipe holds`);
      const r = await piped(args, cwd, reader, input);
      if (r.stderr !== '' || r.status !== 0)
        failures.push(`${what} | ${reader}: exit ${r.status}, stderr ${r.stderr.slice(0, 300)}`);
      if (reader === 'head -1') assert.equal(r.out, `${full.stdout.split('\n')[0]}\n`);
    }
    assert.deepEqual(failures, []);
  });
});

describe('limits beyond what a Node timer holds (built CLI)', () => {
  it('--max-tokens 10000000, --timeout 3000000 and --deadline 2200000 complete against the fake server', async () => {
    const cwd = tempDir();
    const env = { W2S_DB: path.join(cwd, 'w2s.db') };
    writeFile(
      cwd,
      'p.jsonl',
      Array.from({ length: 3 }, (_, i) =>
        JSON.stringify({ id: i, question: `What is ${i} + ${i}?`, answer: String(2 * i) }),
      ).join('\n'),
    );
    assert.equal((await w2s(['import', 'p.jsonl', '--set', 's'], { cwd, env })).code, 0);
    const runs: [string, string[]][] = [
      ['max-tokens', ['--max-tokens', '10000000']],
      ['timeout', ['--timeout', '3000000']],
      ['deadline', ['--deadline', '2200000']],
    ];
    const outcomes = await Promise.all(
      runs.map(async ([name, flags]) => {
        const r = await w2s(
          [
            'sample',
            '--set',
            's',
            '--run',
            name,
            '--base-url',
            server.url,
            '--model',
            'fake-model',
            ...flags,
            '--json',
          ],
          { cwd, env, timeoutMs: 60_000 },
        );
        const summary =
          r.code === 0 ? (JSON.parse(r.stdout) as { status: string; done: number; failed: number }) : undefined;
        const overflow = /TimeoutOverflowWarning|did not finish within/.exec(r.stderr)?.[0];
        return `${name}: exit ${r.code}${r.timedOut ? ' (timed out)' : ''}, ${summary ? `${summary.status} ${summary.done} done ${summary.failed} failed` : 'no summary'}${overflow ? `, ${overflow}` : ''}`;
      }),
    );
    assert.deepEqual(
      outcomes,
      runs.map(([name]) => `${name}: exit 0, done 3 done 0 failed`),
    );
  });
});
