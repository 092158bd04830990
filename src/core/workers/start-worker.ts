import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread's entry: the bundle esbuild writes next to the calling bundle (`dist/<bundle>`), or
 * its TypeScript source when running from source under tsx (tests, benchmarks). esbuild.mjs builds
 * every entry listed in WORKER_ENTRIES; the layer test checks that each source exists.
 */
export interface WorkerEntry {
  /** File name of the bundle in dist/. */
  readonly bundle: string;
  /** The entry module, relative to the repository root. */
  readonly source: string;
}

export const WORKER_ENTRIES = {
  grading: { bundle: 'grading-worker.js', source: 'src/core/grader/worker.ts' },
  sampling: { bundle: 'sampling-worker.js', source: 'src/core/sampling/request-worker.ts' },
} as const satisfies Record<string, WorkerEntry>;

/** Starts a worker from a script path; a `.ts` path is loaded through tsx's CommonJS hook. */
export function startWorkerFile(file: string): Worker {
  if (!/\.[cm]?ts$/.test(file)) return new Worker(file);
  // tsx's ESM hooks (`--import tsx`) do not reach a worker's entry on Node 20: register tsx's CommonJS
  // hook inside the worker, resolved from the worker file, then load the entry.
  return new Worker(
    `const r = require('node:module').createRequire(${JSON.stringify(file)}); r('tsx/cjs'); r(${JSON.stringify(file)});`,
    { eval: true },
  );
}

/**
 * The path a worker entry runs from here: the bundle beside this bundle, else (under tsx) the source;
 * undefined when neither can run.
 */
export function workerPath(entry: WorkerEntry, dir = __dirname): string | undefined {
  const bundled = path.join(dir, entry.bundle);
  if (fs.existsSync(bundled)) return bundled;
  if (!process.execArgv.some((a) => a.includes('tsx'))) return undefined;
  // From source, __dirname is the calling module's folder under src/: find the repository root.
  let root = dir;
  while (!fs.existsSync(path.join(root, 'package.json')) && path.dirname(root) !== root) root = path.dirname(root);
  const source = path.join(root, entry.source);
  return fs.existsSync(source) ? source : undefined;
}
