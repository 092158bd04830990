// A linked student's lineage on a real store: the snapshot, its preset read off the verdicts, the teacher
// run with its accuracy, and the SFT job that trained it (the succeeded job whose output folder is the
// model: the runner writes the final model there).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { exportDataset } from '../../../src/core/export/export';
import { GRADER_VERSION } from '../../../src/core/grader';
import { createJob, updateJob, type JobSpec } from '../../../src/core/jobs/job-store';
import { lineageByModel, linkModel } from '../../../src/core/results/lineage';
import { computeStoredSignals } from '../../../src/core/signals/record';
import { openStore, type Store } from '../../../src/core/store/open';
import { importTraces } from '../../../src/core/traces/import-traces';
import { tempDir, writeFile } from '../../support/tmp';

let store: Store;

function sftJob(name: string, outputDir: string, status: 'succeeded' | 'failed'): void {
  const spec: JobSpec = {
    job: { output_dir: outputDir },
    entrypoint: 'python -m w2s_runner sft job.json',
    gpus: 1,
    source: 'test',
  };
  const row = createJob(store, { name, kind: 'sft', cluster: 'http://127.0.0.1:8265', spec });
  updateJob(store, row.id, { status });
}

before(async () => {
  const dir = tempDir('w2s-lineage-');
  store = openStore(path.join(dir, 'w2s.db'));
  // a teacher right on 1 of 4 problems
  const file = writeFile(
    dir,
    'teacher.jsonl',
    [0, 1, 2, 3]
      .map((i) =>
        JSON.stringify({
          question: `What is ${i}+${i}?`,
          response: [`\\boxed{${i === 0 ? 0 : 99}}`],
          gt_answer: String(2 * i),
        }),
      )
      .join('\n'),
  );
  importTraces(store, { file, setName: 'train', runName: 'teacher-run', model: 'teacher-model', createSet: true });
  const traces = store.db.prepare('SELECT id, answer FROM traces').all() as { id: number; answer: string }[];
  for (const t of traces)
    store.db
      .prepare('INSERT INTO grades (trace_id, extracted, verdict, grader_version) VALUES (?, ?, ?, ?)')
      .run(t.id, '', t.answer.includes('{0}') ? 'correct' : 'incorrect', GRADER_VERSION);
  await computeStoredSignals(store, { mode: 'missing' });
  await exportDataset(store, { name: 'p', preset: 'w2sr-p', format: 'openai', out: path.join(dir, 'p.jsonl') });
  await exportDataset(store, { name: 'all', preset: 'w2sr', format: 'openai', out: path.join(dir, 'all.jsonl') });
  sftJob('sft-failed', '/ckpt/student-p', 'failed');
  sftJob('sft-p', '/ckpt/student-p', 'succeeded');
  sftJob('sft-other', '/ckpt/other', 'succeeded');
  linkModel(store, { model: '/ckpt/student-p' }, 'p');
  linkModel(store, { model: 'hand-trained' }, 'all');
});

describe('lineage', () => {
  it('names the snapshot, the preset, the teacher run with its accuracy, and the SFT job', () => {
    const l = lineageByModel(store);
    assert.deepEqual(l.get('/ckpt/student-p'), {
      job: 'sft-p',
      snapshot: 'p',
      preset: 'correct only (W2SR-P)',
      traces: 1,
      teachers: [{ run: 'teacher-run', model: 'teacher-model', set: 'train', traces: 1, accuracy: 0.25 }],
    });
  });

  it('names no job for a model this store did not train', () => {
    const l = lineageByModel(store).get('hand-trained')!;
    assert.equal(l.job, null);
    assert.equal(l.preset, 'all (W2SR)');
    assert.equal(l.traces, 4);
  });
});
