import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../..');

function run(cmd: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', ...cmd.split('/')), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

// `npm run typecheck`: one project per layer (tsconfig.json references), so core is checked without
// DOM or vscode types and the webviews without Node's.
test('type check: tsc -b over every layer passes', () => {
  const r = run('typescript/bin/tsc', ['-b']);
  assert.equal(r.status, 0, r.output);
});

test('lint: eslint passes', () => {
  const r = run('eslint/bin/eslint.js', ['.', '--max-warnings', '0']);
  assert.equal(r.status, 0, r.output);
});

// `npm run format:check`: the tree stays as `npm run format` (Prettier, .prettierrc.json) leaves it.
test('format: prettier --check passes', () => {
  const r = run('prettier/bin/prettier.cjs', ['--check', '.']);
  assert.equal(r.status, 0, `${r.output}\nRun npm run format to fix.`);
});
