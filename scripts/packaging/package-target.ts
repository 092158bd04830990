// `npm run package -- --target <vsce target> [--prebuilds DIR] [--no-build] [--quiet]`: one package for
// one platform, carrying better-sqlite3 builds for every runtime it may run on there (runtimes.ts): the
// Electron of each supported desktop VS Code and the Node of VS Code Server / code-server. The extension
// picks the build with the running ABI at activation (src/core/native/load-binding.ts).
//
// The builds are better-sqlite3's own release files from GitHub (prebuild-install). Without internet
// this stops at the first download with the list of files to fetch elsewhere; `--prebuilds DIR` then
// takes them from DIR. Every binary is checked (platform, CPU, C library, NODE_MODULE_VERSION) before
// it goes in. Output: .cache/w2s-studio-<target>-<version>.vsix.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { MANIFEST_FILE, NATIVE_DIR, type NativeManifest } from '../../src/core/native/manifest';
import { VSCE_TARGETS, isVsceTarget, targetPlatform, type VsceTarget } from '../../src/core/native/targets';
import {
  PrebuildError,
  fetchPrebuild,
  manifestEntry,
  prebuildAssetName,
  prebuildUrl,
  runtimeBuildsFor,
  type RuntimeBuild,
} from './prebuilds';
import { readVsix } from './vsix-entries';

export const ROOT = path.resolve(__dirname, '..', '..');
const requireHere = createRequire(__filename);
/** The host package's own binary line in .vscodeignore: a per-target package carries native/ instead. */
const HOST_BINARY_LINE = '!node_modules/better-sqlite3/build/Release/better_sqlite3.node';

export interface PackageTargetOptions {
  readonly target: VsceTarget;
  readonly prebuildsDir?: string;
  readonly build?: boolean;
  readonly quiet?: boolean;
  readonly log?: (line: string) => void;
}

export class UsageError extends Error {}

export function targetVsixPath(target: VsceTarget, version: string): string {
  return path.join(ROOT, '.cache', `w2s-studio-${target}-${version}.vsix`);
}

