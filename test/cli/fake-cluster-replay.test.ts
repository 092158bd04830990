// The README's fake-cluster command passes --replay as a path relative to where it is started
// (docs/jobs.md: `--replay test/fixtures/runner-replay`); every job must still find its log.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRayJobsServer, type RayJobsServer } from '../fakes/ray-jobs-server';
import { CLI, ensureBuilt } from '../support/cli';
import { REPO_ROOT, tempDir } from '../support/tmp';

function w2s(dir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  ensureBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--db', path.join(dir, 'w2s.db')], {
      cwd: dir,
      env: { ...process.env, W2S_DB: '', W2S_CLUSTER_ADDRESS: '', W2S_CLUSTER_TOKEN: '', RAY_ADDRESS: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the fake Ray cluster started with a relative --replay', { timeout: 3 * 60_000 }, () => {
  let ray: RayJobsServer;
  let broken: RayJobsServer;
  before(async () => {
    // a "log" that is a folder: the player dies with Node's error, whose stack and object dump push the
    // error line out of the last 10 lines Ray puts in a failed job's message
    const bad = tempDir('w2s-replay-bad-');
    fs.mkdirSync(path.join(bad, 'sft.log'));
    broken = await startRayJobsServer({ replay: bad, lineDelayMs: 1, pendingMs: 10, stopWaitMs: 500 });
    const relative = path.relative(process.cwd(), path.join(REPO_ROOT, 'test', 'fixtures', 'runner-replay'));
    assert.ok(!path.isAbsolute(relative) && relative !== '', relative);
    ray = await startRayJobsServer({ replay: relative, lineDelayMs: 1, pendingMs: 10, stopWaitMs: 500 });
  });
  after(async () => {
    await ray?.close();
    await broken?.close();
  });

  it("replays the GPU log for an SFT job (it failed every job: the path was read from the job's own folder)", async () => {
    const dir = tempDir('w2s-replay-rel-');
    fs.writeFileSync(
      path.join(dir, 'train.jsonl'),
      `${JSON.stringify({ instruction: 'What is 1+1?', output: '\\boxed{2}' })}\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'job.json'),
      JSON.stringify({
        base_model: 'Qwen/Qwen2.5-Math-7B',
        dataset: 'train.jsonl',
        output_dir: '/shared/ckpt/rel',
        epochs: 2,
      }),
    );
    const r = await w2s(dir, ['jobs', 'sft', 'job.json', '--name', 'rel-replay', '--address', ray.url, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const job = JSON.parse(r.stdout) as {
      status: string;
      error: string | null;
      output: { checkpoints: { final?: boolean }[] };
    };
    assert.equal(job.status, 'succeeded', job.error ?? '');
    assert.ok(job.output.checkpoints.some((c) => c.final));
  });

  it("a failed job's message leads with the log's first error line, not the stack tail Ray keeps", async () => {
    const dir = tempDir('w2s-replay-bad-job-');
    fs.writeFileSync(
      path.join(dir, 'train.jsonl'),
      `${JSON.stringify({ instruction: 'What is 1+1?', output: '\\boxed{2}' })}\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'job.json'),
      JSON.stringify({
        base_model: 'Qwen/Qwen2.5-Math-7B',
        dataset: 'train.jsonl',
        output_dir: '/shared/ckpt/bad',
        epochs: 1,
      }),
    );
    const r = await w2s(dir, ['jobs', 'sft', 'job.json', '--name', 'bad-replay', '--address', broken.url]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /job bad-replay failed: Error: EISDIR: illegal operation on a directory, read \(Job entrypoint command failed with exit code 1\)/,
    );
    const show = await w2s(dir, ['jobs', 'show', 'bad-replay']);
    assert.match(show.stdout, /error: Error: EISDIR/);
  });
});
