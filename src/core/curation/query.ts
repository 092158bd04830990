import { W2sError } from '../errors';
import {
  presentFromFlags,
  SIGNALS,
  signalDef,
  isSignalName,
  type SignalName,
  type SignalValues,
} from '../signals/definitions';
import type { Store } from '../store/open';
import { BASE_FROM, compileFilter, VERDICT_RANK_SQL, whereAll, type CompiledFilter } from './compile';
import { DEFAULT_SORT, SORT_KEYS, type TraceFilter, type TraceSort, type Verdict } from './filter';
import { excerpt, mergeRanges, substringHits, termWords, wordHits, type HighlightedText } from './highlight';
import { parseSearch } from './search';
import type * as M from '../../model/traces';

/** One row of the Traces list (src/model/traces.ts) with core's signal names. */
export type TraceRow = M.TraceRow<SignalName>;
export type { TraceLabel } from '../../model/labels';

export interface TracePageRequest {
  readonly filter: TraceFilter;
  readonly sort?: TraceSort;
  readonly offset?: number;
  /** At most 500 (default 100): pages are small, the list is never sent whole. */
  readonly limit?: number;
  /** Also count every trace the filter selects (one more query; facets give the same number). */
  readonly count?: boolean;
}

export interface TracePage {
  readonly rows: TraceRow[];
  readonly offset: number;
  readonly total?: number;
  readonly warnings: readonly string[];
}

export const MAX_PAGE = 500;

/** ORDER BY of a sort (ties by trace id in the same direction, so offsets are stable) and the joins it needs. */
export function orderBy(sort: TraceSort = DEFAULT_SORT): { sql: string; joins: string } {
  const dir = sort.desc ? 'DESC' : 'ASC';
  const key = sort.key;
  if (key.startsWith('signal:')) {
    const name = key.slice('signal:'.length);
    if (!isSignalName(name)) throw new W2sError(`sort: unknown signal "${name}".`, 'BAD_SORT');
    return { sql: `s.${signalDef(name).column} ${dir}, s.trace_id ${dir}`, joins: '' };
  }
  switch (key) {
    case 'id':
      return { sql: `s.trace_id ${dir}`, joins: '' };
    case 'problem':
      return {
        sql: `p.set_id ${dir}, p.position ${dir}, s.run_id ${dir}, s.sample_index ${dir}, s.trace_id ${dir}`,
        joins: 'JOIN problems p ON p.id = s.problem_id',
      };
    case 'run':
      return {
        sql: `r.name ${dir}, s.problem_id ${dir}, s.sample_index ${dir}, s.trace_id ${dir}`,
        joins: 'JOIN runs r ON r.id = s.run_id',
      };
    case 'length':
      return { sql: `s.tokens ${dir}, s.trace_id ${dir}`, joins: '' };
    case 'latency':
      return { sql: `s.latency_ms IS NULL, s.latency_ms ${dir}, s.trace_id ${dir}`, joins: '' };
    case 'verdict':
      return { sql: `${VERDICT_RANK_SQL} ${dir}, s.trace_id ${dir}`, joins: '' };
    default:
      throw new W2sError(
        `sort: unknown key "${String(key)}" (keys: ${SORT_KEYS.join(', ')}, signal:NAME).`,
        'BAD_SORT',
      );
  }
}

/** One page of the traces a filter selects, in a stable order. */
export function queryTraces(store: Store, req: TracePageRequest): TracePage {
  const limit = Math.max(0, Math.min(MAX_PAGE, Math.trunc(req.limit ?? 100)));
  const offset = Math.max(0, Math.trunc(req.offset ?? 0));
  const c = compileFilter(store, req.filter);
  const order = orderBy(req.sort);
  const ids = (
    store.db
      .prepare(
        `SELECT s.trace_id AS id FROM ${BASE_FROM} ${order.joins} WHERE ${whereAll(c)} ORDER BY ${order.sql} LIMIT ${limit} OFFSET ${offset}`,
      )
      .all(c.params) as { id: number }[]
  ).map((r) => r.id);
  const rows = loadRows(store, ids, req.filter.text);
  const total = req.count ? countTraces(store, req.filter, c) : undefined;
  return { rows, offset, ...(total !== undefined ? { total } : {}), warnings: c.warnings };
}

export function countTraces(store: Store, filter: TraceFilter, compiled?: CompiledFilter): number {
  const c = compiled ?? compileFilter(store, filter);
  return (
    store.db.prepare(`SELECT count(*) AS n FROM ${BASE_FROM} WHERE ${whereAll(c)}`).get(c.params) as { n: number }
  ).n;
}

