/**
 * Where each step of an experiment comes from in its file, for the editor's "Run to here" CodeLens: a
 * teacher's line holds its sampling and grading, a dataset's line its export and SFT, an eval set's line
 * the evaluations on it, `compare:`'s base or rl line that reference model's. Steps of one kind on one line
 * make one lens that runs them all (a flow list `[w2sr, w2sr-p]` puts two datasets on a line).
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { ExperimentPlan, Step, StepKind } from './plan';

export interface StepAnchor {
  /** 0-based line of the file */
  readonly line: number;
  readonly kind: StepKind;
  /** the step ids the lens runs (with what they need) */
  readonly steps: readonly string[];
  readonly title: string;
}

const KIND_TITLE: Readonly<Record<StepKind, string>> = {
  problems: 'import',
  sample: 'sampling',
  grade: 'grading',
  export: 'export',
  sft: 'SFT',
  eval: 'eval',
  results: 'results',
};

/** The line of the node at `path` (a key's line for a mapping's value), or undefined when the file has none. */
function lineOf(doc: Document, lines: LineCounter, path: readonly (string | number)[]): number | undefined {
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
  const last = path.at(-1)!;
  let offset: number | undefined;
  if (typeof last === 'string' && isMap(parent)) {
    // a key's own line: `compare:` over a block whose first entry is on the next line
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
  } else {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    offset = node && typeof node === 'object' ? node.range?.[0] : undefined;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line - 1;
}

/** Where a step is anchored: the first of its candidate places that the file spells out. */
function placesOf(plan: ExperimentPlan, step: Step): (string | number)[][] {
  const { spec } = plan;
  const t = step.teacher ? spec.teachers.indexOf(step.teacher) : -1;
  const d = step.teacher && step.dataset ? step.teacher.datasets.indexOf(step.dataset) : -1;
  const s = step.setName ? spec.eval.sets.findIndex((x) => x.set === step.setName) : -1;
  switch (step.kind) {
    case 'problems':
      return step.setName === spec.problems.set ? [['problems']] : [['eval', 'sets', s], ['eval']];
    case 'sample':
    case 'grade':
      return [['teachers', t]];
    case 'export':
    case 'sft':
      return [
        ['teachers', t, 'datasets', d],
        ['teachers', t],
      ];
    case 'eval':
      return step.reference
        ? [['compare', step.reference.role], ['eval', 'sets', s], ['eval']]
        : [['eval', 'sets', s], ['eval']];
    case 'results':
      // the whole run: "Run experiment" at the top says it already
      return [];
  }
}

/** The "Run to here" lenses of an experiment file's text and its plan (made from the same text). */
export function stepAnchors(text: string, plan: ExperimentPlan): StepAnchor[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const groups = new Map<string, { line: number; kind: StepKind; steps: string[] }>();
  for (const step of plan.steps) {
    let line: number | undefined;
    for (const place of placesOf(plan, step)) {
      if (place.some((p) => p === -1)) continue;
      line = lineOf(doc, lines, place);
      if (line !== undefined) break;
    }
    if (line === undefined) continue;
    const key = `${line}:${step.kind}`;
    const g = groups.get(key) ?? { line, kind: step.kind, steps: [] };
    g.steps.push(step.id);
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => a.line - b.line)
    .map((g) => ({
      ...g,
      title: `Run to ${KIND_TITLE[g.kind]}${g.steps.length > 1 ? ` (${g.steps.length} steps)` : ''}`,
    }));
}
