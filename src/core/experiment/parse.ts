/**
 * Reads an experiment file: YAML (the `yaml` package) checked field by field, every error naming
 * FILE:LINE:COLUMN and the field, defaults from spec.ts. Only the checks; what the fields mean is spec.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { W2sError } from '../errors';
import { EXPORT_PRESETS, type ExportPreset } from '../export/presets';
import { findRecipe, recipeForStudent } from '../jobs/recipes';
import { checkDatasetName } from '../export/snapshots';
import { normalizeBaseUrl } from '../sampling/endpoint';
import { EVAL_PRESETS, SAMPLING_PRESETS, type SamplingPreset } from '../sampling/presets';
import {
  EXPERIMENT_DEFAULTS as D,
  type DatasetSpec,
  type EvalSetSpec,
  type ExperimentSpec,
  type ProblemsSpec,
  type SamplingSpec,
  type TeacherEndpoint,
  type TeacherSpec,
} from './spec';

type Path = readonly (string | number)[];

/** The fields of each mapping of the file: the JSON schema (schemas/experiment.schema.json) names the same. */
export const FIELDS = {
  experiment: ['name', 'problems', 'teachers', 'student', 'cluster', 'eval', 'compare'],
  problems: ['set', 'file', 'limit'],
  teacher: ['name', 'endpoint', 'model', 'template', 'sampling', 'api_key_env', 'concurrency', 'datasets'],
  sampling: ['preset', 'n', 'temperature', 'top_p', 'max_tokens', 'seed'],
  dataset: ['preset', 'view', 'name', 'sft'],
  student: ['base_model', 'recipe', 'settings', 'gpus', 'model_config', 'gpu_memory'],
  cluster: ['address', 'checkpoint_root', 'runtime'],
  eval: ['sets', 'template', 'preset', 'n', 'temperature', 'top_p', 'max_tokens', 'seed', 'gpus'],
  evalSet: ['set', 'file'],
  compare: ['base', 'rl'],
} as const satisfies Record<string, readonly string[]>;

interface Reader {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/** `a.b[2].c` */
const fieldName = (p: Path): string =>
  p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('') || '(top level)';

function where(r: Reader, p: Path): string {
  // the node itself, else its nearest parent that exists (a missing field is reported at its parent)
  for (let n = p.length; n >= 0; n--) {
    const node = r.doc.getIn(p.slice(0, n), true) as Node | undefined;
    if (node?.range) {
      const { line, col } = r.lines.linePos(node.range[0]);
      return `${r.file}:${line}:${col}`;
    }
  }
  return `${r.file}:1:1`;
}

function fail(r: Reader, p: Path, message: string, at?: Node): never {
  const pos = at?.range ? r.lines.linePos(at.range[0]) : undefined;
  const loc = pos ? `${r.file}:${pos.line}:${pos.col}` : where(r, p);
  throw new W2sError(`${loc}: ${fieldName(p)}: ${message}`, 'BAD_EXPERIMENT');
}

const get = (r: Reader, p: Path): unknown => r.doc.getIn(p);
const has = (r: Reader, p: Path): boolean => r.doc.hasIn(p);

function allowKeys(r: Reader, p: Path, keys: readonly string[]): void {
  const node = p.length ? r.doc.getIn(p, true) : r.doc.contents;
  if (!isMap(node)) return;
  for (const item of node.items) {
    const keyNode = item.key as (Node & { value?: unknown }) | null;
    const k = String(keyNode?.value ?? keyNode);
    // reported at the key itself: the value may be far below it
    if (!keys.includes(k))
      fail(r, [...p, k], `unknown field (expected one of: ${keys.join(', ')}).`, keyNode ?? undefined);
  }
}

function str(r: Reader, p: Path, fallback?: string): string {
  const v = get(r, p);
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    fail(r, p, 'is required.');
  }
  if (typeof v !== 'string' || !v.trim()) fail(r, p, `must be a non-empty text (got ${JSON.stringify(v)}).`);
  return v.trim();
}

function optStr(r: Reader, p: Path): string | null {
  return has(r, p) && get(r, p) !== null ? str(r, p) : null;
}

function num(r: Reader, p: Path, fallback: number, check: (x: number) => boolean, what: string): number {
  const v = get(r, p);
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !check(v)) fail(r, p, `must be ${what} (got ${JSON.stringify(v)}).`);
  return v;
}

const positiveInt = (x: number) => Number.isInteger(x) && x >= 1;

