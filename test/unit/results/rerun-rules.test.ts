// Evaluating some problems of an evaluation again (src/core/results/rerun.ts): which evaluations can be,
// where each problem's new generation goes (the evaluation itself for problems it lacks, a recorded
// re-run for problems it has), with the evaluation's own settings, how a limited evaluation grows, and
// how re-runs are named. A real store and the fake OpenAI server over real HTTP.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importProblemSet } from '../../../src/core/problems/import';
import { listEvalRuns } from '../../../src/core/results/eval-runs';
import { evaluateProblems, nextRerunName } from '../../../src/core/results/rerun';
import { findRun, openRun } from '../../../src/core/runs/runs';
import { sampleRun } from '../../../src/core/sampling/sampler';
import { openStore, type Store } from '../../../src/core/store/open';
import { startFakeServer, type FakeServer } from '../../fakes/openai-server';
import { tempDir, writeFile } from '../../support/tmp';
import { importPaperRun, oneTryRuntime, problemOf, qwenBase, serveTiny } from './eval-fixture';

const runtime = oneTryRuntime;
let server: FakeServer;
let other: FakeServer;
let store: Store;
let dir: string;

const answerAll = (s: FakeServer, failing?: (i: number) => boolean) =>
  serveTiny(s, () => true, failing, undefined, ['fake-model']);
/** Problem keys each run holds a trace for, and the problem keys the server was asked about. */
const keysOf = (run: string) =>
  (
    store.db
      .prepare(
        'SELECT DISTINCT p.key FROM traces t JOIN problems p ON p.id = t.problem_id JOIN runs r ON r.id = t.run_id WHERE r.name = ? ORDER BY p.position',
      )
      .all(run) as { key: string }[]
  ).map((r) => r.key);
const asked = (s: FakeServer) =>
  [
    ...new Set(
      s.requests.filter((r) => r.path.endsWith('/completions')).map((r) => `p${problemOf(JSON.stringify(r.body))}`),
    ),
  ].sort();

before(async () => {
  server = await startFakeServer();
  other = await startFakeServer();
  dir = tempDir('w2s-rerun-');
  store = openStore(path.join(dir, 'w2s.db'));
  const file = writeFile(
    dir,
    'six.jsonl',
    Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({ id: `p${i}`, problem: `What is ${i} + ${i}? (problem ${i})`, answer: String(2 * i) }),
    ).join('\n'),
  );
  await importProblemSet(store, { file, name: 'six' });
  // "ev": the first 3 problems, 2 samples each, with an extra body field; p1's requests fail
  answerAll(server, (i) => i === 1);
  await sampleRun(store, {
    kind: 'eval',
    runName: 'ev',
    setName: 'six',
    model: 'fake-model',
    baseUrl: server.url,
    template: qwenBase,
    params: { temperature: 0.6, seed: 3, max_tokens: 64 },
    extraBody: { top_k: 7 },
    samplesPerProblem: 2,
    problemLimit: 3,
    ...runtime,
  });
  answerAll(server);
  answerAll(other);
});
after(async () => {
  await server.close();
  await other.close();
  store.close();
});

describe('which evaluations can be evaluated again', () => {
  test('rule: no such run is refused, naming it', async () => {
    await assert.rejects(evaluateProblems(store, 'nope', ['p0'], runtime), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'NO_RUN');
      assert.equal(e.message, 'No run named "nope".');
      return true;
    });
  });

  test('rule: only evaluations from an endpoint: an imported run is refused, naming its kind', async () => {
    importPaperRun(store, dir, 'six');
    await assert.rejects(evaluateProblems(store, 'paper', ['p0'], runtime), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'RUN_KIND');
      assert.equal(e.message, 'Run "paper" is an import run; only evaluations from an endpoint can be sampled again.');
      return true;
    });
  });

  test("rule: an evaluation without an endpoint (a cluster job's) or without a template is refused", async () => {
    const spec = { kind: 'eval' as const, setName: 'six', model: 'fake-model', params: {}, samplesPerProblem: 1 };
    openRun(store, { ...spec, name: 'from-job', endpoint: null, template: qwenBase });
    openRun(store, { ...spec, name: 'no-template', endpoint: server.url, template: null });
    for (const name of ['from-job', 'no-template'])
      await assert.rejects(evaluateProblems(store, name, ['p0'], runtime), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'NO_ENDPOINT');
        assert.equal(
          e.message,
          `Evaluation "${name}" has no endpoint to sample from (it came from a cluster job); evaluate it again there.`,
        );
        return true;
      });
    // a job's evaluation can be sampled again once the caller names an endpoint
    const results = await evaluateProblems(store, 'from-job', ['p4'], { ...runtime, baseUrl: other.url });
    assert.deepEqual(
      results.map((r) => [r.runName, r.status]),
      [['from-job', 'done']],
    );
  });

  test('rule: no problems asked, nothing sampled', async () => {
    server.clearRequests();
    assert.deepEqual(await evaluateProblems(store, 'ev', [], runtime), []);
    assert.equal(server.requests.length, 0);
  });
});

