// Paths in the repository are relative to it: an absolute path of the machine a file was written on
// (a home folder, this workplace's folders, a temporary folder) means nothing on another machine and
// leaks where the work was done. Every tracked text file is read (git ls-files).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');

// Written so that this file does not match itself. A path must start at a boundary (start of line,
// space, quote, bracket, "=", ":" or "(") so that URLs and relative paths (src/home/x) never match.
const START = String.raw`(?:^|[\s"'\x60(\[=:,])`;
const MACHINE_PATHS: readonly [string, RegExp][] = [
  ['the root home folder', new RegExp(`${START}\\/root\\/`, 'm')],
  ['a home folder', new RegExp(`${START}\\/home\\/[A-Za-z_][\\w.-]*\\/`, 'm')],
  ['a macOS home folder', new RegExp(`${START}\\/Users\\/[A-Za-z_][\\w.-]*\\/`, 'm')],
  ['a Windows home folder', new RegExp(`${START}[A-Za-z]:\\\\Users\\\\`, 'm')],
  ['this workplace', new RegExp(`${START}\\/work\\/`, 'm')],
  ['a temporary folder', new RegExp(`${START}\\/(?:tmp|var\\/folders|private\\/var)\\/[\\w.-]+`, 'm')],
];

/**
 * Output of another machine kept verbatim on purpose: the runner's log from the GPU check names that
 * machine's temporary folders, and a replay fixture must be exactly what the runner printed.
 */
const VERBATIM = [/^test\/fixtures\/runner-replay\/[\w.-]+\.log$/];

/** Tracked files that are text (no NUL byte in their first 8 KB). */
function trackedTextFiles(): string[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\0')
    .filter(Boolean);
  return files.filter((f) => {
    if (VERBATIM.some((v) => v.test(f))) return false;
    const file = path.join(ROOT, f);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return false;
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(8192);
      return !head.subarray(0, fs.readSync(fd, head, 0, head.length, 0)).includes(0);
    } finally {
      fs.closeSync(fd);
    }
  });
}

test('no tracked text file names an absolute path of the machine it was written on', () => {
  const files = trackedTextFiles();
  assert.ok(files.length > 50, `git ls-files found ${files.length} files`);
  const found: string[] = [];
  for (const f of files) {
    const lines = fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const [what, pattern] of MACHINE_PATHS)
        if (pattern.test(line)) found.push(`${f}:${i + 1}: ${what}: ${line.trim().slice(0, 160)}`);
    });
  }
  assert.deepEqual(found, [], 'write these paths relative to the repository (or describe the place in words)');
});

test('the patterns catch what they are for, and leave URLs and relative paths alone', () => {
  const hit = (s: string) => MACHINE_PATHS.filter(([, p]) => p.test(s)).map(([w]) => w);
  const slash = '/';
  assert.deepEqual(hit(`File: \`${slash}work${slash}shared/data/x.jsonl\``), ['this workplace']);
  assert.deepEqual(hit(`see ${slash}home${slash}alice/notes.md`), ['a home folder']);
  assert.deepEqual(hit(`cd ${slash}root${slash}w2s`), ['the root home folder']);
  assert.deepEqual(hit(`"${slash}tmp${slash}w2s-test-abc/w2s.db"`), ['a temporary folder']);
  assert.deepEqual(hit(`C:\\Users\\bob\\w2s`), ['a Windows home folder']);
  assert.deepEqual(hit('https://example.invalid/work/shared and src/home/x.ts and test/work/y'), []);
  assert.deepEqual(hit('os.tmpdir() and $TMPDIR/vscode-ripgrep-cache'), []);
});
