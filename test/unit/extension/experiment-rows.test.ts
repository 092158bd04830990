// The Experiments view's rows (state icon, description, what a click opens) and the Dry run's text, from a
// real plan of a real experiment file (no store: every step to do, as for a fresh workspace).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { sftMemoryCheck } from '../../../src/core/experiment/memory';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { experimentStatus, type PlannedStep } from '../../../src/core/experiment/run';
import { statusText } from '../../../src/core/experiment/status-text';
import { experimentNameFor, experimentTemplate } from '../../../src/core/experiment/template';
import { runnerDefaults } from '../../../src/core/jobs/runner-files';
import { REPO_ROOT, tempDir } from '../../support/tmp';
import { writeExperimentFile } from '../../../src/extension/experiments/write-file';
import { resultsSelectionOf, STATE_ICON, stepRow } from '../../../src/extension/experiments/step-rows';

const FILE = '/srv/exp/two.w2s.yaml';
const TEXT = `name: two
teachers:
  - name: t1
    endpoint: http://127.0.0.1:8000/v1
    model: teacher-one
    datasets: [w2sr]
eval:
  sets: [math500]
`;

const planned = () => experimentStatus(undefined, parseExperiment(TEXT, FILE)).steps;
const done = (p: PlannedStep, detail = ''): PlannedStep => ({ step: p.step, status: { state: 'done', detail } });
const byId = (steps: PlannedStep[], id: string) => steps.find((s) => s.step.id === id)!;

describe('Experiments view rows', () => {
  it('show every step of a fresh workspace as to do, with nothing to open', () => {
    const rows = planned().map((p) => stepRow(p, undefined));
    assert.ok(rows.length > 5);
    for (const r of rows) {
      assert.equal(r.description, 'to do');
      assert.deepEqual(r.icon, STATE_ICON['to do']);
      assert.equal(r.open, undefined, `${r.id} opens nothing while to do`);
    }
    assert.deepEqual(
      rows.map((r) => r.label),
      planned().map((p) => p.step.id),
    );
  });

  it('give each state its own icon and put the store detail after the state', () => {
    assert.equal(new Set(Object.values(STATE_ICON).map((i) => i[0])).size, 3);
    const p = byId(planned(), 'sample:t1');
    const stale = stepRow(
      { step: p.step, status: { state: 'stale', detail: 'done before with other inputs' } },
      undefined,
    );
    assert.equal(stale.description, 'stale · done before with other inputs');
    assert.deepEqual(stale.icon, STATE_ICON.stale);
    assert.match(stale.tooltip, new RegExp(p.step.key.slice(0, 8)));
  });

  it('open what a done step made: the run in the Traces view, the dataset file, the job panel, the results panel', () => {
    const steps = planned();
    const sample = byId(steps, 'sample:t1');
    assert.deepEqual(stepRow(done(sample), undefined).open, {
      command: 'w2s.showRunTraces',
      title: 'Show Traces',
      args: [sample.step.name],
    });
    assert.deepEqual(stepRow(done(byId(steps, 'grade:t1')), undefined).open?.args, [sample.step.name]);
    const sft = byId(steps, 'sft:t1:w2sr');
    // a retry after a failed job is the one opened
    assert.deepEqual(stepRow(done(sft), `${sft.step.name}-r2`).open, {
      command: 'w2s.openJob',
      title: 'Open Job',
      args: [`${sft.step.name}-r2`],
    });
    const evalStep = byId(steps, 'eval:t1:w2sr:math500');
    assert.equal(stepRow(done(evalStep), evalStep.step.name).open?.command, 'w2s.openJob');
    // the base model's results from elsewhere: no job of this experiment, the results panel shows them
    assert.equal(stepRow(done(byId(steps, 'eval:base:math500')), undefined).open?.command, 'w2s.openResults');
    assert.equal(stepRow(done(byId(steps, 'results')), undefined).open?.command, 'w2s.openResults');
    // from the view, the experiment's table: its base and RL (the defaults here) and its sets chosen
    const selection = resultsSelectionOf(parseExperiment(TEXT, FILE));
    assert.deepEqual(selection, {
      base: 'Qwen/Qwen2.5-Math-7B',
      rl: 'hkust-nlp/Qwen-2.5-Math-7B-SimpleRL-Zoo',
      sets: ['math500'],
    });
    assert.deepEqual(stepRow(done(byId(steps, 'results')), undefined, selection).open?.args, [selection]);
    assert.deepEqual(stepRow(done(byId(steps, 'eval:rl:math500')), undefined, selection).open?.args, [selection]);
    assert.deepEqual(stepRow(done(byId(steps, 'problems:math500')), undefined).open?.args, ['math500']);
    // an export: its training file as the snapshot names it; none when the snapshot names no file
    const exp = byId(steps, 'export:t1:w2sr');
    assert.deepEqual(stepRow(done(exp), undefined, undefined, '/srv/exp/.w2s/experiments/two/x.jsonl').open, {
      command: 'vscode.open',
      title: 'Open Dataset File',
      args: ['/srv/exp/.w2s/experiments/two/x.jsonl'],
    });
    assert.equal(stepRow(done(exp), undefined).open, undefined);
    assert.equal(stepRow(exp, undefined, undefined, '/srv/x.jsonl').open, undefined, 'a step not done opens nothing');
  });
});

