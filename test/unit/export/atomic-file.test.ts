// The export's file writer (src/core/export/atomic-file.ts): what it replaces, what it refuses, what a
// failure leaves behind, and that the SHA it reports is that of the bytes on disk.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  checkTarget,
  createAtomicFile,
  partialName,
  removeStalePartials,
  writeError,
} from '../../../src/core/export/atomic-file';
import { W2sError } from '../../../src/core/errors';
import { tempDir } from '../../support/tmp';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('atomic export files', () => {
  it('writes under a partial name, renames into place on commit, and reports the SHA and size of the bytes on disk', () => {
    const dir = tempDir();
    const file = path.join(dir, 'sub', 'out.jsonl');
    const f = createAtomicFile(file);
    assert.equal(f.partial, partialName(file));
    assert.equal(path.basename(f.partial), `.out.jsonl.${process.pid}.partial`);
    // more than one 1 MB chunk, with multi-byte characters
    const line = `${JSON.stringify({ text: 'é→😀'.repeat(1000) })}\n`;
    let expected = '';
    for (let i = 0; i < 400; i++) {
      f.write(line);
      expected += line;
    }
    assert.equal(f.bytes, Buffer.byteLength(expected));
    assert.equal(fs.existsSync(file), false, 'nothing under the real name before commit');
    const digest = f.sha256();
    f.finish();
    assert.equal(fs.existsSync(file), false, 'finish does not rename');
    f.commit();
    assert.equal(fs.readFileSync(file, 'utf8'), expected);
    assert.equal(digest, sha(fs.readFileSync(file)));
    assert.equal(f.bytes, fs.statSync(file).size);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['out.jsonl']);
  });

  it('replaces an existing regular file; abort keeps the previous one and removes the partial', () => {
    const dir = tempDir();
    const file = path.join(dir, 'out.jsonl');
    fs.writeFileSync(file, 'previous\n');
    const a = createAtomicFile(file);
    a.write('new\n');
    a.abort();
    a.abort(); // twice is harmless
    assert.equal(fs.readFileSync(file, 'utf8'), 'previous\n');
    assert.deepEqual(fs.readdirSync(dir), ['out.jsonl']);
    const b = createAtomicFile(file);
    b.write('new\n');
    b.commit();
    assert.equal(fs.readFileSync(file, 'utf8'), 'new\n');
  });

  it('refuses a folder, a FIFO, a symbolic link and (as root) a device, leaving each as it was', () => {
    const dir = tempDir();
    const folder = path.join(dir, 'folder');
    fs.mkdirSync(folder);
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const target = path.join(dir, 'target.jsonl');
    fs.writeFileSync(target, 'kept\n');
    const link = path.join(dir, 'link.jsonl');
    fs.symlinkSync(target, link);
    const cases: [string, RegExp][] = [
      [
        folder,
        /it is a folder, not a regular file; it was left as it is\. Give a file path, such as .*folder\/dataset\.jsonl\.$/,
      ],
      [fifo, /it is a named pipe \(FIFO\), not a regular file; it was left as it is\. Give the path of a regular file/],
      [link, /it is a symbolic link, not a regular file/],
    ];
    if (process.getuid?.() === 0) {
      const dev = path.join(dir, 'null');
      execFileSync('mknod', [dev, 'c', '1', '3']);
      cases.push([dev, /it is a device, not a regular file/]);
    }
    const before = fs.readdirSync(dir).sort();
    for (const [p, message] of cases) {
      assert.throws(
        () => createAtomicFile(p),
        (e: unknown) =>
          e instanceof W2sError &&
          e.code === 'EXPORT_TARGET' &&
          message.test(e.message) &&
          e.message.startsWith(`Cannot export to ${p}: `),
      );
      assert.throws(() => checkTarget(p), W2sError);
    }
    assert.deepEqual(fs.readdirSync(dir).sort(), before, 'no partial file was made');
    assert.ok(fs.lstatSync(fifo).isFIFO());
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(fs.readFileSync(target, 'utf8'), 'kept\n');
    assert.doesNotThrow(() => checkTarget(path.join(dir, 'absent.jsonl')));
    assert.doesNotThrow(() => checkTarget(target));
  });

  it('a folder put at the path while the file was written is refused at commit, and the partial stays for abort', () => {
    const dir = tempDir();
    const file = path.join(dir, 'out.jsonl');
    const f = createAtomicFile(file);
    f.write('x\n');
    fs.mkdirSync(file);
    assert.throws(() => f.commit(), /it is a folder/);
    f.abort();
    assert.deepEqual(fs.readdirSync(dir), ['out.jsonl']);
    assert.ok(fs.statSync(file).isDirectory());
  });

  it('writes in 1 MB chunks: nothing on disk below a chunk, a whole chunk as soon as it is full', () => {
    const dir = tempDir();
    const f = createAtomicFile(path.join(dir, 'out.jsonl'));
    f.write('a');
    assert.equal(fs.statSync(f.partial).size, 0);
    f.write('x'.repeat((1 << 20) - 2));
    assert.equal(fs.statSync(f.partial).size, 0, 'one byte short of a chunk');
    f.write('y');
    assert.equal(fs.statSync(f.partial).size, 1 << 20, 'exactly a chunk: written');
    f.write('z');
    assert.equal(f.bytes, (1 << 20) + 1);
    f.commit();
    assert.equal(fs.statSync(path.join(dir, 'out.jsonl')).size, (1 << 20) + 1);
  });

  it('closes its file whatever happens: no descriptor left after commit, abort, or abort after commit', () => {
    const dir = tempDir();
    const open = () => fs.readdirSync('/proc/self/fd').length;
    const before = open();
    const a = createAtomicFile(path.join(dir, 'a.jsonl'));
    a.write('a\n');
    a.abort();
    assert.equal(open(), before, 'abort closed it');
    const b = createAtomicFile(path.join(dir, 'b.jsonl'));
    b.write('b\n');
    b.commit();
    assert.equal(open(), before, 'commit closed it');
    // a descriptor opened since must survive an abort after the commit (no second close of a reused number)
    const other = fs.openSync(path.join(dir, 'other'), 'w');
    b.abort();
    assert.doesNotThrow(() => fs.fstatSync(other));
    fs.closeSync(other);
    assert.equal(fs.readFileSync(path.join(dir, 'b.jsonl'), 'utf8'), 'b\n', 'abort after commit leaves the file');
  });

  it('a rename that fails (the partial gone) is an export error; a folder at the partial name fails the start', () => {
    const dir = tempDir();
    const file = path.join(dir, 'out.jsonl');
    const f = createAtomicFile(file);
    f.write('x\n');
    f.finish();
    fs.rmSync(f.partial);
    assert.throws(
      () => f.commit(),
      (e: unknown) => e instanceof W2sError && e.code === 'EXPORT_WRITE' && /\(ENOENT\)/.test(e.message),
    );
    fs.mkdirSync(path.join(partialName(file), 'inside'), { recursive: true });
    assert.throws(
      () => createAtomicFile(file),
      (e: unknown) =>
        e instanceof W2sError && e.code === 'EXPORT_WRITE' && e.message.startsWith(`Cannot write ${file}: `),
    );
  });

  it('a socket at the path is refused; a path through a regular file fails naming it', async () => {
    const dir = tempDir();
    const sock = path.join(dir, 'sock.jsonl');
    const server = net.createServer().listen(sock);
    await new Promise((r) => server.once('listening', r));
    try {
      assert.throws(() => checkTarget(sock), /it is a socket, not a regular file/);
    } finally {
      server.close();
    }
    const plain = path.join(dir, 'plain.txt');
    fs.writeFileSync(plain, 'x');
    assert.throws(
      () => checkTarget(path.join(plain, 'out.jsonl')),
      (e: unknown) =>
        e instanceof W2sError &&
        e.code === 'EXPORT_WRITE' &&
        /a part of that path is a file, not a folder \(ENOTDIR\)/.test(e.message),
    );
  });

  it('write failures name the export file and the cause, never the store', () => {
    const file = '/data/out.jsonl';
    // each cause with the advice that helps with it: free space only when the disk is full
    const cases: [string, RegExp, string][] = [
      ['ENOSPC', /: the disk is full \(ENOSPC\)\./, 'free some space or choose another --out'],
      ['EDQUOT', /: the disk is full \(EDQUOT\)\./, 'free some space or choose another --out'],
      [
        'EFBIG',
        /: the file may not grow any further \(a file-size limit\) \(EFBIG\)\./,
        'choose another --out on a disk without that limit',
      ],
      ['EACCES', /: permission denied \(EACCES\)\./, 'make that folder writable or choose another --out'],
      ['EPERM', /: permission denied \(EPERM\)\./, 'make that folder writable or choose another --out'],
      ['EROFS', /: the disk is read-only \(EROFS\)\./, 'choose another --out on a writable disk'],
      [
        'ENOTDIR',
        /: a part of that path is a file, not a folder \(ENOTDIR\)\./,
        'fix the path or choose another --out',
      ],
      ['EEXIST', /: a part of that path is a file, not a folder \(EEXIST\)\./, 'fix the path or choose another --out'],
      [
        'EIO',
        /^Cannot write \/data\/out\.jsonl: boom \(EIO\)\. The previous/,
        'choose another --out, or fix the cause above',
      ],
    ];
    for (const [code, message, advice] of cases) {
      const e = writeError(file, Object.assign(new Error('boom'), { code }));
      assert.equal(e.code, 'EXPORT_WRITE');
      assert.match(e.message, message);
      assert.ok(e.message.startsWith(`Cannot write ${file}: `), e.message);
      assert.match(e.message, /The previous file, if any, is unchanged and no snapshot was recorded/);
      assert.ok(e.message.endsWith(`; ${advice}, then export again.`), `${code}: ${e.message}`);
      assert.equal(e.message.includes('free some space'), code === 'ENOSPC' || code === 'EDQUOT', e.message);
      assert.doesNotMatch(e.message, /store/);
    }
    assert.match(
      writeError(file, new Error('plain')).message,
      /^Cannot write \/data\/out\.jsonl: plain\. The previous file/,
    );
    assert.match(writeError(file, 'a string').message, /^Cannot write \/data\/out\.jsonl: a string\. /);
    assert.match(writeError(file, undefined).message, /^Cannot write \/data\/out\.jsonl: undefined\. /);
    const own = new W2sError('already said', 'X');
    assert.equal(writeError(file, own), own);
  });

  it('a write past a file-size limit fails the file (not a cut-off file under the real name)', async () => {
    // a child process under `ulimit -f` (SIGXFSZ ignored: writes fail with EFBIG, as on a full disk)
    const dir = tempDir();
    const file = path.join(dir, 'out.jsonl');
    fs.writeFileSync(file, 'previous\n');
    const script = `
      const { createAtomicFile } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/core/export/atomic-file.ts'))});
      const f = createAtomicFile(${JSON.stringify(file)});
      try {
        for (let i = 0; i < 3000; i++) f.write('x'.repeat(100) + '\\n');
        f.commit();
        console.log('committed');
      } catch (e) {
        f.abort();
        console.log(e.code + ' ' + e.message);
      }`;
    const out = await new Promise<string>((resolve) => {
      const child = spawn(
        'sh',
        ['-c', `trap '' XFSZ; ulimit -f 200; exec "$0" "$@"`, process.execPath, '--import', 'tsx', '-e', script],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let s = '';
      child.stdout.on('data', (d: Buffer) => (s += d.toString()));
      child.on('close', () => resolve(s));
    });
    assert.match(out, /^EXPORT_WRITE Cannot write .*out\.jsonl: the file may not grow any further/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'previous\n');
    assert.deepEqual(fs.readdirSync(dir), ['out.jsonl']);
  });

  it('removes the partial files of processes that are gone, and keeps those of live ones', () => {
    const dir = tempDir();
    const file = path.join(dir, 'out.jsonl');
    const dead = partialName(file, 2 ** 22 + 12345); // above pid_max's default: no such process
    const live = partialName(file, process.ppid);
    const other = path.join(dir, '.other.jsonl.1.partial');
    for (const p of [dead, live, other]) fs.writeFileSync(p, 'x');
    fs.writeFileSync(path.join(dir, '.out.jsonl.notapid.partial'), 'x');
    // not a partial (no suffix), though the digits in it name a process that is gone
    fs.writeFileSync(path.join(dir, '.out.jsonl.12345678901234567'), 'x');
    assert.deepEqual(removeStalePartials(file), [path.basename(dead)]);
    assert.deepEqual(
      fs.readdirSync(dir).sort(),
      [
        '.other.jsonl.1.partial',
        '.out.jsonl.12345678901234567',
        '.out.jsonl.notapid.partial',
        path.basename(live),
      ].sort(),
    );
    assert.deepEqual(removeStalePartials(path.join(dir, 'missing', 'x.jsonl')), []);
  });
});
