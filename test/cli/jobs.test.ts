// The built `w2s` against the fake Ray Jobs server: cluster check, SFT and eval jobs (the real runner,
// which fails without torch, and replays of a GPU log), list/show/logs/stop, --json and exit codes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CURRENT_RAY, startRayJobsServer, type RayJobsServer } from '../fakes/ray-jobs-server';
import { CLI, ensureBuilt } from '../support/cli';
import { REPO_ROOT, tempDir } from '../support/tmp';

const REPLAY = path.join(REPO_ROOT, 'test', 'fixtures', 'runner-replay');
let dir: string;

function w2s(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  ensureBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--db', path.join(dir, 'w2s.db')], {
      cwd: dir,
      env: { ...process.env, W2S_DB: '', W2S_CLUSTER_ADDRESS: '', W2S_CLUSTER_TOKEN: '', RAY_ADDRESS: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function writeTrain(name = 'train.jsonl'): string {
  const lines = Array.from({ length: 4 }, (_, i) =>
    JSON.stringify({ instruction: `What is ${i}+${i}?`, output: `\\boxed{${2 * i}}` }),
  );
  fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
  return name;
}

describe('w2s cluster and w2s jobs', { timeout: 5 * 60_000 }, () => {
  let plain: RayJobsServer;
  let replay: RayJobsServer;
  before(async () => {
    dir = tempDir('w2s-cli-jobs-');
    plain = await startRayJobsServer({ token: 'tok', pendingMs: 10 });
    replay = await startRayJobsServer({ replay: REPLAY, lineDelayMs: 3, pendingMs: 10, stopWaitMs: 500 });
  });
  after(async () => {
    await plain?.close();
    await replay?.close();
  });

  it('cluster check: the version with the token from W2S_CLUSTER_TOKEN; without it, exit 1 and what to do', async () => {
    const ok = await w2s(['cluster', 'check', '--address', plain.url, '--json'], { W2S_CLUSTER_TOKEN: 'tok' });
    assert.equal(ok.code, 0, ok.stderr);
    const json = JSON.parse(ok.stdout) as {
      rayVersion: string;
      authMode: string;
      tokenSet: boolean;
      warnings: string[];
    };
    assert.deepEqual([json.rayVersion, json.authMode, json.tokenSet, json.warnings], [CURRENT_RAY, 'token', true, []]);
    assert.ok(!ok.stdout.includes('tok"') && !ok.stderr.includes('tok\n'), 'the token is never printed');
    const denied = await w2s(['cluster', 'check'], { W2S_CLUSTER_ADDRESS: plain.url });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /requires a token \(401.*W2S_CLUSTER_TOKEN/);
    const none = await w2s(['cluster', 'check']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No cluster address: give --address/);
  });

  it('usage: the group lists its verbs; a missing flag exits 2', async () => {
    const group = await w2s(['jobs']);
    assert.equal(group.code, 2);
    assert.match(group.stdout, /w2s jobs sft .*\n.*w2s jobs eval/s);
    const bad = await w2s(['jobs', 'train']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown command "train" \(sft, eval, list, show, logs, stop, plan\)/);
    const missing = await w2s(['jobs', 'sft', '--dataset', writeTrain(), '--output-dir', '/o', '--address', plain.url]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /give the base model: --base-model ID/);
  });

  it('jobs sft with the real runner on a cluster without torch: FAILED, the missing-packages message, exit 1; list/show/logs see it', async () => {
    const r = await w2s(
      [
        'jobs',
        'sft',
        '--base-model',
        'Qwen/Qwen2.5-0.5B',
        '--dataset',
        writeTrain(),
        '--output-dir',
        '/shared/o',
        '--name',
        'cli-no-torch',
        '--address',
        plain.url,
      ],
      { W2S_CLUSTER_TOKEN: 'tok' },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /cli-no-torch: failed/);
    assert.match(
      r.stderr,
      /job cli-no-torch failed: missing packages: torch, transformers, accelerate .*pip install -r runner\/requirements\.txt/,
    );
    const list = await w2s(['jobs', 'list', '--json']);
    const jobs = JSON.parse(list.stdout) as { name: string; status: string; kind: string }[];
    assert.deepEqual(
      jobs.map((j) => [j.name, j.kind, j.status]),
      [['cli-no-torch', 'sft', 'failed']],
    );
    const show = await w2s(['jobs', 'show', 'cli-no-torch'], { W2S_CLUSTER_TOKEN: 'tok' });
    assert.equal(show.code, 0);
    assert.match(show.stdout, /error: missing packages/);
    const logs = await w2s(['jobs', 'logs', 'cli-no-torch'], { W2S_CLUSTER_TOKEN: 'tok' });
    assert.match(logs.stdout, /Running entrypoint for job w2s-cli-no-torch-\w+: python -m w2s_runner sft job\.json/);
    assert.match(logs.stdout, /@@w2s \{"type":"error".*"kind":"missing_packages"/);
  });

  it('jobs sft JOB.json (a replayed GPU run): succeeds, prints the model path, and stores the curves', async () => {
    fs.writeFileSync(
      path.join(dir, 'job.json'),
      JSON.stringify({
        base_model: 'Qwen/Qwen2.5-Math-7B',
        dataset: writeTrain('w2sr.jsonl'),
        output_dir: '/shared/ckpt/w2sr',
        epochs: 2,
      }),
    );
    const r = await w2s(['jobs', 'sft', 'job.json', '--name', 'cli-replay', '--address', replay.url, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const job = JSON.parse(r.stdout) as {
      status: string;
      spec: { job: Record<string, unknown> };
      output: { checkpoints: { final?: boolean }[] };
      metrics: Record<string, unknown>;
    };
    assert.equal(job.status, 'succeeded');
    assert.equal(job.spec.job.epochs, 2);
    assert.equal(job.spec.job.dataset, 'data/train.jsonl');
    assert.ok(job.output.checkpoints.some((c) => c.final));
    assert.ok('train_loss' in job.metrics);
    const db = new Database(path.join(dir, 'w2s.db'), { readonly: true });
    const n = (
      db
        .prepare(
          "SELECT count(*) AS n FROM job_metrics m JOIN jobs j ON j.id = m.job_id WHERE j.name = 'cli-replay' AND m.name = 'train_loss'",
        )
        .get() as { n: number }
    ).n;
    db.close();
    assert.ok(n > 5, `${n} train_loss points`);
  });

  it('jobs sft --recipe: the W2SR settings of the 14B student go into job.json, flags still override them', async () => {
    const r = await w2s(
      [
        'jobs',
        'sft',
        '--recipe',
        'w2sr-qwen2.5-14b',
        '--epochs',
        '3',
        '--base-model',
        'Qwen/Qwen2.5-14B',
        '--dataset',
        writeTrain('r.jsonl'),
        '--output-dir',
        '/shared/o14',
        '--name',
        'cli-recipe',
        '--detach',
        '--address',
        plain.url,
        '--json',
      ],
      { W2S_CLUSTER_TOKEN: 'tok' },
    );
    assert.equal(r.code, 0, r.stderr);
    const job = (JSON.parse(r.stdout) as { spec: { job: Record<string, unknown> } }).spec.job;
    assert.deepEqual(
      [job.learning_rate, job.global_batch_size, job.cutoff_len, job.warmup_ratio, job.epochs],
      [8e-6, 128, 4096, 0.1, 3],
    );
    const bad = await w2s(
      [
        'jobs',
        'sft',
        '--recipe',
        'w2sr-70b',
        '--base-model',
        'm',
        '--dataset',
        writeTrain('r.jsonl'),
        '--output-dir',
        '/o',
        '--address',
        plain.url,
      ],
      { W2S_CLUSTER_TOKEN: 'tok' },
    );
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /No recipe named "w2sr-70b" \(known: w2sr-qwen2\.5-math-7b, w2sr-qwen2\.5-14b/);
  });

  it('jobs eval with a problem file: imported as a set, samples stored as an eval run and graded', async () => {
    fs.copyFileSync(path.join(REPLAY, 'problems.jsonl'), path.join(dir, 'sums-heldout.jsonl'));
    const r = await w2s([
      'jobs',
      'eval',
      '--model',
      '/shared/ckpt/w2sr',
      '--problems',
      'sums-heldout.jsonl',
      '--temperature',
      '0',
      '--max-tokens',
      '32',
      '--name',
      'cli-eval',
      '--address',
      replay.url,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /imported .*sums-heldout\.jsonl as problem set sums-heldout \(200 problems\)/);
    assert.match(r.stdout, /cli-eval: succeeded after 200\/200 samples; run cli-eval: \d+\/200 correct/);
    const runs = await w2s(['runs', '--json']);
    const run = (
      JSON.parse(runs.stdout) as {
        name: string;
        kind: string;
        status: string;
        done: number;
        grades: { correct: number; ungraded: number };
      }[]
    ).find((x) => x.name === 'cli-eval')!;
    assert.deepEqual([run.kind, run.status, run.done, run.grades.ungraded], ['eval', 'done', 200, 0]);
  });

  it('--detach, then stop, then logs -f to the end: STOPPED, exit 1', async () => {
    const slow = await startRayJobsServer({ replay: REPLAY, lineDelayMs: 300, pendingMs: 10, stopWaitMs: 500 });
    try {
      const sub = await w2s([
        'jobs',
        'sft',
        '--base-model',
        'm',
        '--dataset',
        writeTrain(),
        '--output-dir',
        '/o',
        '--name',
        'cli-stop',
        '--detach',
        '--address',
        slow.url,
      ]);
      assert.equal(sub.code, 0, sub.stderr);
      assert.match(sub.stdout, /Follow it: w2s jobs logs -f cli-stop/);
      const stop = await w2s(['jobs', 'stop', 'cli-stop']);
      assert.equal(stop.code, 0, stop.stderr);
      assert.match(stop.stdout, /stopping/);
      const logs = await w2s(['jobs', 'logs', '-f', 'cli-stop']);
      assert.equal(logs.code, 1);
      assert.match(logs.stdout, /cli-stop: stopped/);
    } finally {
      await slow.close();
    }
  });
});
