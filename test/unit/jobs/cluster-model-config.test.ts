// The cluster's copy of a model's config.json (core/jobs/cluster-model-config.ts) against the fake Ray
// cluster over real HTTP: what the log is read for, and a config job that does not end in time or is
// cancelled is stopped with an error naming the model and the cluster. The happy paths run through the
// CLI in test/cli/jobs-plan.test.ts.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import {
  CONFIG_BEGIN,
  CONFIG_END,
  CONFIG_ERROR,
  clusterModelConfig,
  parseConfigLog,
} from '../../../src/core/jobs/cluster-model-config';
import { createRayClient } from '../../../src/core/jobs/ray-client';
import { startRayJobsServer, type RayJobsServer } from '../../fakes/ray-jobs-server';
import { REPO_ROOT } from '../../support/tmp';

const RUNNER = path.join(REPO_ROOT, 'runner');

describe("the config job's log", () => {
  it('the JSON between the markers, after the lines Ray and the driver print first', () => {
    const log = [
      'Running entrypoint for job w2s-model-config-1: python -m w2s_runner.model_config org/m',
      `${CONFIG_BEGIN} /hf/hub/models--org--m/snapshots/r/config.json`,
      '{"hidden_size": 896}',
      CONFIG_END,
      '',
    ].join('\n');
    assert.deepEqual(parseConfigLog(log), {
      source: '/hf/hub/models--org--m/snapshots/r/config.json',
      config: { hidden_size: 896 },
    });
  });
  it("the runner's error line; nothing for a log cut before the end marker or with broken JSON", () => {
    assert.deepEqual(parseConfigLog(`x\n${CONFIG_ERROR} there is no folder /m on this node\n`), {
      error: 'there is no folder /m on this node',
    });
    assert.equal(parseConfigLog(`${CONFIG_BEGIN} /c.json\n{"hidden_size": 896}\n`), undefined);
    assert.equal(parseConfigLog(`${CONFIG_BEGIN} /c.json\n{"hidden_size": \n${CONFIG_END}\n`), undefined);
    assert.equal(parseConfigLog(''), undefined);
  });
});

describe('a config job that does not end', () => {
  let ray: RayJobsServer;
  // the job stays PENDING (its runtime env "set up") far longer than the tests wait
  before(async () => (ray = await startRayJobsServer({ token: 'cfg-token-77', pendingMs: 60_000 })));
  after(() => ray.close());

  const stops = () =>
    ray.requests.filter((r) => r.method === 'POST' && /\/api\/jobs\/w2s-model-config-[0-9a-f]+\/stop$/.test(r.path));

  it('is stopped after its time, with an error naming the model and the cluster', async () => {
    const client = createRayClient({ address: ray.url, token: 'cfg-token-77' });
    const before = stops().length;
    await assert.rejects(
      clusterModelConfig(client, 'org/slow', { runnerDir: RUNNER, timeoutMs: 300, pollMs: 50 }),
      (e: unknown) =>
        e instanceof W2sError &&
        e.code === 'MODEL_CONFIG_TIMEOUT' &&
        e.message.startsWith(
          `Reading the config.json of org/slow on the cluster at ${ray.url} did not finish within 0 s (Ray: PENDING`,
        ) &&
        /--model-config FILE/.test(e.message) &&
        !e.message.includes('cfg-token-77'),
    );
    assert.equal(stops().length, before + 1);
  });

  it('is stopped when cancelled', async () => {
    const client = createRayClient({ address: ray.url, token: 'cfg-token-77' });
    const before = stops().length;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(
      clusterModelConfig(client, 'org/slow', { runnerDir: RUNNER, signal: controller.signal, pollMs: 50 }),
      (e: unknown) =>
        e instanceof W2sError &&
        e.code === 'CANCELLED' &&
        /org\/slow on the cluster at .* was cancelled/.test(e.message),
    );
    assert.equal(stops().length, before + 1);
  });
});
