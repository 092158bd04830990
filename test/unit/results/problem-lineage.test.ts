// Which teacher traces each linked student was trained on for one problem, on a real store: two teachers
// sampled on one set, a snapshot of each (one with a validation split) linked to a student each, an
// unlinked snapshot, and a second set with a problem of the same key.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { exportDataset, validationProblems } from '../../../src/core/export/export';
import { GRADER_VERSION } from '../../../src/core/grader';
import { createJob, updateJob } from '../../../src/core/jobs/job-store';
import { importProblemSet } from '../../../src/core/problems/import';
import { linkModel } from '../../../src/core/results/lineage';
import { problemLineage } from '../../../src/core/results/problem-lineage';
import { computeStoredSignals } from '../../../src/core/signals/record';
import { openStore, type Store } from '../../../src/core/store/open';
import { importTraces } from '../../../src/core/traces/import-traces';
import type { Verdict } from '../../../src/model/verdicts';
import { tempDir, writeFile } from '../../support/tmp';

let store: Store;
let dir: string;
const SEED = 3;

/** Per problem key, each sample's response and the verdict it is graded with (ungraded: left without a grade). */
type Samples = Record<string, [string, Verdict][]>;
const TEACHER_A: Samples = {
  p0: [
    ['first: \\boxed{0}', 'correct'],
    ['second: \\boxed{0}', 'correct'],
  ],
  p1: [
    ['\\boxed{2}', 'correct'],
    ['\\boxed{5}', 'incorrect'],
  ],
  p2: [
    ['\\boxed{9}', 'incorrect'],
    ['no idea', 'no-answer'],
    ['\\boxed{', 'error'],
  ],
  p3: [
    ['\\boxed{6}', 'correct'],
    ['\\boxed{7}', 'ungraded'],
  ],
};
const TEACHER_B: Samples = { p0: [['\\boxed{1}', 'incorrect']], p1: [['\\boxed{2}', 'correct']] };
const TEACHER_O: Samples = { p0: [['\\boxed{0}', 'correct']] };

async function teacher(set: string, run: string, model: string, samples: Samples): Promise<void> {
  const file = writeFile(
    dir,
    `${run}.jsonl`,
    Object.entries(samples)
      .map(([id, s]) => JSON.stringify({ id, question: `${set} ${id}`, response: s.map((x) => x[0]) }))
      .join('\n'),
  );
  importTraces(store, { file, setName: set, runName: run, model });
  const traces = store.db
    .prepare(
      'SELECT t.id, p.key, t.sample_index AS i FROM traces t JOIN runs r ON r.id = t.run_id JOIN problems p ON p.id = t.problem_id WHERE r.name = ?',
    )
    .all(run) as { id: number; key: string; i: number }[];
  assert.equal(traces.length, Object.values(samples).flat().length, `every trace of ${run} imported`);
  for (const t of traces) {
    const verdict = samples[t.key]![t.i]![1];
    if (verdict !== 'ungraded')
      store.db
        .prepare('INSERT INTO grades (trace_id, extracted, verdict, grader_version) VALUES (?, ?, ?, ?)')
        .run(t.id, null, verdict, GRADER_VERSION);
  }
}

async function snapshot(name: string, runs: string[], valFraction = 0): Promise<void> {
  await computeStoredSignals(store, { mode: 'missing' });
  await exportDataset(store, {
    name,
    filter: { runs },
    format: 'openai',
    out: path.join(dir, `${name}.jsonl`),
    valFraction,
    seed: SEED,
  });
}

/** The ids of a run's traces of one problem, in sample order. */
function ids(run: string, key: string): number[] {
  return store.db
    .prepare(
      'SELECT t.id FROM traces t JOIN runs r ON r.id = t.run_id JOIN problems p ON p.id = t.problem_id WHERE r.name = ? AND p.key = ? ORDER BY t.sample_index',
    )
    .pluck()
    .all(run, key) as number[];
}

