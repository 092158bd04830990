// What the ingester makes of the runner's records in a real store, where a log is replayed (a re-attach
// reads a line twice), checkpoints are announced again (a resumed job, rank 0 and a callback both
// printing), and records from several workers interleave so steps arrive out of order.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createIngester } from '../../../src/core/jobs/ingest';
import { jobMetrics } from '../../../src/core/jobs/job-metrics';
import { createJob, requireJobById } from '../../../src/core/jobs/job-store';
import type { LogLine } from '../../../src/core/jobs/log-tail';
import { RECORD_PREFIX } from '../../../src/core/jobs/records';
import { rayHttpError } from '../../../src/core/jobs/ray-errors';
import { openStore } from '../../../src/core/store/open';
import { tempDir } from '../../support/tmp';

function setup() {
  const store = openStore(path.join(tempDir(), 'w2s.db'));
  const job = createJob(store, {
    name: 'sft-1',
    kind: 'sft',
    cluster: 'http://127.0.0.1:8265',
    spec: { job: {}, entrypoint: 'python -m w2s_runner', gpus: 1, source: 'dataset file t.jsonl' },
  });
  let index = 0;
  const lines = (...records: object[]): LogLine[] =>
    records.map((r) => ({ index: index++, text: `(RayTrainWorker pid=1) ${RECORD_PREFIX}${JSON.stringify(r)}` }));
  return { store, job, lines, ingester: createIngester(store, job) };
}

describe('ingesting runner records', () => {
  it('the same checkpoint announced twice is one checkpoint; checkpoints are kept in step order, the final one last at its step', () => {
    const { store, job, lines, ingester } = setup();
    try {
      ingester.ingest(
        lines(
          { type: 'checkpoint', step: 200, path: '/ckpt/step-200' },
          { type: 'checkpoint', step: 100, path: '/ckpt/step-100', epoch: 1 },
        ),
      );
      ingester.ingest(lines({ type: 'checkpoint', step: 100, path: '/ckpt/step-100', epoch: 1 }));
      ingester.ingest(
        lines(
          { type: 'checkpoint', step: 200, path: '/ckpt/final', final: true },
          { type: 'checkpoint', step: 200, path: '/ckpt/step-200' },
        ),
      );
      assert.deepEqual(requireJobById(store, job.id).output.checkpoints, [
        { step: 100, path: '/ckpt/step-100', epoch: 1 },
        { step: 200, path: '/ckpt/step-200' },
        { step: 200, path: '/ckpt/final', final: true },
      ]);
      // the same path at another step is another checkpoint (a directory reused by a resumed job)
      ingester.ingest(lines({ type: 'checkpoint', step: 300, path: '/ckpt/step-200' }));
      assert.equal(requireJobById(store, job.id).output.checkpoints!.length, 4);
    } finally {
      store.close();
    }
  });

  it('steps out of order: the job is at the highest step seen, and every point is stored once, in step order', () => {
    const { store, job, lines, ingester } = setup();
    try {
      ingester.ingest(
        lines({ type: 'metrics', step: 20, loss: 0.5, total_steps: 100 }, { type: 'metrics', step: 10, loss: 0.9 }),
      );
      assert.equal(
        requireJobById(store, job.id).output.step,
        20,
        'a late record of step 10 does not move the job back',
      );
      ingester.ingest(lines({ type: 'metrics', step: 15, loss: 0.7, lr: 1e-5 }));
      const after = requireJobById(store, job.id);
      assert.equal(after.output.step, 20);
      assert.equal(after.output.totalSteps, 100);
      // a replayed line (re-attach) changes nothing
      ingester.ingest(lines({ type: 'metrics', step: 10, loss: 0.9 }));
      assert.deepEqual(jobMetrics(store, job.id), {
        loss: [
          [10, 0.9],
          [15, 0.7],
          [20, 0.5],
        ],
        lr: [[15, 1e-5]],
      });
      assert.equal(requireJobById(store, job.id).logOffset, 4, 'every line read is counted');
    } finally {
      store.close();
    }
  });

  it('a 502, 503 or 504 from the cluster is "temporarily unavailable" (waited out), a 500 is not', () => {
    for (const status of [502, 503, 504]) {
      const e = rayHttpError('http://ray:8265', 'logs', status, '<html><title>Bad</title></html>');
      assert.equal(e.code, 'RAY_UNAVAILABLE', String(status));
      assert.match(e.message, new RegExp(`temporarily unavailable \\(${status}\\) while reading the job log`));
    }
    assert.equal(rayHttpError('http://ray:8265', 'logs', 500, 'Traceback\nRuntimeError: boom').code, 'RAY_SERVER');
  });
});
