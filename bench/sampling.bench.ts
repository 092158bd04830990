/**
 * Sampling throughput: 10,000 completions of ~2 KB from the fake server (its own process, no artificial
 * latency), stored by the same sampler the CLI and the extension use, against a bare baseline (the same
 * streamed requests with plain fetch at the same concurrency, bodies read and dropped, nothing stored).
 * Also reports the longest event-loop stall during the sampled run (perf_hooks.monitorEventLoopDelay and
 * a setInterval drift probe), the number the extension host cares about.
 *
 *   node --import tsx bench/sampling.bench.ts [--count 10000] [--concurrency 32] [--chars 2000] [--chunk-chars 16]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { importProblemSet } from '../src/core/problems/import';
import { sampleRun } from '../src/core/sampling/sampler';
import { BUILTIN_TEMPLATES, renderPrompt } from '../src/core/sampling/templates';
import { openStore } from '../src/core/store/open';
import { spawnFakeServer } from '../test/fakes/spawn-server';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const COUNT = arg('count', 10_000);
const CONCURRENCY = arg('concurrency', 32);
const CHARS = arg('chars', 2000);
const CHUNK = arg('chunk-chars', 16);
/** request worker threads (-1: the sampler's default, up to 4) */
const THREADS = arg('threads', -1);
const template = BUILTIN_TEMPLATES.find((t) => t.name === 'qwen-base')!;

function startServer(): Promise<{ url: string; stop: () => void }> {
  return spawnFakeServer(
    ['--chars', String(CHARS), '--chunk-chars', String(CHUNK), '--reasoning', 'think'],
    path.join(__dirname, '..'),
  );
}

async function baseline(url: string, questions: string[]): Promise<number> {
  let next = 0;
  let bytes = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < questions.length) {
      const q = questions[next++]!;
      const p = renderPrompt(template, q);
      const res = await fetch(`${url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-no-key-required' },
        body: JSON.stringify({
          model: 'fake-model',
          messages: p.api === 'chat' ? p.messages : [],
          temperature: 0,
          top_p: 0.95,
          max_tokens: 4096,
          stream: true,
          stream_options: { include_usage: true },
        }),
      });
      bytes += (await res.text()).length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const s = (performance.now() - t0) / 1000;
  if (bytes < questions.length * CHARS) throw new Error('baseline read less than expected');
  return questions.length / s;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-bench-'));
  const server = await startServer();
  try {
    const store = openStore(path.join(dir, 'w2s.db'));
    const questions = Array.from(
      { length: COUNT },
      (_, i) => `Problem ${i}: find the sum of the first ${i + 1} odd numbers, then take it modulo 97.`,
    );
    const file = path.join(dir, 'bench.jsonl');
    fs.writeFileSync(file, questions.map((q, i) => JSON.stringify({ id: i, problem: q, answer: '0' })).join('\n'));
    await importProblemSet(store, { file, name: 'bench' });

    // warm-up: connections, JIT, the server's
    await baseline(server.url, questions.slice(0, 500));
    const base = await baseline(server.url, questions);

    const h = monitorEventLoopDelay({ resolution: 5 });
    const t0 = performance.now();
    let maxDrift = 0;
    let last = performance.now();
    const stalls: number[] = [];
    const probe = setInterval(() => {
      const now = performance.now();
      const drift = now - last - 10;
      if (drift > 50) stalls.push(Math.round(drift));
      if (process.env.W2S_BENCH_TRACE && drift > 50)
        console.error(`stall ${drift.toFixed(0)} ms at ${(now - t0).toFixed(0)} ms`);
      maxDrift = Math.max(maxDrift, drift);
      last = now;
    }, 10);
    h.enable();
    const result = await sampleRun(store, {
      runName: 'bench',
      setName: 'bench',
      model: 'fake-model',
      baseUrl: server.url,
      template,
      params: { temperature: 0, top_p: 0.95, max_tokens: 4096 },
      samplesPerProblem: 1,
      concurrency: CONCURRENCY,
      timeoutMs: 60_000,
      threads: THREADS >= 0 ? THREADS : undefined,
    });
    const s = (performance.now() - t0) / 1000;
    h.disable();
    clearInterval(probe);
    const stored = (store.db.prepare('SELECT count(*) AS n FROM traces WHERE error IS NULL').get() as { n: number }).n;
    if (result.status !== 'done' || stored !== COUNT)
      throw new Error(`sampling ended ${result.status} with ${stored}/${COUNT} traces: ${result.error}`);
    const rate = COUNT / s;
    const base2 = await baseline(server.url, questions);
    const baseAvg = (base + base2) / 2;
    const report = {
      completions: COUNT,
      concurrency: CONCURRENCY,
      threads: THREADS >= 0 ? THREADS : `default (${Math.max(1, Math.min(4, os.cpus().length - 1))})`,
      completionChars: CHARS,
      chunkChars: CHUNK,
      tracesPerSecond: Math.round(rate),
      baselineRequestsPerSecond: Math.round(baseAvg),
      baselineRuns: [Math.round(base), Math.round(base2)],
      ratio: Number((rate / baseAvg).toFixed(3)),
      longestStallMs: Number((h.max / 1e6).toFixed(1)),
      p99StallMs: Number((h.percentile(99) / 1e6).toFixed(1)),
      longestTimerDriftMs: Number(maxDrift.toFixed(1)),
      stallsOver50ms: stalls.length,
      node: process.version,
      cpus: os.cpus().length,
    };
    console.log(
      `sampling: ${report.tracesPerSecond} traces/s stored; baseline (plain fetch, nothing stored): ${report.baselineRequestsPerSecond} req/s; ratio ${report.ratio}`,
    );
    console.log(
      `event loop: longest stall ${report.longestStallMs} ms (p99 ${report.p99StallMs} ms, timer drift ${report.longestTimerDriftMs} ms)`,
    );
    console.log(JSON.stringify(report));
    store.close();
  } finally {
    server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