function obj(r: Reader, p: Path): Record<string, unknown> {
  const v = get(r, p);
  if (v === undefined || v === null) return {};
  const node = r.doc.getIn(p, true);
  if (!isMap(node)) fail(r, p, 'must be a mapping of job.json fields (e.g. learning_rate: 2.0e-5).');
  return (node.toJSON() as Record<string, unknown>) ?? {};
}

/** A list, or one value standing for a list of one. */
function list(r: Reader, p: Path): Path[] {
  const node = r.doc.getIn(p, true);
  if (node === undefined || node === null) return [];
  if (isSeq(node)) return node.items.map((_, i) => [...p, i]);
  return [p];
}

function problems(r: Reader, dir: string): ProblemsSpec {
  const p = ['problems'];
  if (!has(r, p) || typeof get(r, p) === 'string') return { set: str(r, p, D.problems), file: null, limit: null };
  allowKeys(r, p, FIELDS.problems);
  const file = optStr(r, [...p, 'file']);
  const set = str(r, [...p, 'set'], file ? path.basename(file).replace(/\.[^.]+$/, '') : D.problems);
  return {
    set,
    file: file && path.resolve(dir, file),
    limit: has(r, [...p, 'limit']) ? num(r, [...p, 'limit'], 0, positiveInt, 'a positive integer') : null,
  };
}

function dataset(r: Reader, p: Path): DatasetSpec {
  const v = get(r, p);
  if (typeof v === 'string') return { ...presetOrView(r, p, v), sft: {} };
  allowKeys(r, p, FIELDS.dataset);
  const preset = optStr(r, [...p, 'preset']);
  const view = optStr(r, [...p, 'view']);
  if (!preset === !view) fail(r, p, 'give one of preset (w2sr, w2sr-p, incorrect) and view (a saved view).');
  const base = presetOrView(r, preset ? [...p, 'preset'] : [...p, 'view'], preset ?? `view:${view!}`);
  const name = optStr(r, [...p, 'name']) ?? base.name;
  checkName(r, [...p, 'name'], name);
  return { ...base, name, sft: obj(r, [...p, 'sft']) };
}

function presetOrView(r: Reader, p: Path, v: string): Omit<DatasetSpec, 'sft'> {
  if (v.startsWith('view:')) {
    const view = v.slice(5).trim();
    if (!view) fail(r, p, 'name the saved view: view:NAME.');
    return { name: view.replace(/[^A-Za-z0-9._-]+/g, '-'), preset: null, view };
  }
  if (!(EXPORT_PRESETS as readonly string[]).includes(v))
    fail(r, p, `must be ${EXPORT_PRESETS.join(', ')} or view:NAME (got "${v}").`);
  return { name: v, preset: v as ExportPreset, view: null };
}

function checkName(r: Reader, p: Path, name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(name))
    fail(r, p, `"${name}" must be letters, digits, ".", "_" or "-" (up to 32, starting with a letter or digit).`);
}

/** A URL has a scheme; anything else names a profile of `w2s.endpoints`, except what is plainly a host. */
function teacherEndpoint(r: Reader, p: Path): TeacherEndpoint {
  const v = str(r, p);
  if (!v.includes('://')) {
    // `127.0.0.1:8000/v1`, `localhost:8000`: an address without its scheme, not a profile's name
    if (/^(localhost|\d{1,3}(\.\d{1,3}){3}|[\w.-]+:\d+)(:\d+)?(\/|$)/i.test(v))
      fail(r, p, `"${v}" is an address without its scheme: write it like http://${v}.`);
    return { kind: 'profile', profile: v };
  }
  try {
    return { kind: 'url', url: normalizeBaseUrl(v, 'endpoint') };
  } catch (e) {
    fail(r, p, (e as Error).message);
  }
}

/** A preset of `presets` by id, or an error naming the place and every id there is. */
function preset(r: Reader, p: Path, presets: readonly SamplingPreset[], what: string): SamplingPreset {
  const id = str(r, p);
  const found = presets.find((x) => x.id === id);
  if (!found) fail(r, p, `no ${what} preset "${id}" (the presets: ${presets.map((x) => x.id).join(', ')}).`);
  return found;
}

/**
 * `sampling: ID` (a preset), or a mapping of values over a preset (`preset: ID`) or over the defaults.
 * The result holds values only: a preset and the same values written out give the same step keys.
 */
