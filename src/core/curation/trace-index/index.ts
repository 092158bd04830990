import { signalsCoverage } from '../../signals/record';
import type { Store } from '../../store/open';
import { pruneTraceChanges, traceChangeBounds } from '../../store/trace-changes';
import { assembleFacets, runList, type TraceFacets } from '../facets';
import { DEFAULT_SORT, type TraceFilter, type TraceSort } from '../filter';
import { loadRows, MAX_PAGE, type TracePage, type TracePageRequest } from '../query';
import { clearColumns, createColumns, FROM, putRow, removeTrace, SELECT_COLUMNS, type RawRow } from './columns';
import { countFacets } from './facet-counts';
import { buildMatcher, createSearchTests, matchingSlots, type Matcher } from './predicates';
import { createProblemRanks, slotOrder, topK } from './sort';

/**
 * The browser's rows in memory, column by column (typed arrays, ~100 bytes a trace), so that facet
 * counts and pages over 100,000 traces take milliseconds: SQLite needs about 1.5 µs a row to group
 * them, JavaScript a few nanoseconds to test a typed array. The store stays the truth: the index loads
 * `trace_signals` (with labels) once, then `refresh()` reloads only the traces named in
 * `trace_changes` (a log kept by triggers) since it last looked; texts, snippets and rows shown come
 * from SQL. The filter means exactly what `compileFilter` makes of it in SQL (a property test runs both).
 *
 * For the extension (one index per store, kept while the Traces view lives) and anything that asks
 * many questions of one store; one-off questions (the CLI) can use the SQL functions directly.
 *
 * Its parts: `columns.ts` (the typed arrays and how a row is stored), `predicates.ts` (a filter as tests
 * on slots, search included), `sort.ts` (the SQL order on columns, top-k) and `facet-counts.ts` (every
 * facet in one pass); this module keeps them in step with the store.
 */
export interface TraceIndex {
  /** Loads everything in chunks, yielding between them (for an extension host); later calls refresh. */
  load(): Promise<void>;
  /** Brings the index up to date: a no-op when nothing changed, else reloads the changed traces only. */
  refresh(): void;
  facets(filter: TraceFilter): TraceFacets;
  page(req: TracePageRequest): TracePage & { readonly total: number };
  /** Every trace id the filter selects, in the sort's order. */
  ids(filter: TraceFilter, sort?: TraceSort): number[];
  /** Traces in the index. */
  readonly size: number;
}

/** Rows per chunk of the first load: about 20 ms of work between two yields to the event loop. */
const LOAD_CHUNK = 5_000;

