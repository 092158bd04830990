import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';

/**
 * A file written under a temporary name in the same folder (`.NAME.PID.partial`) and renamed into place
 * only when complete: a killed or cancelled export never leaves a half file under the real name.
 * Writes are buffered into large chunks (one write per ~1 MB), each hashed as it is written (the
 * UTF-8 bytes are made once, for both). Every write is checked (a short write, a full disk, a file-size
 * limit fail the file), and only a regular file is ever replaced: a device, FIFO, socket, folder or
 * link at the target is refused before anything is written, and again just before the rename.
 */
export interface AtomicFile {
  readonly file: string;
  readonly partial: string;
  write(text: string): void;
  readonly bytes: number;
  /** SHA-256 (hex) of everything written; call once, after the last write. */
  sha256(): string;
  /** Flushes, fsyncs, checks the size on disk against what was written, and closes (no rename yet). */
  finish(): void;
  /** Renames the finished file into place (finishing it first when needed). */
  commit(): void;
  /** Removes the partial file. */
  abort(): void;
}

const CHUNK = 1 << 20;

export function partialName(file: string, pid = process.pid): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${pid}.partial`);
}

/** What the thing at `file` is, in words, when it is not a regular file we may replace; undefined when it is one, or absent. */
function notRegular(file: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw writeError(file, e);
  }
  if (st.isFile()) return undefined;
  return st.isDirectory()
    ? 'a folder'
    : st.isSymbolicLink()
      ? 'a symbolic link'
      : st.isCharacterDevice() || st.isBlockDevice()
        ? 'a device'
        : st.isFIFO()
          ? 'a named pipe (FIFO)'
          : st.isSocket()
            ? 'a socket'
            : 'not a regular file';
}

/** Refuses a target that is not a regular file (or absent): an export never replaces what is not a file it wrote. */
export function checkTarget(file: string): void {
  const what = notRegular(file);
  if (!what) return;
  const hint =
    what === 'a folder'
      ? ` Give a file path, such as ${path.join(file, 'dataset.jsonl')}.`
      : ' Give the path of a regular file (new or one to replace).';
  throw new W2sError(
    `Cannot export to ${file}: it is ${what}, not a regular file; it was left as it is.${hint}`,
    'EXPORT_TARGET',
  );
}

/** A failed write as a W2sError naming the export file (not the store), and saying nothing was replaced. */
export function writeError(file: string, e: unknown): W2sError {
  if (e instanceof W2sError) return e;
  // anything may be thrown: a value without a code (or no value at all) is described as it is
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  // what happened, and the one thing that helps with it: space only when the disk is full
  const [why, advice] =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? ['the disk is full', 'free some space or choose another --out']
      : code === 'EFBIG'
        ? ['the file may not grow any further (a file-size limit)', 'choose another --out on a disk without that limit']
        : code === 'EACCES' || code === 'EPERM'
          ? ['permission denied', 'make that folder writable or choose another --out']
          : code === 'EROFS'
            ? ['the disk is read-only', 'choose another --out on a writable disk']
            : code === 'ENOTDIR' || code === 'EEXIST'
              ? ['a part of that path is a file, not a folder', 'fix the path or choose another --out']
              : [(e as Error)?.message ?? String(e), 'choose another --out, or fix the cause above'];
  return new W2sError(
    `Cannot write ${file}: ${why}${code ? ` (${code})` : ''}. The previous file, if any, is unchanged and no snapshot was recorded; ${advice}, then export again.`,
    'EXPORT_WRITE',
  );
}

/** Writes all of `buf` at the file's position, looping over short writes; a write that makes no progress fails. */
function writeAll(fd: number, buf: Buffer, file: string): void {
  for (let at = 0; at < buf.length;) {
    const n = fs.writeSync(fd, buf, at, buf.length - at);
    if (n <= 0) throw writeError(file, Object.assign(new Error('a write made no progress'), { code: 'EIO' }));
    at += n;
  }
}

export function createAtomicFile(file: string): AtomicFile {
  checkTarget(file);
  let fd: number;
  const partial = partialName(file);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    removeStalePartials(file);
    // 'wx': the partial is a new file of ours (a stale one was removed above), never something put there
    fs.rmSync(partial, { force: true });
    fd = fs.openSync(partial, 'wx');
  } catch (e) {
    throw writeError(file, e);
  }
  let pending: string[] = [];
  let pendingLength = 0;
  let bytes = 0;
  let closed = false;
  let finished = false;
  const hash = createHash('sha256');
  const flush = () => {
    if (pending.length === 0) return;
    const buf = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    pendingLength = 0;
    hash.update(buf);
    try {
      writeAll(fd, buf, file);
    } catch (e) {
      throw writeError(file, e);
    }
    bytes += buf.length;
  };
  const finish = () => {
    if (finished) return;
    flush();
    try {
      fs.fsyncSync(fd);
      // the bytes on disk are those hashed: the size is checked too (a file system that dropped a write)
      const size = fs.fstatSync(fd).size;
      if (size !== bytes) throw Object.assign(new Error(`${size} bytes on disk, ${bytes} written`), { code: 'EIO' });
      fs.closeSync(fd);
    } catch (e) {
      throw writeError(file, e);
    }
    closed = true;
    finished = true;
  };
  return {
    file,
    partial,
    write(text) {
      pending.push(text);
      pendingLength += text.length;
      if (pendingLength >= CHUNK) flush();
    },
    get bytes() {
      return bytes + Buffer.byteLength(pending.join(''), 'utf8');
    },
    sha256() {
      flush();
      return hash.digest('hex');
    },
    finish,
    commit() {
      finish();
      // checked again: something may have been put at the path while the file was written
      checkTarget(file);
      try {
        fs.renameSync(partial, file);
      } catch (e) {
        throw writeError(file, e);
      }
    },
    abort() {
      if (!closed) {
        try {
          fs.closeSync(fd);
        } catch {
          // already unusable: removing it is what matters
        }
      }
      closed = true;
      fs.rmSync(partial, { force: true });
    },
  };
}

/** Partial files of this target left by processes that no longer run (a kill -9 of an export). */
export function removeStalePartials(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of entries) {
    if (!name.startsWith(prefix) || !name.endsWith('.partial')) continue;
    const pid = Number(name.slice(prefix.length, -'.partial'.length));
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
