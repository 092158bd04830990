// A linked student's lineage on a real store: the snapshot, its preset read off the verdicts, the teacher
// run with its accuracy, and the SFT job that trained it (the succeeded job whose output folder is the
// model: the runner writes the final model there).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { isW2sError } from '../../../src/core/errors';
import { exportDataset } from '../../../src/core/export/export';
import { GRADER_VERSION } from '../../../src/core/grader';
import { createJob, updateJob, type JobSpec } from '../../../src/core/jobs/job-store';
import { lineageByModel, linkModel, unlinkModel } from '../../../src/core/results/lineage';
import { computeStoredSignals } from '../../../src/core/signals/record';
import { openStore, type Store } from '../../../src/core/store/open';
import { importTraces } from '../../../src/core/traces/import-traces';
import { tempDir, writeFile } from '../../support/tmp';

let store: Store;
let dir: string;

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
  dir = tempDir('w2s-lineage-');
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
  await exportDataset(store, { name: 'wrong', preset: 'incorrect', format: 'openai', out: path.join(dir, 'w.jsonl') });
  // an ungraded teacher: alone, and beside the one correct trace of the first
  const file2 = writeFile(
    dir,
    'teacher2.jsonl',
    [0, 1]
      .map((i) => JSON.stringify({ question: `What is ${i}*3?`, response: ['\\boxed{1}'], gt_answer: String(3 * i) }))
      .join('\n'),
  );
  importTraces(store, {
    file: file2,
    setName: 'train2',
    runName: 'ungraded-run',
    model: 'teacher-two',
    createSet: true,
  });
  await computeStoredSignals(store, { mode: 'missing' });
  await exportDataset(store, {
    name: 'raw',
    filter: { runs: ['ungraded-run'] },
    format: 'openai',
    out: path.join(dir, 'r.jsonl'),
  });
  const correctId = store.db.prepare("SELECT trace_id FROM grades WHERE verdict = 'correct'").pluck().get() as number;
  const ungradedIds = store.db
    .prepare("SELECT t.id FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = 'ungraded-run'")
    .pluck()
    .all() as number[];
  await exportDataset(store, {
    name: 'mixed',
    filter: { traceIds: [correctId, ...ungradedIds] },
    format: 'openai',
    out: path.join(dir, 'm.jsonl'),
  });
  for (const [model, snapshot] of [
    ['s-wrong', 'wrong'],
    ['s-raw', 'raw'],
    ['s-mixed', 'mixed'],
  ] as const)
    linkModel(store, { model }, snapshot);
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

  it('reads the preset off the verdicts: incorrect only, ungraded, and correct beside ungraded', () => {
    const l = lineageByModel(store);
    assert.equal(l.get('s-wrong')!.preset, 'incorrect only');
    assert.equal(l.get('s-wrong')!.traces, 3);
    assert.equal(l.get('s-raw')!.preset, 'ungraded');
    // the ungraded traces are no evidence of an incorrect one: the graded ones are all correct
    assert.equal(l.get('s-mixed')!.preset, 'correct only (W2SR-P)');
    assert.equal(l.get('s-mixed')!.traces, 3);
  });
});

/** The W2sError `fn` throws: its code and its whole message. */
function w2sError(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(isW2sError(e), String(e));
    return { code: e.code, message: e.message };
  }
  assert.fail('no error');
}

describe('linking a model to a snapshot', () => {
  it("a run stands for its model: the link is on the run's model, not on the run's name", () => {
    assert.deepEqual(linkModel(store, { run: 'ungraded-run' }, 'raw'), { model: 'teacher-two', snapshot: 'raw' });
    assert.equal(lineageByModel(store).get('teacher-two')!.snapshot, 'raw');
    assert.equal(lineageByModel(store).has('ungraded-run'), false);
  });

  it('linking again moves the link to the new snapshot (one link per model)', () => {
    linkModel(store, { model: 'relinked' }, 'wrong');
    linkModel(store, { model: 'relinked' }, 'all');
    assert.equal(lineageByModel(store).get('relinked')!.snapshot, 'all');
    const rows = store.db.prepare('SELECT count(*) FROM model_lineage WHERE model = ?').pluck().get('relinked');
    assert.equal(rows, 1);
  });

  it('refuses an unknown run, a missing student and an unknown snapshot, naming what there is', () => {
    const before = store.db.prepare('SELECT model, dataset_id FROM model_lineage ORDER BY model').all();
    assert.deepEqual(
      w2sError(() => linkModel(store, { run: 'no-such-run' }, 'p')),
      { code: 'NO_RUN', message: 'No run named "no-such-run" (w2s runs lists them).' },
    );
    assert.deepEqual(
      w2sError(() => linkModel(store, {}, 'p')),
      { code: 'BAD_PARAM', message: 'Name the student: a run (--run NAME) or a model (--model ID).' },
    );
    assert.deepEqual(
      w2sError(() => linkModel(store, { model: '' }, 'p')),
      { code: 'BAD_PARAM', message: 'Name the student: a run (--run NAME) or a model (--model ID).' },
    );
    assert.deepEqual(
      w2sError(() => linkModel(store, { model: 'x' }, 'nope')),
      { code: 'NO_SNAPSHOT', message: 'No dataset snapshot named "nope" (snapshots: all, mixed, p, raw, wrong).' },
    );
    assert.deepEqual(store.db.prepare('SELECT model, dataset_id FROM model_lineage ORDER BY model').all(), before);
    // a store with no snapshot says how to make one
    const empty = openStore(path.join(dir, 'empty.db'));
    try {
      assert.deepEqual(
        w2sError(() => linkModel(empty, { model: 'x' }, 'nope')),
        {
          code: 'NO_SNAPSHOT',
          message: 'No dataset snapshot named "nope" (none yet: snapshot a filter of teacher traces first).',
        },
      );
    } finally {
      empty.close();
    }
  });

  it("unlinking removes the model's link only, and says whether there was one", () => {
    linkModel(store, { model: 'to-unlink' }, 'p');
    const others = lineageByModel(store).size;
    assert.equal(unlinkModel(store, 'to-unlink'), true);
    assert.equal(lineageByModel(store).has('to-unlink'), false);
    assert.equal(lineageByModel(store).size, others - 1);
    assert.equal(unlinkModel(store, 'to-unlink'), false);
    assert.equal(unlinkModel(store, 'never-linked'), false);
    assert.equal(lineageByModel(store).size, others - 1);
  });
});