export async function packageTarget(opts: PackageTargetOptions): Promise<string> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const tp = targetPlatform(opts.target);
  const moduleDir = path.dirname(requireHere.resolve('better-sqlite3/package.json', { paths: [ROOT] }));
  const moduleVersion = (
    JSON.parse(fs.readFileSync(path.join(moduleDir, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const builds = runtimeBuildsFor(tp);
  const assets = builds.map((b) => prebuildAssetName(moduleVersion, b, tp));

  if (opts.prebuildsDir) {
    const missing = assets.filter((a) => !fs.existsSync(path.join(opts.prebuildsDir!, a)));
    if (missing.length) {
      throw new PrebuildError(
        `${opts.prebuildsDir} lacks ${missing.length} of the ${assets.length} files ${opts.target} needs (from ${prebuildUrl(moduleVersion, '')}):\n    ${missing.join('\n    ')}`,
      );
    }
  }

  // 1. The binaries first: without internet this fails in a second, before any build work.
  log(
    `package ${opts.target}: better-sqlite3 ${moduleVersion} for ${builds.map((b) => `${b.runtime} ${b.version} (ABI ${b.abi})`).join(', ')}`,
  );
  const fetched: { b: RuntimeBuild; file: string }[] = [];
  const dropScratch = () => {
    for (const { file } of fetched)
      fs.rmSync(path.dirname(path.dirname(path.dirname(file))), { recursive: true, force: true });
  };
  try {
    for (const b of builds)
      fetched.push({
        b,
        file: fetchPrebuild(b, tp, moduleVersion, assets, { moduleDir, prebuildsDir: opts.prebuildsDir, log }),
      });
  } catch (e) {
    dropScratch();
    throw e;
  }

  // 2. The production bundles, and native/ — one packaging at a time in this checkout.
  const unlock = lock(path.join(ROOT, '.cache', 'package-target.lock'));
  try {
    if (opts.build ?? true) run(process.execPath, ['esbuild.mjs', '--production']);
    return await stageAndPackage(opts, fetched, builds, moduleVersion, version, log);
  } finally {
    unlock();
    dropScratch();
  }
}

async function stageAndPackage(
  opts: PackageTargetOptions,
  fetched: { b: RuntimeBuild; file: string }[],
  builds: RuntimeBuild[],
  moduleVersion: string,
  version: string,
  log: (line: string) => void,
): Promise<string> {
  // 3. native/ with each build and its manifest, only for the time vsce reads it.
  const nativeDir = path.join(ROOT, NATIVE_DIR);
  const ignoreFile = path.join(ROOT, '.cache', `vscodeignore-${opts.target}`);
  const out = targetVsixPath(opts.target, version);
  fs.rmSync(nativeDir, { recursive: true, force: true });
  try {
    fs.mkdirSync(nativeDir, { recursive: true });
    for (const { b, file } of fetched) fs.copyFileSync(file, path.join(nativeDir, manifestEntry(b).file));
    const manifest: NativeManifest = {
      module: 'better-sqlite3',
      moduleVersion,
      target: opts.target,
      builds: builds.map(manifestEntry),
    };
    fs.writeFileSync(path.join(nativeDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

    const base = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
    if (!base.split('\n').includes(HOST_BINARY_LINE))
      throw new Error(`.vscodeignore no longer has the line ${HOST_BINARY_LINE}: update package-target.ts`);
    const ignore =
      base
        .split('\n')
        .filter((l) => l !== HOST_BINARY_LINE)
        .join('\n') + `\n# per-target package: the builds in native/ instead of node_modules' own\n!${NATIVE_DIR}/**\n`;
    fs.mkdirSync(path.dirname(ignoreFile), { recursive: true });
    fs.writeFileSync(ignoreFile, ignore);

    const r = spawnSync(
      process.execPath,
      [
        requireHere.resolve('@vscode/vsce/vsce', { paths: [ROOT] }),
        'package',
        '--target',
        opts.target,
        '--out',
        out,
        '--ignoreFile',
        ignoreFile,
        '--dependencies',
        '--no-rewrite-relative-links',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (!opts.quiet || r.status !== 0) log(`${r.stdout ?? ''}${r.stderr ?? ''}`.trim());
    if (r.status !== 0) throw new Error(`vsce package --target ${opts.target} failed (exit ${r.status ?? r.signal})`);
  } finally {
    fs.rmSync(nativeDir, { recursive: true, force: true });
    fs.rmSync(ignoreFile, { force: true });
  }

  // 4. What went in: every build and the manifest, and not the host's own binary.
  const { entries } = await readVsix(out);
  const want = [
    ...builds.map((b) => `extension/${NATIVE_DIR}/${manifestEntry(b).file}`),
    `extension/${NATIVE_DIR}/${MANIFEST_FILE}`,
  ];
  const missing = want.filter((w) => !entries.includes(w));
  const stray = entries.filter((e) => /\.node$/.test(e) && !want.includes(e));
  if (missing.length || stray.length)
    throw new Error(
      `${out} is wrong: missing ${missing.join(', ') || 'nothing'}; unexpected ${stray.join(', ') || 'nothing'}`,
    );
  return out;
}

/** A lock folder (mkdir is atomic): waits for another packaging of this checkout; a stale one (15 min) is taken over. */
function lock(dir: string): () => void {
  const deadline = Date.now() + 15 * 60_000;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(dir);
      return () => fs.rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 15 * 60_000 || Date.now() > deadline) fs.rmSync(dir, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

export function parseArgs(argv: string[]): PackageTargetOptions {
  let target: string | undefined;
  let prebuildsDir: string | undefined;
  let build = true;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--target') target = value();
    else if (flag === '--prebuilds') prebuildsDir = path.resolve(value());
    else if (flag === '--no-build') build = false;
    else if (flag === '--quiet') quiet = true;
    else throw new UsageError(`unknown argument ${argv[i]}`);
  }
  if (!target) throw new UsageError('--target is required');
  if (!isVsceTarget(target)) throw new UsageError(`unknown target ${target}: one of ${VSCE_TARGETS.join(', ')}`);
  if (prebuildsDir && !fs.statSync(prebuildsDir, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`--prebuilds ${prebuildsDir} is not a folder`);
  return { target, prebuildsDir, build, quiet };
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  let opts: PackageTargetOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(
      `package: ${(e as Error).message}\nusage: npm run package -- --target <${VSCE_TARGETS.join('|')}> [--prebuilds DIR] [--no-build] [--quiet]`,
    );
    process.exit(2);
  }
  packageTarget(opts).then(
    (out) =>
      console.log(
        `packaged ${path.relative(process.cwd(), out)} (${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MiB)`,
      ),
    (e: Error) => {
      console.error(`package ${opts.target}: ${e.message}`);
      process.exit(1);
    },
  );
}