export function createTraceIndex(store: Store): TraceIndex {
  const db = store.db;
  const cols = createColumns();
  const search = createSearchTests(db, cols);
  const problemRanks = createProblemRanks(db);
  /** The newest trace_changes entry the columns reflect. */
  let seq = -1;
  let loaded = false;
  let sorted: { key: string; order: Int32Array } | undefined;

  // How many traces still lack signals, counted again only after a commit (by anyone) since the last count.
  let coverageKey = '';
  let coverageValue = { traces: 0, missing: 0 };
  const commits = db.prepare('SELECT total_changes()').pluck();
  const coverage = () => {
    const key = `${db.pragma('data_version', { simple: true }) as number}:${commits.get() as number}`;
    if (key !== coverageKey) {
      coverageValue = signalsCoverage(store);
      coverageKey = key;
    }
    return coverageValue;
  };

  /** What was computed from the columns is stale once they change. */
  const changed = () => {
    sorted = undefined;
    search.clear();
  };

  const chunk = db
    .prepare(`SELECT ${SELECT_COLUMNS} FROM ${FROM} WHERE s.trace_id > ? ORDER BY s.trace_id LIMIT ?`)
    .raw();
  function* loadChunks(): Generator<void> {
    clearColumns(cols);
    seq = traceChangeBounds(store).hi; // changes during the load are replayed by the next refresh
    for (let after = 0; ;) {
      const rows = chunk.all(after, LOAD_CHUNK) as RawRow[];
      for (const r of rows) putRow(cols, r);
      if (rows.length < LOAD_CHUNK) break;
      after = rows[rows.length - 1]![0];
      yield;
    }
    loaded = true;
    changed();
  }
  const loadNow = () => {
    for (const _ of loadChunks()) {
      // synchronous load
    }
  };

  /** Reloads the traces named in trace_changes since `seq` (all of them when the log was pruned past it). */
  const refresh = (): void => {
    if (!loaded) return loadNow();
    const { lo, hi } = traceChangeBounds(store);
    if (hi === seq) return;
    if (lo > seq + 1) return loadNow(); // the log was pruned past what this index saw: start over
    const ids = db
      .prepare('SELECT DISTINCT trace_id FROM trace_changes WHERE seq > ? AND seq <= ?')
      .pluck()
      .all(seq, hi) as number[];
    for (let i = 0; i < ids.length; i += 500) reloadTraces(ids.slice(i, i + 500));
    seq = hi;
    changed();
    pruneTraceChanges(store);
  };
  const reloadTraces = (ids: number[]) => {
    const rows = db
      .prepare(`SELECT ${SELECT_COLUMNS} FROM ${FROM} WHERE s.trace_id IN (${ids.join(',')})`)
      .raw()
      .all() as RawRow[];
    const seen = new Set<number>();
    for (const r of rows) {
      putRow(cols, r);
      seen.add(r[0]);
    }
    for (const id of ids) if (!seen.has(id)) removeTrace(cols, id);
  };

  /** The filter as tests on the columns as they are now (call after refresh). */
  const matcherFor = (filter: TraceFilter, runs: ReturnType<typeof runList>): Matcher =>
    buildMatcher(cols, filter, runs, {
      problemIds: (keys) =>
        new Set(
          db
            .prepare(`SELECT id FROM problems WHERE key IN (${keys.map(() => '?').join(',')})`)
            .pluck()
            .all(...keys) as number[],
        ),
      search: (text) => search.test(text, seq),
    });

  /** The slots the filter selects in the sort's order: the whole order (cached), or only the first `upTo` when that is much cheaper. */
  const ordered = (
    filter: TraceFilter,
    sort: TraceSort,
    upTo: number,
  ): { slots: ArrayLike<number>; total: number; warnings: string[] } => {
    refresh();
    const runs = runList(store);
    const m = matcherFor(filter, runs);
    const key = JSON.stringify([seq, filter, sort]);
    if (sorted?.key === key) return { slots: sorted.order, total: sorted.order.length, warnings: m.warnings };
    const slots = matchingSlots(cols, m);
    const cmp = slotOrder(cols, sort, runs, slots, () => problemRanks(cols, seq));
    if (upTo <= 2000 && slots.length > 4 * upTo)
      return { slots: topK(slots, upTo, cmp), total: slots.length, warnings: m.warnings };
    const order = Int32Array.from(slots).sort(cmp);
    sorted = { key, order };
    return { slots: order, total: order.length, warnings: m.warnings };
  };

  return {
    async load() {
      if (loaded) return refresh();
      for (const _ of loadChunks()) await new Promise((resolve) => setImmediate(resolve));
    },
    refresh,
    facets(filter) {
      refresh();
      const runs = runList(store);
      const m = matcherFor(filter, runs);
      const { tally, total } = countFacets(cols, m, runs);
      return assembleFacets(coverage(), tally, total, runs, filter, m.warnings);
    },
    page(req) {
      const limit = Math.max(0, Math.min(MAX_PAGE, Math.trunc(req.limit ?? 100)));
      const offset = Math.max(0, Math.trunc(req.offset ?? 0));
      const { slots, total, warnings } = ordered(req.filter, req.sort ?? DEFAULT_SORT, offset + limit);
      const ids: number[] = [];
      for (let i = offset; i < Math.min(slots.length, offset + limit); i++) ids.push(cols.traceId[slots[i]!]!);
      return { rows: loadRows(store, ids, req.filter.text), offset, total, warnings };
    },
    ids(filter, sort) {
      const { slots } = ordered(filter, sort ?? DEFAULT_SORT, Infinity);
      return Array.from(slots, (s) => cols.traceId[s]!);
    },
    get size() {
      return cols.slotOf.size;
    },
  };
}