before(async () => {
  dir = tempDir('w2s-problem-lineage-');
  store = openStore(path.join(dir, 'w2s.db'));
  for (const [set, keys] of [
    ['train', ['p0', 'p1', 'p2', 'p3', 'p4']],
    ['other', ['p0']],
  ] as const) {
    const file = writeFile(
      dir,
      `${set}.jsonl`,
      keys.map((id, i) => JSON.stringify({ id, problem: `${set} ${id}`, answer: String(i) })).join('\n'),
    );
    await importProblemSet(store, { file, name: set });
  }
  await teacher('train', 'run-a', 'teacher-a', TEACHER_A);
  await teacher('train', 'run-b', 'teacher-b', TEACHER_B);
  await teacher('other', 'run-o', 'teacher-o', TEACHER_O);
  await snapshot('snap-a', ['run-a'], 0.5);
  await snapshot('snap-b', ['run-b']);
  await snapshot('snap-both', ['run-a', 'run-b']); // linked to no model
  await snapshot('snap-o', ['run-o']);
  linkModel(store, { model: 'student-a' }, 'snap-a');
  linkModel(store, { model: '/ckpt/student-b' }, 'snap-b');
  linkModel(store, { model: 'student-o' }, 'snap-o');
  // the SFT job that wrote /ckpt/student-b (the runner writes the model to its output folder)
  const job = createJob(store, {
    name: 'sft-b',
    kind: 'sft',
    cluster: 'http://127.0.0.1:8265',
    spec: {
      job: { output_dir: '/ckpt/student-b' },
      entrypoint: 'python -m w2s_runner sft job.json',
      gpus: 1,
      source: 'test',
    },
  });
  updateJob(store, job.id, { status: 'succeeded' });
});

describe('problemLineage', () => {
  it('names each student trained on the problem: snapshot, SFT job, and its traces with teacher, verdict and split', () => {
    const trainIds = store.db
      .prepare(
        "SELECT p.id FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = 'train' AND p.key IN ('p0','p1','p2','p3')",
      )
      .pluck()
      .all() as number[];
    const val = validationProblems(trainIds, 0.5, SEED);
    const p0 = store.db
      .prepare(
        "SELECT p.id FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = 'train' AND p.key = 'p0'",
      )
      .pluck()
      .get() as number;
    const split = val.has(p0) ? 'val' : 'train';
    const [a0, a1] = ids('run-a', 'p0');
    assert.deepEqual(problemLineage(store, 'train', 'p0'), [
      {
        model: '/ckpt/student-b',
        snapshot: 'snap-b',
        job: 'sft-b',
        traces: [
          { id: ids('run-b', 'p0')[0], run: 'run-b', teacher: 'teacher-b', verdict: 'incorrect', split: 'train' },
        ],
      },
      {
        model: 'student-a',
        snapshot: 'snap-a',
        job: null,
        traces: [
          { id: a0, run: 'run-a', teacher: 'teacher-a', verdict: 'correct', split },
          { id: a1, run: 'run-a', teacher: 'teacher-a', verdict: 'correct', split },
        ],
      },
    ]);
  });

  it('reports the validation split of the problems the export held out', () => {
    const splits = ['p0', 'p1', 'p2', 'p3'].map(
      (k) => problemLineage(store, 'train', k).find((l) => l.model === 'student-a')!.traces[0]!.split,
    );
    // half of the four problems held out: both splits appear, each problem in one only
    assert.deepEqual([...splits].sort(), ['train', 'train', 'val', 'val']);
  });

  it('leaves out a student whose snapshot holds no trace of the problem, and counts every verdict', () => {
    const p2 = problemLineage(store, 'train', 'p2');
    assert.deepEqual(
      p2.map((l) => [l.model, l.snapshot]),
      [['student-a', 'snap-a']],
    );
    assert.deepEqual(
      p2[0]!.traces.map((t) => [t.id, t.verdict]),
      ids('run-a', 'p2').map((id, i) => [id, (['incorrect', 'no-answer', 'error'] as const)[i]]),
    );
    assert.deepEqual(
      problemLineage(store, 'train', 'p3')[0]!.traces.map((t) => t.verdict),
      ['correct', 'ungraded'],
    );
  });

  it('keeps to the set: the same key in another set is another problem', () => {
    assert.deepEqual(
      problemLineage(store, 'other', 'p0').map((l) => [l.model, l.snapshot, l.traces.map((t) => [t.run, t.teacher])]),
      [['student-o', 'snap-o', [['run-o', 'teacher-o']]]],
    );
  });

  it('is empty for a problem with no traces, an unknown key or set, and after the link is gone', () => {
    assert.deepEqual(problemLineage(store, 'train', 'p4'), []);
    assert.deepEqual(problemLineage(store, 'train', 'nope'), []);
    assert.deepEqual(problemLineage(store, 'nope', 'p0'), []);
    store.db.prepare("DELETE FROM model_lineage WHERE model = 'student-o'").run();
    assert.deepEqual(problemLineage(store, 'other', 'p0'), []);
  });
});
