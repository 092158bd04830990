import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  checkCheckpointRoot,
  checkEvalStorage,
  checkSftStorage,
  rootLocality,
} from '../../../src/core/jobs/checkpoint-root';
import { findProbeRecord, probeLines } from '../../../src/core/jobs/cluster-probe';
import {
  TESTED_VERSIONS,
  parseEnvironment,
  pinnedRequirements,
  runtimeEnvFor,
} from '../../../src/core/jobs/runner-environment';
import { RUNNER_DIR } from './helpers';

describe('runner environment', () => {
  it('pins the versions the newest GPU check passed with (runner/scripts/results)', () => {
    const dir = path.join(RUNNER_DIR, 'scripts', 'results');
    const newest = fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('gpu-check-'))
      .sort()
      .at(-1)!;
    const head = fs
      .readFileSync(path.join(dir, newest), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('torch '))!;
    for (const [name, v] of Object.entries(TESTED_VERSIONS))
      assert.match(head, new RegExp(`\\b${name} ${v.replace(/\./g, '\\.')}\\b`), `${name} ${v} in ${newest}: ${head}`);
    const reqs = pinnedRequirements(RUNNER_DIR);
    assert.ok(
      reqs.includes('torch==2.11.0') &&
        reqs.includes('transformers==5.17.0') &&
        reqs.includes('accelerate==1.15.0') &&
        reqs.includes('peft==0.21.0'),
      reqs.join(' '),
    );
    assert.ok(reqs.includes('numpy'), 'unpinned requirements go as they are');
    assert.ok(!reqs.some((r) => r.startsWith('#') || r.startsWith('vllm')), 'comments stay out');
  });

  it('each kind becomes its runtime_env field; pip is the default; a bad value names the place', () => {
    assert.deepEqual(parseEnvironment(undefined, 'x'), { kind: 'pip' });
    const pip = runtimeEnvFor(parseEnvironment('pip', 'x'), RUNNER_DIR) as {
      pip: { packages: string[]; pip_check: boolean };
    };
    assert.equal(pip.pip.pip_check, false);
    assert.ok(pip.pip.packages.includes('torch==2.11.0'));
    assert.ok(
      (runtimeEnvFor(parseEnvironment('uv', 'x'), RUNNER_DIR) as { uv: { packages: string[] } }).uv.packages.includes(
        'peft==0.21.0',
      ),
    );
    assert.deepEqual(runtimeEnvFor(parseEnvironment('image:rayproject/ray-ml:2.53.0-gpu', 'x'), RUNNER_DIR), {
      image_uri: 'rayproject/ray-ml:2.53.0-gpu',
    });
    assert.deepEqual(runtimeEnvFor(parseEnvironment('preinstalled', 'x'), RUNNER_DIR), {});
    assert.throws(
      () => parseEnvironment('conda', '--runtime'),
      /--runtime "conda" is not a runner environment: give pip \(default\), uv, preinstalled, or image:IMAGE_URI/,
    );
  });
});

describe('checkpoint root', () => {
  it('~ and /tmp are node-local, URIs shared, the probe has the last word', () => {
    assert.equal(rootLocality('~/w2s-checkpoints'), 'node-local');
    assert.equal(rootLocality('/var/tmp/ck'), 'node-local');
    assert.equal(rootLocality('s3://bucket/ck'), 'shared');
    assert.equal(rootLocality('/mnt/nfs/ck'), 'unknown');
    assert.equal(rootLocality('/mnt/nfs/ck', false), 'node-local');
    assert.equal(rootLocality('~/ck', true), 'shared');
    assert.throws(() => checkCheckpointRoot('http://x/y', '--checkpoint-root'), /only s3:\/\/, gs:\/\//);
    assert.throws(() => checkCheckpointRoot('relative/dir', '--checkpoint-root'), /must be an absolute path/);
    assert.equal(checkCheckpointRoot('gs://b/c/', 'x'), 'gs://b/c');
  });

  it('a multi-node SFT job, or an eval on a several-node cluster, refuses a node-local folder with the fix', () => {
    assert.throws(
      () => checkSftStorage('~/w2s-checkpoints/sft-1', 2),
      /trains on 2 nodes, but its output folder ~\/w2s-checkpoints\/sft-1 is on each node's own disk.*--checkpoint-root/s,
    );
    checkSftStorage('~/w2s-checkpoints/sft-1', 1);
    checkSftStorage('s3://b/sft-1', 4);
    checkSftStorage('/mnt/nfs/sft-1', 4);
    assert.throws(
      () => checkEvalStorage('/var/tmp/ck/final', 3),
      /cluster has 3 nodes and the model \/var\/tmp\/ck\/final is on one node's own disk: the eval may run on another node/,
    );
    checkEvalStorage('/var/tmp/ck/final', 1);
    checkEvalStorage('Qwen/Qwen2.5-0.5B', 3);
  });
});

describe('probe report', () => {
  it('is found in the log behind a Ray worker prefix; a node-local root is said so', () => {
    const log = `Running entrypoint\n(pid=1) @@w2s {"type":"probe","nodes":[{"host":"a","ip":"10.0.0.1","python":"3.12.3","torch":"2.11.0","cuda":"13.0","gpus":[{"name":"NVIDIA H200","memory_gib":139.8}],"transformers":"5.17.0","accelerate":"1.15.0","vllm":null,"checkpoint_root":{"free_gib":812.5}}],"checkpoint_root":{"path":"/ck","shared":false}}\n`;
    const rec = findProbeRecord(log)!;
    assert.equal(rec.nodes[0]!.gpus![0]!.name, 'NVIDIA H200');
    const lines = probeLines({
      ok: true,
      submissionId: 's',
      rayStatus: 'SUCCEEDED',
      environment: 'pip',
      nodes: rec.nodes,
      checkpointRoot: { path: '/ck', shared: false },
    });
    assert.equal(
      lines[0],
      'a (10.0.0.1): Python 3.12.3, torch 2.11.0 (CUDA 13.0), NVIDIA H200 139.8 GiB; transformers 5.17.0, accelerate 1.15.0, vLLM missing; 812.5 GiB free at the checkpoint root',
    );
    assert.match(lines[1]!, /NOT the same storage on every node/);
    assert.equal(findProbeRecord('@@w2s {"type":"probe"\n@@w2s {"type":"status"}'), undefined);
  });
});
