// What both of the README's commands need before anything else, on a fresh clone with only Node and npm:
// the Debian packages that are missing (and nothing more) and node_modules (npm ci when missing or stale).
// `npm start` and `npm test` both call `ensureSetup`. Uses only Node built-ins: it runs before npm ci.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Debian packages, and why. `npm start` needs the first two (to install code-server offline);
 * `npm test` needs all three (Chromium drives the end-to-end tests).
 */
export const APT_FOR_START = ['ripgrep', 'libkrb5-dev'];
export const APT_FOR_TEST = ['chromium', 'ripgrep', 'libkrb5-dev'];

const log = (msg) => process.stderr.write(`[setup] ${msg}\n`);

/** Debian packages of `names` that are not installed. */
export function missingAptPackages(names) {
  return names.filter((name) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

/**
 * What apt would do for `names` (a dry run, which needs no root): the packages it adds, and those it
 * must upgrade because a new package needs their exact version (a -dev package and its library).
 */
function aptPlan(names) {
  const r = spawnSync('apt-get', ['install', '-s', ...APT_FLAGS, ...names], { encoding: 'utf8' });
  const plan = { add: [], upgrade: [] };
  if (r.status !== 0) return plan;
  for (const m of r.stdout.matchAll(/^Inst (\S+) (?:\[([^\]]*)\] )?\(([^ )]+)/gm)) {
    if (m[2]) plan.upgrade.push(`${m[1]} ${m[2]} → ${m[3]}`);
    else plan.add.push(`${m[1]} ${m[3]}`);
  }
  return plan;
}

// Only what is missing: no recommended packages (Chromium's would pull in avahi-daemon and systemd
// links) and no upgrade of anything already installed.
const APT_FLAGS = ['-y', '-qq', '--no-install-recommends', '--no-upgrade'];

/** Installs the missing Debian packages (apt-get update first), non-interactively; says what first. Needs root or sudo. */
export function ensureAptPackages(names) {
  const missing = missingAptPackages(names);
  if (missing.length === 0) return;
  if (!fs.existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `Missing system packages: ${missing.join(' ')} (no apt-get here: install them with your package manager).`,
    );
  }
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const cmd = [...asRoot, ...args];
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0)
      throw new Error(
        `"${cmd.join(' ')}" failed (exit ${r.status ?? r.signal}). Install as root: apt-get install --no-install-recommends ${missing.join(' ')}`,
      );
  };
  log(`missing Debian packages: ${missing.join(' ')}; running apt-get update`);
  run(['apt-get', 'update', '-qq']);
  const plan = aptPlan(missing);
  if (plan.add.length)
    log(
      `apt-get will add ${plan.add.length} package(s), the missing ones and their dependencies:\n  ${plan.add.join('\n  ')}`,
    );
  if (plan.upgrade.length)
    log(
      `and upgrade ${plan.upgrade.length} installed package(s) whose exact version a new one requires:\n  ${plan.upgrade.join('\n  ')}`,
    );
  run(['apt-get', 'install', ...APT_FLAGS, ...missing]);
}

/** npm ci when node_modules is missing or older than package-lock.json. */
export function ensureNodeModules() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json'); // npm rewrites it on every install
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  log(
    fs.existsSync(marker) ? 'package-lock.json is newer than node_modules: npm ci' : 'installing dependencies: npm ci',
  );
  const started = Date.now();
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`npm ci failed (exit ${r.status ?? r.signal})`);
  log(`npm ci (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/** Everything a README command needs before it builds. */
export function ensureSetup(aptPackages) {
  ensureAptPackages(aptPackages);
  ensureNodeModules();
}
