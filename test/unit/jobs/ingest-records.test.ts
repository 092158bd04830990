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

  it("status records set the job's phase, its message, the step and sample totals; a note is kept once", () => {
    const { store, job, lines, ingester } = setup();
    try {
      ingester.ingest(
        lines(
          { type: 'status', phase: 'loading', message: 'loading the model', total_steps: 300, total: 99 },
          { type: 'status', phase: 'note', message: 'bf16 unsupported: fp16 instead' },
          { type: 'status', phase: 'note', message: 'bf16 unsupported: fp16 instead' },
        ),
      );
      let out = requireJobById(store, job.id).output;
      assert.equal(out.phase, 'note');
      assert.equal(out.phaseMessage, 'bf16 unsupported: fp16 instead');
      assert.equal(out.totalSteps, 300);
      assert.equal(out.samplesTotal, undefined, "`total` counts samples only in the 'generating' phase");
      assert.deepEqual(out.notes, ['bf16 unsupported: fp16 instead']);
      ingester.ingest(
        lines(
          { type: 'status', phase: 'generating', total: 400 },
          { type: 'status', phase: 'note', message: 'second note' },
          { type: 'status', phase: 7, message: 8, total_steps: '9' },
        ),
      );
      out = requireJobById(store, job.id).output;
      assert.equal(out.samplesTotal, 400);
      assert.equal(out.phase, 'note', 'a phase that is not text is ignored');
      assert.equal(out.phaseMessage, 'second note');
      assert.equal(out.totalSteps, 300);
      assert.deepEqual(out.notes, ['bf16 unsupported: fp16 instead', 'second note']);
    } finally {
      store.close();
    }
  });

  it("an error record is the runner's own account of the failure (kind, message), with defaults for missing fields", () => {
    const { store, job, lines, ingester } = setup();
    try {
      ingester.ingest(lines({ type: 'error', kind: 'oom', message: 'CUDA out of memory' }));
      assert.deepEqual(requireJobById(store, job.id).output.runnerError, {
        kind: 'oom',
        message: 'CUDA out of memory',
      });
      ingester.ingest(lines({ type: 'error' }));
      assert.deepEqual(requireJobById(store, job.id).output.runnerError, {
        kind: 'error',
        message: 'the runner reported an error',
      });
    } finally {
      store.close();
    }
  });

  it("a done record is the job's summary, without the record's type and time", () => {
    const { store, job, lines, ingester } = setup();
    try {
      ingester.ingest(lines({ type: 'done', time: 1_700_000_000, steps: 300, checkpoint: '/ckpt/final' }));
      assert.deepEqual(requireJobById(store, job.id).output.done, { steps: 300, checkpoint: '/ckpt/final' });
    } finally {
      store.close();
    }
  });

  it('metrics: only finite numbers at a whole step are points, stamped with the record time; the bookkeeping fields are not curves', () => {
    const { store, job, lines, ingester } = setup();
    try {
      ingester.ingest(
        lines(
          { type: 'metrics', step: 5, time: 1_700_000_000, total_steps: 50, loss: 1.5, note: 'x', grad_norm: null },
          { type: 'metrics', step: 2.5, loss: 9 },
          { type: 'metrics', step: 'six', loss: 9 },
          { type: 'metrics', loss: 9 },
        ),
      );
      // JSON.parse reads 1e999 as Infinity: not a value a curve can show
      ingester.ingest([{ index: 4, text: `${RECORD_PREFIX}{"type":"metrics","step":6,"loss":1e999,"lr":0.001}` }]);
      assert.deepEqual(jobMetrics(store, job.id), { loss: [[5, 1.5]], lr: [[6, 0.001]] });
      const times = store.db.prepare('SELECT step, time FROM job_metrics ORDER BY step').all() as {
        step: number;
        time: string;
      }[];
      assert.equal(times[0]!.time, '2023-11-14T22:13:20.000Z', 'the runner’s time (Unix seconds)');
      const now = Date.parse(times[1]!.time);
      assert.ok(Math.abs(now - Date.now()) < 60_000, `a record without time is stamped now (${times[1]!.time})`);
      const out = requireJobById(store, job.id).output;
      assert.equal(out.step, 6);
      assert.equal(out.totalSteps, 50);
    } finally {
      store.close();
    }
  });

  it('a checkpoint needs a path; its step defaults to 0; adapter and final flags are kept only when set', () => {
    const { store, job, lines, ingester } = setup();
    try {
      ingester.ingest(
        lines(
          { type: 'checkpoint', step: 10 },
          { type: 'checkpoint', path: '/ckpt/init' },
          { type: 'checkpoint', step: 10, path: '/ckpt/lora-10', adapter: true, final: false, epoch: '1' },
        ),
      );
      assert.deepEqual(requireJobById(store, job.id).output.checkpoints, [
        { step: 0, path: '/ckpt/init' },
        { step: 10, path: '/ckpt/lora-10', adapter: true },
      ]);
    } finally {
      store.close();
    }
  });

  it('checkpoints at the same step keep the order the runner announced them (a LoRA adapter, then its merged model)', () => {
    const { store, job, lines, ingester } = setup();
    try {
      ingester.ingest(
        lines(
          { type: 'checkpoint', step: 100, path: '/ckpt/100-adapter', adapter: true },
          { type: 'checkpoint', step: 100, path: '/ckpt/100-merged' },
          { type: 'checkpoint', step: 100, path: '/ckpt/100-extra' },
        ),
      );
      assert.deepEqual(
        requireJobById(store, job.id).output.checkpoints!.map((c) => c.path),
        ['/ckpt/100-adapter', '/ckpt/100-merged', '/ckpt/100-extra'],
      );
    } finally {
      store.close();
    }
  });

  it('only sample records count as samples: metrics, status, checkpoint, error and done records do not', () => {
    const { store, job, lines, ingester } = setup();
    try {
      const r = ingester.ingest(
        lines(
          { type: 'metrics', step: 1, loss: 1 },
          { type: 'status', phase: 'training' },
          { type: 'checkpoint', step: 1, path: '/ckpt/1' },
          { type: 'error', kind: 'oom', message: 'CUDA out of memory' },
          { type: 'done', steps: 1 },
        ),
      );
      assert.deepEqual([r.records, r.samples], [5, 0]);
      assert.equal(requireJobById(store, job.id).output.samples, undefined);
    } finally {
      store.close();
    }
  });

  it('every line read moves the log offset, records or not; an empty batch leaves it', () => {
    const { store, job, ingester } = setup();
    try {
      const r = ingester.ingest([
        { index: 0, text: 'Loading checkpoint shards: 100%' },
        { index: 1, text: `${RECORD_PREFIX}{"type":"status","phase":"training"}` },
        { index: 2, text: `${RECORD_PREFIX}{not json` },
      ]);
      assert.equal(r.records, 1);
      assert.equal(r.samples, 0);
      assert.equal(requireJobById(store, job.id).logOffset, 3);
      assert.equal(ingester.ingest([]).job.logOffset, 3);
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
