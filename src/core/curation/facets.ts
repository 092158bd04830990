import { FACET_SIGNALS } from '../signals/definitions';
import { signalsCoverage } from '../signals/record';
import type { Store } from '../store/open';
import {
  BASE_FROM,
  compileFilter,
  LENGTH_BUCKET_SQL,
  SIGNAL_BITS,
  type DimensionName,
  type FacetName,
} from './compile';
import { LABEL_VALUES, LENGTH_BUCKETS, VERDICTS, type TraceFilter } from './filter';
import type { FacetValue, TraceFacets } from '../../model/traces';

export type { FacetValue, TraceFacets } from '../../model/traces';

interface Group {
  m: number;
  run_id: number;
  verdict: string | null;
  decision: string | null;
  star: number;
  finish: string | null;
  bucket: string;
  subject: string | null;
  level: string | null;
  n: number;
  [signalCount: `f${number}`]: number;
}

/**
 * Facet counts under a filter, each facet counted with the *other* facets applied (the usual faceted
 * search semantics: ticking a second verdict shows what it would add). One query: every row gets a
 * bit mask of the active dimensions it fails; rows failing two or more can count nowhere and are
 * dropped in SQL; the rest are grouped by every facet's value and the mask, and each group counts
 * toward facet F when it fails nothing or only F.
 */
export function facetCounts(store: Store, filter: TraceFilter): TraceFacets {
  const c = compileFilter(store, filter);
  const bit = new Map<DimensionName, number>();
  c.dimensions.forEach((d, i) => bit.set(d.name, 2 ** i));
  const mask = c.dimensions.length
    ? c.dimensions.map((d, i) => `(CASE WHEN ${d.sql} THEN 0 ELSE ${2 ** i} END)`).join(' + ')
    : '0';
  const where = c.conditions.length ? `WHERE ${c.conditions.join(' AND ')}` : '';
  const sql = `
    SELECT m, run_id, verdict, decision, star, finish, bucket, subject, level, count(*) AS n,
      ${SIGNAL_BITS.map((b, i) => `sum((flags & ${b.mask}) != 0) AS f${i}`).join(', ')}
    FROM (SELECT s.run_id, s.verdict, l.decision, coalesce(l.star, 0) AS star, s.finish, ${LENGTH_BUCKET_SQL} AS bucket,
            s.subject, s.level, s.flags, ${mask} AS m
          FROM ${BASE_FROM} ${where})
    WHERE (m & (m - 1)) = 0
    GROUP BY m, run_id, verdict, decision, star, finish, bucket, subject, level`;
  const groups = store.db.prepare(sql).all(c.params) as Group[];

  const runs = runList(store);
  const runById = new Map(runs.map((r) => [r.id, r]));
  const counts = new FacetTally(bit);
  let total = 0;
  for (const g of groups) {
    if (g.m === 0) total += g.n;
    const run = runById.get(g.run_id);
    const t = counts.forMask(g.m);
    if (run) {
      t('run', run.name, g.n);
      t('model', run.model, g.n);
      t('set', run.set_name, g.n);
    }
    t('verdict', g.verdict ?? 'ungraded', g.n);
    if (g.decision) t('label', g.decision, g.n);
    if (g.star) t('label', 'star', g.n);
    if (!g.decision && !g.star) t('label', 'none', g.n);
    t('finish', g.finish ?? 'none', g.n);
    t('length', g.bucket, g.n);
    if (g.subject !== null) t('subject', g.subject, g.n);
    if (g.level !== null) t('level', g.level, g.n);
    SIGNAL_BITS.forEach((b, i) => t(`signal:${b.name}`, b.name, g[`f${i}`]));
  }
  return assembleFacets(signalsCoverage(store), counts, total, runs, filter, c.warnings);
}

export interface RunInfo {
  readonly id: number;
  readonly name: string;
  readonly model: string;
  readonly set_name: string;
}

