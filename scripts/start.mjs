#!/usr/bin/env node
// `npm start [-- FOLDER]`: everything from a fresh clone to W2S Studio running in VS Code in the browser.
// Installs what is missing (Debian packages, npm ci), builds, packages the .vsix, installs code-server
// 4.100.3 (cached in .cache/code-server), prepares a demo workspace whose store holds every built-in
// benchmark and a graded run of the shipped real traces (default .cache/demo-workspace), and serves it on http://127.0.0.1:$PORT (8080, or a free
// port when taken) until Ctrl-C. Uses only Node built-ins: it runs before `npm install`.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { prepareDemoWorkspace } from './demo-workspace.mjs';
import { ensureCodeServer, freePort, makeProfile, portInUse, startCodeServer } from './code-server.mjs';
import { APT_FOR_START, ensureSetup, ROOT } from './setup.mjs';

const t0 = Date.now();
const say = (msg) => console.log(`[start] ${msg}`);

function run(label, cmd, args, options = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${label} failed: ${cmd} ${args.join(' ')} (exit ${r.status ?? r.signal})`);
  say(`${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function main() {
  const folderArg = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const workspace = path.resolve(folderArg ?? path.join(ROOT, '.cache', 'demo-workspace'));

  ensureSetup(APT_FOR_START); // the Debian packages code-server's install needs (Chromium is for the tests only), npm ci
  run('build and package .vsix', process.execPath, ['scripts/package-vsix.mjs', '--quiet']);
  ensureCodeServer();

  // The demo workspace: every built-in benchmark and a graded run of the shipped real traces (idempotent).
  const demo = prepareDemoWorkspace(ROOT, workspace);
  say(
    `workspace ${workspace}: ${demo.sets.join(', ')} and the graded run ${demo.run} in ${path.relative(workspace, demo.db)}`,
  );

  const wanted = Number(process.env.PORT) || 8080;
  const port = (await portInUse(wanted)) ? await freePort() : wanted;
  if (port !== wanted) say(`port ${wanted} is taken: using ${port}`);
  // A stable profile under .cache, so that settings and window state survive restarts.
  const profileBase = path.join(ROOT, '.cache', 'code-server-profile');
  const server = await startCodeServer({
    folder: workspace,
    port,
    profile: makeProfile(profileBase),
    vsix: path.join(ROOT, '.cache', 'w2s-studio.vsix'),
    stdio: 'pipe',
  });
  const url = `${server.url}/?folder=${encodeURI(workspace)}`;
  console.log('');
  console.log(
    `  W2S Studio is running in VS Code (code-server 4.100.3), ready in ${((Date.now() - t0) / 1000).toFixed(0)} s:`,
  );
  console.log('');
  console.log(`      ${url}`);
  console.log('');
  console.log(`  Workspace: ${workspace}`);
  console.log('  Open the W2S icon in the activity bar. Press Ctrl-C here to stop.');
  console.log('');

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping code-server');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  server.process.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[start] code-server exited unexpectedly (${code ?? signal}):\n${server.output().slice(-4000)}`);
    process.exit(1);
  });
}

main().catch((e) => {
  console.error(`[start] ${e.message}`);
  process.exit(1);
});
