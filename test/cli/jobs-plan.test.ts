// `w2s jobs plan` as a user runs it (built CLI): the acceptance cases of the W2SR students with their
// published config.json values (test/fixtures/model-configs), a model found in the Hugging Face cache
// layout, and errors that name the file or the flag.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';

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
