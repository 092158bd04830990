/**
 * The extension host stays responsive while it samples: inside code-server (VS Code 1.100.3, the same
 * harness, mocha runner and fake server as the extension-host tests), the extension samples GSM8K's
 * 1,319 problems from the fake OpenAI-compatible server and grades each trace as it arrives, while
 * perf_hooks.monitorEventLoopDelay watches the extension host's event loop. Baseline, measured in the
 * same run and the same host: the same probe over 5 s of the idle host just before and just after.
 *
 *   npm run bench -- exthost        (or: node --import tsx bench/exthost.bench.ts after a build)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM, ROOT, runExtensionHostTests } from '../test/e2e/harness';
import { BENCH_PREFIX, type StallReport } from './exthost/report';

const BUNDLE = path.join(ROOT, 'out', 'bench', 'exthost', 'index.js');

async function main(): Promise<void> {
  // Chromium and code-server, as npm test installs them (cached after the first time).
  const setup = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'setup.mjs')).href)) as {
    ensureAptPackages(names: string[]): void;
    APT_FOR_TEST: string[];
  };
  setup.ensureAptPackages(setup.APT_FOR_TEST);
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing (set W2S_CHROMIUM, or apt-get install chromium)`);
  const run = await runExtensionHostTests(BUNDLE, { timeoutMs: 10 * 60_000 });
  const failed = run.results.filter((r) => r.state !== 'passed');
  if (run.code !== 0 || failed.length || run.results.length === 0) {
    throw new Error(
      `the benchmark suite failed (exit ${run.code}): ${failed.map((f) => `${f.title}: ${f.error}`).join('\n')}\n${run.log.join('\n')}`,
    );
  }
  const line = run.log.find((l) => l.includes(BENCH_PREFIX));
  if (!line) throw new Error(`no ${BENCH_PREFIX.trim()} line in the extension host's log:\n${run.log.join('\n')}`);
  const m = JSON.parse(line.slice(line.indexOf(BENCH_PREFIX) + BENCH_PREFIX.length)) as StallReport;
  const idleMax = Math.max(m.idleBefore.maxMs, m.idleAfter.maxMs);
  const idleP99 = Math.max(m.idleBefore.p99Ms, m.idleAfter.p99Ms);
  const report = {
    traces: m.traces,
    samplingSeconds: m.sampling.seconds,
    tracesPerSecond: Math.round(m.traces / m.sampling.seconds),
    longestStallMs: m.sampling.maxMs,
    p99StallMs: m.sampling.p99Ms,
    idleLongestStallMs: [m.idleBefore.maxMs, m.idleAfter.maxMs],
    idleP99StallMs: [m.idleBefore.p99Ms, m.idleAfter.p99Ms],
    ratioLongest: Number((m.sampling.maxMs / idleMax).toFixed(2)),
    ratioP99: Number((m.sampling.p99Ms / idleP99).toFixed(2)),
    consoleErrors: run.consoleErrors.length,
    node: process.version,
    cpus: os.cpus().length,
  };
  console.log(
    `extension host (code-server) sampling ${m.traces} traces in ${m.sampling.seconds} s, graded as they arrive:`,
  );
  console.log(
    `  longest event-loop stall ${m.sampling.maxMs} ms (p99 ${m.sampling.p99Ms} ms, mean ${m.sampling.meanMs} ms)`,
  );
  console.log(
    `  idle host, same probe, 5 s before / after: longest ${m.idleBefore.maxMs} / ${m.idleAfter.maxMs} ms (p99 ${m.idleBefore.p99Ms} / ${m.idleAfter.p99Ms} ms)`,
  );
  console.log(`  ratio to the idle host's worse window: longest ${report.ratioLongest}, p99 ${report.ratioP99}`);
  console.log(JSON.stringify(report));
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
