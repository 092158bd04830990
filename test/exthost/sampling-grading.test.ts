// Sampling and grading through the extension's own commands inside a real extension host: traces
// sampled from the fake OpenAI-compatible server are graded as they arrive, and "Grade Runs" grades
// in bulk. Runs after problem-sets.test.ts (gsm8k is in the store).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { gradeResponse } from '../../src/core/grader/grade';
import type { SampleResult } from '../../src/core/sampling/sampler';
import type { W2sApi } from '../../src/extension/extension';
import { spawnFakeServer } from '../fakes/spawn-server';

const EXTENSION_ID = 'w2s-studio.w2s-studio';
const RUN = 'exthost-sample';

suite('Sampling and grading in the extension host', () => {
  let api: W2sApi;
  let server: { url: string; stop: () => void };

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<W2sApi>(EXTENSION_ID)!.activate();
    server = await spawnFakeServer(['--reasoning', 'think'], path.resolve(__dirname, '..', '..', '..'));
    await vscode.commands.executeCommand('w2s.addBuiltinBenchmark', ['gsm8k']);
  });

  suiteTeardown(() => {
    server?.stop();
  });

  const count = (sql: string, ...args: unknown[]) =>
    (
      api.stores
        .get()
        .db.prepare(sql)
        .get(...args) as { n: number }
    ).n;

  // How long the extension host stalls while it samples is a benchmark (bench/exthost.bench.ts), not a test.
  test('w2s.sampleTraces stores each of the 1319 traces once and grades each as it arrives', async () => {
    const result = await vscode.commands.executeCommand<SampleResult | undefined>('w2s.sampleTraces', {
      set: 'gsm8k',
      baseUrl: server.url,
      model: 'fake-model',
      run: RUN,
      params: { temperature: 0, top_p: 0.95, max_tokens: 1024 },
    });
    assert.ok(result, 'the command returns the run summary');
    assert.equal(result.status, 'done', result.error ?? '');
    assert.equal(result.done, 1319);
    const traces = count(
      'SELECT count(*) AS n FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = ? AND t.error IS NULL',
      RUN,
    );
    assert.equal(traces, 1319);
    const pairs = count(
      'SELECT count(DISTINCT t.problem_id) AS n FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = ?',
      RUN,
    );
    assert.equal(pairs, 1319, 'one trace per problem');
    await api.grader.drain();
    const rows = api.stores
      .get()
      .db.prepare(
        `SELECT p.answer AS gold, p.answer_type AS type, t.answer, g.verdict FROM traces t JOIN runs r ON r.id = t.run_id
         JOIN problems p ON p.id = t.problem_id LEFT JOIN grades g ON g.trace_id = t.id WHERE r.name = ?`,
      )
      .all(RUN) as { gold: string; type: 'number'; answer: string | null; verdict: string | null }[];
    assert.equal(rows.filter((r) => r.verdict === null).length, 0, 'every trace is graded');
    // The fake model ends every answer with "The answer is \boxed{N}" (test/fakes/openai-server.ts), and
    // GSM8K's gold answers are integers: the verdict a reader gives is N == gold, known without our grader.
    let correct = 0;
    for (const r of rows) {
      const boxed = /\\boxed\{(-?\d+)\}/.exec(r.answer ?? '');
      assert.ok(boxed, `the fake model's answer has its box: ${r.answer}`);
      const expected = Number(boxed[1]) === Number(r.gold.replace(/,/g, '')) ? 'correct' : 'incorrect';
      if (expected === 'correct') correct++;
      assert.equal(r.verdict, expected, `gold ${r.gold}, answer ${boxed[0]}`);
      assert.equal(r.verdict, gradeResponse({ gold: r.gold, response: r.answer ?? '', type: r.type }).verdict);
    }
    console.log(`${correct} of 1319 fake answers hit the gold answer by chance, all graded correct`);
  });

  test('w2s.gradeRuns re-grades a run whose grades were removed', async () => {
    const db = api.stores.get().db;
    db.prepare(
      'DELETE FROM grades WHERE trace_id IN (SELECT t.id FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = ?)',
    ).run(RUN);
    assert.equal(
      count(
        'SELECT count(*) AS n FROM grades g JOIN traces t ON t.id = g.trace_id JOIN runs r ON r.id = t.run_id WHERE r.name = ?',
        RUN,
      ),
      0,
    );
    await vscode.commands.executeCommand('w2s.gradeRuns', RUN);
    assert.equal(
      count(
        'SELECT count(*) AS n FROM grades g JOIN traces t ON t.id = g.trace_id JOIN runs r ON r.id = t.run_id WHERE r.name = ?',
        RUN,
      ),
      1319,
    );
  });
});
