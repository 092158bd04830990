#!/usr/bin/env node
// code-server 4.100.3 (= VS Code 1.100.3 in a browser, the newest that runs on Node 20) for `npm start`
// and the end-to-end tests. Uses only Node built-ins so that `npm start` can import it before `npm install`.
//
//   node scripts/code-server.mjs install            install the Debian packages and code-server (cached)
//   node scripts/code-server.mjs start FOLDER [VSIX] start it on a free port until Ctrl-C
//
// Offline-safe install (see shared/notes/vscode-e2e.md): npm_config_unsafe_perm=true, npm_config_yes=true,
// and @vscode/ripgrep's download cache seeded from Debian's rg.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APT_FOR_START, APT_FOR_TEST, ensureAptPackages } from './setup.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_DIR = path.join(ROOT, '.cache', 'code-server');
const ENTRY = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const MARKER = path.join(CODE_SERVER_DIR, '.installed');
// @vscode/ripgrep 1.15.11 (pulled in by code-server 4.100.3) downloads this file from GitHub unless cached.
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const log = (msg) => process.stderr.write(`[code-server] ${msg}\n`);

/** True when code-server is fully installed in the cache folder. */
export function codeServerInstalled() {
  return (
    fs.existsSync(MARKER) && fs.existsSync(ENTRY) && fs.readFileSync(MARKER, 'utf8').trim() === CODE_SERVER_VERSION
  );
}

/** Installs code-server into .cache/code-server unless already there; returns its entry script. */
export function ensureCodeServer() {
  if (codeServerInstalled()) return ENTRY;
  const unlock = lock(path.join(path.dirname(CODE_SERVER_DIR), 'code-server.lock'));
  try {
    if (!codeServerInstalled()) install();
  } finally {
    unlock();
  }
  return ENTRY;
}

/** A lock folder (mkdir is atomic), so that two processes never install into the same folder at once. */
function lock(dir, staleMs = 15 * 60_000) {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const deadline = Date.now() + staleMs;
  let said = false;
  while (true) {
    try {
      fs.mkdirSync(dir);
      return () => fs.rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const age = Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > staleMs || Date.now() > deadline) fs.rmSync(dir, { recursive: true, force: true });
      else {
        if (!said) log('another process is installing code-server: waiting');
        said = true;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      }
    }
  }
}

function install() {
  ensureAptPackages(APT_FOR_START);
  const started = Date.now();
  log(
    `installing code-server@${CODE_SERVER_VERSION} into ${path.relative(ROOT, CODE_SERVER_DIR)} (about a minute, ~300 MB)`,
  );
  fs.rmSync(MARKER, { force: true });
  fs.mkdirSync(CODE_SERVER_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(CODE_SERVER_DIR, 'package.json'),
    JSON.stringify(
      {
        name: 'w2s-code-server',
        private: true,
        description: 'code-server for W2S Studio e2e tests and npm start (generated)',
        dependencies: { 'code-server': CODE_SERVER_VERSION },
      },
      null,
      2,
    ) + '\n',
  );
  // Seed @vscode/ripgrep's cache with Debian's rg so that its postinstall never reaches GitHub.
  const tmp = os.tmpdir();
  const cacheDir = path.join(tmp, RIPGREP_CACHE);
  const asset = path.join(cacheDir, RIPGREP_ASSET);
  if (!fs.existsSync(asset)) {
    const rg = ['/usr/bin/rg', '/bin/rg'].find((p) => fs.existsSync(p));
    if (!rg) throw new Error('ripgrep (rg) is needed to install code-server offline: apt-get install ripgrep');
    fs.mkdirSync(cacheDir, { recursive: true });
    execFileSync('tar', ['czf', `${asset}.tmp`, '-C', path.dirname(rg), path.basename(rg)]);
    fs.renameSync(`${asset}.tmp`, asset);
  }
  const env = {
    ...process.env,
    TMPDIR: tmp,
    npm_config_unsafe_perm: 'true', // npm 11 ignores --unsafe-perm; as root, install scripts need it
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`, cancelled when yes=false
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const r = spawnSync('npm', ['install', '--no-package-lock', '--loglevel=error'], {
    cwd: CODE_SERVER_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
    env,
  });
  if (r.status !== 0 || !fs.existsSync(ENTRY)) {
    throw new Error(
      `npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.status ?? r.signal}) in ${CODE_SERVER_DIR}`,
    );
  }
  fs.writeFileSync(MARKER, CODE_SERVER_VERSION + '\n');
  log(`code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** True when something accepts connections on 127.0.0.1:port. */
