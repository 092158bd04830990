import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EXPORT_PRESETS } from '../../../src/core/export/presets';
import { RECIPES } from '../../../src/core/jobs/recipes';
import { EVAL_PRESETS, SAMPLING_PRESETS } from '../../../src/core/sampling/presets';
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
    assert.deepEqual(t.endpoint, { kind: 'url', url: 'http://127.0.0.1:8000/v1' });
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

  it('take a sampling preset by id, or a preset with values over it, written out into its values', () => {
    const sampling = (yaml: string) => parseExperiment(`${TEACHER}    sampling: ${yaml}\n`, FILE).teachers[0]!.sampling;
    // presets.ts: eval is t=0.6, top_p 0.95, 4096 tokens, seed 0; w2sr-teacher is the greedy default
    assert.deepEqual(sampling('eval'), { n: 1, temperature: 0.6, top_p: 0.95, max_tokens: 4096, seed: 0 });
    assert.deepEqual(sampling('eval-4'), { n: 4, temperature: 0.6, top_p: 0.95, max_tokens: 4096, seed: 0 });
    assert.deepEqual(sampling('{ preset: eval, max_tokens: 8192 }'), {
      n: 1,
      temperature: 0.6,
      top_p: 0.95,
      max_tokens: 8192,
      seed: 0,
    });
    assert.deepEqual(sampling('{ preset: eval-4, n: 2, seed: 7 }'), {
      n: 2,
      temperature: 0.6,
      top_p: 0.95,
      max_tokens: 4096,
      seed: 7,
    });
    assert.deepEqual(sampling('w2sr-teacher'), parseExperiment(TEACHER, FILE).teachers[0]!.sampling);
  });

  it('refuse an unknown sampling preset at its file:line:col, listing the presets', () => {
    const ids = SAMPLING_PRESETS.map((x) => x.id).join(', ');
    assert.equal(
      errorOf(`${TEACHER}    sampling: greedy\n`),
      `/srv/exp/main.w2s.yaml:4:15: teachers[0].sampling: no sampling preset "greedy" (the presets: ${ids}).`,
    );
    assert.equal(
      errorOf(`${TEACHER}    sampling:\n      preset: w2sr-eval\n      max_tokens: 8192\n`),
      `/srv/exp/main.w2s.yaml:5:15: teachers[0].sampling.preset: no sampling preset "w2sr-eval" (the presets: ${ids}).`,
    );
    assert.equal(
      errorOf(`${TEACHER}    sampling: [eval]\n`),
      `/srv/exp/main.w2s.yaml:4:15: teachers[0].sampling: must be a preset (${ids}) or a mapping (n, temperature, …).`,
    );
    assert.match(
      errorOf(`${TEACHER}    sampling: { preset: eval, temprature: 1 }\n`),
      /unknown field \(expected one of: preset, n,/,
    );
  });

  it("take an eval preset with the eval block's own values over it", () => {
    const e = parseExperiment(`${TEACHER}eval: { preset: w2sr-eval-4, seed: 1 }\n`, FILE).eval;
    assert.deepEqual(
      { n: e.n, t: e.temperature, p: e.top_p, max: e.max_tokens, seed: e.seed },
      { n: 4, t: 0.6, p: 0.95, max: null, seed: 1 },
    );
    assert.equal(
      errorOf(`${TEACHER}eval:\n  preset: eval-4\n`),
      `/srv/exp/main.w2s.yaml:5:11: eval.preset: no eval preset "eval-4" (the presets: ${EVAL_PRESETS.map((x) => x.id).join(', ')}).`,
    );
  });

  it('read an endpoint without a scheme as the name of an endpoint profile, one with a scheme as a URL', () => {
    const endpoint = (v: string) =>
      parseExperiment(`teachers:\n  - endpoint: ${v}\n    model: m\n`, FILE).teachers[0]!.endpoint;
    assert.deepEqual(endpoint('local-vllm'), { kind: 'profile', profile: 'local-vllm' });
    assert.deepEqual(endpoint('"Together AI"'), { kind: 'profile', profile: 'Together AI' });
    assert.deepEqual(endpoint('http://127.0.0.1:8000'), { kind: 'url', url: 'http://127.0.0.1:8000/v1' });
    // an address with its scheme left out is not taken for a profile's name
    assert.equal(
      errorOf('teachers:\n  - endpoint: 127.0.0.1:8000/v1\n    model: m\n'),
      '/srv/exp/main.w2s.yaml:2:15: teachers[0].endpoint: "127.0.0.1:8000/v1" is an address without its scheme: write it like http://127.0.0.1:8000/v1.',
    );
    assert.match(errorOf('teachers:\n  - endpoint: localhost:8000\n    model: m\n'), /:2:15: .*without its scheme/);
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
    // sampling: a preset id, or values over one; the ids are those of presets.ts
    const sampling = teacher.properties.sampling!.anyOf as [
      { enum: string[] },
      { properties: Record<string, { enum?: string[] }> },
    ];
    assert.deepEqual(keys(sampling[1]), sorted(FIELDS.sampling));
    const samplingIds = SAMPLING_PRESETS.map((x) => x.id);
    assert.deepEqual(sampling[0].enum, samplingIds);
    assert.deepEqual(sampling[1].properties.preset!.enum, samplingIds);
    assert.deepEqual(
      (p.eval!.properties!.preset as { enum: string[] }).enum,
      EVAL_PRESETS.map((x) => x.id),
    );
    // endpoint: a URL (a scheme) or a profile's name (none), as the parser tells them apart
    const endpoint = teacher.properties.endpoint as unknown as {
      anyOf: [{ pattern: string }, { not: { pattern: string } }];
    };
    assert.ok(new RegExp(endpoint.anyOf[0].pattern).test('http://127.0.0.1:8000/v1'));
    assert.ok(!new RegExp(endpoint.anyOf[1].not.pattern).test('local-vllm'));
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
