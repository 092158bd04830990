import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './tmp';

/** The built CLI; W2S_TEST_CLI points the tests at another build (main's, to see a test fail without a fix). */
export const CLI = process.env.W2S_TEST_CLI
  ? path.resolve(process.env.W2S_TEST_CLI)
  : path.join(REPO_ROOT, 'dist', 'cli.js');

/** Builds dist/ when a test file is run on its own (npm test builds first). */
export function ensureBuilt(): void {
  if (fs.existsSync(CLI)) return;
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

export interface CliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Kill the command (SIGKILL) after this long; `timedOut` then says so. */
  timeoutMs?: number;
  /** Run as this user and group (tests that need file permissions to bite while running as root). */
  uid?: number;
  gid?: number;
  /** Send SIGINT (Ctrl-C) after this long, as a user detaching from a follow would. */
  interruptAfterMs?: number;
  /** Largest file the command may write, in KB (`ulimit -f`; SIGXFSZ ignored, so writes fail with EFBIG as on a full disk). */
  fileSizeLimitKb?: number;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the command. */
  ms: number;
  /** The command's peak resident memory (VmHWM in /proc, worker threads included), as last seen while it ran. */
  peakRssKb: number | undefined;
  timedOut: boolean;
}

/** Runs the built `w2s` as a user would, in `cwd`, with no terminal. */
export function w2s(args: string[], opts: CliOptions): Promise<CliResult> {
  ensureBuilt();
  return new Promise((resolve, reject) => {
    const argv = [CLI, ...args];
    const child =
      opts.fileSizeLimitKb === undefined
        ? spawn(process.execPath, argv, spawnOptions(opts))
        : // POSIX ulimit -f counts 512-byte blocks
          spawn(
            'sh',
            ['-c', `trap '' XFSZ; ulimit -f ${opts.fileSizeLimitKb * 2}; exec "$0" "$@"`, process.execPath, ...argv],
            spawnOptions(opts),
          );
    const t0 = performance.now();
    let stdout = '';
    let stderr = '';
    let peakRssKb: number | undefined;
    let timedOut = false;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakRssKb = Math.max(peakRssKb ?? 0, Number(m[1]));
      } catch {
        // gone, or no procfs
      }
    }, 20);
    const kill =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), opts.timeoutMs);
    const interrupt =
      opts.interruptAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGINT'), opts.interruptAfterMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(kill);
      clearTimeout(interrupt);
      resolve({ code, stdout, stderr, ms: performance.now() - t0, peakRssKb, timedOut });
    });
    child.stdin.end(opts.input ?? '');
  });
}

function spawnOptions(opts: CliOptions) {
  return {
    cwd: opts.cwd,
    env: { ...process.env, W2S_DB: '', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'],
    uid: opts.uid,
    gid: opts.gid,
  };
}
