// Per-problem results of a set (src/core/results/problem-results.ts): what counts as covered, when an
// evaluation is partial and how that is said, the set's size, and which evaluation and teacher runs a
// set's per-problem view reads. The coverage rules are pure; the rest runs on a real store built by the
// real import paths (problem set, W2SR-layout traces), graded by the real grader, teachers sampled from
// the fake OpenAI server.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createGraderPool, type GraderPool } from '../../../src/core/grader';
import { gradeTraces } from '../../../src/core/grading/grade-traces';
import { importProblemSet } from '../../../src/core/problems/import';
import type { ProblemOutcome, SampleOutcome } from '../../../src/core/results/outcomes';
import { coverageOf, partialText, setProblemCount, setResults } from '../../../src/core/results/problem-results';
import { sampleRun } from '../../../src/core/sampling/sampler';
import { openStore, type Store } from '../../../src/core/store/open';
import { importTraces } from '../../../src/core/traces/import-traces';
import { startFakeServer, type FakeServer } from '../../fakes/openai-server';
import { REPO_ROOT, tempDir, writeFile } from '../../support/tmp';
import { qwenBase, serveTiny } from './eval-fixture';

const sample = (index: number, verdict: SampleOutcome['verdict']): SampleOutcome => ({
  traceId: index,
  index,
  verdict,
  extracted: null,
  tokens: null,
  truncated: false,
});
const outcome = (key: string, samples: SampleOutcome[]): ProblemOutcome => ({
  key,
  position: 0,
  metadata: {},
  samples,
  failed: 0,
});

describe('coverage of a set by an evaluation', () => {
  test('rule: a problem is covered when at least one of its samples is graded (any verdict); all-ungraded is not', () => {
    const c = coverageOf(
      [
        outcome('a', [sample(0, null), sample(1, 'incorrect')]),
        outcome('b', [sample(0, null)]),
        outcome('c', [sample(0, 'correct')]),
        outcome('d', []),
        outcome('e', [sample(0, 'correct'), sample(1, null)]),
      ],
      10,
    );
    // a, c and e; not b (nothing graded) nor d (nothing stored)
    assert.deepEqual(c, { graded: 3, of: 10, partial: true });
  });

  test('rule: partial means fewer problems graded than the set holds; all of them is not partial', () => {
    const all = [outcome('a', [sample(0, 'correct')]), outcome('b', [sample(0, 'incorrect')])];
    assert.deepEqual(coverageOf(all, 2), { graded: 2, of: 2, partial: false });
    assert.deepEqual(coverageOf(all, 3), { graded: 2, of: 3, partial: true });
  });

  test('rule: a partial evaluation reads "partial: G of N problems graded"; a whole one says nothing', () => {
    assert.equal(partialText({ graded: 4, of: 500, partial: true }), 'partial: 4 of 500 problems graded');
    assert.equal(partialText({ graded: 500, of: 500, partial: false }), '');
  });
});

let server: FakeServer;
let pool: GraderPool;
let store: Store;
let dir: string;

/** Problem i asks "What is i + i? (problem i)"; a trace is right when it boxes 2i. */
const tracesFile = (name: string, answers: Record<number, number>) =>
  writeFile(
    dir,
    name,
    Object.entries(answers)
      .map(([i, a]) => JSON.stringify({ question: `What is ${i} + ${i}? (problem ${i})`, response: `\\boxed{${a}}` }))
      .join('\n'),
  );

