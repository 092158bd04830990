import type { DimensionName } from '../compile';
import { SIGNAL_BITS } from '../compile';
import { FacetTally, type RunInfo } from '../facets';
import { LENGTH_BUCKETS } from '../filter';
import { DECISION_ACCEPT, DECISION_NONE, DECISION_REJECT, VERDICT_NAME, type Columns } from './columns';
import type { Matcher } from './predicates';

const LABEL_NAMES = ['accept', 'reject', 'star', 'none'] as const;
const BUCKET_MAX = LENGTH_BUCKETS.map((b) => b.range.max);

/** The length bucket of a token count (the facet's value). */
function bucketOf(tokens: number): number {
  let b = 0;
  while (b < BUCKET_MAX.length - 1 && tokens > BUCKET_MAX[b]!) b++;
  return b;
}

/** Counts a row's label under its labels (a starred accepted trace counts under both). */
function countLabel(counts: Float64Array, decision: number, star: number): void {
  if (decision === DECISION_ACCEPT) counts[0]++;
  else if (decision === DECISION_REJECT) counts[1]++;
  if (star) counts[2]++;
  if (decision === DECISION_NONE && !star) counts[3]++;
}

/**
 * Facet counts in one pass over the columns. Counters: rows passing everything ("all"), and rows failing
 * exactly one dimension, counted only under that dimension's own facet ("only"): facet F = all + only-F
 * (what a click on a value of F would select, every other part of the filter kept).
 */
export function countFacets(c: Columns, m: Matcher, runs: readonly RunInfo[]): { tally: FacetTally; total: number } {
  const { traceId, run, verdict, decision, star, finish, tokens, subject, level, flags } = c;
  const dimTests = m.dims.map((d) => d.test);
  const conds = m.conds;
  const maxRun = Math.max(0, ...runs.map((r) => r.id));
  const runAll = new Float64Array(maxRun + 1);
  const verdictAll = new Float64Array(VERDICT_NAME.length);
  const labelAll = new Float64Array(LABEL_NAMES.length);
  const finishAll = new Float64Array(c.finishes.names.length);
  const bucketAll = new Float64Array(LENGTH_BUCKETS.length);
  const subjectAll = new Float64Array(c.subjects.names.length);
  const levelAll = new Float64Array(c.levels.names.length);
  const signalAll = new Float64Array(SIGNAL_BITS.length);
  const kinds = m.dims.map((d) => d.name);
  const only = kinds.map(
    (k) =>
      new Float64Array(
        k === 'run' || k === 'model' || k === 'set'
          ? maxRun + 1
          : k === 'finish'
            ? c.finishes.names.length
            : k === 'subject'
              ? c.subjects.names.length
              : k === 'level'
                ? c.levels.names.length
                : 8,
      ),
  );
  const signalMask = kinds.map((k) =>
    k.startsWith('signal:') ? (SIGNAL_BITS.find((b) => `signal:${b.name}` === k)?.mask ?? 0) : 0,
  );
  let total = 0;
  outer: for (let slot = 0; slot < c.used; slot++) {
    if (traceId[slot] === 0) continue;
    for (let i = 0; i < conds.length; i++) if (!conds[i]!(slot)) continue outer;
    let failed = -1;
    for (let i = 0; i < dimTests.length; i++) {
      if (!dimTests[i]!(slot)) {
        if (failed !== -1) continue outer; // fails two dimensions: counts nowhere
        failed = i;
      }
    }
    if (failed === -1) {
      total++;
      runAll[run[slot]!]++;
      verdictAll[verdict[slot]!]++;
      countLabel(labelAll, decision[slot]!, star[slot]!);
      finishAll[finish[slot]!]++;
      bucketAll[bucketOf(tokens[slot]!)]++;
      subjectAll[subject[slot]!]++;
      levelAll[level[slot]!]++;
      const f = flags[slot]!;
      if (f) for (let b = 0; b < SIGNAL_BITS.length; b++) if (f & SIGNAL_BITS[b]!.mask) signalAll[b]++;
      continue;
    }
    const o = only[failed]!;
    switch (kinds[failed]) {
      case 'run':
      case 'model':
      case 'set':
        o[run[slot]!]++;
        break;
      case 'verdict':
        o[verdict[slot]!]++;
        break;
      case 'label':
        countLabel(o, decision[slot]!, star[slot]!);
        break;
      case 'finish':
        o[finish[slot]!]++;
        break;
      case 'length':
        o[bucketOf(tokens[slot]!)]++;
        break;
      case 'subject':
        o[subject[slot]!]++;
        break;
      case 'level':
        o[level[slot]!]++;
        break;
      default:
        if (flags[slot]! & signalMask[failed]!) o[0]++;
    }
  }

  const tally = new FacetTally(new Map());
  const onlyOf = (k: DimensionName) => {
    const i = kinds.indexOf(k);
    return i >= 0 ? only[i]! : undefined;
  };
  for (const [dim, of] of [
    ['run', (r: RunInfo) => r.name],
    ['model', (r: RunInfo) => r.model],
    ['set', (r: RunInfo) => r.set_name],
  ] as const) {
    const o = onlyOf(dim);
    for (const r of runs) {
      const n = runAll[r.id]! + (o ? o[r.id]! : 0);
      if (n) tally.add(dim, of(r), n);
    }
  }
  const list = (dim: DimensionName, all: Float64Array, name: (i: number) => string | null) => {
    const o = onlyOf(dim);
    for (let i = 0; i < all.length; i++) {
      const n = all[i]! + (o ? o[i]! : 0);
      const v = name(i);
      if (n && v !== null) tally.add(dim, v, n);
    }
  };
  list('verdict', verdictAll, (i) => VERDICT_NAME[i]!);
  list('label', labelAll, (i) => LABEL_NAMES[i]!);
  list('finish', finishAll, (i) => c.finishes.names[i] ?? 'none');
  list('length', bucketAll, (i) => LENGTH_BUCKETS[i]!.value);
  list('subject', subjectAll, (i) => c.subjects.names[i] ?? null);
  list('level', levelAll, (i) => c.levels.names[i] ?? null);
  SIGNAL_BITS.forEach((b, i) => {
    const n = signalAll[i]! + (onlyOf(`signal:${b.name}`)?.[0] ?? 0);
    if (n) tally.add(`signal:${b.name}`, b.name, n);
  });
  return { tally, total };
}
