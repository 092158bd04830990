// Evaluations in a real store: re-runs layered over an evaluation (nothing overwritten), the comparison
// built from stored traces, and the lines of problems in their source files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGraderPool, type GraderPool } from '../../../src/core/grader';
import { gradeTraces } from '../../../src/core/grading/grade-traces';
import { importProblemSet } from '../../../src/core/problems/import';
import { problemLines } from '../../../src/core/problems/lines';
import { importTraces } from '../../../src/core/traces/import-traces';
import { buildComparison } from '../../../src/core/results/comparison';
import { evalRunOf, listEvalRuns, loadOutcomes } from '../../../src/core/results/eval-runs';
import { computeMetrics } from '../../../src/core/results/metrics';
import { setResults } from '../../../src/core/results/problem-results';
import { evaluateProblems } from '../../../src/core/results/rerun';
import { sampleRun } from '../../../src/core/sampling/sampler';
import { openStore, type Store } from '../../../src/core/store/open';
import { startFakeServer, type FakeServer } from '../../fakes/openai-server';
import { REPO_ROOT, tempDir, writeFile } from '../../support/tmp';
import { qwenBase, serveTiny } from './eval-fixture';

let server: FakeServer;
let pool: GraderPool;
let store: Store;
let dir: string;

/** Problem i of "tiny" asks "What is i + i? (problem i)"; the fake answers it correctly iff `solved(i)`. */
const serve = (solved: (i: number) => boolean) => serveTiny(server, solved);
const runtime = { concurrency: 4, timeoutMs: 5000, threads: 0 };
const gradeAll = () => gradeTraces(store, pool, {});
const accuracyOf = (run: string) => computeMetrics(loadOutcomes(store, evalRunOf(store, run)!)).accuracy;

before(async () => {
  server = await startFakeServer();
  pool = createGraderPool({ size: 1, workerPath: path.join(REPO_ROOT, 'src', 'core', 'grader', 'worker.ts') });
  dir = tempDir('w2s-results-');
  store = openStore(path.join(dir, 'w2s.db'));
  // a blank line and a comment-free JSONL: problem p3 sits on line 5
  const file = writeFile(
    dir,
    'tiny.jsonl',
    Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({ id: `p${i}`, problem: `What is ${i} + ${i}? (problem ${i})`, answer: String(2 * i) }),
    )
      .map((l, i) => (i === 3 ? `\n${l}` : l))
      .join('\n'),
  );
  await importProblemSet(store, { file, name: 'tiny' });
});
after(async () => {
  await server.close();
  await pool.close();
  store.close();
});

