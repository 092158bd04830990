// A sampling step that is not done says how far its run got (the Experiments view and `experiment status`
// show it moving, and where a stopped run will resume), counted from the store: traces with text only.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { planExperiment } from '../../../src/core/experiment/plan';
import { stepStatus } from '../../../src/core/experiment/state';
import { importProblemSet } from '../../../src/core/problems/import';
import { finishRun, openRun } from '../../../src/core/runs/runs';
import { openStore } from '../../../src/core/store/open';
import { tempDir, writeFile } from '../../support/tmp';

describe('experiment step state', () => {
  it('a sampling run not done yet: its status and how many of its traces are stored', async () => {
    const dir = tempDir();
    const problems = Array.from({ length: 5 }, (_, i) =>
      JSON.stringify({ id: `p${i}`, question: `q${i}`, answer: `${i}` }),
    );
    writeFile(dir, 'train.jsonl', problems.join('\n') + '\n');
    const store = openStore(path.join(dir, 'w2s.db'));
    await importProblemSet(store, { file: path.join(dir, 'train.jsonl'), name: 'train' });
    const spec = parseExperiment(
      `name: e
problems: { set: train, file: train.jsonl, limit: 4 }
teachers:
  - name: t1
    endpoint: http://127.0.0.1:8000/v1
    model: teacher-one
    sampling: { n: 2 }
`,
      path.join(dir, 'e.w2s.yaml'),
    );
    const plan = planExperiment(store, spec);
    const step = plan.steps.find((s) => s.id === 'sample:t1')!;
    assert.deepEqual(stepStatus(store, plan, step), { state: 'to do', detail: '' });

    const run = openRun(store, {
      name: step.name,
      kind: 'sample',
      setName: 'train',
      model: 'teacher-one',
      endpoint: 'http://127.0.0.1:8000/v1',
      template: {},
      params: {},
      samplesPerProblem: 2,
      problemLimit: 4,
    });
    const ids = store.db
      .prepare(
        "SELECT p.id FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = 'train' ORDER BY p.position",
      )
      .pluck()
      .all() as number[];
    const insert = store.db.prepare(
      'INSERT INTO traces (run_id, problem_id, sample_index, prompt, answer, error) VALUES (?, ?, ?, ?, ?, ?)',
    );
    insert.run(run.id, ids[0], 0, 'q0', 'a', null);
    insert.run(run.id, ids[0], 1, 'q0', 'b', null);
    insert.run(run.id, ids[1], 0, 'q1', '', 'HTTP 500');
    // 4 problems (the limit, not the set's 5) × 2 samples; the failed request is not a trace yet
    assert.deepEqual(stepStatus(store, plan, step), { state: 'to do', detail: `run ${run.status}, 2 of 8 traces` });
    finishRun(store, run.id, 'cancelled', null);
    assert.deepEqual(stepStatus(store, plan, step), { state: 'to do', detail: 'run cancelled, 2 of 8 traces' });
    finishRun(store, run.id, 'done', null);
    assert.deepEqual(stepStatus(store, plan, step), { state: 'done', detail: `run ${step.name}` });
    store.close();
  });
});
