// .github/workflows/release.yml needs internet and GitHub's runners, so it cannot run here: this checks
// it with @action-validator/core (from npm: SchemaStore's GitHub workflow schema compiled into a WASM
// validator, so nothing is vendored) and checks that it builds what the packaging script knows how to build.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { VSCE_TARGETS } from '../../src/core/native/targets';
import { REPO_ROOT } from '../support/tmp';

const WORKFLOW = path.join(REPO_ROOT, '.github', 'workflows', 'release.yml');

interface Step {
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  if?: string;
  strategy?: { matrix: { target?: string[]; include?: { os: string; target: string }[] } };
  steps: Step[];
}

function load(text: string): unknown {
  return parse(text, { prettyErrors: true });
}

describe('release workflow', () => {
  const text = fs.readFileSync(WORKFLOW, 'utf8');
  const workflow = load(text) as { jobs: Record<string, Job> };

  it('is valid against the GitHub workflow schema', () => {
    const result = validateWorkflow(text);
    assert.deepEqual(result.errors, [], JSON.stringify(result.errors, null, 2));
  });

  it('the schema check catches a broken workflow (a job without runs-on, a misspelt key)', () => {
    const broken = text.replace(/^ {4}runs-on: ubuntu-latest\n/m, '').replace('    steps:\n', '    step:\n');
    assert.notEqual(broken, text);
    const details = JSON.stringify(validateWorkflow(broken).errors);
    assert.match(details, /Additional property 'step' is not allowed/);
  });

  it('packages every target the packaging script knows, with it', () => {
    const pkg = workflow.jobs.package;
    assert.deepEqual(pkg.strategy?.matrix.target, [...VSCE_TARGETS]);
    assert.ok(pkg.steps.some((s) => s.run === 'npm run package -- --target ${{ matrix.target }}'));
    const upload = pkg.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    assert.equal(upload?.with?.path, '.cache/w2s-studio-${{ matrix.target }}-*.vsix'); // package-target.ts targetVsixPath
  });

  it('runs test:desktop on Linux under xvfb, on macOS and on Windows, on each one’s package', () => {
    const job = workflow.jobs['test-desktop'];
    const include = job.strategy?.matrix.include ?? [];
    assert.deepEqual(include.map((i) => i.os.split('-')[0]).sort(), ['macos', 'ubuntu', 'windows']);
    for (const i of include) assert.ok((VSCE_TARGETS as readonly string[]).includes(i.target), i.target);
    assert.ok(job.steps.some((s) => s.if === "runner.os == 'Linux'" && /apt-get install -y xvfb/.test(s.run ?? '')));
    const test = job.steps.find((s) => s.run === 'npm run test:desktop');
    assert.ok(test?.env?.W2S_DESKTOP_PACKAGE, 'the suites load the package’s build');
    assert.deepEqual([job.needs].flat(), ['package']);
  });

  it('attaches every package to a release, only for a version tag, after the tests', () => {
    const job = workflow.jobs.release;
    assert.deepEqual([job.needs].flat().sort(), ['package', 'test-desktop']);
    assert.equal(job.if, "startsWith(github.ref, 'refs/tags/v')");
    assert.ok(job.steps.some((s) => /gh release create .* packages\/\*\.vsix/.test(s.run ?? '')));
  });
});
