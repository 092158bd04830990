// `w2s jobs plan` as a user runs it (built CLI): the acceptance cases of the W2SR students with their
// published config.json values (test/fixtures/model-configs), a model found in the Hugging Face cache
// layout, and errors that name the file or the flag.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRayJobsServer, type RayJobsServer } from '../fakes/ray-jobs-server';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const CONFIGS = path.join(ROOT, 'test', 'fixtures', 'model-configs');

function w2s(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    cwd: ROOT,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function plan(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { fits: boolean; strategy: string; perGpuGiB: number; alternatives: { change: string }[] } {
  const r = w2s(['jobs', 'plan', ...args, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

before(() => execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' }));

describe('w2s jobs plan', () => {
  it('Qwen2.5-7B on 8 x 80 GB fits, sharded; on one 80 GB GPU without offload it does not', () => {
    const eight = plan([
      '--model-config',
      path.join(CONFIGS, 'qwen2.5-7b.config.json'),
      '--gpus',
      '8',
      '--gpu-memory',
      '80',
    ]);
    assert.deepEqual([eight.fits, eight.strategy], [true, 'fsdp']);
    assert.ok(eight.perGpuGiB > 14.2, 'at least the 16 bytes x 7.6e9 / 8 of model states'); // 14.18 GiB
    const one = plan([
      '--model-config',
      path.join(CONFIGS, 'qwen2.5-7b.config.json'),
      '--gpus',
      '1',
      '--gpu-memory',
      '80',
    ]);
    assert.equal(one.fits, false);
    assert.ok(one.alternatives.some((a) => a.change.startsWith('--offload')));
  });

  it('Qwen2.5-14B on 8 x 80 GB fits', () => {
    const p = plan([
      '--model-config',
      path.join(CONFIGS, 'qwen2.5-14b.config.json'),
      '--gpus',
      '8',
      '--gpu-memory',
      '80',
    ]);
    assert.deepEqual([p.fits, p.strategy], [true, 'fsdp']);
  });

  it('finds a hub id in the Hugging Face cache and prints the breakdown', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-hf-'));
    const snap = path.join(home, 'hub', 'models--Qwen--Qwen2.5-0.5B', 'snapshots', 'abc123');
    fs.mkdirSync(snap, { recursive: true });
    fs.copyFileSync(path.join(CONFIGS, 'qwen2.5-0.5b.config.json'), path.join(snap, 'config.json'));
    const r = w2s(['jobs', 'plan', '--base-model', 'Qwen/Qwen2.5-0.5B', '--gpus', '2', '--recipe', 'w2sr'], {
      HF_HOME: home,
    });
    fs.rmSync(home, { recursive: true, force: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /0\.49B parameters/);
    assert.match(r.stdout, /strategy ddp over 2 GPU\(s\)/);
    assert.match(r.stdout, /per GPU: parameters [\d.]+ GiB \+ gradients .* \+ logits [\d.]+ GiB/);
    assert.match(r.stdout, /: fits$/m);
  });

  it('jobs sft shows the plan first and refuses a job that would not fit unless --force', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-hf-'));
    const snap = path.join(home, 'hub', 'models--Qwen--Qwen2.5-7B', 'snapshots', 'r1');
    fs.mkdirSync(snap, { recursive: true });
    fs.copyFileSync(path.join(CONFIGS, 'qwen2.5-7b.config.json'), path.join(snap, 'config.json'));
    const data = path.join(home, 'train.jsonl');
    fs.writeFileSync(
      data,
      JSON.stringify({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      }) + '\n',
    );
    // port 9 (discard): nothing listens, so a job that gets past the plan fails to reach the cluster
    const args = [
      'jobs',
      'sft',
      '--base-model',
      'Qwen/Qwen2.5-7B',
      '--dataset',
      data,
      '--output-dir',
      '/o',
      '--address',
      'http://127.0.0.1:9',
      '--db',
      path.join(home, 'w2s.db'),
    ];
    const one = w2s([...args, '--gpus', '1', '--name', 'one'], { HF_HOME: home });
    assert.notEqual(one.code, 0);
    assert.match(one.stderr, /memory plan: single over 1 GPU\(s\): [\d.]+ GiB per GPU of 80 GiB, does NOT fit/);
    assert.match(one.stderr, /would need [\d.]+ GiB per GPU .* it fits with --gpus 2 .*Submit anyway with --force/);
    assert.doesNotMatch(one.stderr, /127\.0\.0\.1:9/); // refused before any request
    const forced = w2s([...args, '--gpus', '1', '--force', '--name', 'forced'], { HF_HOME: home });
    assert.notEqual(forced.code, 0);
    assert.match(forced.stderr, /127\.0\.0\.1:9/); // it went on to the cluster
    const eight = w2s([...args, '--gpus', '8', '--name', 'eight'], { HF_HOME: home });
    assert.match(eight.stderr, /memory plan: fsdp over 8 GPU\(s\): [\d.]+ GiB per GPU of 80 GiB, fits/);
    assert.match(eight.stderr, /127\.0\.0\.1:9/);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('a model it cannot find, a bad config and a bad flag say what to give', () => {
    const none = w2s(['jobs', 'plan', '--base-model', 'org/nowhere'], { HF_HOME: os.tmpdir() });
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /No config\.json for org\/nowhere.*--model-config/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-cfg-'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'qwen2', hidden_size: 896 }));
    const bad = w2s(['jobs', 'plan', '--model-config', path.join(dir, 'config.json')]);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /config\.json: num_attention_heads must be a positive integer/);
    assert.doesNotMatch(bad.stderr, /at .*\.js:\d+/); // no stack trace
    const flag = w2s([
      'jobs',
      'plan',
      '--model-config',
      path.join(CONFIGS, 'qwen2.5-7b.config.json'),
      '--gpus',
      'eight',
    ]);
    assert.notEqual(flag.code, 0);
    assert.match(flag.stderr, /--gpus must be a number/);
  });
});

// The cluster's copy of config.json: the fake Ray server (test/fakes/ray-jobs-server.ts) runs the
// job's entrypoint, `python -m w2s_runner.model_config MODEL`, as a real process with this process's
// environment, so the "cluster's" Hugging Face cache is $HF_HOME here while the CLI gets another.
describe("w2s jobs plan with the cluster's copy", () => {
  const TOKEN = 'plan-secret-token-4d1f';
  let ray: RayJobsServer;
  let clusterHome: string;
  let localHome: string;
  const saved = {
    HF_HOME: process.env.HF_HOME,
    HF_HUB_CACHE: process.env.HF_HUB_CACHE,
    HF_HUB_OFFLINE: process.env.HF_HUB_OFFLINE,
  };

  const cache = (home: string, id: string, config: string) => {
    const snap = path.join(home, 'hub', `models--${id.replace('/', '--')}`, 'snapshots', 'rev1');
    fs.mkdirSync(snap, { recursive: true });
    fs.copyFileSync(path.join(CONFIGS, config), path.join(snap, 'config.json'));
  };

  // async: the fake server answers from this process while the CLI runs
  function w2sAsync(
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: ROOT,
        env: {
          ...process.env,
          W2S_CLUSTER_ADDRESS: '',
          RAY_ADDRESS: '',
          W2S_CLUSTER_TOKEN: TOKEN,
          HF_HOME: localHome,
          HF_HUB_CACHE: '',
          ...env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  before(async () => {
    clusterHome = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-cluster-hf-'));
    localHome = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-local-hf-'));
    cache(clusterHome, 'Qwen/Qwen2.5-7B', 'qwen2.5-7b.config.json');
    // the same id with another config here: which copy was read shows in the parameter count
    cache(clusterHome, 'org/both', 'qwen2.5-7b.config.json');
    cache(localHome, 'org/both', 'qwen2.5-0.5b.config.json');
    // the cluster's environment: its own cache, and no Hub (nothing is downloaded in a test)
    Object.assign(process.env, { HF_HOME: clusterHome, HF_HUB_CACHE: '', HF_HUB_OFFLINE: '1' });
    ray = await startRayJobsServer({ token: TOKEN, pendingMs: 10 });
  });
  after(async () => {
    await ray.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(clusterHome, { recursive: true, force: true });
    fs.rmSync(localHome, { recursive: true, force: true });
  });

  it('a model this machine lacks is read on the cluster, by a job that is deleted afterwards', async () => {
    const r = await w2sAsync([
      'jobs',
      'plan',
      '--base-model',
      'Qwen/Qwen2.5-7B',
      '--gpus',
      '8',
      '--address',
      ray.url,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { fits: boolean; strategy: string; parameters: number; config: string };
    assert.deepEqual([json.fits, json.strategy, json.parameters], [true, 'fsdp', 7_615_616_512]);
    assert.ok(json.config.startsWith(`cluster ${ray.url}: ${clusterHome}/hub/models--Qwen--Qwen2.5-7B/`), json.config);
    assert.match(
      r.stderr,
      /reading config\.json of Qwen\/Qwen2\.5-7B on the cluster at http:\/\/127\.0\.0\.1:\d+ \(job w2s-model-config-/,
    );
    const submitted = ray.requests.filter((q) => q.method === 'POST' && q.path === '/api/jobs/');
    assert.equal(submitted.length, 1);
    assert.equal(ray.requests.filter((q) => q.method === 'DELETE').length, 1, 'the job is deleted');
    assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN), 'the token is never printed');
  });

  it("this machine's copy first; --cluster reads the cluster's, as the job will load it", async () => {
    const local = await w2sAsync(['jobs', 'plan', '--base-model', 'org/both', '--address', ray.url, '--json']);
    assert.equal(local.code, 0, local.stderr);
    assert.equal((JSON.parse(local.stdout) as { parameters: number }).parameters, 494_032_768);
    const remote = await w2sAsync([
      'jobs',
      'plan',
      '--base-model',
      'org/both',
      '--cluster',
      '--address',
      ray.url,
      '--json',
    ]);
    assert.equal(remote.code, 0, remote.stderr);
    assert.equal((JSON.parse(remote.stdout) as { parameters: number }).parameters, 7_615_616_512);
    const noCluster = await w2sAsync(['jobs', 'plan', '--base-model', 'org/both', '--cluster']);
    assert.notEqual(noCluster.code, 0);
    assert.match(noCluster.stderr, /No cluster address: give --address/);
  });

  it('a model the cluster does not have either: an error naming the model, the cluster and what to give', async () => {
    const r = await w2sAsync(['jobs', 'plan', '--base-model', 'org/nowhere', '--address', ray.url]);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /No config\.json for org\/nowhere on the cluster at http:\/\/127\.0\.0\.1:\d+: org\/nowhere is not in this node's Hugging Face cache \(.*\) and HF_HUB_OFFLINE is set\. .*--model-config FILE/,
    );
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/); // no stack trace
    assert.ok(!r.stderr.includes(TOKEN));
    const folder = await w2sAsync([
      'jobs',
      'plan',
      '--base-model',
      '/nowhere/on/the/cluster',
      '--cluster',
      '--address',
      ray.url,
    ]);
    assert.notEqual(folder.code, 0);
    assert.match(
      folder.stderr,
      /No config\.json for \/nowhere\/on\/the\/cluster on the cluster at .*: there is no folder \/nowhere\/on\/the\/cluster on this node/,
    );
  });

  it("jobs sft plans with the cluster's copy too, and refuses a job that would not fit", async () => {
    const data = path.join(localHome, 'train.jsonl');
    fs.writeFileSync(
      data,
      JSON.stringify({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      }) + '\n',
    );
    const r = await w2sAsync([
      'jobs',
      'sft',
      '--base-model',
      'Qwen/Qwen2.5-7B',
      '--dataset',
      data,
      '--output-dir',
      '/o',
      '--gpus',
      '1',
      '--address',
      ray.url,
      '--db',
      path.join(localHome, 'w2s.db'),
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /memory plan: single over 1 GPU\(s\): [\d.]+ GiB per GPU of 80 GiB, does NOT fit/);
    assert.match(r.stderr, /Submit anyway with --force/);
    assert.ok(!r.stderr.includes(TOKEN));
  });
});
