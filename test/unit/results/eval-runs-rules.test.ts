// Which runs are evaluations and what of their traces the results read (src/core/results/eval-runs.ts):
// evaluations and imported results are listed, sampling runs and re-runs are not; a re-run belongs to
// its evaluation; a run's status is the effective one; the fingerprint moves with every trace and
// grade; and per problem the newest re-run with a generation stands, failed requests counted. A real
// store: problems imported from a file, evaluations sampled from the fake OpenAI server (real HTTP),
// re-runs made by evaluateProblems, graded by the real grader.
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createGraderPool, type GraderPool } from '../../../src/core/grader';
import { gradeTraces } from '../../../src/core/grading/grade-traces';
import { importProblemSet } from '../../../src/core/problems/import';
import {
  evalFingerprint,
  evalRunOf,
  listEvalRuns,
  loadOutcomes,
  recordRerun,
  RESULT_KINDS,
  type EvalRun,
} from '../../../src/core/results/eval-runs';
import { evaluateProblems } from '../../../src/core/results/rerun';
import { claimRun, findRun, finishRun, openRun } from '../../../src/core/runs/runs';
import { sampleRun } from '../../../src/core/sampling/sampler';
import { openStore, type Store } from '../../../src/core/store/open';
import { importTraces } from '../../../src/core/traces/import-traces';
import { startFakeServer, type FakeServer } from '../../fakes/openai-server';
import { REPO_ROOT, tempDir, writeFile } from '../../support/tmp';
import { importPaperRun, oneTryRuntime, qwenBase, serveTiny } from './eval-fixture';

const runtime = oneTryRuntime;
let server: FakeServer;
let pool: GraderPool;
let store: Store;
let dir: string;

const serve = (solved: (i: number) => boolean, failing?: (i: number) => boolean, cut?: (i: number) => boolean) =>
  serveTiny(server, solved, failing, cut);
const evalRun = (name: string) => listEvalRuns(store).find((r) => r.name === name)!;

before(async () => {
  server = await startFakeServer();
  pool = createGraderPool({ size: 1, workerPath: path.join(REPO_ROOT, 'src', 'core', 'grader', 'worker.ts') });
  dir = tempDir('w2s-eval-runs-');
  store = openStore(path.join(dir, 'w2s.db'));
  const file = writeFile(
    dir,
    'six.jsonl',
    Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({ id: `p${i}`, problem: `What is ${i} + ${i}? (problem ${i})`, answer: String(2 * i), level: i }),
    ).join('\n'),
  );
  await importProblemSet(store, { file, name: 'six' });
  // "ev": p0..p3, two samples each; even problems right; p1's requests fail; p2's generations are cut short
  serve(
    (i) => i % 2 === 0,
    (i) => i === 1,
    (i) => i === 2,
  );
  await sampleRun(store, {
    kind: 'eval',
    runName: 'ev',
    setName: 'six',
    model: 'fake-model',
    baseUrl: server.url,
    template: qwenBase,
    params: { temperature: 0.6, seed: 0 },
    samplesPerProblem: 2,
    problemLimit: 4,
    ...runtime,
  });
  // a teacher's sampling run on the same set (no evaluation)
  await sampleRun(store, {
    runName: 'teacher',
    setName: 'six',
    model: 'teacher-model',
    baseUrl: server.url,
    template: qwenBase,
    params: { temperature: 0 },
    samplesPerProblem: 1,
    problemLimit: 2,
    ...runtime,
    preflight: false,
  });
  await gradeTraces(store, pool, {});
});
after(async () => {
  await server.close();
  await pool.close();
  store.close();
});

