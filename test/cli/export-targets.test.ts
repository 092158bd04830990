// The built CLI's export against targets it must not harm (issue 20): a device node, a FIFO, a folder,
// and a full disk (`ulimit -f`). Each is exit 1 with a message naming the export file, the thing at the
// path left exactly as it was, no partial file left, and no snapshot recorded, so that the same export
// to a good path then succeeds under the same name.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/core/store/open';
import { seedBrowseFixture } from '../support/browse-fixture';
import { w2s, type CliResult } from '../support/cli';
import { tempDir } from '../support/tmp';

function workspace(): string {
  const cwd = tempDir();
  const store = openStore(path.join(cwd, '.w2s', 'w2s.db'));
  seedBrowseFixture(store);
  store.close();
  return cwd;
}

function failure(r: CliResult): { code: string; message: string } {
  assert.equal(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /unexpected error|please report|\n\s+at /, r.stderr);
  return (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
}

async function snapshots(cwd: string): Promise<string[]> {
  const r = await w2s(['datasets', '--json'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { datasets?: { name: string }[] } | { name: string }[];
  return (Array.isArray(doc) ? doc : (doc.datasets ?? [])).map((d) => d.name);
}

const isRoot = process.getuid?.() === 0;

describe('w2s export never replaces what is not a regular file it wrote (built CLI)', () => {
  it(
    'a device node (mknod, as /dev/full) is refused and left a device; no dataset_info.json, no snapshot; the retry to a file succeeds',
    { skip: isRoot ? false : 'mknod needs root' },
    async () => {
      const cwd = workspace();
      const dev = path.join(cwd, 'devs');
      fs.mkdirSync(dev);
      const full = path.join(dev, 'full');
      execFileSync('mknod', [full, 'c', '1', '7']); // the kernel's /dev/full: every write fails with ENOSPC
      const before = fs.lstatSync(full);
      const r = await w2s(['export', '--preset', 'w2sr', '--name', 'd', '--out', full, '--json'], { cwd });
      const e = failure(r);
      assert.equal(e.code, 'EXPORT_TARGET');
      assert.match(
        e.message,
        new RegExp(`${full.replace(/[/.]/g, '\\$&')}: it is a device, not a regular file; it was left as it is`),
      );
      const after = fs.lstatSync(full);
      assert.ok(after.isCharacterDevice(), 'still a device');
      assert.equal(after.rdev, before.rdev);
      assert.deepEqual(fs.readdirSync(dev), ['full'], 'no dataset_info.json and no partial file beside it');
      assert.deepEqual(await snapshots(cwd), []);
      const ok = await w2s(['export', '--preset', 'w2sr', '--name', 'd', '--out', path.join(dev, 'd.jsonl')], { cwd });
      assert.equal(ok.code, 0, ok.stderr);
    },
  );

  it('a FIFO as --out, or as the dataset_info.json beside it, is refused before anything is read or written', async () => {
    const cwd = workspace();
    const fifo = path.join(cwd, 'pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    const e = failure(
      await w2s(['export', '--preset', 'w2sr', '--name', 'f', '--out', fifo, '--json'], { cwd, timeoutMs: 30_000 }),
    );
    assert.match(e.message, /it is a named pipe \(FIFO\), not a regular file/);
    assert.ok(fs.lstatSync(fifo).isFIFO());

    const data = path.join(cwd, 'data');
    fs.mkdirSync(data);
    execFileSync('mkfifo', [path.join(data, 'dataset_info.json')]);
    const r = await w2s(['export', '--preset', 'w2sr', '--name', 'f', '--out', path.join(data, 'f.jsonl'), '--json'], {
      cwd,
      timeoutMs: 30_000,
    });
    assert.equal(r.timedOut, false, 'did not block reading the FIFO');
    assert.match(failure(r).message, /dataset_info\.json: it is a named pipe/);
    assert.deepEqual(fs.readdirSync(data), ['dataset_info.json']);
    assert.deepEqual(await snapshots(cwd), []);
  });

  it('a folder as --out: a clear error (no stack), no snapshot, so the retry under the same name succeeds', async () => {
    const cwd = workspace();
    const folder = path.join(cwd, 'exports');
    fs.mkdirSync(folder);
    const e = failure(await w2s(['export', '--preset', 'w2sr', '--name', 'again', '--out', folder, '--json'], { cwd }));
    assert.equal(e.code, 'EXPORT_TARGET');
    assert.match(e.message, /it is a folder, not a regular file.*Give a file path, such as .*exports\/dataset\.jsonl/);
    assert.deepEqual(fs.readdirSync(folder), []);
    assert.deepEqual(await snapshots(cwd), []);
    const ok = await w2s(['export', '--preset', 'w2sr', '--name', 'again', '--out', path.join(folder, 'again.jsonl')], {
      cwd,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(await snapshots(cwd), ['again']);
  });

  it('a full disk (ulimit -f): exit 1 naming the export file, the previous file byte for byte, no partial, no snapshot', async () => {
    const cwd = workspace();
    const out = path.join(cwd, 'data', 'all.jsonl');
    const first = await w2s(['export', '--preset', 'w2sr-p', '--name', 'small', '--out', out], { cwd });
    assert.equal(first.code, 0, first.stderr);
    const previous = fs.readFileSync(out);
    const info = fs.readFileSync(path.join(cwd, 'data', 'dataset_info.json'));
    // above SQLite's 32 KB -shm file, below the whole selection (checked at the end)
    const limitKb = 40;
    assert.ok(previous.length < limitKb * 1024);
    const r = await w2s(['export', '--preset', 'w2sr', '--name', 'big', '--out', out, '--json'], {
      cwd,
      fileSizeLimitKb: limitKb,
    });
    const e = failure(r);
    assert.equal(e.code, 'EXPORT_WRITE');
    assert.match(
      e.message,
      new RegExp(
        `^Cannot write ${out.replace(/[/.]/g, '\\$&')}: the file may not grow any further .*\\(EFBIG\\)\\. The previous file, if any, is unchanged and no snapshot was recorded`,
      ),
    );
    assert.doesNotMatch(e.message, /store/);
    assert.deepEqual(fs.readFileSync(out), previous, 'the previous export is intact');
    assert.deepEqual(fs.readFileSync(path.join(cwd, 'data', 'dataset_info.json')), info);
    assert.deepEqual(
      fs.readdirSync(path.join(cwd, 'data')).sort(),
      ['all.jsonl', 'dataset_info.json'],
      'no partial file left',
    );
    assert.deepEqual(await snapshots(cwd), ['small']);

    // without the limit the same export succeeds, and its recorded SHA is that of the bytes on disk
    const ok = await w2s(['export', '--preset', 'w2sr', '--name', 'big', '--out', out, '--json'], { cwd });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(fs.statSync(out).size > limitKb * 1024, 'the export is larger than the limit was');
    const sha = (JSON.parse(ok.stdout) as { snapshot: { counts: { sha256: { train: string } } } }).snapshot.counts
      .sha256.train;
    const { createHash } = await import('node:crypto');
    assert.equal(sha, createHash('sha256').update(fs.readFileSync(out)).digest('hex'));
  });
});