describe("the Dry run's text", () => {
  it("is the CLI's: the experiment, each step with its state and key, the SFT memory plan, what is left", () => {
    const steps = planned();
    const lines = statusText(parseExperiment(TEXT, FILE), steps, {
      cwd: '/nonexistent',
      env: { HF_HOME: '/nonexistent' },
      sftDefaults: () => ({}),
    });
    assert.equal(lines[0], `two (${FILE}):`);
    assert.equal(lines.length, steps.length + 2);
    assert.match(lines[1]!, /^ {2}to do {2}problems:math-l3to5 +[0-9a-f]{8}/);
    const sft = lines.find((l) => l.includes('sft:t1:w2sr'))!;
    assert.match(sft, /memory: no config\.json for Qwen\/Qwen2\.5-Math-7B here/);
    assert.equal(lines.at(-1), `${steps.length} of ${steps.length} steps to do.`);
  });
});

describe('New Experiment', () => {
  it('names the experiment after its file, as `w2s experiment new` does', () => {
    assert.equal(experimentNameFor('/a/b/my run.w2s.yaml'), 'my-run');
    assert.equal(experimentNameFor('/a/.w2s.yaml'), 'experiment');
    assert.match(experimentTemplate(experimentNameFor('/a/paper.w2s.yaml')), /^name: paper$/m);
  });

  it('writes the template, and never over an existing file nor under a name the view would not find', () => {
    const dir = tempDir();
    const file = path.join(dir, 'paper.w2s.yaml');
    writeExperimentFile(file);
    assert.equal(fs.readFileSync(file, 'utf8'), experimentTemplate('paper'));
    fs.appendFileSync(file, '# my edit\n');
    assert.throws(() => writeExperimentFile(file), /paper\.w2s\.yaml exists; it is left as it is/);
    assert.match(fs.readFileSync(file, 'utf8'), /# my edit\n$/);
    assert.throws(
      () => writeExperimentFile(path.join(dir, 'plain.yaml')),
      /Name the file NAME\.w2s\.yaml \(got plain\.yaml\)/,
    );
    assert.equal(fs.existsSync(path.join(dir, 'plain.yaml')), false);
  });
});

describe('the memory check before a run', () => {
  const config = (size: string) =>
    path.join(REPO_ROOT, 'test', 'fixtures', 'model-configs', `qwen2.5-${size}.config.json`);
  const check = (student: string) => {
    const spec = parseExperiment(`${TEXT}student:\n${student}`, FILE);
    const steps = experimentStatus(undefined, spec).steps;
    return sftMemoryCheck(spec, steps, () => runnerDefaults(path.join(REPO_ROOT, 'runner')).sft, {
      cwd: '/nonexistent',
      env: { HF_HOME: '/nonexistent' },
    });
  };

  it("lets a student that fits through (the paper's 7B on 4 GPUs of 80 GiB)", () => {
    assert.deepEqual(check(`  model_config: ${config('7b')}\n  gpus: 4\n`), { skipped: [] });
  });

  it('names the file, the step and what would fit when a student does not', () => {
    const r = check(`  base_model: Qwen/Qwen2.5-14B\n  model_config: ${config('14b')}\n  gpus: 1\n  gpu_memory: 24\n`);
    assert.match(
      r.tooBig ?? '',
      /^\/srv\/exp\/two\.w2s\.yaml: sft:t1:w2sr: Qwen\/Qwen2\.5-14B would need [\d.]+ GiB per GPU .* of 24: /,
    );
  });

  it('says which steps it could not plan (no config.json here)', () => {
    const r = check('  gpus: 4\n');
    assert.equal(r.tooBig, undefined);
    assert.deepEqual(r.skipped, [
      'memory plan of sft:t1:w2sr skipped: no config.json for Qwen/Qwen2.5-Math-7B here (student.model_config: FILE gives one)',
    ]);
  });
});