describe('evaluations in a store', () => {
  test('rule: results are evaluations and imported results; sampling runs are not', async () => {
    assert.deepEqual([...RESULT_KINDS], ['eval', 'import']);
    importPaperRun(store, dir, 'six');
    assert.deepEqual(
      listEvalRuns(store).map((r) => [r.name, r.kind]),
      [
        ['ev', 'eval'],
        ['paper', 'import'],
      ],
    );
  });

  test("rule: an evaluation as listed carries its run's fields (set, model, samples, endpoint, job, times)", () => {
    const ev = evalRun('ev');
    const row = findRun(store, 'ev')!;
    assert.deepEqual(
      [ev.id, ev.name, ev.kind, ev.model, ev.setName, ev.samplesPerProblem, ev.status, ev.endpoint, ev.jobId],
      [row.id, 'ev', 'eval', 'fake-model', 'six', 2, row.status, row.endpoint, null],
    );
    assert.ok(row.endpoint?.startsWith(server.url), 'the endpoint it was sampled from');
    const times = store.db.prepare('SELECT created_at AS c, updated_at AS u FROM runs WHERE id = ?').get(row.id) as {
      c: string;
      u: string;
    };
    assert.equal(ev.createdAt, times.c);
    assert.equal(ev.updatedAt, times.u);
    assert.deepEqual(ev.reruns, []);
    assert.equal(evalRun('paper').endpoint, null);
  });

  test('rule: a re-run is listed under its evaluation (oldest first, with its status), never as an evaluation of its own', async () => {
    // p0 and p3 again, all right now; then p0 again with every request failing
    serve(() => true);
    await evaluateProblems(store, 'ev', ['p0', 'p3'], runtime);
    serve(
      () => true,
      () => true,
    );
    await evaluateProblems(store, 'ev', ['p0'], runtime);
    await gradeTraces(store, pool, {});
    const ev = evalRun('ev');
    assert.deepEqual(
      ev.reruns.map((r) => [r.id, r.name, r.status]),
      [
        [findRun(store, 'ev@rerun-1')!.id, 'ev@rerun-1', 'done'],
        [findRun(store, 'ev@rerun-2')!.id, 'ev@rerun-2', 'failed'],
      ],
    );
    assert.deepEqual(
      listEvalRuns(store).map((r) => r.name),
      ['ev', 'paper'],
    );
    assert.deepEqual(evalRun('paper').reruns, []);
  });

  test('rule: the evaluation of a run is itself, or the run it re-runs; no such run has none', () => {
    assert.equal(evalRunOf(store, 'ev')!.name, 'ev');
    assert.equal(evalRunOf(store, 'ev@rerun-2')!.name, 'ev');
    assert.equal(evalRunOf(store, 'paper')!.name, 'paper');
    assert.equal(evalRunOf(store, 'nope'), undefined);
    assert.equal(evalRunOf(store, 'teacher'), undefined, 'a sampling run is no evaluation');
  });

  test('rule: recording a re-run twice keeps one record', () => {
    const ev = findRun(store, 'ev')!;
    const rerun = findRun(store, 'ev@rerun-1')!;
    recordRerun(store, rerun.id, ev.id);
    assert.equal(
      (store.db.prepare('SELECT count(*) AS n FROM run_reruns WHERE run_id = ?').get(rerun.id) as { n: number }).n,
      1,
    );
  });

  test('rule: the status shown is the effective one: running while its owner lives, interrupted once it is gone', () => {
    const ev = findRun(store, 'ev')!;
    const rerun = findRun(store, 'ev@rerun-1')!;
    // this process claims both (its own runs: alive while it runs them)
    claimRun(store, ev.id);
    claimRun(store, rerun.id);
    try {
      assert.equal(evalRun('ev').status, 'running');
      assert.equal(evalRun('ev').reruns[0]!.status, 'running');
    } finally {
      finishRun(store, ev.id, 'done', null);
      finishRun(store, rerun.id, 'done', null);
    }
    // another host's sampler: alive while its heartbeat is fresh, interrupted once it is stale
    const paper = findRun(store, 'paper')!;
    const claim = store.db.prepare("UPDATE runs SET status = 'running', owner = ?, heartbeat_at = ? WHERE id = ?");
    claim.run(`elsewhere-${os.hostname()}:1`, new Date().toISOString(), paper.id);
    assert.equal(evalRun('paper').status, 'running');
    claim.run(`elsewhere-${os.hostname()}:1`, new Date(Date.now() - 24 * 3600_000).toISOString(), paper.id);
    assert.equal(evalRun('paper').status, 'interrupted');
    store.db.prepare("UPDATE runs SET status = 'done', owner = NULL WHERE id = ?").run(paper.id);
  });
});

