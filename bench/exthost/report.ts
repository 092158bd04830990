// What the extension-host benchmark suite (sampling-stall.ts, inside VS Code) reports to its driver
// (bench/exthost.bench.ts, outside): one log line `W2S-BENCH {json}`.
export const BENCH_PREFIX = 'W2S-BENCH ';

/** Event-loop delay over one window, from perf_hooks.monitorEventLoopDelay. */
export interface Probe {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  seconds: number;
}

export interface StallReport {
  traces: number;
  sampling: Probe;
  idleBefore: Probe;
  idleAfter: Probe;
}