before(async () => {
  server = await startFakeServer();
  pool = createGraderPool({ size: 1, workerPath: path.join(REPO_ROOT, 'src', 'core', 'grader', 'worker.ts') });
  dir = tempDir('w2s-problem-results-');
  store = openStore(path.join(dir, 'w2s.db'));
  const set = (name: string, n: number) =>
    writeFile(
      dir,
      `${name}.jsonl`,
      Array.from({ length: n }, (_, i) =>
        JSON.stringify({ id: `p${i}`, problem: `What is ${i} + ${i}? (problem ${i})`, answer: String(2 * i) }),
      ).join('\n'),
    );
  await importProblemSet(store, { file: set('four', 4), name: 'four' });
  await importProblemSet(store, { file: set('two', 2), name: 'two' });
  // "zeta" first evaluates two problems of "four" (both right), then all four (p3 wrong): the later one stands
  importTraces(store, {
    file: tracesFile('zeta-old.jsonl', { 0: 0, 1: 2 }),
    setName: 'four',
    runName: 'zeta-old',
    model: 'zeta',
  });
  importTraces(store, {
    file: tracesFile('zeta-new.jsonl', { 0: 0, 1: 2, 2: 4, 3: 7 }),
    setName: 'four',
    runName: 'zeta-new',
    model: 'zeta',
  });
  // "alpha" (stored after zeta, listed before it) evaluates p0..p2 of "four", and all of "two"
  importTraces(store, {
    file: tracesFile('alpha.jsonl', { 0: 1, 1: 2, 2: 4 }),
    setName: 'four',
    runName: 'alpha-four',
    model: 'alpha',
  });
  importTraces(store, {
    file: tracesFile('alpha-two.jsonl', { 0: 0, 1: 2 }),
    setName: 'two',
    runName: 'alpha-two',
    model: 'alpha',
  });
  // two teacher runs on "four" (sampling runs, not evaluations): one solves even problems, one solves p0 only
  for (const [run, solved] of [
    ['teacher-even', (i: number) => i % 2 === 0],
    ['teacher-p0', (i: number) => i === 0],
  ] as const) {
    serveTiny(server, solved, undefined, undefined, ['teacher-model']);
    await sampleRun(store, {
      runName: run,
      setName: 'four',
      model: 'teacher-model',
      baseUrl: server.url,
      template: qwenBase,
      params: { temperature: 0 },
      samplesPerProblem: 1,
      concurrency: 2,
      timeoutMs: 5000,
      threads: 0,
      preflight: false,
    });
  }
  await gradeTraces(store, pool, {});
});
after(async () => {
  await server.close();
  await pool.close();
  store.close();
});

describe('a set in the store', () => {
  test("rule: a set's problem count is its stored size; a set that does not exist has 0", () => {
    assert.equal(setProblemCount(store, 'four'), 4);
    assert.equal(setProblemCount(store, 'two'), 2);
    assert.equal(setProblemCount(store, 'nope'), 0);
  });

  test("rule: the gold answers are the set's own, keyed by problem (no other set's)", () => {
    const r = setResults(store, 'four');
    assert.equal(r.set, 'four');
    assert.deepEqual(
      [...r.gold.entries()],
      [
        ['p0', '0'],
        ['p1', '2'],
        ['p2', '4'],
        ['p3', '6'],
      ],
    );
  });

  test('rule: one evaluation per model, its latest on the set, models in name order', () => {
    const r = setResults(store, 'four');
    assert.deepEqual(
      r.evaluations.map((e) => [e.model, e.run.name]),
      [
        ['alpha', 'alpha-four'],
        ['zeta', 'zeta-new'],
      ],
    );
    assert.deepEqual(
      [...r.evaluations[1]!.byKey.entries()].map(([k, o]) => [k, o.samples.map((s) => s.verdict)]),
      [
        ['p0', ['correct']],
        ['p1', ['correct']],
        ['p2', ['correct']],
        ['p3', ['incorrect']],
      ],
    );
    // alpha's evaluation of "two" is not one of "four"'s
    assert.deepEqual(
      setResults(store, 'two').evaluations.map((e) => e.run.name),
      ['alpha-two'],
    );
  });

  test("rule: each evaluation's coverage is over the set's size (alpha: 3 of 4, partial; zeta: 4 of 4)", () => {
    const r = setResults(store, 'four');
    assert.deepEqual(
      r.evaluations.map((e) => [e.model, e.coverage]),
      [
        ['alpha', { graded: 3, of: 4, partial: true }],
        ['zeta', { graded: 4, of: 4, partial: false }],
      ],
    );
  });

  test('rule: teachers are the sampling runs on the set, each with its correct and graded traces per problem', () => {
    const r = setResults(store, 'four');
    assert.deepEqual(
      r.teachers.map((t) => [t.run, t.model, Object.fromEntries(t.byKey)]),
      [
        [
          'teacher-even',
          'teacher-model',
          {
            p0: { correct: 1, graded: 1 },
            p1: { correct: 0, graded: 1 },
            p2: { correct: 1, graded: 1 },
            p3: { correct: 0, graded: 1 },
          },
        ],
        [
          'teacher-p0',
          'teacher-model',
          {
            p0: { correct: 1, graded: 1 },
            p1: { correct: 0, graded: 1 },
            p2: { correct: 0, graded: 1 },
            p3: { correct: 0, graded: 1 },
          },
        ],
      ],
    );
    assert.deepEqual(setResults(store, 'two').teachers, [], 'no teacher sampled "two"');
  });
});
