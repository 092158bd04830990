import { FACET_SIGNALS, signalDef, type SignalName } from '../signals/definitions';
import type { Store } from '../store/open';
import { LENGTH_BUCKETS, type LabelValue, type NumberRange, type SignalCondition, type TraceFilter } from './filter';
import { isEmptySearch, parseSearch, splitSearch } from './search';
import type { FacetName } from '../../model/traces';
import { GRADE_VERDICTS } from '../../model/verdicts';

/**
 * Compiles a `TraceFilter` to parameterised SQL over `trace_signals s LEFT JOIN labels l`. Each facet
 * field becomes one *dimension* (its own predicate), so facet counts can apply every dimension but
 * their own; the other fields (text, problems, ids, latency) become plain conditions. Values always
 * travel as parameters; only integer ids are inlined.
 */

export { FACETS, type FacetName } from '../../model/traces';

/** A dimension: a facet field, or one signal condition (each signal is its own facet value). */
export type DimensionName = Exclude<FacetName, 'signal'> | `signal:${SignalName}`;

export interface Dimension {
  readonly name: DimensionName;
  readonly sql: string;
}

export interface CompiledFilter {
  /** Active facet dimensions, each a boolean SQL expression. */
  readonly dimensions: readonly Dimension[];
  /** Conditions that apply to every count and page. */
  readonly conditions: readonly string[];
  /** Named parameters of all the SQL above (`@p0`, `@p1`…). */
  readonly params: Record<string, unknown>;
  /** Names the filter uses that the store does not know (a saved view may outlive a run). */
  readonly warnings: readonly string[];
}

export const BASE_FROM = 'trace_signals s LEFT JOIN labels l ON l.trace_id = s.trace_id';

/** SQL for the sort key `verdict`, in the order of VERDICTS: correct first, ungraded last. */
export const VERDICT_RANK_SQL = `CASE s.verdict ${GRADE_VERDICTS.map((v, i) => `WHEN '${v}' THEN ${i}`).join(' ')} ELSE ${GRADE_VERDICTS.length} END`;

/** SQL of the length bucket of a row (the facet's value). */
export const LENGTH_BUCKET_SQL = `CASE ${LENGTH_BUCKETS.map((b) => `WHEN s.tokens <= ${b.range.max} THEN '${b.value}'`).join(' ')} END`;

