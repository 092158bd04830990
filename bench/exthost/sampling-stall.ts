// Inside the extension host (see bench/exthost.bench.ts): the longest event-loop stall while the
// extension samples GSM8K's 1,319 problems from the fake server (its own process) and grades each
// trace as it arrives, against the same probe over the idle host just before and just after.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { SampleResult } from '../../src/core/sampling/sampler';
import type { W2sApi } from '../../src/extension/extension';
import { spawnFakeServer } from '../../test/fakes/spawn-server';

import { BENCH_PREFIX, type Probe, type StallReport } from './report';

const IDLE_MS = 5000;

/** Event-loop delay (perf_hooks, 10 ms resolution) while `work` runs. */
async function probe<T>(work: () => Promise<T>): Promise<{ probe: Probe; value: T }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  const t0 = performance.now();
  h.enable();
  const value = await work();
  h.disable();
  const ms = (ns: number) => Number((ns / 1e6).toFixed(1));
  return {
    value,
    probe: {
      maxMs: ms(h.max),
      p99Ms: ms(h.percentile(99)),
      meanMs: ms(h.mean),
      seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    },
  };
}

const idle = () => probe(() => new Promise((r) => setTimeout(r, IDLE_MS)));

suite('extension-host event loop while sampling', () => {
  let api: W2sApi;
  let server: { url: string; stop: () => void };

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<W2sApi>('w2s-studio.w2s-studio')!.activate();
    server = await spawnFakeServer(['--reasoning', 'think'], path.resolve(__dirname, '..', '..', '..'));
    await vscode.commands.executeCommand('w2s.addBuiltinBenchmark', ['gsm8k']);
  });

  suiteTeardown(() => server?.stop());

  test('sample and grade GSM8K (1319 traces) from the fake server', async () => {
    const before = await idle();
    const sampling = await probe(async () =>
      vscode.commands.executeCommand<SampleResult | undefined>('w2s.sampleTraces', {
        set: 'gsm8k',
        baseUrl: server.url,
        model: 'fake-model',
        run: 'bench-stall',
        params: { temperature: 0, top_p: 0.95, max_tokens: 1024 },
      }),
    );
    await api.grader.drain();
    const afterwards = await idle();
    const result = sampling.value;
    assert.ok(result, 'the command returns the run summary');
    assert.equal(result.status, 'done', result.error ?? '');
    assert.equal(result.done, 1319);
    const report: StallReport = {
      traces: result.done,
      sampling: sampling.probe,
      idleBefore: before.probe,
      idleAfter: afterwards.probe,
    };
    console.log(BENCH_PREFIX + JSON.stringify(report));
  });
});
