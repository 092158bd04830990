#!/usr/bin/env node
// `npm test [-- FILE_OR_FOLDER…]`: on a fresh clone first installs what it needs (the missing Debian
// packages and npm ci, shared with `npm start` in setup.mjs), builds, packages the .vsix when e2e tests
// are selected, then runs every *.test.ts under test/unit, test/cli and test/e2e (or under the given
// paths) in ONE `node --import tsx --test` process with the spec reporter, and ends with
// "N passed, N failed, N skipped". The type check and the linter run as tests (test/unit/static-checks).
// The counts come from the spec reporter's summary on stdout: with --test-force-exit a file reporter
// (e.g. tap to a file) loses its tail, while stdout (a pipe or TTY) is written synchronously.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APT_FOR_TEST, ensureSetup } from './setup.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_ROOTS = ['test/unit', 'test/cli', 'test/e2e'];
const PER_TEST_TIMEOUT_MS = 20 * 60_000; // per test file and test; the fresh-clone test runs npm ci (minutes on 2 cores)
const WHOLE_RUN_TIMEOUT_MS = Number(process.env.W2S_TEST_TIMEOUT_MS ?? 75 * 60_000);

function collect(target, out) {
  const abs = path.resolve(ROOT, target);
  if (!fs.existsSync(abs)) return false;
  const stat = fs.statSync(abs);
  if (stat.isFile()) {
    out.add(abs);
    return true;
  }
  for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules' || entry.name === 'fixtures' || entry.name.startsWith('.')) continue;
    const p = path.join(abs, entry.name);
    if (entry.isDirectory()) collect(p, out);
    else if (entry.name.endsWith('.test.ts')) out.add(p);
  }
  return true;
}

/** Ends a run that could not start its tests, still with the closing line CI reads. */
function abort(message) {
  console.error(`test: ${message}`);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

function step(label, cmd, args) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) abort(`${label} failed (exit ${r.status ?? r.signal})`);
  console.log(`test: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const args = process.argv.slice(2);
const files = new Set();
for (const target of args.length ? args : DEFAULT_ROOTS) {
  if (!collect(target, files) && args.length) {
    console.error(`test: no such file or folder: ${target}`);
    process.exit(2);
  }
}
if (files.size === 0) {
  console.error(`test: no *.test.ts files under ${(args.length ? args : DEFAULT_ROOTS).join(', ')}`);
  process.exit(1);
}
const list = [...files];
const needsVsix = list.some((f) => path.relative(ROOT, f).split(path.sep)[1] === 'e2e');

try {
  ensureSetup(needsVsix ? APT_FOR_TEST : []);
} catch (e) {
  abort(e.message);
}
step('build', process.execPath, ['esbuild.mjs']);
if (needsVsix) {
  step('package .vsix', process.execPath, ['scripts/package-vsix.mjs', '--quiet']);
  // Once, before the e2e files (which may run in parallel) start code-server: Chromium and code-server.
  step('code-server and Chromium', process.execPath, ['scripts/code-server.mjs', 'install']);
}

const nodeArgs = [
  '--import',
  'tsx',
  '--test',
  '--test-force-exit', // a test that leaves a handle open must not keep the run alive
  `--test-timeout=${PER_TEST_TIMEOUT_MS}`,
  '--test-reporter=spec',
  ...list.map((f) => path.relative(ROOT, f)),
];
console.log(`test: ${list.length} file(s)`);
const started = Date.now();
// Its own process group, so that the watchdog (and Ctrl-C) can end it with every child it started.
const env = { ...process.env, ...(process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {}) };
// Started from inside another test run (the fresh-clone test), node --test would see its parent's
// NODE_TEST_CONTEXT and report to that parent instead of printing the spec summary read below.
delete env.NODE_TEST_CONTEXT;
const child = spawn(process.execPath, nodeArgs, {
  cwd: ROOT,
  stdio: ['inherit', 'pipe', 'inherit'],
  detached: true,
  env,
});
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString('utf8')).slice(-20_000);
});
const killAll = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // gone
  }
};
let timedOut = false;
const watchdog = setTimeout(() => {
  timedOut = true;
  console.error(`test: the run took longer than ${WHOLE_RUN_TIMEOUT_MS / 60_000} minutes; stopping it`);
  killAll('SIGTERM');
  setTimeout(() => killAll('SIGKILL'), 10_000).unref();
}, WHOLE_RUN_TIMEOUT_MS);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAll(sig);
    setTimeout(() => killAll('SIGKILL'), 5000).unref();
  });
}
const code = await new Promise((resolve) => child.on('close', (c, s) => resolve(c ?? (s ? 1 : 0))));
clearTimeout(watchdog);
killAll('SIGKILL'); // anything a test left behind in the group

// The spec summary counts every test and subtest ("ℹ pass N", "ℹ fail N", "ℹ cancelled N").
const summary = tail.replace(/\x1b\[[0-9;]*m/g, '');
const num = (name) => Number([...summary.matchAll(new RegExp(`^ℹ ${name} (\\d+)\\s*$`, 'gm'))].at(-1)?.[1] ?? 0);
const passed = num('pass');
const skipped = num('skipped') + num('todo');
let failed = num('fail') + num('cancelled');
if ((code !== 0 || timedOut) && failed === 0) failed = 1; // the runner itself failed (crash, watchdog)
console.log(`\ntest: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || code !== 0 ? 1 : 0);
