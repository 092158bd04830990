// The Python runner's own unit tests (runner/tests, Python's unittest): record format, job.json
// validation, data formats, chat formatting and label masking with a stand-in tokenizer, batching,
// and the command line's errors. They need only python3 (>= 3.10), not torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../support/tmp';

test('runner: python3 -m unittest discover runner/tests passes', () => {
  const runner = path.join(REPO_ROOT, 'runner');
  const r = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'], {
    cwd: runner, encoding: 'utf8', timeout: 5 * 60_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.ok(!r.error, `python3 could not run: ${r.error?.message} (the runner tests need python3 >= 3.10)`);
  const summary = /^Ran (\d+) tests?.*$/m.exec(r.stderr)?.[0] ?? '';
  const skipped = [...r.stderr.matchAll(/skipped '([^']+)'/g)].map((m) => m[1]);
  console.log(`${summary}${skipped.length ? `; skipped: ${skipped.join('; ')}` : ''}`);
  assert.equal(r.status, 0, r.stderr.slice(-6000));
  assert.match(r.stderr, /^OK/m);
});

// Types and lint of the runner (runner/pyproject.toml [tool.pyright]): pyright from node_modules, so it
// runs offline wherever `npm ci` ran. Every runner function has typed parameters; unused imports and
// variables, undefined names and impossible comparisons are errors.
test('runner: pyright (types and lint rules of runner/pyproject.toml) passes', () => {
  const runner = path.join(REPO_ROOT, 'runner');
  const cli = path.join(REPO_ROOT, 'node_modules', 'pyright', 'index.js');
  const r = spawnSync(process.execPath, [cli, '--outputjson'], { cwd: runner, encoding: 'utf8', timeout: 5 * 60_000 });
  assert.ok(!r.error, `pyright could not run: ${r.error?.message}`);
  const report = JSON.parse(r.stdout) as { summary: { filesAnalyzed: number; errorCount: number }; generalDiagnostics: { file: string; range: { start: { line: number } }; message: string; rule?: string }[] };
  const errors = report.generalDiagnostics.map((d) => `${path.relative(REPO_ROOT, d.file)}:${d.range.start.line + 1}: ${d.message} (${d.rule ?? 'error'})`);
  assert.ok(report.summary.filesAnalyzed >= 20, `pyright analyzed only ${report.summary.filesAnalyzed} files: is runner/pyproject.toml's include right?`);
  assert.equal(report.summary.errorCount, 0, errors.join('\n'));
});
