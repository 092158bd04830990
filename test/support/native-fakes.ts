// Native modules for the packaging and load-time tests. The module for this Node is the real
// better-sqlite3 build in node_modules; one for another runtime (an Electron build, another Node) is
// test/fixtures/native/fake-addon.c compiled with that ABI: a real shared library that registers
// itself the way node.h does, so Node refuses it with its own ABI message. Release files are made in
// better-sqlite3's layout: a .tar.gz holding build/Release/better_sqlite3.node.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type TargetPlatform } from '../../src/core/native/targets';
import { prebuildAssetName, runtimeBuildsFor } from '../../scripts/packaging/prebuilds';
import { REPO_ROOT, tempDir } from './tmp';

export const REAL_BINARY = path.join(
  REPO_ROOT,
  'node_modules',
  'better-sqlite3',
  'build',
  'Release',
  'better_sqlite3.node',
);
export const MODULE_VERSION = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
export const HOST_ABI = Number(process.versions.modules);

const built = new Map<number, string>();

/** A shared library that claims NODE_MODULE_VERSION `abi` (compiled once per process). */
export function fakeAddon(abi: number): string {
  let file = built.get(abi);
  if (!file) {
    file = path.join(tempDir('w2s-fake-addon-'), `fake-v${abi}.node`);
    execFileSync(
      'cc',
      [
        '-shared',
        '-fPIC',
        `-DABI=${abi}`,
        '-o',
        file,
        path.join(REPO_ROOT, 'test', 'fixtures', 'native', 'fake-addon.c'),
        '-Wl,--no-as-needed',
        '-lc',
      ],
      { stdio: 'pipe' },
    );
    built.set(abi, file);
  }
  return file;
}

/** Writes `asset` (a better-sqlite3 release file) into dir, holding `binary` as build/Release/better_sqlite3.node. */
export function writePrebuild(dir: string, asset: string, binary: string): void {
  const stage = tempDir('w2s-prebuild-stage-');
  fs.mkdirSync(path.join(stage, 'build', 'Release'), { recursive: true });
  fs.copyFileSync(binary, path.join(stage, 'build', 'Release', 'better_sqlite3.node'));
  execFileSync('tar', ['-czf', path.join(dir, asset), '-C', stage, 'build']);
}

/**
 * Every release file a Linux target needs, in a fresh folder: the real build for this Node's ABI,
 * stand-ins for the others. `replace` swaps the binary of the named ABIs (to test refusals).
 */
export function standInPrebuilds(tp: TargetPlatform, replace: Record<number, string> = {}): string {
  const dir = tempDir('w2s-prebuilds-');
  for (const b of runtimeBuildsFor(tp)) {
    const binary = replace[b.abi] ?? (b.abi === HOST_ABI && b.runtime === 'node' ? REAL_BINARY : fakeAddon(b.abi));
    writePrebuild(dir, prebuildAssetName(MODULE_VERSION, b, tp), binary);
  }
  return dir;
}
