import { SIGNALS, signalDef, isSignalName } from '../signals/definitions';
import { signalsCoverage } from '../signals/record';
import type { Store } from '../store/open';
import { pruneTraceChanges, traceChangeBounds } from '../store/trace-changes';
import { SIGNAL_BITS, type DimensionName } from './compile';
import { assembleFacets, FacetTally, runList, type RunInfo, type TraceFacets } from './facets';
import { DEFAULT_SORT, LENGTH_BUCKETS, type NumberRange, type SignalCondition, type TraceFilter, type TraceSort } from './filter';
import { loadRows, MAX_PAGE, orderBy, type TracePage, type TracePageRequest } from './query';
import { isEmptySearch, parseSearch, splitSearch } from './search';
import { GRADE_VERDICTS, VERDICTS } from '../../model/verdicts';

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

// A verdict's code is its index in VERDICTS (src/model/verdicts.ts); ungraded is the last.
const VERDICT_NAME: readonly string[] = VERDICTS;
const VERDICT_CODE: Record<string, number> = Object.fromEntries(GRADE_VERDICTS.map((v, i) => [v, i]));
const UNGRADED = VERDICTS.indexOf('ungraded');
/** Rows per chunk of the first load: about 20 ms of work between two yields to the event loop. */
const LOAD_CHUNK = 5_000;

/** Strings of one column as small integer codes (0 = NULL). */
class Dictionary {
  readonly names: (string | null)[] = [null];
  private readonly codes = new Map<string, number>();
  code(v: string | null): number {
    if (v === null) return 0;
    let c = this.codes.get(v);
    if (c === undefined) {
      c = this.names.length;
      this.names.push(v);
      this.codes.set(v, c);
    }
    return c;
  }
  lookup(v: string): number | undefined {
    return this.codes.get(v);
  }
}

const SELECT_COLUMNS = `s.trace_id, s.run_id, s.problem_id, s.sample_index, s.verdict, s.finish, s.tokens, s.latency_ms, s.flags, s.subject, s.level,
  l.decision, coalesce(l.star, 0), ${SIGNALS.map((d) => `s.${d.column}`).join(', ')}`;
const FROM = 'trace_signals s LEFT JOIN labels l ON l.trace_id = s.trace_id';
type RawRow = [number, number, number, number, string | null, string | null, number, number | null, number, string | null, string | null, string | null, number, ...number[]];

