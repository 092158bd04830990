// better-sqlite3's own prebuilt binaries, one per (runtime ABI, platform, arch, libc), fetched with
// prebuild-install (what better-sqlite3's `npm install` runs itself) into a scratch folder, then checked
// byte by byte: a binary for another ABI or platform is refused, never packaged.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeBinary, inspectNativeBinary } from '../../src/core/native/binary-info';
import type { NativeBuild } from '../../src/core/native/manifest';
import type { TargetPlatform } from '../../src/core/native/targets';
import { ELECTRON_FOR_VSCODE, NODE_MAJORS } from './runtimes';

const requireHere = createRequire(__filename);
const { getAbi } = requireHere('node-abi') as { getAbi(target: string, runtime: 'node' | 'electron'): string };

export interface RuntimeBuild {
  readonly runtime: 'electron' | 'node';
  readonly version: string;
  readonly abi: number;
  readonly usedBy: string;
}

/** NODE_MODULE_VERSION of a runtime, from node-abi (the table prebuild-install itself names files by). */
export function abiOf(runtime: 'electron' | 'node', version: string): number {
  return Number(getAbi(version, runtime));
}

/** What a target's package carries: every listed Electron where desktop VS Code exists, and every Node. */
export function runtimeBuildsFor(tp: TargetPlatform): RuntimeBuild[] {
  const electron = tp.desktop
    ? ELECTRON_FOR_VSCODE.map((r, i) => {
        const next = ELECTRON_FOR_VSCODE[i + 1];
        const last = next ? previousMinor(next.vscode) : undefined;
        const span =
          last === undefined ? `${minor(r.vscode)}+` : last === minor(r.vscode) ? last : `${minor(r.vscode)}–${last}`;
        return {
          runtime: 'electron' as const,
          version: r.electron,
          abi: abiOf('electron', r.electron),
          usedBy: `VS Code ${span}`,
        };
      })
    : [];
  const node = NODE_MAJORS.map((v) => ({
    runtime: 'node' as const,
    version: v,
    abi: abiOf('node', v),
    usedBy: `VS Code Server, code-server (Node ${v.split('.')[0]})`,
  }));
  return [...electron, ...node];
}

const minor = (v: string) => v.split('.').slice(0, 2).join('.');
function previousMinor(v: string): string {
  const [maj, min] = v.split('.').map(Number);
  return `${maj}.${min - 1}`;
}

/** The file name prebuild (and so better-sqlite3's releases) gives a build: `{name}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch}.tar.gz`. */
export function prebuildAssetName(
  moduleVersion: string,
  b: Pick<RuntimeBuild, 'runtime' | 'abi'>,
  tp: TargetPlatform,
): string {
  const libc = tp.platform === 'linux' && tp.libc === 'musl' ? 'musl' : '';
  return `better-sqlite3-v${moduleVersion}-${b.runtime}-v${b.abi}-${tp.platform}${libc}-${tp.arch}.tar.gz`;
}

export function prebuildUrl(moduleVersion: string, asset: string): string {
  return `https://github.com/WiseLibs/better-sqlite3/releases/download/v${moduleVersion}/${asset}`;
}

/** The file each build is packaged as, inside native/. */
export function packagedName(b: Pick<RuntimeBuild, 'runtime' | 'abi'>): string {
  return `better_sqlite3-${b.runtime}-v${b.abi}.node`;
}

/**
 * Refuses a binary that is not for this target and ABI (the failure this guards against: node-gyp with
 * an npm config `nodedir` quietly builds for the local Node when asked for Electron). Returns the
 * refusal, or undefined when it fits.
 */
