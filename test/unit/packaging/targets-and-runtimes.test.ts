import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { VSCE_TARGETS, currentLibc, targetFor, targetPlatform } from '../../../src/core/native/targets';
import {
  abiOf,
  prebuildAssetName,
  prebuildUrl,
  refuseMismatch,
  runtimeBuildsFor,
} from '../../../scripts/packaging/prebuilds';
import { ELECTRON_FOR_VSCODE, NODE_MAJORS } from '../../../scripts/packaging/runtimes';
import { HOST_ABI, MODULE_VERSION, REAL_BINARY, fakeAddon } from '../../support/native-fakes';
import { REPO_ROOT } from '../../support/tmp';

const requireHere = createRequire(__filename);

describe('per-target packages: targets', () => {
  it('each vsce target maps to the platform, CPU and C library better-sqlite3 names its builds by', () => {
    const rows = VSCE_TARGETS.map((t) => {
      const p = targetPlatform(t);
      return `${t} ${p.platform} ${p.arch} ${p.libc ?? '-'} ${p.desktop ? 'desktop' : 'server-only'}`;
    });
    assert.deepEqual(rows, [
      'linux-x64 linux x64 glibc desktop',
      'linux-arm64 linux arm64 glibc desktop',
      'alpine-x64 linux x64 musl server-only',
      'darwin-x64 darwin x64 - desktop',
      'darwin-arm64 darwin arm64 - desktop',
      'win32-x64 win32 x64 - desktop',
      'win32-arm64 win32 arm64 - desktop',
    ]);
    for (const t of VSCE_TARGETS) {
      const p = targetPlatform(t);
      assert.equal(targetFor(p.platform, p.arch, p.libc), t);
    }
    assert.equal(targetFor('linux', 'ia32'), undefined);
    assert.equal(targetFor(process.platform, process.arch, currentLibc()), `${process.platform}-${process.arch}`); // this glibc machine
  });

  it('release file names and URLs are exactly the ones prebuild-install asks GitHub for', () => {
    const util = requireHere('prebuild-install/util') as { getDownloadUrl(o: object): string };
    const pkg = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'),
    ) as object;
    for (const t of VSCE_TARGETS) {
      const tp = targetPlatform(t);
      for (const b of runtimeBuildsFor(tp)) {
        const ours = prebuildUrl(MODULE_VERSION, prebuildAssetName(MODULE_VERSION, b, tp));
        // prebuild-install's rc.js: libc is '' except for a non-glibc Linux.
        const theirs = util.getDownloadUrl({
          pkg,
          runtime: b.runtime,
          abi: String(b.abi),
          platform: tp.platform,
          arch: tp.arch,
          libc: tp.libc === 'musl' ? 'musl' : '',
          'tag-prefix': 'v',
        });
        assert.equal(ours, theirs);
      }
    }
    assert.equal(
      prebuildAssetName('12.11.1', { runtime: 'node', abi: 115 }, targetPlatform('alpine-x64')),
      'better-sqlite3-v12.11.1-node-v115-linuxmusl-x64.tar.gz',
    );
  });
});

describe('per-target packages: runtimes', () => {
  it('the first Electron row is the oldest VS Code that engines.vscode allows', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      engines: { vscode: string };
    };
    const oldest = /^\^(\d+\.\d+\.\d+)$/.exec(pkg.engines.vscode)?.[1];
    assert.ok(oldest, `engines.vscode ${pkg.engines.vscode} is a caret range`);
    assert.equal(ELECTRON_FOR_VSCODE[0].vscode, oldest);
    assert.equal(ELECTRON_FOR_VSCODE[0].electron, '34.5.1'); // microsoft/vscode 1.100.x .npmrc: target="34.5.1"
  });

  it('ABIs come from node-abi: Electron 34 is NODE_MODULE_VERSION 132, and this Node’s matches process.versions', () => {
    assert.equal(abiOf('electron', '34.5.1'), 132); // Electron 34 release notes: NODE_MODULE_VERSION 132
    assert.equal(abiOf('node', process.versions.node), HOST_ABI);
    const abis = runtimeBuildsFor(targetPlatform('linux-x64')).map((b) => b.abi);
    assert.equal(new Set(abis).size, abis.length, `one build per ABI: ${abis.join(', ')}`);
    const rows = ELECTRON_FOR_VSCODE.map((r) => r.vscode.split('.').map(Number));
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i][1] > rows[i - 1][1], 'rows in VS Code order');
  });

  it('desktop targets carry every Electron and every Node build; Alpine (no desktop VS Code) only Node', () => {
    const linux = runtimeBuildsFor(targetPlatform('linux-x64'));
    assert.equal(linux.length, ELECTRON_FOR_VSCODE.length + NODE_MAJORS.length);
    assert.equal(linux[0].usedBy, 'VS Code 1.100');
    assert.deepEqual(
      runtimeBuildsFor(targetPlatform('alpine-x64')).map((b) => b.runtime),
      NODE_MAJORS.map(() => 'node'),
    );
  });
});

describe('per-target packages: the binary check', () => {
  const linux = targetPlatform(`linux-${process.arch}` as 'linux-x64');
  it('accepts a binary for the wanted platform and ABI', () => {
    assert.equal(
      refuseMismatch(REAL_BINARY, { runtime: 'node', version: process.versions.node, abi: HOST_ABI }, linux),
      undefined,
    );
    assert.equal(
      refuseMismatch(fakeAddon(132), { runtime: 'electron', version: '34.5.1', abi: 132 }, linux),
      undefined,
    );
  });

  it('refuses a Node build offered as the Electron one (what node-gyp with nodedir=/usr quietly makes)', () => {
    const why = refuseMismatch(REAL_BINARY, { runtime: 'electron', version: '34.5.1', abi: 132 }, linux);
    assert.match(why ?? '', new RegExp(`NODE_MODULE_VERSION ${HOST_ABI} is not 132`));
    assert.match(why ?? '', /wanted linux-x64 \(Electron 34\.5\.1, NODE_MODULE_VERSION 132\)/);
  });

  it('refuses a binary for another platform or C library', () => {
    assert.match(
      refuseMismatch(REAL_BINARY, { runtime: 'node', version: '20.0.0', abi: HOST_ABI }, targetPlatform('win32-x64')) ??
        '',
      /platform linux is not win32/,
    );
    assert.match(
      refuseMismatch(
        REAL_BINARY,
        { runtime: 'node', version: '20.0.0', abi: HOST_ABI },
        targetPlatform('alpine-x64'),
      ) ?? '',
      /C library glibc is not musl/,
    );
    assert.match(
      refuseMismatch(
        REAL_BINARY,
        { runtime: 'node', version: '20.0.0', abi: HOST_ABI },
        targetPlatform('linux-arm64'),
      ) ?? '',
      /architecture x64 is not arm64/,
    );
  });
});