export function createTraceIndex(store: Store): TraceIndex {
  const db = store.db;
  let capacity = 0;
  let used = 0;
  let traceId = new Int32Array(0);
  let run = new Int32Array(0);
  let problem = new Int32Array(0);
  let sample = new Int32Array(0);
  let verdict = new Uint8Array(0);
  let finish = new Uint16Array(0);
  let tokens = new Float64Array(0);
  let latency = new Float64Array(0);
  let flags = new Int32Array(0);
  let subject = new Uint16Array(0);
  let level = new Uint16Array(0);
  let decision = new Uint8Array(0);
  let star = new Uint8Array(0);
  let values: Float64Array[] = SIGNALS.map(() => new Float64Array(0));
  const free: number[] = [];
  const slotOf = new Map<number, number>();
  const finishes = new Dictionary();
  const subjects = new Dictionary();
  const levels = new Dictionary();
  let seq = -1;
  let loaded = false;
  let problemRank = new Map<number, number>();
  let sorted: { key: string; order: Int32Array } | undefined;
  let search: { key: string; matches: (slot: number) => boolean } | undefined;

  const grow = (need: number) => {
    if (need <= capacity) return;
    const cap = Math.max(1024, need, capacity * 2);
    const g = <T extends Int32Array | Uint8Array | Uint16Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    traceId = g(traceId, (n) => new Int32Array(n));
    run = g(run, (n) => new Int32Array(n));
    problem = g(problem, (n) => new Int32Array(n));
    sample = g(sample, (n) => new Int32Array(n));
    verdict = g(verdict, (n) => new Uint8Array(n));
    finish = g(finish, (n) => new Uint16Array(n));
    tokens = g(tokens, (n) => new Float64Array(n));
    latency = g(latency, (n) => new Float64Array(n));
    flags = g(flags, (n) => new Int32Array(n));
    subject = g(subject, (n) => new Uint16Array(n));
    level = g(level, (n) => new Uint16Array(n));
    decision = g(decision, (n) => new Uint8Array(n));
    star = g(star, (n) => new Uint8Array(n));
    values = values.map((a) => g(a, (n) => new Float64Array(n)));
    capacity = cap;
  };

  const put = (r: RawRow) => {
    const id = r[0];
    let slot = slotOf.get(id);
    if (slot === undefined) {
      slot = free.pop() ?? used++;
      grow(used);
      slotOf.set(id, slot);
    }
    traceId[slot] = id;
    run[slot] = r[1];
    problem[slot] = r[2];
    sample[slot] = r[3];
    verdict[slot] = r[4] === null ? UNGRADED : (VERDICT_CODE[r[4]] ?? UNGRADED);
    finish[slot] = finishes.code(r[5]);
    tokens[slot] = r[6];
    latency[slot] = r[7] === null ? NaN : r[7];
    flags[slot] = r[8];
    subject[slot] = subjects.code(r[9]);
    level[slot] = levels.code(r[10]);
    decision[slot] = r[11] === 'accept' ? 1 : r[11] === 'reject' ? 2 : 0;
    star[slot] = r[12] ? 1 : 0;
    for (let k = 0; k < SIGNALS.length; k++) values[k]![slot] = r[13 + k] as number;
  };

  const remove = (id: number) => {
    const slot = slotOf.get(id);
    if (slot === undefined) return;
    slotOf.delete(id);
    traceId[slot] = 0;
    free.push(slot);
  };

  const changeBounds = () => traceChangeBounds(store);

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
  const chunk = db.prepare(`SELECT ${SELECT_COLUMNS} FROM ${FROM} WHERE s.trace_id > ? ORDER BY s.trace_id LIMIT ?`).raw();

  const reset = () => {
    slotOf.clear();
    free.length = 0;
    used = 0;
    traceId.fill(0);
  };

  function* loadChunks(): Generator<void> {
    reset();
    seq = changeBounds().hi; // changes during the load are replayed by the next refresh
    for (let after = 0; ; ) {
      const rows = chunk.all(after, LOAD_CHUNK) as RawRow[];
      for (const r of rows) put(r);
      if (rows.length < LOAD_CHUNK) break;
      after = rows[rows.length - 1]![0];
      yield;
    }
    loaded = true;
    sorted = undefined;
    search = undefined;
  }

  const refresh = (): void => {
    if (!loaded) {
      for (const _ of loadChunks()) {
        // synchronous load
      }
      return;
    }
    const { lo, hi } = changeBounds();
    if (hi === seq) return;
    if (lo > seq + 1) {
      // the log was pruned past what this index saw: start over
      for (const _ of loadChunks()) {
        // synchronous load
      }
      return;
    }
    const changed = db.prepare('SELECT DISTINCT trace_id FROM trace_changes WHERE seq > ? AND seq <= ?').pluck().all(seq, hi) as number[];
    for (let i = 0; i < changed.length; i += 500) {
      const ids = changed.slice(i, i + 500);
      const rows = db.prepare(`SELECT ${SELECT_COLUMNS} FROM ${FROM} WHERE s.trace_id IN (${ids.join(',')})`).raw().all() as RawRow[];
      const seen = new Set<number>();
      for (const r of rows) {
        put(r);
        seen.add(r[0]);
      }
      for (const id of ids) if (!seen.has(id)) remove(id);
    }
    seq = hi;
    sorted = undefined;
    search = undefined;
    pruneTraceChanges(store);
  };

  // ---- the filter, evaluated on columns (the same meaning as compile.ts) ----

  interface Matcher {
    dims: { name: DimensionName; test: (slot: number) => boolean }[];
    conds: ((slot: number) => boolean)[];
    warnings: string[];
  }

  const matcher = (filter: TraceFilter, runs: readonly RunInfo[]): Matcher => {
    const dims: Matcher['dims'] = [];
    const conds: Matcher['conds'] = [];
    const warnings: string[] = [];
    const runSet = (names: readonly string[], of: (r: RunInfo) => string, what: string) => {
      const ids = new Set(runs.filter((r) => names.includes(of(r))).map((r) => r.id));
      const found = new Set(runs.map(of));
      const missing = names.filter((n) => !found.has(n));
      if (missing.length) warnings.push(`no ${what} named ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
      return (slot: number) => ids.has(run[slot]!);
    };
    if (filter.runs?.length) dims.push({ name: 'run', test: runSet(filter.runs, (r) => r.name, 'run') });
    if (filter.models?.length) dims.push({ name: 'model', test: runSet(filter.models, (r) => r.model, 'model') });
    if (filter.sets?.length) dims.push({ name: 'set', test: runSet(filter.sets, (r) => r.set_name, 'problem set') });
    if (filter.verdicts?.length) {
      const ok = new Uint8Array(5);
      for (const v of filter.verdicts) {
        const c = VERDICT_NAME.indexOf(v);
        if (c >= 0) ok[c] = 1;
      }
      dims.push({ name: 'verdict', test: (slot) => ok[verdict[slot]!] === 1 });
    }
    if (filter.labels?.length) {
      const l = new Set(filter.labels);
      const acc = l.has('accept');
      const rej = l.has('reject');
      const st = l.has('star');
      const none = l.has('none');
      dims.push({
        name: 'label',
        test: (slot) => (acc && decision[slot] === 1) || (rej && decision[slot] === 2) || (st && star[slot] === 1) || (none && decision[slot] === 0 && star[slot] === 0),
      });
    }
    if (filter.finishReasons?.length) {
      const codes = new Set(filter.finishReasons.map((f) => (f === 'none' ? 0 : (finishes.lookup(f) ?? -1))));
      dims.push({ name: 'finish', test: (slot) => codes.has(finish[slot]!) });
    }
    if (filter.length) dims.push({ name: 'length', test: inRange(tokens, filter.length) });
    if (filter.subjects?.length) {
      const codes = new Set(filter.subjects.map((x) => subjects.lookup(x) ?? -1));
      dims.push({ name: 'subject', test: (slot) => codes.has(subject[slot]!) });
    }
    if (filter.levels?.length) {
      const codes = new Set(filter.levels.map((x) => levels.lookup(x) ?? -1));
      dims.push({ name: 'level', test: (slot) => codes.has(level[slot]!) });
    }
    for (const c of filter.signals ?? []) {
      const name = `signal:${c.signal}` as const;
      const test = signalTest(c);
      const same = dims.findIndex((d) => d.name === name);
      if (same >= 0) {
        const prev = dims[same]!.test;
        dims[same] = { name, test: (slot) => prev(slot) && test(slot) };
      } else dims.push({ name, test });
    }
    if (filter.latencyMs) conds.push(inRange(latency, filter.latencyMs));
    if (filter.problems?.length) {
      const ids = new Set(
        db.prepare(`SELECT id FROM problems WHERE key IN (${filter.problems.map(() => '?').join(',')})`).pluck().all(...filter.problems) as number[],
      );
      conds.push((slot) => ids.has(problem[slot]!));
    }
    if (filter.traceIds?.length) {
      const ids = new Set(filter.traceIds);
      conds.push((slot) => ids.has(traceId[slot]!));
    }
    if (filter.text) {
      const m = textMatcher(filter.text);
      if (m) conds.push(m);
    }
    return { dims, conds, warnings };
  };

  const inRange = (col: Float64Array, r: NumberRange) => {
    const lo = r.min ?? -Infinity;
    const hi = r.max ?? Infinity;
    // NaN (NULL) fails both comparisons, as in SQL
    return (slot: number) => col[slot]! >= lo && col[slot]! <= hi;
  };

  const signalTest = (c: SignalCondition): ((slot: number) => boolean) => {
    const def = signalDef(c.signal);
    const col = values[SIGNALS.indexOf(def)]!;
    if (c.op !== undefined && c.value !== undefined) {
      const v = c.value;
      switch (c.op) {
        case '>':
          return (slot) => col[slot]! > v;
        case '>=':
          return (slot) => col[slot]! >= v;
        case '<':
          return (slot) => col[slot]! < v;
        case '<=':
          return (slot) => col[slot]! <= v;
        default:
          return (slot) => col[slot] === v;
      }
    }
    if (def.bit === null) return c.present === false ? (slot) => col[slot]! < 1 : (slot) => col[slot]! >= 1;
    const mask = 1 << def.bit;
    return c.present === false ? (slot) => (flags[slot]! & mask) === 0 : (slot) => (flags[slot]! & mask) !== 0;
  };

  /** Search results as a test on slots; the id sets come from FTS5 (or a substring scan for CJK terms), cached until the store changes. */
  const textMatcher = (text: string): ((slot: number) => boolean) | undefined => {
    const key = `${seq}\u0000${text}`;
    if (search?.key === key) return search.matches;
    const q = parseSearch(text);
    if (isEmptySearch(q)) return undefined;
    const split = splitSearch(q);
    // Id sets as byte marks indexed by trace id (ids are dense): a test is one array read, no hashing.
    let maxId = 0;
    for (let slot = 0; slot < used; slot++) if (traceId[slot]! > maxId) maxId = traceId[slot]!;
    const marks = (ids: number[]) => {
      const m = new Uint8Array(maxId + 1);
      for (const id of ids) if (id <= maxId) m[id] = 1;
      return m;
    };
    const sets: { ids: Uint8Array; include: boolean }[] = [];
    const fts = (expr: string) => marks(db.prepare('SELECT rowid FROM traces_fts WHERE traces_fts MATCH ?').pluck().all(expr) as number[]);
    if (split.fts) sets.push({ ids: fts(split.fts), include: true });
    if (split.excludedFts) sets.push({ ids: fts(split.excludedFts), include: false });
    const contains = (needles: readonly string[]) =>
      marks(
        db.prepare(
          `SELECT id FROM traces WHERE error IS NULL AND (${needles.map(() => "instr(lower(coalesce(reasoning, '')), ?) > 0 OR instr(lower(coalesce(answer, '')), ?) > 0").join(' OR ')})`,
        ).pluck().all(...needles.flatMap((n) => [n, n])) as number[],
      );
    for (const g of split.substringGroups) sets.push({ ids: contains(g), include: true });
    for (const x of split.excludedSubstrings) sets.push({ ids: contains([x]), include: false });
    const matches = (slot: number) => {
      const id = traceId[slot]!;
      for (const s of sets) if ((s.ids[id] === 1) !== s.include) return false;
      return true;
    };
    search = { key, matches };
    return matches;
  };

  const matching = (m: Matcher): Int32Array => {
    const out = new Int32Array(slotOf.size);
    let n = 0;
    const tests = [...m.dims.map((d) => d.test), ...m.conds];
    outer: for (let slot = 0; slot < used; slot++) {
      if (traceId[slot] === 0) continue;
      for (const t of tests) if (!t(slot)) continue outer;
      out[n++] = slot;
    }
    return out.subarray(0, n);
  };

  // ---- sorting (the same order as orderBy() in SQL) ----

  /**
   * A sort as key columns read from typed arrays (each with its own direction; the trace id last), so a
   * comparison never touches a Map: sorting 100,000 traces costs a few milliseconds.
   */
  const comparator = (sort: TraceSort, runs: readonly RunInfo[], slots: ArrayLike<number>): ((a: number, b: number) => number) => {
    orderBy(sort); // rejects unknown keys the same way
    const dir = sort.desc ? -1 : 1;
    const keys: { col: ArrayLike<number>; sign: number }[] = [];
    const key = sort.key;
    if (key.startsWith('signal:')) {
      const name = key.slice(7);
      keys.push({ col: isSignalName(name) ? values[SIGNALS.indexOf(signalDef(name))]! : tokens, sign: dir });
    } else {
      switch (key) {
        case 'problem': {
          ensureProblemRanks();
          const rank = new Float64Array(used);
          for (let i = 0; i < slots.length; i++) {
            const slot = slots[i]!;
            rank[slot] = problemRank.get(problem[slot]!) ?? Number.MAX_SAFE_INTEGER;
          }
          keys.push({ col: rank, sign: dir }, { col: run, sign: dir }, { col: sample, sign: dir });
          break;
        }
        case 'run': {
          const byName = [...runs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
          const rankOf = new Map(byName.map((r, i) => [r.id, i]));
          const rank = new Float64Array(used);
          for (let i = 0; i < slots.length; i++) {
            const slot = slots[i]!;
            rank[slot] = rankOf.get(run[slot]!) ?? Number.MAX_SAFE_INTEGER;
          }
          keys.push({ col: rank, sign: dir }, { col: problem, sign: dir }, { col: sample, sign: dir });
          break;
        }
        case 'length':
          keys.push({ col: tokens, sign: dir });
          break;
        case 'latency': {
          // NULLs last in either direction, as "latency_ms IS NULL" first in SQL
          const isNull = new Float64Array(used);
          const value = new Float64Array(used);
          for (let i = 0; i < slots.length; i++) {
            const slot = slots[i]!;
            const x = latency[slot]!;
            isNull[slot] = Number.isNaN(x) ? 1 : 0;
            value[slot] = Number.isNaN(x) ? 0 : x;
          }
          keys.push({ col: isNull, sign: 1 }, { col: value, sign: dir });
          break;
        }
        case 'verdict':
          keys.push({ col: verdict, sign: dir });
          break;
      }
    }
    keys.push({ col: traceId, sign: dir });
    if (keys.length === 2) {
      const [k1, k2] = keys as [{ col: ArrayLike<number>; sign: number }, { col: ArrayLike<number>; sign: number }];
      return (a, b) => k1.sign * (k1.col[a]! - k1.col[b]!) || k2.sign * (k2.col[a]! - k2.col[b]!);
    }
    return (a, b) => {
      for (const k of keys) {
        const d = k.col[a]! - k.col[b]!;
        if (d !== 0) return k.sign * d;
      }
      return 0;
    };
  };

  let ranksChecked = -1;
  const ensureProblemRanks = () => {
    if (ranksChecked === seq) return;
    ranksChecked = seq;
    for (let slot = 0; slot < used; slot++) {
      if (traceId[slot] !== 0 && !problemRank.has(problem[slot]!)) {
        const ids = db.prepare('SELECT id FROM problems ORDER BY set_id, position').pluck().all() as number[];
        problemRank = new Map(ids.map((id, i) => [id, i]));
        return;
      }
    }
  };

  /** The first k slots in order, without sorting all of them (a bounded heap). */
  const topK = (slots: Int32Array, k: number, cmp: (a: number, b: number) => number): number[] => {
    const heap: number[] = []; // max-heap by cmp: heap[0] is the worst kept
    const up = (i: number) => {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (cmp(heap[i]!, heap[p]!) <= 0) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    };
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && cmp(heap[l]!, heap[m]!) > 0) m = l;
        if (r < heap.length && cmp(heap[r]!, heap[m]!) > 0) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (const s of slots) {
      if (heap.length < k) {
        heap.push(s);
        up(heap.length - 1);
      } else if (cmp(s, heap[0]!) < 0) {
        heap[0] = s;
        down(0);
      }
    }
    return heap.sort(cmp);
  };

  const ordered = (filter: TraceFilter, sort: TraceSort, upTo: number): { slots: ArrayLike<number>; total: number; warnings: string[] } => {
    refresh();
    const runs = runList(store);
    const m = matcher(filter, runs);
    const key = JSON.stringify([seq, filter, sort]);
    if (sorted?.key === key) return { slots: sorted.order, total: sorted.order.length, warnings: m.warnings };
    const slots = matching(m);
    const cmp = comparator(sort, runs, slots);
    if (upTo <= 2000 && slots.length > 4 * upTo) return { slots: topK(slots, upTo, cmp), total: slots.length, warnings: m.warnings };
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
      const m = matcher(filter, runs);
      const dimTests = m.dims.map((d) => d.test);
      const conds = m.conds;
      // Counters: rows passing everything ("all"), and rows failing exactly one dimension, counted only
      // under that dimension's own facet ("only"): facet F = all + only-F.
      const maxRun = Math.max(0, ...runs.map((r) => r.id));
      const runAll = new Float64Array(maxRun + 1);
      const verdictAll = new Float64Array(5);
      const labelAll = new Float64Array(4); // accept, reject, star, none
      const finishAll = new Float64Array(finishes.names.length);
      const bucketAll = new Float64Array(LENGTH_BUCKETS.length);
      const subjectAll = new Float64Array(subjects.names.length);
      const levelAll = new Float64Array(levels.names.length);
      const signalAll = new Float64Array(SIGNAL_BITS.length);
      const kinds = m.dims.map((d) => d.name);
      const only = kinds.map((k) => new Float64Array(k === 'run' || k === 'model' || k === 'set' ? maxRun + 1 : k === 'finish' ? finishes.names.length : k === 'subject' ? subjects.names.length : k === 'level' ? levels.names.length : 8));
      const bucketMax = LENGTH_BUCKETS.map((b) => b.range.max);
      const bucketOf = (t: number) => {
        let b = 0;
        while (b < bucketMax.length - 1 && t > bucketMax[b]!) b++;
        return b;
      };
      const signalMask = kinds.map((k) => (k.startsWith('signal:') ? (SIGNAL_BITS.find((b) => `signal:${b.name}` === k)?.mask ?? 0) : 0));
      let total = 0;
      outer: for (let slot = 0; slot < used; slot++) {
        if (traceId[slot] === 0) continue;
        for (let c = 0; c < conds.length; c++) if (!conds[c]!(slot)) continue outer;
        let failed = -1;
        for (let i = 0; i < dimTests.length; i++) {
          if (!dimTests[i]!(slot)) {
            if (failed !== -1) continue outer; // fails two dimensions: counts nowhere
            failed = i;
          }
        }
        const d = decision[slot]!;
        const st = star[slot]!;
        if (failed === -1) {
          total++;
          runAll[run[slot]!]++;
          verdictAll[verdict[slot]!]++;
          if (d === 1) labelAll[0]++;
          else if (d === 2) labelAll[1]++;
          if (st) labelAll[2]++;
          if (d === 0 && !st) labelAll[3]++;
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
            if (d === 1) o[0]++;
            else if (d === 2) o[1]++;
            if (st) o[2]++;
            if (d === 0 && !st) o[3]++;
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
      for (const [dim, of] of [['run', (r: RunInfo) => r.name], ['model', (r: RunInfo) => r.model], ['set', (r: RunInfo) => r.set_name]] as const) {
        const o = onlyOf(dim);
        for (const r of runs) {
          const n = runAll[r.id]! + (o ? o[r.id]! : 0);
          if (n) tally.add(dim, of(r), n);
        }
      }
      const labelNames = ['accept', 'reject', 'star', 'none'];
      const list = (dim: DimensionName, all: Float64Array, name: (i: number) => string | null) => {
        const o = onlyOf(dim);
        for (let i = 0; i < all.length; i++) {
          const n = all[i]! + (o ? o[i]! : 0);
          const v = name(i);
          if (n && v !== null) tally.add(dim, v, n);
        }
      };
      list('verdict', verdictAll, (i) => VERDICT_NAME[i]!);
      list('label', labelAll, (i) => labelNames[i]!);
      list('finish', finishAll, (i) => finishes.names[i] ?? 'none');
      list('length', bucketAll, (i) => LENGTH_BUCKETS[i]!.value);
      list('subject', subjectAll, (i) => subjects.names[i] ?? null);
      list('level', levelAll, (i) => levels.names[i] ?? null);
      SIGNAL_BITS.forEach((b, i) => {
        const n = signalAll[i]! + (onlyOf(`signal:${b.name}`)?.[0] ?? 0);
        if (n) tally.add(`signal:${b.name}`, b.name, n);
      });
      return assembleFacets(coverage(), tally, total, runs, filter, m.warnings);
    },
    page(req) {
      const limit = Math.max(0, Math.min(MAX_PAGE, Math.trunc(req.limit ?? 100)));
      const offset = Math.max(0, Math.trunc(req.offset ?? 0));
      const { slots, total, warnings } = ordered(req.filter, req.sort ?? DEFAULT_SORT, offset + limit);
      const ids: number[] = [];
      for (let i = offset; i < Math.min(slots.length, offset + limit); i++) ids.push(traceId[slots[i]!]!);
      return { rows: loadRows(store, ids, req.filter.text), offset, total, warnings };
    },
    ids(filter, sort) {
      const { slots } = ordered(filter, sort ?? DEFAULT_SORT, Infinity);
      return Array.from(slots, (s) => traceId[s]!);
    },
    get size() {
      return slotOf.size;
    },
  };
}