describe('where new generations go', () => {
  test('rule: problems the evaluation lacks (never sampled, or fewer good samples than it asks) go into the evaluation itself', async () => {
    server.clearRequests();
    // p1: both requests failed (0 of 2 good); p4: past the first 3, never sampled
    const results = await evaluateProblems(store, 'ev', ['p1', 'p4'], runtime);
    assert.deepEqual(
      results.map((r) => r.runName),
      ['ev'],
      'no re-run when every problem asked for is missing',
    );
    assert.deepEqual(asked(server), ['p1', 'p4']);
    assert.deepEqual(keysOf('ev'), ['p0', 'p1', 'p2', 'p4']);
    // the limited evaluation grows to cover p4 (the 5th problem): "the first 5"
    assert.equal(findRun(store, 'ev')!.problemLimit, 5);
  });

  test("rule: problems it has go into a new re-run with the evaluation's own settings, recorded as its re-run", async () => {
    server.clearRequests();
    const results = await evaluateProblems(store, 'ev', ['p0', 'p2'], runtime);
    assert.deepEqual(
      results.map((r) => r.runName),
      ['ev@rerun-1'],
    );
    assert.deepEqual(keysOf('ev@rerun-1'), ['p0', 'p2']);
    const ev = findRun(store, 'ev')!;
    const rerun = findRun(store, 'ev@rerun-1')!;
    assert.deepEqual(
      [rerun.kind, rerun.setName, rerun.model, rerun.endpoint, rerun.template, rerun.params, rerun.samplesPerProblem],
      [ev.kind, ev.setName, ev.model, ev.endpoint, ev.template, ev.params, ev.samplesPerProblem],
    );
    // the extra body field goes to the server as the evaluation sent it
    const bodies = server.requests.filter((r) => r.path.endsWith('/completions')).map((r) => r.body);
    assert.ok(bodies.length > 0);
    for (const b of bodies) assert.deepEqual([b.top_k, b.temperature, b.max_tokens], [7, 0.6, 64]);
    // a re-run's limit grows only as far as its problems need, never below the evaluation's: p2 is within the first 5
    assert.equal(rerun.problemLimit, 5);
    assert.deepEqual(
      listEvalRuns(store)
        .find((r) => r.name === 'ev')!
        .reruns.map((r) => r.name),
      ['ev@rerun-1'],
    );
  });

  test('rule: a mix goes both ways: missing into the evaluation first, then the rest into the next re-run', async () => {
    const results = await evaluateProblems(store, 'ev', ['p5', 'p0'], runtime);
    assert.deepEqual(
      results.map((r) => r.runName),
      ['ev', 'ev@rerun-2'],
    );
    assert.deepEqual(keysOf('ev@rerun-2'), ['p0']);
    assert.equal(findRun(store, 'ev')!.problemLimit, 6);
  });

  test("rule: the caller's endpoint, when given, is sampled instead of the stored one", async () => {
    server.clearRequests();
    other.clearRequests();
    await evaluateProblems(store, 'ev', ['p2'], { ...runtime, baseUrl: other.url });
    assert.equal(server.requests.length, 0);
    assert.deepEqual(asked(other), ['p2']);
  });

  test('rule: an evaluation of the whole set stays whole (no limit) when re-run', async () => {
    await sampleRun(store, {
      kind: 'eval',
      runName: 'whole',
      setName: 'six',
      model: 'fake-model',
      baseUrl: server.url,
      template: qwenBase,
      params: { temperature: 0 },
      samplesPerProblem: 1,
      ...runtime,
    });
    await evaluateProblems(store, 'whole', ['p0'], runtime);
    assert.equal(findRun(store, 'whole@rerun-1')!.problemLimit, null);
  });

  test('rule: once cancelled, no re-run is started', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const before = listEvalRuns(store).find((r) => r.name === 'ev')!.reruns.length;
    assert.deepEqual(await evaluateProblems(store, 'ev', ['p0'], { ...runtime, signal: ctl.signal }), []);
    assert.equal(listEvalRuns(store).find((r) => r.name === 'ev')!.reruns.length, before);
  });
});

describe('re-run names', () => {
  test('rule: the next re-run is <evaluation>@rerun-<k>, k one past the re-runs recorded, skipping names taken', () => {
    const ev = findRun(store, 'ev')!;
    // ev has 3 recorded re-runs (the cancelled attempt opened none)
    assert.equal(nextRerunName(store, ev), 'ev@rerun-4');
    // a run of that name that is no re-run of ev still takes the name
    openRun(store, {
      name: 'ev@rerun-4',
      kind: 'eval',
      setName: 'six',
      model: 'other',
      endpoint: server.url,
      template: qwenBase,
      params: {},
      samplesPerProblem: 1,
    });
    openRun(store, {
      name: 'ev@rerun-5',
      kind: 'eval',
      setName: 'six',
      model: 'other',
      endpoint: server.url,
      template: qwenBase,
      params: {},
      samplesPerProblem: 1,
    });
    assert.equal(nextRerunName(store, ev), 'ev@rerun-6');
    const fresh = findRun(store, 'whole')!;
    assert.equal(nextRerunName(store, fresh), 'whole@rerun-2');
  });

  test('rule: a re-run name must be a valid run name (an evaluation named at the length limit has no room for one)', () => {
    const long = 'e'.repeat(128);
    assert.throws(
      () => nextRerunName(store, { id: -1, name: long }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'BAD_NAME');
        return true;
      },
    );
  });
});