describe('evaluations in the store', () => {
  it('an eval run covers the first problems; evaluating more fills the same run, re-evaluating layers a re-run over it', async () => {
    serve((i) => i < 2);
    const first = await sampleRun(store, {
      kind: 'eval',
      runName: 'ev',
      setName: 'tiny',
      model: 'fake-model',
      baseUrl: server.url,
      template: qwenBase,
      params: { temperature: 0.6, seed: 0 },
      samplesPerProblem: 1,
      problemLimit: 4,
      ...runtime,
    });
    assert.equal(first.status, 'done');
    await gradeAll();
    assert.equal(accuracyOf('ev'), 0.5); // p0, p1 of p0..p3

    // the model got better: p2 and p3 (stored, wrong) are re-sampled, p4 (never sampled) is sampled into "ev"
    serve((i) => i < 5);
    const results = await evaluateProblems(store, 'ev', ['p2', 'p3', 'p4'], runtime);
    assert.deepEqual(
      results.map((r) => [r.runName, r.storedThisSession]),
      [
        ['ev', 1],
        ['ev@rerun-1', 2],
      ],
    );
    await gradeAll();
    const ev = listEvalRuns(store).find((r) => r.name === 'ev')!;
    assert.deepEqual(
      ev.reruns.map((r) => r.name),
      ['ev@rerun-1'],
    );
    assert.equal(
      listEvalRuns(store).some((r) => r.name === 'ev@rerun-1'),
      false,
      'a re-run is no evaluation of its own',
    );
    assert.equal(evalRunOf(store, 'ev@rerun-1')!.name, 'ev');
    // the newest generation of each problem stands: p0..p4 all correct
    const outcomes = loadOutcomes(store, ev);
    assert.deepEqual(
      outcomes.map((o) => [o.key, o.samples[0]!.verdict]),
      [
        ['p0', 'correct'],
        ['p1', 'correct'],
        ['p2', 'correct'],
        ['p3', 'correct'],
        ['p4', 'correct'],
      ],
    );
    assert.equal(accuracyOf('ev'), 1);
    // nothing was overwritten: the first generations of p2 and p3 are still stored, in "ev", graded incorrect
    const kept = store.db
      .prepare(
        "SELECT p.key, g.verdict FROM traces t JOIN runs r ON r.id = t.run_id JOIN problems p ON p.id = t.problem_id JOIN grades g ON g.trace_id = t.id WHERE r.name = 'ev' AND p.key IN ('p2','p3') ORDER BY p.key",
      )
      .all();
    assert.deepEqual(kept, [
      { key: 'p2', verdict: 'incorrect' },
      { key: 'p3', verdict: 'incorrect' },
    ]);

    // a re-run whose requests all fail replaces nothing
    server.options = { fault: () => ({ kind: 'status', status: 400, message: 'bad request' }) };
    const failed = await evaluateProblems(store, 'ev', ['p0'], runtime);
    assert.equal(failed[0]!.runName, 'ev@rerun-2');
    assert.equal(failed[0]!.status, 'failed');
    assert.equal(
      loadOutcomes(
        store,
        listEvalRuns(store).find((r) => r.name === 'ev')!,
      )[0]!.samples[0]!.verdict,
      'correct',
    );

    await assert.rejects(evaluateProblems(store, 'ev', ['p9'], runtime), /has no problem with id "p9"/);
  });

  it('the comparison reads the layered evaluation; per-problem results list each model and the teacher', async () => {
    serve((i) => i % 2 === 0);
    await sampleRun(store, {
      runName: 'teacher',
      setName: 'tiny',
      model: 'teacher-model',
      baseUrl: server.url,
      template: qwenBase,
      params: { temperature: 0 },
      samplesPerProblem: 1,
      ...runtime,
      preflight: false,
    });
    await gradeAll();
    // results made elsewhere, imported in W2SR's own output layout (two responses per problem): a row of their own
    const file = writeFile(
      dir,
      'elsewhere.jsonl',
      [0, 1, 2]
        .map((i) =>
          JSON.stringify({
            question: `What is ${i} + ${i}? (problem ${i})`,
            response: [`\\boxed{${2 * i}}`, '\\boxed{7}'],
            gt_answer: String(2 * i),
          }),
        )
        .join('\n'),
    );
    importTraces(store, { file, setName: 'tiny', runName: 'imported', model: 'paper-model' });
    await gradeAll();
    const c = await buildComparison(store, { sets: ['tiny'] });
    assert.deepEqual(
      c.rows.map((r) => r.model),
      ['fake-model', 'paper-model'],
      'teacher traces (kind sample) are no result row; imported results are',
    );
    const imported = c.rows[1]!.cells.tiny!;
    assert.deepEqual([imported.kind, imported.samplesPerProblem, imported.metrics.problems], ['import', 2, 3]);
    // each problem: its first response right, its second (7) wrong → pass@1 = 1/2, pass@2 = 1
    assert.equal(imported.metrics.accuracy, 0.5);
    assert.deepEqual(imported.metrics.passAtK, [
      { k: 1, value: 0.5, problems: 3 },
      { k: 2, value: 1, problems: 3 },
    ]);
    const cell = c.rows[0]!.cells.tiny!;
    assert.equal(cell.run, 'ev');
    assert.deepEqual(cell.reruns, ['ev@rerun-1', 'ev@rerun-2']);
    assert.equal(cell.metrics.accuracy, 1);
    assert.equal(cell.metrics.problems, 5);
    assert.equal(cell.setProblems, 6);
    const per = setResults(store, 'tiny');
    assert.equal(per.gold.get('p3'), '6');
    assert.deepEqual(
      per.evaluations.map((e) => [e.model, e.run.name, e.byKey.get('p3')?.samples[0]!.verdict]),
      [
        ['fake-model', 'ev', 'correct'],
        ['paper-model', 'imported', undefined],
      ],
    );
    assert.deepEqual(
      per.teachers.map((t) => [t.run, t.model, t.byKey.get('p2'), t.byKey.get('p3')]),
      [['teacher', 'teacher-model', { correct: 1, graded: 1 }, { correct: 0, graded: 1 }]],
    );
  });

  it('problem lines: each key to its line in the source file (a built-in set: its bundled file)', async () => {
    const lines = problemLines(store, 'tiny');
    assert.deepEqual(
      [...lines.lines.entries()],
      [
        ['p0', 1],
        ['p1', 2],
        ['p2', 3],
        ['p3', 5],
        ['p4', 6],
        ['p5', 7],
      ],
    );
    assert.equal(lines.stale, false);
    assert.equal(lines.builtin, undefined);
    fs.appendFileSync(path.join(dir, 'tiny.jsonl'), `\n${JSON.stringify({ id: 'p6', problem: 'new', answer: '1' })}`);
    assert.equal(problemLines(store, 'tiny').stale, true);

    await importProblemSet(store, {
      file: path.join(REPO_ROOT, 'data', 'benchmarks', 'amc23.jsonl'),
      name: 'amc23',
      sourceLabel: 'builtin:amc23',
    });
    const amc = problemLines(store, 'amc23');
    assert.equal(amc.builtin, 'amc23');
    assert.equal(amc.lines.size, 40);
    const text = fs.readFileSync(amc.file, 'utf8').split('\n');
    for (const [key, line] of amc.lines)
      assert.equal((JSON.parse(text[line - 1]!) as { id: number }).id, Number(key), `${key} is on line ${line}`);
    assert.throws(() => problemLines(store, 'nope'), /No problem set named "nope"/);
  });
});