/** The ids a filter selects, in a sort's order, streamed (bulk labelling, export). */
export function* selectTraceIds(store: Store, filter: TraceFilter, sort?: TraceSort): Generator<number> {
  const c = compileFilter(store, filter);
  const order = orderBy(sort);
  const stmt = store.db
    .prepare(`SELECT s.trace_id FROM ${BASE_FROM} ${order.joins} WHERE ${whereAll(c)} ORDER BY ${order.sql}`)
    .pluck();
  for (const id of stmt.iterate(c.params) as Iterable<number>) yield id;
}

/** The position of a trace in a filtered, sorted list (to keep a selection in view), or -1. */
export function indexOfTrace(store: Store, filter: TraceFilter, sort: TraceSort | undefined, traceId: number): number {
  let i = 0;
  for (const id of selectTraceIds(store, filter, sort)) {
    if (id === traceId) return i;
    i++;
  }
  return -1;
}

interface RawRow {
  id: number;
  run: string;
  model: string;
  set_name: string;
  problem_id: number;
  key: string;
  position: number;
  sample_index: number;
  question: string;
  gold: string;
  extracted: string | null;
  verdict: Verdict | null;
  decision: 'accept' | 'reject' | null;
  star: number | null;
  note: string | null;
  finish: string | null;
  latency_ms: number | null;
  tokens: number;
  tokens_estimated: number;
  flags: number;
  version: number;
  [column: string]: unknown;
}

export const ROW_SELECT = `SELECT s.trace_id AS id, r.name AS run, r.model, ps.name AS set_name, s.problem_id, p.key, p.position, s.sample_index,
    substr(p.question, 1, 240) AS question, p.answer AS gold, g.extracted, s.verdict, l.decision, l.star, l.note, s.finish, s.latency_ms,
    s.tokens, s.tokens_estimated, s.flags, s.version, ${SIGNALS.map((d) => `s.${d.column}`).join(', ')}
  FROM trace_signals s JOIN runs r ON r.id = s.run_id JOIN problems p ON p.id = s.problem_id JOIN problem_sets ps ON ps.id = p.set_id
    LEFT JOIN grades g ON g.trace_id = s.trace_id LEFT JOIN labels l ON l.trace_id = s.trace_id`;

export function toTraceRow(r: RawRow): TraceRow {
  const signals = {} as SignalValues;
  for (const d of SIGNALS) signals[d.name] = r[d.column] as number;
  return {
    id: r.id,
    run: r.run,
    model: r.model,
    set: r.set_name,
    problemId: r.problem_id,
    problemKey: r.key,
    position: r.position,
    sampleIndex: r.sample_index,
    question: r.question,
    gold: r.gold,
    extracted: r.extracted,
    verdict: r.verdict ?? 'ungraded',
    label: { decision: r.decision, star: r.star === 1, note: r.note },
    finishReason: r.finish,
    latencyMs: r.latency_ms,
    tokens: {
      reasoning: signals['reasoning-tokens'],
      answer: signals['answer-tokens'],
      total: r.tokens,
      source: r.tokens_estimated ? 'estimate' : 'usage',
    },
    signals,
    present: presentFromFlags(r.flags),
    signalsVersion: r.version,
  };
}

/** Rows for these ids, in this order (with snippets when a search is given). */
export function loadRows(store: Store, ids: readonly number[], text?: string): TraceRow[] {
  if (ids.length === 0) return [];
  const list = ids.map((x) => String(Math.trunc(x))).join(', ');
  const raw = store.db.prepare(`${ROW_SELECT} WHERE s.trace_id IN (${list})`).all() as RawRow[];
  const byId = new Map(raw.map((r) => [r.id, toTraceRow(r)]));
  const snippets = text ? searchSnippets(store, ids, text) : new Map<number, HighlightedText>();
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const snippet = snippets.get(id);
    return [snippet ? { ...row, snippet } : row];
  });
}

/**
 * Excerpts around the hits of a search, found in the text of each row (see `wordHits`): FTS5 decided
 * which traces match; this only says where, for a page of rows.
 */
function searchSnippets(store: Store, ids: readonly number[], text: string): Map<number, HighlightedText> {
  const out = new Map<number, HighlightedText>();
  const q = parseSearch(text);
  const terms = q.groups.flat();
  if (terms.length === 0) return out;
  const words = terms.filter((t) => !t.substring).map((t) => ({ words: termWords(t.text), prefix: t.prefix }));
  const needles = terms.filter((t) => t.substring).map((t) => t.text.toLowerCase());
  const list = ids.map((x) => String(Math.trunc(x))).join(', ');
  const rows = store.db
    .prepare(
      `SELECT id, coalesce(reasoning, '') || char(10) || coalesce(answer, '') AS body FROM traces WHERE id IN (${list})`,
    )
    .all() as { id: number; body: string }[];
  for (const r of rows)
    out.set(r.id, excerpt(r.body, mergeRanges([...wordHits(r.body, words), ...substringHits(r.body, needles)])));
  return out;
}