export function runList(store: Store): RunInfo[] {
  return store.db
    .prepare(
      'SELECT r.id, r.name, r.model, s.name AS set_name FROM runs r JOIN problem_sets s ON s.id = r.set_id ORDER BY r.name',
    )
    .all() as RunInfo[];
}

/**
 * Counts per facet value. A row (or a group of rows) failing the dimensions in `mask` counts toward
 * facet F when it fails nothing, or only F's own dimension.
 */
export class FacetTally {
  readonly counts = new Map<DimensionName, Map<string, number>>();
  constructor(private readonly bit: ReadonlyMap<DimensionName, number>) {}

  add(dim: DimensionName, value: string, n: number): void {
    let m = this.counts.get(dim);
    if (!m) this.counts.set(dim, (m = new Map()));
    m.set(value, (m.get(value) ?? 0) + n);
  }

  /** A function adding to facet values for rows that fail exactly `mask`. */
  forMask(mask: number): (dim: DimensionName, value: string, n: number) => void {
    return (dim, value, n) => {
      if (mask === 0 || mask === this.bit.get(dim)) this.add(dim, value, n);
    };
  }

  get(dim: DimensionName, value: string): number {
    return this.counts.get(dim)?.get(value) ?? 0;
  }
}

/** The facets as the view shows them: every known value (zero counts too), selected values first-class. */
export function assembleFacets(
  backlog: { traces: number; missing: number },
  counts: FacetTally,
  total: number,
  runs: readonly RunInfo[],
  filter: TraceFilter,
  warnings: readonly string[],
): TraceFacets {
  const get = (dim: DimensionName, value: string) => counts.get(dim, value);
  const values = (
    dim: DimensionName,
    known: readonly string[],
    selected: readonly string[] | undefined,
    extra?: (v: string) => Partial<FacetValue>,
  ): FacetValue[] => {
    const seen = [...new Set([...known, ...(counts.counts.get(dim)?.keys() ?? []), ...(selected ?? [])])];
    return seen.map((value) => ({
      value,
      count: get(dim, value),
      selected: selected?.includes(value) ?? false,
      ...extra?.(value),
    }));
  };
  const byName = (a: FacetValue, b: FacetValue) => a.value.localeCompare(b.value, undefined, { numeric: true });
  const modelOf = new Map(runs.map((r) => [r.name, r]));
  const selectedSignals = new Set(
    (filter.signals ?? []).filter((s) => s.present !== false && s.op === undefined).map((s) => s.signal),
  );
  const facets: Record<FacetName, FacetValue[]> = {
    run: values(
      'run',
      runs.map((r) => r.name),
      filter.runs,
      (v) => {
        const r = modelOf.get(v);
        return r ? { detail: `${r.model} on ${r.set_name}` } : {};
      },
    ).sort(byName),
    model: values(
      'model',
      runs.map((r) => r.model),
      filter.models,
    ).sort(byName),
    set: values(
      'set',
      runs.map((r) => r.set_name),
      filter.sets,
    ).sort(byName),
    verdict: values('verdict', VERDICTS, filter.verdicts),
    label: values('label', LABEL_VALUES, filter.labels),
    finish: values('finish', [], filter.finishReasons).sort((a, b) => b.count - a.count || byName(a, b)),
    length: LENGTH_BUCKETS.map((b) => ({
      value: b.value,
      count: get('length', b.value),
      range: b.range,
      selected:
        filter.length !== undefined &&
        filter.length.min === b.range.min &&
        (filter.length.max ?? Number.MAX_SAFE_INTEGER) === b.range.max,
    })),
    subject: values('subject', [], filter.subjects).sort(byName),
    level: values('level', [], filter.levels).sort(byName),
    signal: FACET_SIGNALS.map((s) => ({
      value: s.name,
      count: get(`signal:${s.name}`, s.name),
      selected: selectedSignals.has(s.name),
      detail: s.description,
    })),
  };
  return { total, all: backlog.traces - backlog.missing, facets, pendingSignals: backlog.missing, warnings };
}
