// The README promises that `npm test` works on its own on a fresh clone (only Node and npm): it must
// install what it needs (npm ci) before it builds, and always end with the count line CI reads.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, tempDir } from '../support/tmp';

test(
  'npm test on a fresh clone without node_modules installs what it needs, then runs and counts the tests',
  { timeout: 20 * 60_000 },
  async () => {
    const clone = path.join(tempDir('w2s-fresh-'), 'repo');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, clone]);
    assert.equal(fs.existsSync(path.join(clone, 'node_modules')), false);
    // A clean environment: nothing of the npm process running this suite leaks into the clone's npm.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_') && k !== 'INIT_CWD'),
    );
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('npm', ['test', '--', 'test/unit/sampling/templates.test.ts'], {
        cwd: clone,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });
    const tail = result.out.slice(-3000);
    assert.equal(result.code, 0, tail);
    assert.match(result.out, /\[setup\] installing dependencies: npm ci/);
    const counts = result.out.match(/^(\d+) passed, (\d+) failed, (\d+) skipped$/m);
    assert.ok(counts, `no closing count line in:\n${tail}`);
    assert.ok(Number(counts[1]) > 0, 'some tests ran');
    assert.equal(counts[2], '0');
    assert.ok(fs.existsSync(path.join(clone, 'node_modules', 'better-sqlite3')), 'npm ci installed the dependencies');
  },
);