function teacherSampling(r: Reader, p: Path): SamplingSpec {
  const v = get(r, p);
  const isId = typeof v === 'string';
  if (v !== undefined && v !== null && !isId && !isMap(r.doc.getIn(p, true)))
    fail(r, p, `must be a preset (${SAMPLING_PRESETS.map((x) => x.id).join(', ')}) or a mapping (n, temperature, …).`);
  const presetPath = isId ? p : [...p, 'preset'];
  if (!isId) allowKeys(r, p, FIELDS.sampling);
  const chosen = isId || has(r, presetPath) ? preset(r, presetPath, SAMPLING_PRESETS, 'sampling') : undefined;
  const base: SamplingSpec = chosen
    ? {
        n: chosen.n,
        temperature: chosen.params.temperature ?? D.teacherSampling.temperature,
        top_p: chosen.params.top_p ?? D.teacherSampling.top_p,
        max_tokens: chosen.params.max_tokens ?? D.teacherSampling.max_tokens,
        seed: chosen.params.seed ?? null,
      }
    : D.teacherSampling;
  if (isId) return base;
  return {
    n: num(r, [...p, 'n'], base.n, positiveInt, 'a positive integer'),
    temperature: num(r, [...p, 'temperature'], base.temperature, (x) => x >= 0 && x <= 2, 'between 0 and 2'),
    top_p: num(r, [...p, 'top_p'], base.top_p, (x) => x > 0 && x <= 1, 'in (0, 1]'),
    max_tokens: num(r, [...p, 'max_tokens'], base.max_tokens, positiveInt, 'a positive integer'),
    seed: has(r, [...p, 'seed']) ? num(r, [...p, 'seed'], 0, Number.isInteger, 'an integer') : base.seed,
  };
}

function teacher(r: Reader, p: Path, used: Set<string>): TeacherSpec {
  allowKeys(r, p, FIELDS.teacher);
  const model = str(r, [...p, 'model']);
  const name =
    optStr(r, [...p, 'name']) ?? (model.split('/').filter(Boolean).at(-1) ?? model).replace(/[^A-Za-z0-9._-]+/g, '-');
  checkName(r, [...p, 'name'], name);
  if (used.has(name)) fail(r, [...p, 'name'], `"${name}" names another teacher too; give each teacher its own name.`);
  used.add(name);
  const endpoint = teacherEndpoint(r, [...p, 'endpoint']);
  const sampling = teacherSampling(r, [...p, 'sampling']);
  const dsPaths = list(r, [...p, 'datasets']);
  const datasets = dsPaths.length
    ? dsPaths.map((dp) => dataset(r, dp))
    : D.datasets.map((d) => ({ name: d, preset: d, view: null, sft: {} }));
  const names = new Set<string>();
  datasets.forEach((d, i) => {
    if (names.has(d.name))
      fail(r, dsPaths[i] ?? [...p, 'datasets'], `two datasets are named "${d.name}"; give one a name:.`);
    names.add(d.name);
  });
  return {
    name,
    endpoint,
    model,
    template: str(r, [...p, 'template'], D.template),
    sampling,
    apiKeyEnv: optStr(r, [...p, 'api_key_env']),
    concurrency: num(r, [...p, 'concurrency'], D.concurrency, positiveInt, 'a positive integer'),
    datasets,
  };
}

function evalSet(r: Reader, p: Path, dir: string): EvalSetSpec {
  if (typeof get(r, p) === 'string') return { set: str(r, p), file: null };
  allowKeys(r, p, FIELDS.evalSet);
  const file = str(r, [...p, 'file']);
  return { set: str(r, [...p, 'set'], path.basename(file).replace(/\.[^.]+$/, '')), file: path.resolve(dir, file) };
}

