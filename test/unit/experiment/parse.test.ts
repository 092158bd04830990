import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EXPORT_PRESETS } from '../../../src/core/export/presets';
import { RECIPES } from '../../../src/core/jobs/recipes';
import { FIELDS, parseExperiment } from '../../../src/core/experiment/parse';
import { experimentTemplate } from '../../../src/core/experiment/template';
import { REPO_ROOT } from '../../support/tmp';

const FILE = '/srv/exp/main.w2s.yaml';
const TEACHER = 'teachers:\n  - endpoint: http://127.0.0.1:8000/v1\n    model: hkust-nlp/Qwen-2.5-1.5B-SimpleRL-Zoo\n';

function errorOf(text: string): string {
  try {
    parseExperiment(text, FILE);
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('parsed');
}

describe('experiment files', () => {
  it("fill what is left out with the paper's main setting (shared/notes/w2sr-recipe.md)", () => {
    const s = parseExperiment(TEACHER, FILE);
    assert.equal(s.name, 'main');
    assert.deepEqual(s.problems, { set: 'math-l3to5', file: null, limit: null });
    const t = s.teachers[0]!;
    assert.equal(t.name, 'Qwen-2.5-1.5B-SimpleRL-Zoo');
    assert.equal(t.template, 'qwen-base');
    assert.deepEqual(t.sampling, { n: 1, temperature: 0, top_p: 0.95, max_tokens: 4096, seed: null });
    assert.deepEqual(
      t.datasets.map((d) => d.preset),
      ['w2sr', 'w2sr-p'],
    );
    assert.equal(s.student.baseModel, 'Qwen/Qwen2.5-Math-7B');
    assert.equal(s.student.recipe, 'w2sr-qwen2.5-math-7b'); // lr 2e-5, the main run's
    assert.equal(s.student.gpus, 4); // global batch 128 = 2 per device x 16 x 4 GPUs
    assert.deepEqual(
      s.eval.sets.map((x) => x.set),
      ['math500', 'aime24', 'amc23', 'minerva', 'olympiadbench'],
    );
    assert.deepEqual(
      { t: s.eval.temperature, p: s.eval.top_p, n: s.eval.n, seed: s.eval.seed, max: s.eval.max_tokens },
      { t: 0.6, p: 0.95, n: 1, seed: 0, max: null },
    );
    assert.deepEqual(s.compare, { base: 'Qwen/Qwen2.5-Math-7B', rl: 'hkust-nlp/Qwen-2.5-Math-7B-SimpleRL-Zoo' });
  });

  it("written by `w2s experiment new`, spell out exactly the defaults (the paper's main setting)", () => {
    const written = parseExperiment(experimentTemplate('main'), FILE);
    const minimal = parseExperiment(
      'teachers:\n  - name: zoo-1.5b\n    endpoint: http://127.0.0.1:8000/v1\n    model: hkust-nlp/Qwen-2.5-1.5B-SimpleRL-Zoo\n' +
        'cluster: { address: http://127.0.0.1:8265, checkpoint_root: /shared/checkpoints }\n',
      FILE,
    );
    assert.deepEqual(written, minimal);
  });

  it('resolve files next to the experiment file and take a dataset with its own SFT settings', () => {
    const s = parseExperiment(
      `problems: { file: data/train.jsonl, limit: 50 }\n${TEACHER}    datasets: [incorrect, { view: long-ones, sft: { learning_rate: 5.0e-6 } }]\ncompare: { rl: null }\n`,
      FILE,
    );
    assert.deepEqual(s.problems, { set: 'train', file: '/srv/exp/data/train.jsonl', limit: 50 });
    assert.deepEqual(
      s.teachers[0]!.datasets.map((d) => [d.name, d.preset, d.view, d.sft]),
      [
        ['incorrect', 'incorrect', null, {}],
        ['long-ones', null, 'long-ones', { learning_rate: 5e-6 }],
      ],
    );
    assert.equal(s.compare.rl, null);
  });

  it('name the file, line, column and field of each mistake', () => {
    assert.equal(
      errorOf(`${TEACHER}    sampling: { temperature: 3 }\n`),
      '/srv/exp/main.w2s.yaml:4:30: teachers[0].sampling.temperature: must be between 0 and 2 (got 3).',
    );
    assert.equal(
      errorOf('student:\n  gpus: 4\n'),
      '/srv/exp/main.w2s.yaml:1:1: teachers: is required: at least one teacher (endpoint, model).',
    );
    assert.match(
      errorOf(`${TEACHER}    datasets: [w2sr-q]\n`),
      /:4:16: teachers\[0\]\.datasets\[0\]: must be w2sr, w2sr-p, incorrect, accepted or view:NAME/,
    );
    assert.match(
      errorOf(`${TEACHER}  - endpoint: http://x:1/v1\n    model: a/Qwen-2.5-1.5B-SimpleRL-Zoo\n`),
      /:4:5: teachers\[1\].name: "Qwen-2\.5-1\.5B-SimpleRL-Zoo" names another teacher too/,
    );
    assert.match(
      errorOf(`${TEACHER}student:\n  recipe: w2sr-70b\n`),
      /:5:11: student\.recipe: No recipe named "w2sr-70b"/,
    );
    assert.match(
      errorOf(`${TEACHER}name: a\nname: b\n`),
      /main\.w2s\.yaml:5:1: not valid YAML: Map keys must be unique/,
    );
    assert.match(errorOf(`teachers:\n  - endpoint: ftp://x\n    model: m\n`), /:2:15: teachers\[0\]\.endpoint: /);
  });

  it('have a JSON schema with the same fields, recipes and presets (contributed for *.w2s.yaml)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas', 'experiment.schema.json'), 'utf8')) as {
      properties: Record<
        string,
        { properties?: Record<string, unknown>; anyOf?: { properties?: Record<string, unknown>; items?: unknown }[] }
      >;
    };
    const keys = (o: { properties?: Record<string, unknown> } | undefined) => Object.keys(o?.properties ?? {}).sort();
    const sorted = (xs: readonly string[]) => [...xs].sort();
    const p = schema.properties;
    assert.deepEqual(Object.keys(p).sort(), sorted(FIELDS.experiment));
    for (const k of ['student', 'cluster', 'eval', 'compare'] as const)
      assert.deepEqual(keys(p[k]), sorted(FIELDS[k]), k);
    assert.deepEqual(keys(p.problems!.anyOf![1]), sorted(FIELDS.problems));
    const teacher = p.teachers!.anyOf![0] as {
      properties: Record<string, { properties?: Record<string, unknown>; anyOf?: unknown[] }>;
    };
    assert.deepEqual(keys(teacher), sorted(FIELDS.teacher));
    assert.deepEqual(keys(teacher.properties.sampling), sorted(FIELDS.sampling));
    const dataset = teacher.properties.datasets!.anyOf![0] as {
      anyOf: [{ anyOf: [{ enum: string[] }] }, { properties: Record<string, { enum?: string[] }> }];
    };
    assert.deepEqual(keys(dataset.anyOf[1]), sorted(FIELDS.dataset));
    assert.deepEqual(dataset.anyOf[0].anyOf[0].enum, [...EXPORT_PRESETS]);
    assert.deepEqual(dataset.anyOf[1].properties.preset!.enum, [...EXPORT_PRESETS]);
    assert.deepEqual(
      (p.student!.properties!.recipe as { enum: string[] }).enum,
      RECIPES.map((r) => r.name),
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      contributes: { yamlValidation: { fileMatch: string; url: string }[] };
    };
    assert.deepEqual(pkg.contributes.yamlValidation, [
      { fileMatch: '*.w2s.yaml', url: './schemas/experiment.schema.json' },
    ]);
  });
});
