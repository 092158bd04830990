import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { loadSqliteBinding } from '../../../src/core/native/load-binding';
import { MANIFEST_FILE, NATIVE_DIR, type NativeManifest } from '../../../src/core/native/manifest';
import { currentTargetName } from '../../../src/core/native/targets';
import { openSqlite, useSqliteBinding } from '../../../src/core/store/sqlite';
import { HOST_ABI, REAL_BINARY, fakeAddon } from '../../support/native-fakes';
import { tempDir, writeFile } from '../../support/tmp';

const HERE = currentTargetName();

/** A package root with native/ holding these builds (file → binary to copy). */
function packageRoot(
  target: string,
  builds: { runtime: 'electron' | 'node'; version: string; abi: number; binary: string }[],
): string {
  const root = tempDir('w2s-pkg-');
  fs.mkdirSync(path.join(root, NATIVE_DIR));
  const manifest = {
    module: 'better-sqlite3',
    moduleVersion: '12.11.1',
    target,
    builds: builds.map((b) => {
      const file = `better_sqlite3-${b.runtime}-v${b.abi}.node`;
      fs.copyFileSync(b.binary, path.join(root, NATIVE_DIR, file));
      return { file, runtime: b.runtime, version: b.version, abi: b.abi, usedBy: 'test' };
    }),
  } as NativeManifest;
  fs.writeFileSync(path.join(root, NATIVE_DIR, MANIFEST_FILE), JSON.stringify(manifest));
  return root;
}

describe('loading the SQLite module once, for this runtime', () => {
  it('a checkout (no package root) loads node_modules’ build, and connections then use it', () => {
    const r = loadSqliteBinding({});
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.source, 'node_modules');
    assert.equal(fs.realpathSync(r.file), fs.realpathSync(REAL_BINARY));
    useSqliteBinding(r.binding);
    try {
      const db = openSqlite(':memory:');
      assert.equal((db.prepare('SELECT 6 * 7 AS n').get() as { n: number }).n, 42);
      db.close();
    } finally {
      useSqliteBinding(undefined);
    }
  });

  it('a per-target package picks the build whose ABI is this runtime’s, among others', () => {
    const root = packageRoot(HERE, [
      { runtime: 'electron', version: '34.5.1', abi: 132, binary: fakeAddon(132) },
      { runtime: 'node', version: process.versions.node, abi: HOST_ABI, binary: REAL_BINARY },
      { runtime: 'node', version: '22.0.0', abi: 127, binary: fakeAddon(127) },
    ]);
    const r = loadSqliteBinding({ root, version: '0.1.0' });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.source, 'package');
    assert.equal(r.file, path.join(root, NATIVE_DIR, `better_sqlite3-node-v${HOST_ABI}.node`));
    const db = openSqlite(':memory:', { nativeBinding: r.binding as unknown as string });
    assert.equal((db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v.split('.')[0], '3');
    db.close();
  });

  it('a package without a build for this ABI says which it has, which is wanted, and what to install', () => {
    const root = packageRoot(HERE, [{ runtime: 'electron', version: '34.5.1', abi: 132, binary: fakeAddon(132) }]);
    const r = loadSqliteBinding({ root, version: '0.1.0' });
    assert.ok(!r.ok);
    assert.equal(r.problem.neededTarget, HERE);
    assert.match(
      r.problem.message,
      new RegExp(`runs extensions on Node ${process.versions.node} \\(NODE_MODULE_VERSION ${HOST_ABI}\\)`),
    );
    assert.match(r.problem.message, /carries builds for NODE_MODULE_VERSION 132 \(Electron 34\.5\.1\) only/);
    assert.match(r.problem.message, new RegExp(`release built for this VS Code, for ${HERE}`));
    assert.match(
      r.problem.detail,
      new RegExp(
        `found NODE_MODULE_VERSION 132 \\(Electron 34\\.5\\.1\\) in .*; wanted Node .*NODE_MODULE_VERSION ${HOST_ABI}\\) on ${HERE}`,
      ),
    );
  });

  it('the package for another platform names the one this machine needs', () => {
    const other = HERE === 'darwin-arm64' ? 'win32-x64' : 'darwin-arm64';
    const root = packageRoot(other, [
      { runtime: 'node', version: process.versions.node, abi: HOST_ABI, binary: REAL_BINARY },
    ]);
    const r = loadSqliteBinding({ root, version: '0.1.0' });
    assert.ok(!r.ok);
    assert.match(
      r.problem.message,
      new RegExp(
        `this is the package for ${other}, and this machine needs ${HERE}\\. Install W2S Studio for ${HERE} .*w2s-studio-${HERE}-0\\.1\\.0\\.vsix`,
      ),
    );
  });

  it('a binary built for another ABI is refused by Node; the problem names the ABI found and wanted', () => {
    const bad = fakeAddon(132);
    const r = loadSqliteBinding({ override: bad });
    assert.ok(!r.ok);
    assert.match(
      r.problem.message,
      /fake-v132\.node was built for NODE_MODULE_VERSION 132\. Point W2S_SQLITE_BINDING at a better-sqlite3 build for this runtime/,
    );
    assert.match(
      r.problem.detail,
      new RegExp(
        `found ELF linux-${process.arch} \\(glibc\\), NODE_MODULE_VERSION 132 in .*; wanted Node ${process.versions.node} \\(NODE_MODULE_VERSION ${HOST_ABI}\\)`,
      ),
    );
    assert.match(r.problem.detail, /loader said: .*compiled against a different Node\.js version/s);
  });

  it('a file that is no native module at all, and a damaged manifest, are problems too (never a throw)', () => {
    const junk = writeFile(tempDir(), 'better_sqlite3.node', 'not a shared object');
    const r = loadSqliteBinding({ override: junk });
    assert.ok(!r.ok);
    assert.match(r.problem.message, /better_sqlite3\.node does not load/);
    assert.match(r.problem.detail, /found not a native module/);
    const root = tempDir('w2s-pkg-');
    writeFile(root, path.join(NATIVE_DIR, MANIFEST_FILE), '{"target": "linux-x64", "builds": [');
    const damaged = loadSqliteBinding({ root });
    assert.ok(!damaged.ok);
    assert.match(damaged.problem.message, /package is damaged: .*manifest\.json is not valid JSON/);
  });
});