/** Reads and checks an experiment file's text; `file` names it in errors and anchors relative paths. */
export function parseExperiment(text: string, file: string): ExperimentSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r: Reader = { file, doc, lines };
  const bad = doc.errors[0];
  if (bad) {
    const { line, col } = lines.linePos(bad.pos[0]);
    throw new W2sError(`${file}:${line}:${col}: not valid YAML: ${bad.message.split('\n')[0]}`, 'BAD_EXPERIMENT');
  }
  if (!isMap(doc.contents)) fail(r, [], 'an experiment file is a mapping (name:, problems:, teachers:, student:, …).');
  allowKeys(r, [], FIELDS.experiment);
  const dir = path.dirname(path.resolve(file));
  const defaultName = path
    .basename(file)
    .replace(/\.w2s\.ya?ml$/i, '')
    .replace(/\.[^.]+$/, '');
  const name = str(r, ['name'], defaultName.replace(/[^A-Za-z0-9._-]+/g, '-') || 'experiment');
  checkName(r, ['name'], name);

  const used = new Set<string>();
  const teacherPaths = list(r, ['teachers']);
  if (!teacherPaths.length) fail(r, ['teachers'], 'is required: at least one teacher (endpoint, model).');
  const teachers = teacherPaths.map((p) => teacher(r, p, used));

  allowKeys(r, ['student'], FIELDS.student);
  const baseModel = str(r, ['student', 'base_model'], D.student);
  const recipeName = optStr(r, ['student', 'recipe']) ?? recipeForStudent(baseModel)?.name ?? 'w2sr';
  try {
    findRecipe(recipeName);
  } catch (e) {
    fail(r, ['student', 'recipe'], (e as Error).message);
  }
  const modelConfig = optStr(r, ['student', 'model_config']);

  allowKeys(r, ['cluster'], FIELDS.cluster);
  allowKeys(r, ['eval'], FIELDS.eval);
  const setPaths = list(r, ['eval', 'sets']);
  // `eval: { preset: w2sr-eval-4 }`: its values under the block's own; as for a teacher, only values are keyed
  const evalPreset = has(r, ['eval', 'preset']) ? preset(r, ['eval', 'preset'], EVAL_PRESETS, 'eval') : undefined;
  const evalBase = {
    n: evalPreset?.n ?? D.eval.n,
    temperature: evalPreset?.params.temperature ?? D.eval.temperature,
    top_p: evalPreset?.params.top_p ?? D.eval.top_p,
    max_tokens: evalPreset?.params.max_tokens ?? D.eval.max_tokens,
    seed: evalPreset?.params.seed ?? D.eval.seed,
  };
  allowKeys(r, ['compare'], FIELDS.compare);
  const compareNone = (k: string) => has(r, ['compare', k]) && get(r, ['compare', k]) === null;

  const spec: ExperimentSpec = {
    name,
    file: path.resolve(file),
    problems: problems(r, dir),
    teachers,
    student: {
      baseModel,
      recipe: recipeName,
      settings: obj(r, ['student', 'settings']),
      gpus: num(r, ['student', 'gpus'], D.studentGpus, positiveInt, 'a positive integer'),
      modelConfig: modelConfig && path.resolve(dir, modelConfig),
      gpuMemoryGiB: num(r, ['student', 'gpu_memory'], D.gpuMemoryGiB, (x) => x > 0, 'a positive number of GiB'),
    },
    cluster: {
      address: optStr(r, ['cluster', 'address']),
      checkpointRoot: optStr(r, ['cluster', 'checkpoint_root']),
      runtime: optStr(r, ['cluster', 'runtime']),
    },
    eval: {
      sets: setPaths.length ? setPaths.map((p) => evalSet(r, p, dir)) : D.evalSets.map((s) => ({ set: s, file: null })),
      template: str(r, ['eval', 'template'], D.template),
      n: num(r, ['eval', 'n'], evalBase.n, positiveInt, 'a positive integer'),
      temperature: num(r, ['eval', 'temperature'], evalBase.temperature, (x) => x >= 0 && x <= 2, 'between 0 and 2'),
      top_p: num(r, ['eval', 'top_p'], evalBase.top_p, (x) => x > 0 && x <= 1, 'in (0, 1]'),
      max_tokens: has(r, ['eval', 'max_tokens'])
        ? get(r, ['eval', 'max_tokens']) === null
          ? null
          : num(r, ['eval', 'max_tokens'], 0, positiveInt, 'a positive integer or null')
        : evalBase.max_tokens,
      seed: num(r, ['eval', 'seed'], evalBase.seed, Number.isInteger, 'an integer'),
      gpus: num(r, ['eval', 'gpus'], D.eval.gpus, positiveInt, 'a positive integer'),
    },
    compare: {
      base: compareNone('base') ? null : (optStr(r, ['compare', 'base']) ?? baseModel),
      rl: compareNone('rl') ? null : (optStr(r, ['compare', 'rl']) ?? D.rlFor[baseModel] ?? null),
    },
  };
  for (const d of teachers.flatMap((t) => t.datasets)) checkDatasetName(d.name);
  return spec;
}

/** Reads an experiment file from disk. */
export function readExperiment(file: string): ExperimentSpec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new W2sError(
      `Cannot read the experiment file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
      'BAD_EXPERIMENT',
    );
  }
  return parseExperiment(text, file);
}