export function refuseMismatch(
  file: string,
  want: Pick<RuntimeBuild, 'runtime' | 'version' | 'abi'>,
  tp: TargetPlatform,
): string | undefined {
  const info = inspectNativeBinary(file);
  const wanted = `${tp.target} (${want.runtime === 'electron' ? 'Electron' : 'Node'} ${want.version}, NODE_MODULE_VERSION ${want.abi})`;
  const problems: string[] = [];
  if (info.platform !== tp.platform) problems.push(`platform ${info.platform ?? 'unknown'} is not ${tp.platform}`);
  else if (!info.arch?.includes(tp.arch))
    problems.push(`architecture ${(info.arch ?? []).join('+')} is not ${tp.arch}`);
  if (tp.platform === 'linux' && info.libc && info.libc !== tp.libc)
    problems.push(`C library ${info.libc} is not ${tp.libc}`);
  if (info.abi !== want.abi)
    problems.push(
      info.abi === undefined ? 'it names no NODE_MODULE_VERSION' : `NODE_MODULE_VERSION ${info.abi} is not ${want.abi}`,
    );
  return problems.length ? `${file} is ${describeBinary(info)}, wanted ${wanted}: ${problems.join('; ')}` : undefined;
}

export interface FetchOptions {
  /** better-sqlite3's package folder (its package.json names the version and the GitHub repository). */
  readonly moduleDir: string;
  /** A folder of release files to use instead of downloading (for machines without internet). */
  readonly prebuildsDir?: string;
  readonly log?: (line: string) => void;
}

export class PrebuildError extends Error {}

/**
 * Fetches one build into a scratch folder and returns its better_sqlite3.node. Fails at the first
 * problem, naming what to do: without GitHub access it lists the files to fetch elsewhere.
 */
export function fetchPrebuild(
  b: RuntimeBuild,
  tp: TargetPlatform,
  moduleVersion: string,
  all: string[],
  opts: FetchOptions,
): string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-prebuild-'));
  fs.copyFileSync(path.join(opts.moduleDir, 'package.json'), path.join(scratch, 'package.json'));
  const asset = prebuildAssetName(moduleVersion, b, tp);
  const args = [
    requireHere.resolve('prebuild-install/bin.js'),
    '--runtime',
    b.runtime,
    '--target',
    b.version,
    '--platform',
    tp.platform,
    '--arch',
    tp.arch,
    ...(tp.platform === 'linux' ? ['--libc', tp.libc === 'musl' ? 'musl' : 'glibc'] : []),
    '--verbose',
  ];
  if (opts.prebuildsDir) {
    const local = path.join(path.resolve(opts.prebuildsDir), asset);
    if (!fs.existsSync(local))
      throw new PrebuildError(
        `${asset} is not in ${opts.prebuildsDir}. It needs: ${all.join(', ')} (from ${prebuildUrl(moduleVersion, '')}).`,
      );
    args.push('--local-prebuilds', path.resolve(opts.prebuildsDir));
  }
  // npm_config_* from `npm run` (runtime, target, arch, nodedir, build_from_source…) would override
  // the flags above: prebuild-install reads them first. Pass only the flags.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  opts.log?.(`  ${asset}${opts.prebuildsDir ? ' (local)' : ''}`);
  const r = spawnSync(process.execPath, args, { cwd: scratch, env, encoding: 'utf8', timeout: 120_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const file = path.join(scratch, 'build', 'Release', 'better_sqlite3.node');
  if (r.status !== 0 || !fs.existsSync(file)) {
    const offline =
      /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up|timed? ?out/i.test(
        out,
      ) || r.error !== undefined;
    const why = offline
      ? `cannot reach GitHub, where better-sqlite3 publishes its builds (${out.trim().split('\n').pop() ?? r.error?.message}).\n` +
        `  Per-target packages need a machine with internet, or these files fetched elsewhere from ${prebuildUrl(moduleVersion, '')}\n` +
        `  into a folder passed as --prebuilds DIR:\n    ${all.join('\n    ')}`
      : `prebuild-install found no ${asset} (exit ${r.status ?? r.signal}):\n${out.trim()}`;
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new PrebuildError(why);
  }
  const refusal = refuseMismatch(file, b, tp);
  if (refusal) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new PrebuildError(`refusing ${asset}: ${refusal}`);
  }
  return file;
}

export function manifestEntry(b: RuntimeBuild): NativeBuild {
  return { file: packagedName(b), runtime: b.runtime, version: b.version, abi: b.abi, usedBy: b.usedBy };
}
