// Bundles the extension, the CLI, the grading worker and each webview. `--production` minifies for
// packaging; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  define: { W2S_VERSION: JSON.stringify(pkg.version) },
};

const node = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // The native SQLite module is loaded from node_modules at run time, never bundled.
  external: ['vscode', 'better-sqlite3'],
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
];
// Worker threads: grading (the CAS never runs on the extension host) and sampling requests. Their entries
// are listed once, in src/core/workers/start-worker.ts (WORKER_ENTRIES), which starts them.
const workerEntries = [
  ...fs
    .readFileSync('src/core/workers/start-worker.ts', 'utf8')
    .matchAll(/bundle: '([\w-]+)\.js', source: '([\w/.-]+)'/g),
];
if (workerEntries.length === 0)
  throw new Error('esbuild.mjs: no WORKER_ENTRIES found in src/core/workers/start-worker.ts');
for (const [, bundle, source] of workerEntries)
  builds.push({ ...node, entryPoints: { [bundle]: source }, outdir: 'dist' });
// Each folder under webview/ with a main.ts is one webview bundle: dist/webview/<name>.js (+ .css). Fonts
// that a stylesheet names (KaTeX's) are emitted beside it under dist/webview/fonts/, so the webview loads
// them from the extension itself under its CSP (font-src is the webview's own origin only).
const webview = {
  ...common,
  platform: 'browser',
  target: 'es2022',
  format: 'esm',
  outdir: 'dist/webview',
  loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
  assetNames: 'fonts/[name]-[hash]',
};
if (fs.existsSync('webview')) {
  for (const dir of fs.readdirSync('webview')) {
    const entry = path.join('webview', dir, 'main.ts');
    // KaTeX's stylesheet lists each font as woff2, woff and ttf; Chromium takes the woff2, so only
    // those are shipped (the others stay unresolved references that are never requested).
    if (fs.existsSync(entry)) builds.push({ ...webview, entryPoints: { [dir]: entry }, external: ['*.woff', '*.ttf'] });
  }
  // The codicon font and its classes: one stylesheet every webview links (vscode-elements' <vscode-icon>
  // finds it by the id `vscode-codicon-stylesheet` and links it again inside its shadow root).
  builds.push({ ...webview, entryPoints: { codicon: 'node_modules/@vscode/codicons/dist/codicon.css' } });
}
// Extension-host tests run inside VS Code from the development path.
if (!production && fs.existsSync('test/exthost/index.ts')) {
  builds.push({
    ...node,
    entryPoints: { index: 'test/exthost/index.ts' },
    outdir: 'out/test/exthost',
    external: ['vscode', 'better-sqlite3', 'mocha'],
  });
}
// The extension-host benchmark (bench/exthost.bench.ts) runs the same way, from its own bundle.
if (!production && fs.existsSync('bench/exthost/index.ts')) {
  builds.push({
    ...node,
    entryPoints: { index: 'bench/exthost/index.ts' },
    outdir: 'out/bench/exthost',
    external: ['vscode', 'better-sqlite3', 'mocha'],
  });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  fs.chmodSync('dist/cli.js', 0o755);
}
