import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A file written under a temporary name in the same folder (`.NAME.PID.partial`) and renamed into place
 * only when complete: a killed or cancelled export never leaves a half file under the real name.
 * Writes are buffered into large chunks (one write per ~1 MB), each hashed as it is written (the
 * UTF-8 bytes are made once, for both).
 */
export interface AtomicFile {
  readonly file: string;
  readonly partial: string;
  write(text: string): void;
  readonly bytes: number;
  /** SHA-256 (hex) of everything written; call once, after the last write. */
  sha256(): string;
  /** Flushes, fsyncs and renames into place. */
  commit(): void;
  /** Removes the partial file. */
  abort(): void;
}

const CHUNK = 1 << 20;

export function partialName(file: string, pid = process.pid): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${pid}.partial`);
}

export function createAtomicFile(file: string): AtomicFile {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  removeStalePartials(file);
  const partial = partialName(file);
  const fd = fs.openSync(partial, 'w');
  let pending: string[] = [];
  let pendingLength = 0;
  let bytes = 0;
  let closed = false;
  const hash = createHash('sha256');
  const flush = () => {
    if (pending.length === 0) return;
    const buf = Buffer.from(pending.join(''), 'utf8');
    hash.update(buf);
    fs.writeSync(fd, buf);
    bytes += buf.length;
    pending = [];
    pendingLength = 0;
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
    commit() {
      flush();
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      closed = true;
      fs.renameSync(partial, file);
    },
    abort() {
      if (!closed) fs.closeSync(fd);
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
