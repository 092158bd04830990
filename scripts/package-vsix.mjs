#!/usr/bin/env node
// Builds the minified production bundles and packages the extension into .cache/w2s-studio.vsix with
// @vscode/vsce (3.9.x: 4.x needs Node 22). What goes in is decided by .vscodeignore: dist/, media/,
// data/, README, LICENSE, package.json and the runtime files of better-sqlite3 (+ bindings,
// file-uri-to-path); everything else is bundled by esbuild.
// Usage: node scripts/package-vsix.mjs [--no-build] [--quiet]   (--quiet: no file listing unless it fails)
// This is the host package: the better-sqlite3 binary in node_modules, built for the Node that ran
// `npm install` (what code-server runs here). With `--target <vsce target>` it is one package per
// platform for desktop VS Code and remote hosts instead: scripts/packaging/package-target.ts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const VSIX = path.join(ROOT, '.cache', 'w2s-studio.vsix');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** Builds (unless build is false) and packages; returns the path of the .vsix. */
export function packageVsix({ build = true, quiet = false } = {}) {
  if (build) run(process.execPath, ['esbuild.mjs', '--production']);
  fs.mkdirSync(path.dirname(VSIX), { recursive: true });
  const args = [
    path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'),
    'package',
    '--out',
    VSIX,
    // Dependency detection (npm list) is needed so that node_modules files can be included at all;
    // .vscodeignore then keeps only better-sqlite3's runtime from them.
    '--dependencies',
    // The repository URL is a placeholder: relative links in the README are left as they are.
    '--no-rewrite-relative-links',
  ];
  // vsce 3.9 asks (interactively) to continue when LICENSE is missing; a missing README is accepted.
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (!quiet || r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
  }
  if (r.status !== 0) throw new Error(`vsce package failed (exit ${r.status ?? r.signal})`);
  return VSIX;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (
    process.argv
      .slice(2)
      .some((a) => a === '--target' || a.startsWith('--target=') || a === '--prebuilds' || a.startsWith('--prebuilds='))
  ) {
    // TypeScript (it shares the binary checks with the extension's core): run it through tsx.
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts', 'packaging', 'package-target.ts'), ...process.argv.slice(2)],
      { cwd: ROOT, stdio: 'inherit' },
    );
    process.exit(r.status ?? 1);
  }
  try {
    const out = packageVsix({ build: !process.argv.includes('--no-build'), quiet: process.argv.includes('--quiet') });
    console.log(
      `packaged ${path.relative(process.cwd(), out)} (${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MiB)`,
    );
  } catch (e) {
    console.error(`package: ${e.message}`);
    process.exit(1);
  }
}
