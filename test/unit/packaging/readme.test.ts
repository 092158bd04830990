// The README is the Marketplace page and the first thing a user reads: short (issue 18: at most 300
// lines, the rest in docs/), stating the two commands that scripts/setup.mjs, .ci/run and
// test/cli/fresh-clone.test.ts stand behind, and with no link to a file that is not there.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../support/tmp';

const README = path.join(REPO_ROOT, 'README.md');

/**
 * Pages that other branches of issue 18 write while this one links them. Once such a file exists the
 * test says so, so that this list is emptied rather than left to hide a broken link later.
 */
const PENDING = new Set<string>([]);

function documents(): string[] {
  const docs = fs
    .readdirSync(path.join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f));
  return ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...docs];
}

/** Relative link targets of a Markdown file, outside code blocks and code spans, with their line. */
function relativeLinks(file: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  let fenced = false;
  fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      if (raw.startsWith('```')) fenced = !fenced;
      if (fenced) return;
      const line = raw.replace(/`[^`]*`/g, '');
      for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        out.push({ line: i + 1, target });
      }
    });
  return out;
}

test('the README is for users: at most 300 lines', () => {
  const lines = fs.readFileSync(README, 'utf8').split('\n').length - 1;
  assert.ok(lines <= 300, `README.md has ${lines} lines; move reference material to docs/`);
});

test('the README states the two commands, and package.json runs them through the scripts it names', () => {
  const readme = fs.readFileSync(README, 'utf8');
  const block = /## Two commands[\s\S]*?```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const commands = block
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('#')[0].trim());
  assert.deepEqual(commands, ['npm start', 'npm test']);
  const scripts = (
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  assert.equal(scripts.start, 'node scripts/start.mjs');
  assert.equal(scripts.test, 'node scripts/test.mjs');
  assert.match(
    fs.readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8'),
    /^exec npm test\b/m,
    'CI runs the README command',
  );
});

test('README, CONTRIBUTING, CHANGELOG and docs/ link only to files that exist', () => {
  const broken: string[] = [];
  const arrived: string[] = [];
  for (const file of documents()) {
    for (const { line, target } of relativeLinks(file)) {
      const resolved = path.normalize(path.join(path.dirname(file), target.split('#')[0]));
      const exists = fs.existsSync(path.join(REPO_ROOT, resolved));
      if (PENDING.has(resolved)) {
        if (exists) arrived.push(resolved);
      } else if (!exists) broken.push(`${file}:${line}: ${target}`);
    }
  }
  assert.deepEqual(broken, [], 'links to files that do not exist');
  assert.deepEqual(
    [...new Set(arrived)],
    [],
    'these pages exist now: remove them from PENDING in test/unit/packaging/readme.test.ts',
  );
});
