/**
 * Expands an experiment into steps, each keyed by a hash of its inputs and of the keys of the steps it
 * needs: an edit changes the key of the steps it reaches and of nothing else. A step's artefact in the
 * store (run, snapshot, job) is named after the experiment, the step and its key, so the store itself
 * says which steps are done (state.ts) and a name of the same step with another key marks it stale.
 * Endpoint and cluster addresses are not inputs: the same model sampled elsewhere gives the same traces.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { TraceFilter } from '../curation/filter';
import { requireView } from '../curation/views';
import { requireTemplate } from '../sampling/templates';
import { W2sError } from '../errors';
import { GRADER_VERSION } from '../grader/version';
import { findRecipe } from '../jobs/recipes';
import type { Store } from '../store/open';
import type { DatasetSpec, ExperimentSpec, TeacherSpec } from './spec';

export type StepKind = 'problems' | 'sample' | 'grade' | 'export' | 'sft' | 'eval' | 'results';

export interface Step {
  /** e.g. `sft:qwen-1.5b:w2sr-p` */
  readonly id: string;
  readonly kind: StepKind;
  /** SHA-256 of the inputs and of the needed steps' keys (hex) */
  readonly key: string;
  /** the artefact's name: problem set, run, snapshot, job, or the results file */
  readonly name: string;
  readonly needs: readonly string[];
  readonly teacher?: TeacherSpec;
  readonly dataset?: DatasetSpec;
  /** eval: the benchmark set; problems: the set */
  readonly setName?: string;
  /** eval of a reference model: `base` or `rl`, and its model id */
  readonly reference?: { readonly role: 'base' | 'rl'; readonly model: string };
  /** sft: the job.json settings (recipe, student settings, the dataset's own) */
  readonly settings?: Readonly<Record<string, unknown>>;
}

export interface ExperimentPlan {
  readonly spec: ExperimentSpec;
  readonly steps: readonly Step[];
  /** where exports and the results table are written */
  readonly outDir: string;
}

/** Longest job name (job-store.ts JOB_NAME); runs and snapshots allow more, one rule keeps names alike. */
const MAX_NAME = 64;

/** `EXP.part.part.KEY8`, the parts cut so the key always fits. */
export function artefactName(parts: readonly string[], key: string): string {
  const head = parts.map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '-')).join('.');
  return `${head.slice(0, MAX_NAME - 9).replace(/[.-]+$/, '')}.${key.slice(0, 8)}`;
}

/** The name without its key: every key of the same step shares it. */
export const stepPrefix = (name: string): string => name.slice(0, name.lastIndexOf('.'));

const hash = (x: unknown): string => createHash('sha256').update(JSON.stringify(x)).digest('hex');

function setHash(store: Store | undefined, set: string): string {
  const row = store?.db.prepare('SELECT source_hash FROM problem_sets WHERE name = ?').get(set) as
    { source_hash: string } | undefined;
  return row?.source_hash ?? 'not imported';
}

/** Names the experiment file and the teacher in what the store says of a dataset's view. */
function viewFilter(store: Store | undefined, spec: ExperimentSpec, teacher: string, view: string): TraceFilter {
  const where = `${spec.file}: teacher ${teacher}, dataset view:${view}`;
  if (!store) throw new W2sError(`${where}: there is no store yet, so no saved view.`, 'NO_VIEW');
  try {
    return requireView(store, view).filter;
  } catch (e) {
    throw new W2sError(`${where}: ${(e as Error).message}`, 'NO_VIEW');
  }
}

/** Every template the experiment names exists (a built-in, or one saved in the store), before anything runs. */
function checkTemplates(store: Store | undefined, spec: ExperimentSpec): void {
  const named = [
    ...spec.teachers.map((t) => [`teacher ${t.name}`, t.template] as const),
    ['eval', spec.eval.template] as const,
  ];
  for (const [who, name] of named) {
    try {
      requireTemplate(store, name);
    } catch (e) {
      throw new W2sError(`${spec.file}: ${who}: ${(e as Error).message}`, 'NO_TEMPLATE');
    }
  }
}

/** The steps of an experiment in the order they run; with no store yet, as they would be in an empty one. */
export function planExperiment(store: Store | undefined, spec: ExperimentSpec): ExperimentPlan {
  checkTemplates(store, spec);
  const steps: Step[] = [];
  const keys = new Map<string, string>();
  const add = (s: Omit<Step, 'key' | 'name'>, inputs: unknown, parts: readonly string[], plainName?: string) => {
    const key = hash({ kind: s.kind, inputs, needs: s.needs.map((n) => keys.get(n)) });
    keys.set(s.id, key);
    steps.push({ ...s, key, name: plainName ?? artefactName([spec.name, ...parts], key) });
  };
  const sets = [spec.problems.set, ...spec.eval.sets.map((s) => s.set)];
  for (const set of [...new Set(sets)])
    add({ id: `problems:${set}`, kind: 'problems', needs: [], setName: set }, setHash(store, set), [], set);

  const recipe = findRecipe(spec.student.recipe).settings;
  // the set by name too: two sets of the same content are still two evaluations
  const evalInputs = { ...spec.eval, sets: undefined };
  const evalIds: string[] = [];
  for (const t of spec.teachers) {
    const sampleId = `sample:${t.name}`;
    add(
      { id: sampleId, kind: 'sample', needs: [`problems:${spec.problems.set}`], teacher: t },
      { model: t.model, template: t.template, sampling: t.sampling, limit: spec.problems.limit },
      [t.name],
    );
    const sample = steps.at(-1)!;
    add({ id: `grade:${t.name}`, kind: 'grade', needs: [sampleId], teacher: t }, GRADER_VERSION, [], sample.name);
    for (const d of t.datasets) {
      const exportId = `export:${t.name}:${d.name}`;
      const filter = d.view ? viewFilter(store, spec, t.name, d.view) : null;
      add(
        { id: exportId, kind: 'export', needs: [`grade:${t.name}`], teacher: t, dataset: d },
        { preset: d.preset, filter },
        [t.name, d.name],
      );
      const settings = { ...recipe, ...spec.student.settings, ...d.sft };
      const sftId = `sft:${t.name}:${d.name}`;
      add(
        { id: sftId, kind: 'sft', needs: [exportId], teacher: t, dataset: d, settings },
        { baseModel: spec.student.baseModel, settings, gpus: spec.student.gpus },
        ['sft', t.name, d.name],
      );
      for (const s of spec.eval.sets) {
        const id = `eval:${t.name}:${d.name}:${s.set}`;
        evalIds.push(id);
        add(
          { id, kind: 'eval', needs: [sftId, `problems:${s.set}`], teacher: t, dataset: d, setName: s.set },
          { set: s.set, ...evalInputs },
          ['eval', t.name, d.name, s.set],
        );
      }
    }
  }
  for (const role of ['base', 'rl'] as const) {
    const model = spec.compare[role];
    if (!model) continue;
    for (const s of spec.eval.sets) {
      const id = `eval:${role}:${s.set}`;
      evalIds.push(id);
      add(
        { id, kind: 'eval', needs: [`problems:${s.set}`], setName: s.set, reference: { role, model } },
        { model, set: s.set, ...evalInputs },
        ['eval', role, s.set],
      );
    }
  }
  const outDir = path.join(path.dirname(spec.file), '.w2s', 'experiments', spec.name);
  add({ id: 'results', kind: 'results', needs: evalIds }, spec.compare, [], path.join(outDir, 'results.md'));
  return { spec, steps, outDir };
}
