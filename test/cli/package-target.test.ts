// `npm run package -- --target <vsce target>` as a release machine runs it (scripts/package-vsix.mjs),
// here without GitHub: the refusal when offline, the binary check, and a full package made from
// release files in a folder (--prebuilds): the real better-sqlite3 build for this Node, stand-ins
// (test/fixtures/native/fake-addon.c) for the Electron and other Node ABIs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { targetPlatform } from '../../src/core/native/targets';
import { prebuildAssetName, runtimeBuildsFor } from '../../scripts/packaging/prebuilds';
import { readVsix } from '../../scripts/packaging/vsix-entries';
import { HOST_ABI, MODULE_VERSION, REAL_BINARY, standInPrebuilds } from '../support/native-fakes';
import { ensureBuilt } from '../support/cli';
import { REPO_ROOT, tempDir } from '../support/tmp';

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
const LINUX = targetPlatform('linux-x64');

/** The packaging script, with an empty prebuild cache (HOME) and every download through a closed port. */
function packageCmd(args: string[]) {
  const home = tempDir('w2s-pkg-home-');
  const r = spawnSync(process.execPath, ['scripts/package-vsix.mjs', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 5 * 60_000,
    env: {
      ...process.env,
      HOME: home,
      USERPROFILE: home,
      https_proxy: 'http://127.0.0.1:9',
      HTTPS_PROXY: 'http://127.0.0.1:9',
    },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, timedOut: r.error !== undefined };
}

describe('npm run package -- --target', () => {
  it('an unknown target is a usage error (exit 2) listing the targets', () => {
    const r = packageCmd(['--target', 'solaris-sparc']);
    assert.equal(r.code, 2, r.out);
    assert.match(
      r.out,
      /unknown target solaris-sparc: one of linux-x64, linux-arm64, alpine-x64, darwin-x64, darwin-arm64, win32-x64, win32-arm64/,
    );
  });

  it('without GitHub it stops at the first download, by itself, listing the files to fetch elsewhere', () => {
    const r = packageCmd(['--target', 'darwin-arm64', '--no-build']);
    assert.ok(!r.timedOut, 'it ended by itself');
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /cannot reach GitHub, where better-sqlite3 publishes its builds/);
    for (const b of runtimeBuildsFor(targetPlatform('darwin-arm64')))
      assert.ok(
        r.out.includes(prebuildAssetName(MODULE_VERSION, b, targetPlatform('darwin-arm64'))),
        `lists the ${b.runtime} ${b.abi} file`,
      );
    assert.match(r.out, /--prebuilds DIR/);
    assert.ok(!fs.existsSync(path.join(REPO_ROOT, 'native')), 'nothing staged');
    assert.ok(!fs.existsSync(path.join(REPO_ROOT, '.cache', `w2s-studio-darwin-arm64-${VERSION}.vsix`)), 'no package');
  });

  it('a folder missing some release files names each missing one', () => {
    const dir = standInPrebuilds(LINUX);
    const gone = prebuildAssetName(MODULE_VERSION, runtimeBuildsFor(LINUX)[1], LINUX);
    fs.rmSync(path.join(dir, gone));
    const r = packageCmd(['--target', 'linux-x64', '--prebuilds', dir, '--no-build']);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`lacks 1 of the ${runtimeBuildsFor(LINUX).length} files linux-x64 needs`));
    assert.ok(r.out.includes(gone));
  });

  it('refuses a Node build offered as the Electron one, and packages nothing', () => {
    // The Electron 34 file holds the Node build: what `node-gyp --runtime=electron` makes with nodedir=/usr.
    const dir = standInPrebuilds(LINUX, { 132: REAL_BINARY });
    const r = packageCmd(['--target', 'linux-x64', '--prebuilds', dir, '--no-build']);
    assert.equal(r.code, 1, r.out);
    assert.match(
      r.out,
      new RegExp(
        `refusing better-sqlite3-v${MODULE_VERSION.replace(/\./g, '\\.')}-electron-v132-linux-x64\\.tar\\.gz: .*NODE_MODULE_VERSION ${HOST_ABI} is not 132`,
      ),
    );
    assert.ok(!fs.existsSync(path.join(REPO_ROOT, 'native')));
  });

  it('packages linux-x64 with one build per runtime in native/, the vsce target set, and no other binary', async () => {
    ensureBuilt();
    const out = path.join(REPO_ROOT, '.cache', `w2s-studio-linux-x64-${VERSION}.vsix`);
    fs.rmSync(out, { force: true });
    const r = packageCmd(['--target', 'linux-x64', '--prebuilds', standInPrebuilds(LINUX), '--no-build', '--quiet']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`packaged \\.cache/w2s-studio-linux-x64-${VERSION.replace(/\./g, '\\.')}\\.vsix`));
    const { entries, texts } = await readVsix(out, [
      'extension.vsixmanifest',
      'extension/native/manifest.json',
      'extension/package.json',
    ]);
    const builds = runtimeBuildsFor(LINUX);
    assert.deepEqual(
      entries.filter((e) => e.endsWith('.node')).sort(),
      builds.map((b) => `extension/native/better_sqlite3-${b.runtime}-v${b.abi}.node`).sort(),
    );
    assert.match(texts['extension.vsixmanifest'], /TargetPlatform="linux-x64"/);
    const manifest = JSON.parse(texts['extension/native/manifest.json']) as {
      target: string;
      moduleVersion: string;
      builds: { abi: number; runtime: string; version: string }[];
    };
    assert.equal(manifest.target, 'linux-x64');
    assert.equal(manifest.moduleVersion, MODULE_VERSION);
    assert.deepEqual(
      manifest.builds.map((b) => `${b.runtime} ${b.version} ${b.abi}`),
      builds.map((b) => `${b.runtime} ${b.version} ${b.abi}`),
    );
    assert.deepEqual((JSON.parse(texts['extension/package.json']) as { extensionKind: string[] }).extensionKind, [
      'workspace',
    ]);
    assert.ok(
      entries.includes('extension/node_modules/better-sqlite3/lib/index.js'),
      "better-sqlite3's JavaScript is in",
    );
    assert.ok(!fs.existsSync(path.join(REPO_ROOT, 'native')), 'native/ is removed after packaging');
  });
});
