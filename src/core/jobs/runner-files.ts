import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';
import type { ZipEntry } from './zip';

/**
 * The Python runner travels inside every job bundle. It lives in the repository's runner/ folder,
 * which the .vsix and a checkout both carry next to dist/ (extension, CLI) and src/ (tests).
 */
export function requireRunnerDir(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'runner');
    if (fs.existsSync(path.join(candidate, 'w2s_runner', '__main__.py'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new W2sError(
    `The W2S runner (runner/w2s_runner) is missing next to ${from}: reinstall W2S Studio.`,
    'NO_RUNNER',
  );
}

/** The runner package files for a bundle: w2s_runner/*.py and defaults.json, plus requirements.txt at the root. */
export function runnerEntries(runnerDir: string): ZipEntry[] {
  const pkg = path.join(runnerDir, 'w2s_runner');
  const entries: ZipEntry[] = fs
    .readdirSync(pkg)
    .filter((f) => f.endsWith('.py') || f === 'defaults.json')
    .map((f) => ({ path: `w2s_runner/${f}`, data: fs.readFileSync(path.join(pkg, f)) }));
  entries.push({ path: 'requirements.txt', data: fs.readFileSync(path.join(runnerDir, 'requirements.txt')) });
  return entries;
}

export type RunnerDefaults = {
  sft: Record<string, unknown>;
  eval: Record<string, unknown>;
  lora: Record<string, unknown>;
};

/** The runner's defaults (W2SR recipe): one file, read by the runner and shown by the UI and CLI. */
export function runnerDefaults(runnerDir: string): RunnerDefaults {
  return JSON.parse(fs.readFileSync(path.join(runnerDir, 'w2s_runner', 'defaults.json'), 'utf8')) as RunnerDefaults;
}