export function portInUse(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** HOME and XDG_* inside `home`, so that code-server writes nothing to the real home. */
function isolatedEnv(home) {
  const env = { ...process.env, HOME: home };
  for (const [k, sub] of [
    ['XDG_CONFIG_HOME', '.config'],
    ['XDG_DATA_HOME', '.local/share'],
    ['XDG_CACHE_HOME', '.cache'],
    ['XDG_STATE_HOME', '.local/state'],
  ]) {
    env[k] = path.join(home, sub);
    fs.mkdirSync(env[k], { recursive: true });
  }
  delete env.XDG_RUNTIME_DIR;
  delete env.VSCODE_IPC_HOOK_CLI; // when run from a VS Code terminal, never talk to that VS Code
  delete env.PORT; // code-server reads $PORT itself
  return env;
}

/** Fresh profile folders under `base` (created): home, user data, extensions. */
export function makeProfile(base) {
  const p = {
    base,
    home: path.join(base, 'home'),
    userDataDir: path.join(base, 'user-data'),
    extensionsDir: path.join(base, 'extensions'),
  };
  for (const d of [p.home, p.userDataDir, p.extensionsDir]) fs.mkdirSync(d, { recursive: true });
  // A quiet first start: no welcome page or tips over the views under test, nothing phoning home.
  const settings = path.join(p.userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(settings)) {
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(
      settings,
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'workbench.tips.enabled': false,
          'telemetry.telemetryLevel': 'off',
          'extensions.ignoreRecommendations': true,
          'update.mode': 'none',
          'git.openRepositoryInParentFolders': 'never',
        },
        null,
        2,
      ),
    );
  }
  return p;
}

/** Installs a .vsix into the profile's extensions folder. */
export function installExtension(vsix, profile) {
  const entry = ensureCodeServer();
  const r = spawnSync(
    process.execPath,
    [
      entry,
      '--user-data-dir',
      profile.userDataDir,
      '--extensions-dir',
      profile.extensionsDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { env: isolatedEnv(profile.home), encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0)
    throw new Error(
      `code-server --install-extension ${vsix} failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`,
    );
}

function get(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * Starts code-server on 127.0.0.1 and waits for /healthz.
 * options: folder (opened), profile (from makeProfile; a temporary one by default), vsix (installed
 * first), port (a free one by default; retried on a clash unless given), stdio ('pipe' keeps the
 * output in handle.output(), 'inherit' shows it), timeoutMs.
 * Returns { url, port, folder, profile, process, output(), stop() }.
 */
export async function startCodeServer(options = {}) {
  const entry = ensureCodeServer();
  const ownProfile = !options.profile;
  const profile = options.profile ?? makeProfile(fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-code-server-')));
  if (options.vsix) installExtension(options.vsix, profile);
  const attempts = options.port ? 1 : 3;
  let lastError;
  for (let i = 0; i < attempts; i++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(entry, port, profile, ownProfile, options);
    } catch (e) {
      lastError = e;
      if (!/EADDRINUSE|exited/.test(String(e.message))) break;
    }
  }
  if (ownProfile) fs.rmSync(profile.base, { recursive: true, force: true });
  throw lastError;
}

async function launch(entry, port, profile, ownProfile, options) {
  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    profile.userDataDir,
    '--extensions-dir',
    profile.extensionsDir,
    ...(options.folder ? [options.folder] : []),
  ];
  const pipe = (options.stdio ?? 'pipe') === 'pipe';
  // detached: its own process group, so that stop() also ends the extension host and other children.
  const child = spawn(process.execPath, args, {
    env: isolatedEnv(profile.home),
    stdio: ['ignore', pipe ? 'pipe' : 'inherit', pipe ? 'pipe' : 'inherit'],
    detached: true,
  });
  let output = '';
  if (pipe) {
    const keep = (d) => {
      output += d;
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
  }
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onParentExit = () => killGroup('SIGKILL');
  process.on('exit', onParentExit);
  let exited = child.exitCode !== null;
  const exitedPromise = new Promise((resolve) => child.once('exit', () => ((exited = true), resolve())));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onParentExit);
    if (!exited) {
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(timer);
    }
    killGroup('SIGKILL'); // stragglers of the group (extension host, pty host, file watcher)
    if (ownProfile) fs.rmSync(profile.base, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (true) {
    if (exited) {
      await stop();
      throw new Error(
        `code-server exited before it was ready (exit ${child.exitCode ?? child.signalCode}):\n${output.slice(-4000)}`,
      );
    }
    try {
      if ((await get(`${url}/healthz`, 2000)) === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz in time:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, port, folder: options.folder, profile, process: child, output: () => output, stop };
}

// ---- runnable -------------------------------------------------------------------------------------
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, folder, vsix] = process.argv.slice(2);
  try {
    if (cmd === 'install') {
      ensureAptPackages(APT_FOR_TEST);
      ensureCodeServer();
      console.log(`code-server ${CODE_SERVER_VERSION}: ${ENTRY}`);
    } else if (cmd === 'start' && folder) {
      const server = await startCodeServer({
        folder: path.resolve(folder),
        vsix: vsix && path.resolve(vsix),
        stdio: 'inherit',
      });
      console.log(
        `code-server ready: ${server.url}/?folder=${encodeURIComponent(path.resolve(folder))}  (Ctrl-C stops it)`,
      );
      const shutdown = () => void server.stop().then(() => process.exit(0));
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    } else {
      console.error('usage: node scripts/code-server.mjs install | start FOLDER [VSIX]');
      process.exit(2);
    }
  } catch (e) {
    console.error(`code-server: ${e.message}`);
    process.exit(1);
  }
}