describe('the outcomes of an evaluation', () => {
  let outcomes: ReturnType<typeof loadOutcomes>;
  let ev: EvalRun;
  before(() => {
    ev = evalRun('ev');
    outcomes = loadOutcomes(store, ev);
  });

  test('rule: one outcome per problem the evaluation (or a re-run) has a trace for, in set order', () => {
    assert.deepEqual(
      outcomes.map((o) => [o.key, o.position]),
      [
        ['p0', 0],
        ['p1', 1],
        ['p2', 2],
        ['p3', 3],
      ],
    );
    assert.deepEqual(outcomes[3]!.metadata, { level: 3 });
    assert.equal(outcomes[3]!.answerType, 'number');
  });

  test("rule: outcomes follow the set's order, also after the set is replaced by a file in another order", async () => {
    const setFile = (keys: number[]) =>
      writeFile(
        dir,
        'order.jsonl',
        keys
          .map((i) =>
            JSON.stringify({ id: `q${i}`, problem: `What is ${i} + ${i}? (problem ${i})`, answer: String(2 * i) }),
          )
          .join('\n'),
      );
    await importProblemSet(store, { file: setFile([0, 1]), name: 'order' });
    importTraces(store, {
      file: writeFile(
        dir,
        'order-results.jsonl',
        [0, 1]
          .map((i) => JSON.stringify({ question: `What is ${i} + ${i}? (problem ${i})`, response: '\\boxed{0}' }))
          .join('\n'),
      ),
      setName: 'order',
      runName: 'ordered',
      model: 'order-model',
    });
    // the same problems, q1 now first: their ids (and traces) stay, their positions change
    await importProblemSet(store, { file: setFile([1, 0]), name: 'order', replace: true });
    assert.deepEqual(
      loadOutcomes(store, evalRun('ordered')).map((o) => [o.key, o.position]),
      [
        ['q1', 0],
        ['q0', 1],
      ],
    );
  });

  test('rule: the newest re-run with a generation stands for its problems; one whose requests all failed replaces nothing', () => {
    const rerun1 = findRun(store, 'ev@rerun-1')!.id;
    const ids = (key: string) =>
      (
        store.db
          .prepare(
            'SELECT t.id FROM traces t JOIN problems p ON p.id = t.problem_id WHERE t.run_id = ? AND p.key = ? AND t.error IS NULL ORDER BY t.sample_index',
          )
          .all(rerun1, key) as { id: number }[]
      ).map((r) => r.id);
    const p0 = outcomes[0]!;
    assert.deepEqual(
      p0.samples.map((s) => s.traceId),
      ids('p0'),
    );
    assert.equal(p0.failed, 0, "the failed re-run's failures are not p0's");
    // p3 was wrong in "ev", right in the re-run
    assert.deepEqual(
      outcomes[3]!.samples.map((s) => [s.traceId, s.verdict]),
      ids('p3').map((id) => [id, 'correct']),
    );
    // p1 (never re-run) keeps the evaluation's own layer, p2 too
    assert.equal(
      outcomes[2]!.samples.every(
        (s) =>
          (store.db.prepare('SELECT run_id AS r FROM traces WHERE id = ?').get(s.traceId) as { r: number }).r === ev.id,
      ),
      true,
    );
  });

  test('rule: failed requests are counted, not listed; a problem with only failures still has its outcome', () => {
    const p1 = outcomes[1]!;
    assert.deepEqual(p1.samples, []);
    assert.equal(p1.failed, 2);
  });

  test('rule: each sample carries its trace, index, verdict, extracted answer, tokens, and truncation (finish_reason "length")', () => {
    const p2 = outcomes[2]!;
    const rows = store.db
      .prepare(
        `SELECT t.id, t.sample_index AS i, t.finish_reason AS f, t.completion_tokens AS n, g.verdict AS v, g.extracted AS x
         FROM traces t JOIN problems p ON p.id = t.problem_id LEFT JOIN grades g ON g.trace_id = t.id
         WHERE t.run_id = ? AND p.key = 'p2' ORDER BY t.sample_index`,
      )
      .all(ev.id) as { id: number; i: number; f: string; n: number; v: string; x: string | null }[];
    assert.deepEqual(
      rows.map((r) => r.f),
      ['length', 'length'],
    );
    assert.ok(rows.every((r) => typeof r.n === 'number' && r.n > 0));
    assert.deepEqual(
      p2.samples,
      rows.map((r) => ({ traceId: r.id, index: r.i, verdict: r.v, extracted: r.x, tokens: r.n, truncated: true })),
    );
    // a generation that stopped on its own is not truncated
    assert.deepEqual(
      outcomes[0]!.samples.map((s) => s.truncated),
      [false, false],
    );
    assert.deepEqual(
      outcomes[0]!.samples.map((s) => [s.verdict, s.extracted]),
      [
        ['correct', '0'],
        ['correct', '0'],
      ],
    );
  });

  test('rule: samples come in sample order, whatever order their traces were stored in', () => {
    // store p3's re-run samples out of order: swap their sample indices
    const rerun1 = findRun(store, 'ev@rerun-1')!.id;
    const [a, b] = store.db
      .prepare(
        "SELECT t.id FROM traces t JOIN problems p ON p.id = t.problem_id WHERE t.run_id = ? AND p.key = 'p3' ORDER BY t.id",
      )
      .all(rerun1) as { id: number }[];
    const set = store.db.prepare('UPDATE traces SET sample_index = ? WHERE id = ?');
    set.run(-1, a!.id);
    set.run(0, b!.id);
    set.run(1, a!.id);
    try {
      const p3 = loadOutcomes(store, ev)[3]!;
      assert.deepEqual(
        p3.samples.map((s) => [s.index, s.traceId]),
        [
          [0, b!.id],
          [1, a!.id],
        ],
      );
    } finally {
      set.run(-1, a!.id);
      set.run(1, b!.id);
      set.run(0, a!.id);
    }
  });

  test('rule: a re-run of a problem the evaluation never had stands even when all it has is failures', async () => {
    // p5 was never sampled by "ev"; a re-run whose only traces for it failed is still its outcome
    const run = findRun(store, 'ev')!;
    serve(
      () => true,
      () => true,
    );
    await sampleRun(store, {
      kind: 'eval',
      runName: 'ev@rerun-9',
      setName: 'six',
      model: 'fake-model',
      baseUrl: server.url,
      template: qwenBase,
      params: { temperature: 0.6, seed: 0 },
      samplesPerProblem: 2,
      problemKeys: ['p5'],
      problemLimit: 6,
      ...runtime,
      onRunOpened: (r) => recordRerun(store, r.id, run.id),
    });
    const p5 = loadOutcomes(store, evalRun('ev')).find((o) => o.key === 'p5')!;
    assert.deepEqual([p5.samples, p5.failed, p5.position], [[], 2, 5]);
  });
});

