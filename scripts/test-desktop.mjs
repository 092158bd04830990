#!/usr/bin/env node
// `npm run test:desktop`: the extension-host mocha suites (test/exthost) in desktop VS Code (Electron)
// through @vscode/test-electron. Needs internet: it downloads VS Code (1.100.3 unless $VSCODE_VERSION)
// into .cache/vscode-test/ and the Electron build of better-sqlite3 for that VS Code's Electron.
//
// Desktop VS Code runs extensions on Electron's Node, whose ABI differs from the system Node's, so for
// the duration of the run node_modules/better-sqlite3/build/Release/better_sqlite3.node is replaced by
// the Electron prebuild (prebuild-install) and the Node build is put back afterwards, even on failure or
// Ctrl-C. On Linux without a display it re-runs itself under `xvfb-run -a` (package xvfb).
//
// W2S_DESKTOP_PACKAGE=<unpacked per-target .vsix>/extension: the extension loads the SQLite build for
// this Electron from that package's native/ instead (W2S_SQLITE_BINDING), so the release workflow tests
// the binaries it ships.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = process.env.VSCODE_VERSION ?? '1.100.3';
const SQLITE_DIR = path.join(ROOT, 'node_modules', 'better-sqlite3');
const BINARY = path.join(SQLITE_DIR, 'build', 'Release', 'better_sqlite3.node');
const BACKUP = path.join(ROOT, '.cache', 'better_sqlite3.node-for-node');

const fail = (msg) => {
  console.error(`test:desktop: ${msg}`);
  process.exit(1);
};

const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');

// 1. The tests bundle (out/test/exthost/index.js) and the extension (dist/).
if (spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) fail('build failed');

// 2. VS Code itself.
let vscodeExecutablePath;
try {
  vscodeExecutablePath = await downloadAndUnzipVSCode({
    version: VERSION,
    cachePath: path.join(ROOT, '.cache', 'vscode-test'),
    timeout: 30_000,
  });
} catch (e) {
  fail(
    `could not download VS Code ${VERSION} (${e?.message ?? e}).\n` +
      '  This test needs internet access (update.code.visualstudio.com and GitHub for the better-sqlite3 Electron build).\n' +
      '  Offline, the same suites run in code-server: npm test -- test/e2e/exthost.test.ts',
  );
}

// Desktop VS Code needs a display.
if (
  process.platform === 'linux' &&
  !process.env.DISPLAY &&
  !process.env.WAYLAND_DISPLAY &&
  !process.env.W2S_UNDER_XVFB
) {
  if (spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status !== 0) {
    fail('desktop VS Code needs a display: install xvfb (apt-get install xvfb) or set DISPLAY.');
  }
  const r = spawnSync('xvfb-run', ['-a', process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, W2S_UNDER_XVFB: '1' },
  });
  process.exit(r.status ?? 1);
}

// 3. Which Electron it runs on: ask the binary itself, else read its package.json.
function electronVersion() {
  const r = spawnSync(vscodeExecutablePath, ['-p', 'process.versions.electron'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const v = r.stdout?.trim();
  if (r.status === 0 && /^\d+\.\d+\.\d+/.test(v)) return v;
  const dir = path.dirname(vscodeExecutablePath);
  for (const p of [
    path.join(dir, 'resources', 'app', 'package.json'),
    path.join(dir, '..', 'Resources', 'app', 'package.json'),
    path.join(dir, '..', 'resources', 'app', 'package.json'),
  ]) {
    if (!fs.existsSync(p)) continue;
    const pkg = JSON.parse(fs.readFileSync(p, 'utf8'));
    const dep = pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
    if (dep) return dep.replace(/^[^\d]*/, '');
  }
  fail(`cannot tell which Electron ${vscodeExecutablePath} runs on`);
}
const electron = electronVersion();
console.log(`test:desktop: VS Code ${VERSION} runs Electron ${electron}`);

// The package's own build for this Electron, when asked to test a package.
const extensionTestsEnv = {};
if (process.env.W2S_DESKTOP_PACKAGE) {
  const dir = path.join(process.env.W2S_DESKTOP_PACKAGE, 'native');
  const abi = Number(createRequire(import.meta.url)('node-abi').getAbi(electron, 'electron'));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const build = manifest.builds.find((b) => b.abi === abi);
  if (!build)
    fail(
      `${dir} has no build for Electron ${electron} (NODE_MODULE_VERSION ${abi}): it has ${manifest.builds.map((b) => b.abi).join(', ')}`,
    );
  extensionTestsEnv.W2S_SQLITE_BINDING = path.join(dir, build.file);
  console.log(`test:desktop: the extension loads ${extensionTestsEnv.W2S_SQLITE_BINDING} (${manifest.target} package)`);
}

// 4. Swap in the Electron build of better-sqlite3 for the run; always restore the Node build.
// A backup left by a run that was killed is the Node build: put it back first.
if (fs.existsSync(BACKUP)) fs.copyFileSync(BACKUP, BINARY);
fs.mkdirSync(path.dirname(BACKUP), { recursive: true });
fs.copyFileSync(BINARY, BACKUP);
let restored = false;
const restore = () => {
  if (restored) return;
  restored = true;
  fs.copyFileSync(BACKUP, BINARY);
  fs.rmSync(BACKUP, { force: true });
  console.log('test:desktop: restored the Node build of better-sqlite3');
};
process.on('exit', restore);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

let code = 1;
try {
  const arch = process.env.npm_config_arch ?? os.arch();
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'prebuild-install', 'bin.js'),
      '--runtime',
      'electron',
      '--target',
      electron,
      '--arch',
      arch,
      '--verbose',
    ],
    {
      cwd: SQLITE_DIR,
      stdio: 'inherit',
      // This machine's npm config may point nodedir at the system headers; the prebuild must match Electron.
      env: { ...process.env, npm_config_nodedir: '', npm_config_runtime: 'electron', npm_config_target: electron },
      timeout: 180_000,
    },
  );
  if (r.status !== 0) {
    throw new Error(
      `prebuild-install could not fetch better-sqlite3 for Electron ${electron} (${arch}); it needs GitHub access.`,
    );
  }
  // 5. The suites, in a fresh empty workspace.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-desktop-workspace-'));
  try {
    code = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'exthost', 'index'),
      extensionTestsEnv,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
} catch (e) {
  console.error(`test:desktop: ${e?.message ?? e}`);
  code = 1;
} finally {
  restore();
}
process.exit(code);
