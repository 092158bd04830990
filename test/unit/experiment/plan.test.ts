// Which steps an edit reaches: a step's key covers its inputs and the keys of what it needs, and nothing else.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { saveView } from '../../../src/core/curation/views';
import { parseExperiment } from '../../../src/core/experiment/parse';
import { planExperiment, type Step } from '../../../src/core/experiment/plan';
import { openStore } from '../../../src/core/store/open';
import { tempDir } from '../../support/tmp';

const BASE = `name: e
teachers:
  - name: t1
    endpoint: http://127.0.0.1:8000/v1
    model: teacher-one
    datasets: [w2sr, view:long]
  - name: t2
    endpoint: http://127.0.0.1:8001/v1
    model: teacher-two
eval:
  sets: [math500]
`;

function keys(text: string, store = openStore(path.join(tempDir(), 'w2s.db'))): Map<string, string> {
  if (!store.db.prepare("SELECT 1 FROM saved_views WHERE name = 'long'").get())
    saveView(store, 'long', { length: { min: 2000 } });
  const plan = planExperiment(store, parseExperiment(text, '/x/e.w2s.yaml'));
  return new Map(plan.steps.map((s: Step) => [s.id, s.key]));
}

function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...a].filter(([id, k]) => b.get(id) !== k).map(([id]) => id);
}

describe('experiment plan', () => {
  it('expands teachers x datasets into sample, grade, export, SFT and eval steps, then base, RL and the table', () => {
    const ids = [...keys(BASE).keys()];
    assert.deepEqual(ids, [
      'problems:math-l3to5',
      'problems:math500',
      'sample:t1',
      'grade:t1',
      'export:t1:w2sr',
      'sft:t1:w2sr',
      'eval:t1:w2sr:math500',
      'export:t1:long',
      'sft:t1:long',
      'eval:t1:long:math500',
      'sample:t2',
      'grade:t2',
      'export:t2:w2sr',
      'sft:t2:w2sr',
      'eval:t2:w2sr:math500',
      'export:t2:w2sr-p',
      'sft:t2:w2sr-p',
      'eval:t2:w2sr-p:math500',
      'eval:base:math500',
      'eval:rl:math500',
      'results',
    ]);
  });

  it('re-keys only what an edit reaches', () => {
    const before = keys(BASE);
    // an endpoint is where a model is served, not what it is: nothing changes
    assert.deepEqual(changed(before, keys(BASE.replace(':8001/v1', ':9999/v1'))), []);
    // a teacher's sampling: its traces and all that follows from them, not the other teacher's
    assert.deepEqual(
      changed(
        before,
        keys(BASE.replace('    model: teacher-two\n', '    model: teacher-two\n    sampling: { max_tokens: 2048 }\n')),
      ),
      [
        'sample:t2',
        'grade:t2',
        'export:t2:w2sr',
        'sft:t2:w2sr',
        'eval:t2:w2sr:math500',
        'export:t2:w2sr-p',
        'sft:t2:w2sr-p',
        'eval:t2:w2sr-p:math500',
        'results',
      ],
    );
    // the student's settings: every SFT and its evals, no sampling or export
    const student = changed(before, keys(`${BASE}student:\n  settings: { epochs: 3 }\n`));
    assert.equal(student.length, 4 + 4 + 1, student.join(' '));
    assert.deepEqual(
      changed(before, keys(`${BASE}student:\n  settings: { epochs: 3 }\n`)).filter(
        (id) => !id.startsWith('sft:') && !id.startsWith('eval:t'),
      ),
      ['results'],
    );
    // the eval settings: every eval, the references too
    const evals = changed(before, keys(BASE.replace('  sets: [math500]\n', '  sets: [math500]\n  temperature: 0.7\n')));
    assert.equal(evals.length, 6 + 1, evals.join(' '));
    assert.deepEqual(
      changed(before, keys(BASE.replace('  sets: [math500]\n', '  sets: [math500]\n  temperature: 0.7\n'))).filter(
        (id) => !id.startsWith('eval:'),
      ),
      ['results'],
    );
  });

  it('keys a sampling preset by its values: a preset and the same values written out are the same steps', () => {
    const withSampling = (yaml: string) =>
      keys(BASE.replace('    model: teacher-two\n', `    model: teacher-two\n    sampling: ${yaml}\n`));
    const preset = withSampling('eval');
    // presets.ts: eval is n=1, t=0.6, top_p 0.95, 4096 tokens, seed 0
    assert.deepEqual(
      changed(preset, withSampling('{ n: 1, temperature: 0.6, top_p: 0.95, max_tokens: 4096, seed: 0 }')),
      [],
    );
    assert.deepEqual(
      changed(
        withSampling('{ preset: eval, max_tokens: 8192 }'),
        withSampling('{ temperature: 0.6, max_tokens: 8192, seed: 0 }'),
      ),
      [],
    );
    // W2SR's teacher preset is the default sampling
    assert.deepEqual(changed(keys(BASE), withSampling('w2sr-teacher')), []);
    // and another preset is another sampling: t2's traces and what follows them
    assert.deepEqual(
      changed(keys(BASE), preset).filter((id) => !id.includes('t2')),
      ['results'],
    );
    assert.ok(changed(keys(BASE), preset).includes('sample:t2'));
    // the eval block's preset, the same way
    const evalWith = (yaml: string) => keys(BASE.replace('  sets: [math500]\n', `  sets: [math500]\n${yaml}`));
    assert.deepEqual(changed(evalWith('  preset: w2sr-eval-4\n'), evalWith('  n: 4\n')), []);
  });

  it('keeps the keys of a teacher moved from a URL to an endpoint profile (an address is not an input)', () => {
    assert.deepEqual(changed(keys(BASE), keys(BASE.replace('http://127.0.0.1:8001/v1', 'local-two'))), []);
  });

  it('keys an exported view by its filter, so a view saved again with another filter is exported again', () => {
    const store = openStore(path.join(tempDir(), 'w2s.db'));
    const before = keys(BASE, store);
    saveView(store, 'long', { length: { min: 3000 } }, null, { replace: true });
    assert.deepEqual(changed(before, keys(BASE, store)), [
      'export:t1:long',
      'sft:t1:long',
      'eval:t1:long:math500',
      'results',
    ]);
  });

  it('names the file and the teacher when a view or a template it names does not exist', () => {
    const store = openStore(path.join(tempDir(), 'w2s.db'));
    assert.throws(
      () => planExperiment(store, parseExperiment(BASE, '/x/e.w2s.yaml')),
      /^W2sError: \/x\/e\.w2s\.yaml: teacher t1, dataset view:long: No (saved )?view named "long"/,
    );
    assert.throws(
      () =>
        planExperiment(
          undefined,
          parseExperiment(
            BASE.replace('    model: teacher-two\n', '    model: teacher-two\n    template: qwen-bse\n').replace(
              ', view:long',
              '',
            ),
            '/x/e.w2s.yaml',
          ),
        ),
      /^W2sError: \/x\/e\.w2s\.yaml: teacher t2: .*qwen-bse/,
    );
  });

  it('gives every step its own key, before any set is imported too', () => {
    const plan = planExperiment(
      undefined,
      parseExperiment(
        BASE.replace(', view:long', '').replace('  sets: [math500]', '  sets: [math500, aime24, amc23]'),
        '/x/e.w2s.yaml',
      ),
    );
    const evals = plan.steps.filter((s) => s.kind === 'eval').map((s) => s.key);
    assert.equal(new Set(evals).size, evals.length);
  });
});