describe('the fingerprint of an evaluation', () => {
  const parts = (run: EvalRun) => evalFingerprint(store, run).split('|');
  test('rule: it names the runs it covers (the evaluation, then its re-runs) and counts their traces, grades and failures', () => {
    const ev = evalRun('ev');
    const ids = [ev.id, ...ev.reruns.map((r) => r.id)];
    const q = (sql: string) => (store.db.prepare(sql.replace('IDS', ids.join(','))).get() as { v: number | string }).v;
    assert.deepEqual(parts(ev), [
      ids.join(','),
      String(q('SELECT count(*) AS v FROM traces WHERE run_id IN (IDS)')),
      String(q('SELECT max(id) AS v FROM traces WHERE run_id IN (IDS)')),
      String(q('SELECT count(*) AS v FROM grades g JOIN traces t ON t.id = g.trace_id WHERE t.run_id IN (IDS)')),
      String(
        q('SELECT max(g.graded_at) AS v FROM grades g JOIN traces t ON t.id = g.trace_id WHERE t.run_id IN (IDS)'),
      ),
      String(q('SELECT count(*) AS v FROM traces WHERE run_id IN (IDS) AND error IS NOT NULL')),
    ]);
    assert.ok(ev.reruns.length >= 2, 'several re-runs: the ids are joined by commas');
  });

  test('rule: an evaluation with no trace yet reads 0 traces, last 0, no grade time, 0 failed', () => {
    // opened (as a sampler opens it) but nothing stored yet
    openRun(store, {
      name: 'empty-eval',
      kind: 'eval',
      setName: 'six',
      model: 'fake-model',
      endpoint: server.url,
      template: qwenBase,
      params: { temperature: 0.6 },
      samplesPerProblem: 1,
    });
    const empty = evalRun('empty-eval');
    assert.deepEqual(parts(empty), [String(empty.id), '0', '0', '0', '', '0']);
  });
});
