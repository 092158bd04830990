import { SIGNALS, signalDef } from '../../signals/definitions';
import type { Database } from '../../store/sqlite';
import type { DimensionName } from '../compile';
import type { RunInfo } from '../facets';
import type { NumberRange, SignalCondition, TraceFilter } from '../filter';
import { isEmptySearch, parseSearch, splitSearch } from '../search';
import { DECISION_ACCEPT, DECISION_NONE, DECISION_REJECT, VERDICT_NAME, type Columns } from './columns';

// The filter evaluated on columns: the same meaning as compile.ts gives it in SQL (a property test runs both).

export type SlotTest = (slot: number) => boolean;

/**
 * A filter as tests on slots: one per facet dimension (so facet counts can leave their own out) and the
 * conditions that have no facet; plus warnings about names that match nothing.
 */
export interface Matcher {
  readonly dims: { name: DimensionName; test: SlotTest }[];
  readonly conds: SlotTest[];
  readonly warnings: string[];
}

export interface MatcherSources {
  /** Ids of the problems with these keys. */
  problemIds(keys: readonly string[]): Set<number>;
  /** The search text as a test, or undefined for an empty search. */
  search(text: string): SlotTest | undefined;
}

/** The columns are read as they are now: build a matcher after the index is brought up to date, use it before the next refresh. */
export function buildMatcher(
  c: Columns,
  filter: TraceFilter,
  runs: readonly RunInfo[],
  sources: MatcherSources,
): Matcher {
  const dims: Matcher['dims'] = [];
  const conds: SlotTest[] = [];
  const warnings: string[] = [];
  const { run, verdict, decision, star, finish, subject, level, problem, traceId } = c;
  const runSet = (names: readonly string[], of: (r: RunInfo) => string, what: string): SlotTest => {
    const ids = new Set(runs.filter((r) => names.includes(of(r))).map((r) => r.id));
    const found = new Set(runs.map(of));
    const missing = names.filter((n) => !found.has(n));
    if (missing.length) warnings.push(`no ${what} named ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
    return (slot) => ids.has(run[slot]!);
  };
  const codeSet = (values: readonly string[], code: (v: string) => number | undefined, col: Uint16Array): SlotTest => {
    const codes = new Set(values.map((v) => code(v) ?? -1));
    return (slot) => codes.has(col[slot]!);
  };
  if (filter.runs?.length) dims.push({ name: 'run', test: runSet(filter.runs, (r) => r.name, 'run') });
  if (filter.models?.length) dims.push({ name: 'model', test: runSet(filter.models, (r) => r.model, 'model') });
  if (filter.sets?.length) dims.push({ name: 'set', test: runSet(filter.sets, (r) => r.set_name, 'problem set') });
  if (filter.verdicts?.length) {
    const ok = new Uint8Array(VERDICT_NAME.length);
    for (const v of filter.verdicts) {
      const code = VERDICT_NAME.indexOf(v);
      if (code >= 0) ok[code] = 1;
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
      test: (slot) =>
        (acc && decision[slot] === DECISION_ACCEPT) ||
        (rej && decision[slot] === DECISION_REJECT) ||
        (st && star[slot] === 1) ||
        (none && decision[slot] === DECISION_NONE && star[slot] === 0),
    });
  }
  if (filter.finishReasons?.length) {
    const named = codeSet(filter.finishReasons, (f) => c.finishes.lookup(f), finish);
    // 'none' is both no finish reason (code 0) and a trace file's literal "none": the facet counts them as one value
    const none = filter.finishReasons.includes('none');
    dims.push({ name: 'finish', test: (slot) => named(slot) || (none && finish[slot] === 0) });
  }
  if (filter.length) dims.push({ name: 'length', test: inRange(c.tokens, filter.length) });
  if (filter.subjects?.length)
    dims.push({ name: 'subject', test: codeSet(filter.subjects, (x) => c.subjects.lookup(x), subject) });
  if (filter.levels?.length)
    dims.push({ name: 'level', test: codeSet(filter.levels, (x) => c.levels.lookup(x), level) });
  for (const cond of filter.signals ?? []) {
    const name = `signal:${cond.signal}` as const;
    const test = signalTest(c, cond);
    // conditions on one signal are one facet: they must all hold
    const same = dims.findIndex((d) => d.name === name);
    if (same >= 0) {
      const prev = dims[same]!.test;
      dims[same] = { name, test: (slot) => prev(slot) && test(slot) };
    } else dims.push({ name, test });
  }
  if (filter.latencyMs) conds.push(inRange(c.latency, filter.latencyMs));
  if (filter.problems?.length) {
    const ids = sources.problemIds(filter.problems);
    conds.push((slot) => ids.has(problem[slot]!));
  }
  if (filter.traceIds?.length) {
    const ids = new Set(filter.traceIds);
    conds.push((slot) => ids.has(traceId[slot]!));
  }
  if (filter.text) {
    const m = sources.search(filter.text);
    if (m) conds.push(m);
  }
  return { dims, conds, warnings };
}

/** Inclusive bounds; NaN (NULL) fails both comparisons, as in SQL. */
function inRange(col: Float64Array, r: NumberRange): SlotTest {
  const lo = r.min ?? -Infinity;
  const hi = r.max ?? Infinity;
  return (slot) => col[slot]! >= lo && col[slot]! <= hi;
}

/** A signal condition: its stored value compared, or its presence (a flag bit, or >= 1 for a size signal). */
function signalTest(c: Columns, cond: SignalCondition): SlotTest {
  const def = signalDef(cond.signal);
  const col = c.values[SIGNALS.indexOf(def)]!;
  if (cond.op !== undefined && cond.value !== undefined) {
    const v = cond.value;
    switch (cond.op) {
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
  if (def.bit === null) return cond.present === false ? (slot) => col[slot]! < 1 : (slot) => col[slot]! >= 1;
  const mask = 1 << def.bit;
  const flags = c.flags;
  return cond.present === false ? (slot) => (flags[slot]! & mask) === 0 : (slot) => (flags[slot]! & mask) !== 0;
}

/** The slots every test of the matcher accepts, in slot order. */
export function matchingSlots(c: Columns, m: Matcher): Int32Array {
  const out = new Int32Array(c.slotOf.size);
  let n = 0;
  const tests = [...m.dims.map((d) => d.test), ...m.conds];
  const traceId = c.traceId;
  outer: for (let slot = 0; slot < c.used; slot++) {
    if (traceId[slot] === 0) continue;
    for (const t of tests) if (!t(slot)) continue outer;
    out[n++] = slot;
  }
  return out.subarray(0, n);
}

export interface SearchTests {
  /** The search as a test on slots, from FTS5 (or a substring scan for CJK terms); cached per text until `clear`. */
  test(text: string, version: number): SlotTest | undefined;
  clear(): void;
}

/** Search results as tests on slots, the last one kept until the index changes. */
export function createSearchTests(db: Database, c: Columns): SearchTests {
  let cached: { key: string; matches: SlotTest } | undefined;
  return {
    clear: () => (cached = undefined),
    test(text, version) {
      const key = `${version}\u0000${text}`;
      if (cached?.key === key) return cached.matches;
      const q = parseSearch(text);
      if (isEmptySearch(q)) return undefined;
      const split = splitSearch(q);
      const traceId = c.traceId;
      // Id sets as byte marks indexed by trace id (ids are dense): a test is one array read, no hashing.
      let maxId = 0;
      for (let slot = 0; slot < c.used; slot++) if (traceId[slot]! > maxId) maxId = traceId[slot]!;
      const marks = (ids: number[]) => {
        const m = new Uint8Array(maxId + 1);
        for (const id of ids) if (id <= maxId) m[id] = 1;
        return m;
      };
      const sets: { ids: Uint8Array; include: boolean }[] = [];
      const fts = (expr: string) =>
        marks(db.prepare('SELECT rowid FROM traces_fts WHERE traces_fts MATCH ?').pluck().all(expr) as number[]);
      if (split.fts) sets.push({ ids: fts(split.fts), include: true });
      if (split.excludedFts) sets.push({ ids: fts(split.excludedFts), include: false });
      const contains = (needles: readonly string[]) =>
        marks(
          db
            .prepare(
              `SELECT id FROM traces WHERE error IS NULL AND (${needles.map(() => "instr(lower(coalesce(reasoning, '')), ?) > 0 OR instr(lower(coalesce(answer, '')), ?) > 0").join(' OR ')})`,
            )
            .pluck()
            .all(...needles.flatMap((n) => [n, n])) as number[],
        );
      for (const g of split.substringGroups) sets.push({ ids: contains(g), include: true });
      for (const x of split.excludedSubstrings) sets.push({ ids: contains([x]), include: false });
      const matches: SlotTest = (slot) => {
        const id = traceId[slot]!;
        for (const s of sets) if ((s.ids[id] === 1) !== s.include) return false;
        return true;
      };
      cached = { key, matches };
      return matches;
    },
  };
}
