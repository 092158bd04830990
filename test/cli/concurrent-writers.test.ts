// Every command that writes, run while `w2s sample` commits traces to the same store (issue 20): a
// deferred transaction that reads first cannot be upgraded once the sampler has committed and failed at
// once with SQLITE_BUSY_SNAPSHOT; each now begins as a write and waits its turn. Labels, undo, export
// snapshots, grading, imports (problems and traces) and job ingestion (a replayed runner log on the fake
// Ray Jobs server), each three times beside a sampler that is still running when the last one ends.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqlite } from '../../src/core/store/sqlite';
import { startFakeServer, type FakeServer } from '../fakes/openai-server';
import { startRayJobsServer, type RayJobsServer } from '../fakes/ray-jobs-server';
import { CLI, ensureBuilt, w2s, type CliResult } from '../support/cli';
import { REPO_ROOT, tempDir, writeFile } from '../support/tmp';

let server: FakeServer;
let ray: RayJobsServer;
before(async () => {
  server = await startFakeServer({ completionChars: 200, chunkChars: 200 });
  ray = await startRayJobsServer({
    replay: path.join(REPO_ROOT, 'test', 'fixtures', 'runner-replay'),
    lineDelayMs: 1,
    pendingMs: 10,
  });
});
after(async () => {
  await server?.close();
  await ray?.close();
});

function ok(r: CliResult, what: string): void {
  assert.doesNotMatch(r.stderr + r.stdout, /BUSY|locked/i, `${what}: ${r.stderr}`);
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stderr}`);
}

describe('writers beside a running sampler (built CLI)', { timeout: 5 * 60_000 }, () => {
  it('label, label undo, export, grade, import, import-traces and job ingestion all succeed while w2s sample commits', async () => {
    ensureBuilt();
    const cwd = tempDir();
    const db = path.join(cwd, 'w2s.db');
    const env = { W2S_DB: db, W2S_CLUSTER_ADDRESS: '', W2S_CLUSTER_TOKEN: '', RAY_ADDRESS: '' };
    const problems = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) =>
        JSON.stringify({ id: `${prefix}${i}`, question: `${prefix} what is ${i}+${i}?`, answer: String(2 * i) }),
      ).join('\n');
    writeFile(cwd, 'big.jsonl', problems(20_000, 'b'));
    ok(await w2s(['import', 'big.jsonl', '--set', 'big'], { cwd, env }), 'import big');
    // a finished run to label, grade and export while the sampler writes another
    ok(
      await w2s(
        [
          'sample',
          '--set',
          'big',
          '--run',
          'first',
          '--base-url',
          server.url,
          '--model',
          'fake-model',
          '--limit',
          '200',
        ],
        { cwd, env },
      ),
      'first run',
    );

    const sampler = spawn(
      process.execPath,
      [
        CLI,
        'sample',
        '--set',
        'big',
        '--run',
        'live',
        '--base-url',
        server.url,
        '--model',
        'fake-model',
        '--n',
        '4',
        '--concurrency',
        '64',
      ],
      {
        cwd,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let samplerErr = '';
    sampler.stderr!.on('data', (d: Buffer) => (samplerErr += d.toString()));
    const samplerExit = new Promise<number | null>((resolve) => sampler.on('exit', (code) => resolve(code)));
    try {
      // wait until it commits
      const peek = openSqlite(db, { readonly: true });
      const liveCount = () =>
        peek
          .prepare("SELECT count(*) FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = 'live'")
          .pluck()
          .get() as number;
      for (let i = 0; i < 600 && liveCount() < 100; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(liveCount() >= 100, `the sampler is committing: ${samplerErr}`);

      fs.writeFileSync(
        path.join(cwd, 'job.json'),
        JSON.stringify({
          base_model: 'Qwen/Qwen2.5-Math-7B',
          dataset: 'train.jsonl',
          output_dir: '/shared/ckpt/x',
          epochs: 1,
        }),
      );
      fs.writeFileSync(
        path.join(cwd, 'train.jsonl'),
        `${JSON.stringify({ instruction: 'What is 1+1?', output: '\\boxed{2}' })}\n`,
      );
      writeFile(
        cwd,
        'traces.jsonl',
        Array.from({ length: 50 }, (_, i) =>
          JSON.stringify({ id: `b${i}`, question: `b what is ${i}+${i}?`, response: `so \\boxed{${2 * i}}` }),
        ).join('\n'),
      );
      const before = liveCount();
      for (let round = 0; round < 3; round++) {
        ok(await w2s(['label', 'accept', '1', '2', '3'], { cwd, env }), `label (round ${round})`);
        ok(await w2s(['label', 'star', '--filter', 'run:first'], { cwd, env }), `label --filter (round ${round})`);
        ok(await w2s(['label', 'undo'], { cwd, env }), `label undo (round ${round})`);
        ok(
          await w2s(
            ['export', '--preset', 'w2sr', '--run', 'first', '--name', `d${round}`, '--out', `d${round}.jsonl`],
            { cwd, env },
          ),
          `export (round ${round})`,
        );
        ok(await w2s(['grade', '--run', 'first', '--all'], { cwd, env }), `grade (round ${round})`);
        writeFile(cwd, `small${round}.jsonl`, problems(300, `s${round}-`));
        ok(
          await w2s(['import', `small${round}.jsonl`, '--set', `small${round}`], { cwd, env }),
          `import (round ${round})`,
        );
        ok(
          await w2s(['import-traces', 'traces.jsonl', '--set', 'big', '--run', `imported${round}`, '--model', 'm'], {
            cwd,
            env,
          }),
          `import-traces (round ${round})`,
        );
        ok(
          await w2s(['jobs', 'sft', 'job.json', '--name', `sft${round}`, '--address', ray.url], { cwd, env }),
          `job ingestion (round ${round})`,
        );
      }
      const during = liveCount() - before;
      assert.ok(sampler.exitCode === null, 'the sampler was still running when the last command ended');
      assert.ok(during > 100, `the sampler committed ${during} traces meanwhile`);
      peek.close();
    } finally {
      sampler.kill('SIGINT');
      await samplerExit;
    }
    assert.doesNotMatch(samplerErr, /BUSY|locked/i, samplerErr);
  });
});
