// Sampling and grading through the extension's own commands inside a real extension host: traces
// sampled from the fake OpenAI-compatible server are graded as they arrive, and "Grade Runs" grades
// in bulk. Runs after problem-sets.test.ts (gsm8k is in the store).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
    // The fake server runs in its own process, so the stall measured below is the extension host's own.
    server = await spawnFakeServer(['--reasoning', 'think'], path.resolve(__dirname, '..', '..', '..'));
    await vscode.commands.executeCommand('w2s.addBuiltinBenchmark', ['gsm8k']);
  });

  suiteTeardown(() => {
    server?.stop();
  });

  const count = (sql: string, ...args: unknown[]) => (api.stores.get().db.prepare(sql).get(...args) as { n: number }).n;

  test('w2s.sampleTraces stores every trace once and grades each as it arrives, without stalling the host', async () => {
    // For scale: the same probe over an idle host (on a 2-core machine shared with code-server, the
    // browser and the fake server, the OS alone delays timers by tens of milliseconds).
    const idle = monitorEventLoopDelay({ resolution: 10 });
    idle.enable();
    await new Promise((r) => setTimeout(r, 3000));
    idle.disable();
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const result = await vscode.commands.executeCommand<SampleResult | undefined>('w2s.sampleTraces', {
      set: 'gsm8k',
      baseUrl: server.url,
      model: 'fake-model',
      run: RUN,
      params: { temperature: 0, top_p: 0.95, max_tokens: 1024 },
    });
    h.disable();
    assert.ok(result, 'the command returns the run summary');
    assert.equal(result.status, 'done', result.error ?? '');
    assert.equal(result.done, 1319);
    const ms = (x: number) => (x / 1e6).toFixed(1);
    console.log(
      `extension host during sampling of 1319 traces: longest event-loop stall ${ms(h.max)} ms (p99 ${ms(h.percentile(99))} ms); ` +
        `idle host, same probe: longest ${ms(idle.max)} ms (p99 ${ms(idle.percentile(99))} ms)`,
    );
    const traces = count('SELECT count(*) AS n FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = ? AND t.error IS NULL', RUN);
    assert.equal(traces, 1319);
    await api.grader.drain();
    const rows = api.stores
      .get()
      .db.prepare(
        `SELECT p.answer AS gold, p.answer_type AS type, t.answer, g.verdict FROM traces t JOIN runs r ON r.id = t.run_id
         JOIN problems p ON p.id = t.problem_id LEFT JOIN grades g ON g.trace_id = t.id WHERE r.name = ?`,
      )
      .all(RUN) as { gold: string; type: 'number'; answer: string | null; verdict: string | null }[];
    assert.equal(rows.filter((r) => r.verdict === null).length, 0, 'every trace is graded');
    for (const r of rows) assert.equal(r.verdict, gradeResponse({ gold: r.gold, response: r.answer ?? '', type: r.type }).verdict);
  });

  test('w2s.gradeRuns re-grades a run whose grades were removed', async () => {
    const db = api.stores.get().db;
    db.prepare('DELETE FROM grades WHERE trace_id IN (SELECT t.id FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = ?)').run(RUN);
    assert.equal(count('SELECT count(*) AS n FROM grades g JOIN traces t ON t.id = g.trace_id JOIN runs r ON r.id = t.run_id WHERE r.name = ?', RUN), 0);
    await vscode.commands.executeCommand('w2s.gradeRuns', RUN);
    assert.equal(count('SELECT count(*) AS n FROM grades g JOIN traces t ON t.id = g.trace_id JOIN runs r ON r.id = t.run_id WHERE r.name = ?', RUN), 1319);
  });
});