export function compileFilter(store: Store, filter: TraceFilter): CompiledFilter {
  const params: Record<string, unknown> = {};
  const p = (v: unknown): string => {
    const name = `p${Object.keys(params).length}`;
    params[name] = v;
    return `@${name}`;
  };
  const list = (values: readonly unknown[]) => values.map(p).join(', ');
  const ints = (values: readonly number[]) => values.map((x) => String(Math.trunc(Number(x)))).join(', ');
  const dimensions: Dimension[] = [];
  const conditions: string[] = [];
  const warnings: string[] = [];
  const db = store.db;

  const runIds = (sql: string, values: readonly string[], what: string): number[] => {
    const rows = db.prepare(sql.replace('?', values.map(() => '?').join(', '))).all(...values) as {
      id: number;
      name: string;
    }[];
    const found = new Set(rows.map((r) => r.name));
    const missing = values.filter((v) => !found.has(v));
    if (missing.length) warnings.push(`no ${what} named ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
    return rows.map((r) => r.id);
  };
  if (filter.runs?.length) {
    const ids = runIds('SELECT id, name FROM runs WHERE name IN (?)', filter.runs, 'run');
    dimensions.push({ name: 'run', sql: `s.run_id IN (${ints(ids)})` });
  }
  if (filter.models?.length) {
    const ids = runIds('SELECT id, model AS name FROM runs WHERE model IN (?)', filter.models, 'model');
    dimensions.push({ name: 'model', sql: `s.run_id IN (${ints(ids)})` });
  }
  if (filter.sets?.length) {
    const ids = runIds(
      'SELECT r.id, s.name FROM runs r JOIN problem_sets s ON s.id = r.set_id WHERE s.name IN (?)',
      filter.sets,
      'problem set',
    );
    dimensions.push({ name: 'set', sql: `s.run_id IN (${ints(ids)})` });
  }
  if (filter.verdicts?.length) {
    const graded = filter.verdicts.filter((v) => v !== 'ungraded');
    const parts = [
      ...(graded.length ? [`s.verdict IN (${list(graded)})`] : []),
      ...(filter.verdicts.includes('ungraded') ? ['s.verdict IS NULL'] : []),
    ];
    dimensions.push({ name: 'verdict', sql: `(${parts.join(' OR ')})` });
  }
  if (filter.labels?.length) {
    dimensions.push({ name: 'label', sql: `(${filter.labels.map(labelSql).join(' OR ')})` });
  }
  if (filter.finishReasons?.length) {
    // 'none' is both no finish reason and a trace file's literal "none": the facet counts them as one value
    const parts = [
      `s.finish IN (${list(filter.finishReasons)})`,
      ...(filter.finishReasons.includes('none') ? ['s.finish IS NULL'] : []),
    ];
    dimensions.push({ name: 'finish', sql: `(${parts.join(' OR ')})` });
  }
  if (filter.length) dimensions.push({ name: 'length', sql: rangeSql('s.tokens', filter.length, p) });
  if (filter.subjects?.length) dimensions.push({ name: 'subject', sql: `s.subject IN (${list(filter.subjects)})` });
  if (filter.levels?.length) dimensions.push({ name: 'level', sql: `s.level IN (${list(filter.levels)})` });
  for (const c of filter.signals ?? []) {
    const name = `signal:${c.signal}` as const;
    const sql = signalSql(c, p);
    const same = dimensions.findIndex((d) => d.name === name);
    // two conditions on one signal (reflection >= 2 and < 5) are one dimension
    if (same >= 0) dimensions[same] = { name, sql: `(${dimensions[same]!.sql} AND ${sql})` };
    else dimensions.push({ name, sql });
  }

  if (filter.latencyMs) conditions.push(rangeSql('s.latency_ms', filter.latencyMs, p));
  if (filter.problems?.length)
    conditions.push(`s.problem_id IN (SELECT id FROM problems WHERE key IN (${list(filter.problems)}))`);
  if (filter.traceIds?.length) conditions.push(`s.trace_id IN (${ints(filter.traceIds)})`);
  if (filter.text) {
    const q = parseSearch(filter.text);
    if (!isEmptySearch(q)) {
      const split = splitSearch(q);
      if (split.fts)
        conditions.push(`s.trace_id IN (SELECT rowid FROM traces_fts WHERE traces_fts MATCH ${p(split.fts)})`);
      if (split.excludedFts)
        conditions.push(
          `s.trace_id NOT IN (SELECT rowid FROM traces_fts WHERE traces_fts MATCH ${p(split.excludedFts)})`,
        );
      const contains = (needle: string) =>
        `(instr(lower(coalesce(t.reasoning, '')), ${p(needle)}) > 0 OR instr(lower(coalesce(t.answer, '')), ${p(needle)}) > 0)`;
      for (const g of split.substringGroups) {
        conditions.push(
          `EXISTS (SELECT 1 FROM traces t WHERE t.id = s.trace_id AND (${g.map(contains).join(' OR ')}))`,
        );
      }
      for (const x of split.excludedSubstrings)
        conditions.push(`NOT EXISTS (SELECT 1 FROM traces t WHERE t.id = s.trace_id AND ${contains(x)})`);
    }
  }
  return { dimensions, conditions, params, warnings };
}

function labelSql(v: LabelValue | string): string {
  switch (v) {
    case 'accept':
      return "l.decision = 'accept'";
    case 'reject':
      return "l.decision = 'reject'";
    case 'star':
      return 'l.star = 1';
    case 'none':
      return '(l.trace_id IS NULL OR (l.decision IS NULL AND l.star = 0))';
    default:
      return '0';
  }
}

function rangeSql(column: string, r: NumberRange, p: (v: unknown) => string): string {
  const parts: string[] = [];
  if (r.min !== undefined) parts.push(`${column} >= ${p(r.min)}`);
  if (r.max !== undefined) parts.push(`${column} <= ${p(r.max)}`);
  return parts.length ? `(${parts.join(' AND ')})` : '1';
}

function signalSql(c: SignalCondition, p: (v: unknown) => string): string {
  const def = signalDef(c.signal);
  if (c.op !== undefined && c.value !== undefined) return `s.${def.column} ${c.op} ${p(c.value)}`;
  const bit = def.bit;
  if (bit === null) return c.present === false ? `s.${def.column} < 1` : `s.${def.column} >= 1`;
  return `(s.flags & ${1 << bit}) ${c.present === false ? '=' : '!='} 0`;
}

/** The WHERE clause selecting every trace the filter selects. */
export function whereAll(c: CompiledFilter): string {
  const all = [...c.dimensions.map((d) => d.sql), ...c.conditions];
  return all.length ? all.join(' AND ') : '1';
}

/** The presence bit of each facet signal, for facet counts. */
export const SIGNAL_BITS: readonly { name: SignalName; mask: number }[] = FACET_SIGNALS.map((s) => ({
  name: s.name,
  mask: 1 << s.bit!,
}));
