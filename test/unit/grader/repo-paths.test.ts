/**
 * Tracked text never cites a path of the machine it was written on (`/home/…`, `/root/…`, `/Users/…`,
 * `/work/…`): paths in the repository are relative to it, so they hold on every clone. (MATH_VERIFY_DIFFS.md
 * once cited the fixture by an absolute path.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../support/tmp';

const SKIP_DIRS = new Set(['.git', 'node_modules', 'dist', 'out', '.cache', 'test-output']);

/** Tracked files (git), or every file outside build folders when the checkout has no git. */
function repoFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  } catch {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) walk(rel);
        } else out.push(rel);
      }
    };
    walk('');
    return out;
  }
}

const MACHINE_PATH = /(?<![\w.~/-])\/(?:home|root|Users|work)\/[\w.-]+/g;

test('no tracked text names an absolute home or work path', () => {
  const files = repoFiles();
  assert.ok(files.length > 50, `only ${files.length} files found under ${REPO_ROOT}`);
  const hits: string[] = [];
  for (const rel of files) {
    const file = path.join(REPO_ROOT, rel);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch {
      continue; // listed by git but deleted in this working tree
    }
    if (buf.includes(0)) continue; // binary
    const lines = buf.toString('utf8').split('\n');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(MACHINE_PATH)) hits.push(`${rel}:${i + 1}: ${m[0]}`);
    });
  }
  assert.deepEqual(hits, []);
});

test('the pattern finds what it is for', () => {
  const find = (s: string): string[] => [...s.matchAll(MACHINE_PATH)].map((m) => m[0]);
  // the examples are assembled here so that this file does not hold the paths it forbids
  const abs = (root: string, rest: string): string => `/${root}/${rest}`;
  assert.deepEqual(find(`File: \`${abs('work', 'shared')}/data/x.jsonl\``), [abs('work', 'shared')]);
  assert.deepEqual(find(`see ${abs('home', 'alice')}/notes and ${abs('Users', 'bob')}/x`), [abs('home', 'alice'), abs('Users', 'bob')]);
  assert.deepEqual(find('https://example.com/home/page, test/fixtures/x.jsonl, ./work/y, ~/work/z'), []);
});
