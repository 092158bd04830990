import { SIGNALS, isSignalName, signalDef } from '../../signals/definitions';
import type { Database } from '../../store/sqlite';
import type { RunInfo } from '../facets';
import type { TraceSort } from '../filter';
import { orderBy } from '../query';
import type { Columns } from './columns';

// Sorting slots in the same order as orderBy() gives in SQL.

export type SlotOrder = (a: number, b: number) => number;
type SortColumn = { col: ArrayLike<number>; sign: number };

/** Each problem's rank in set and file order, reloaded only when the index holds a problem it has not seen. */
export function createProblemRanks(db: Database): (c: Columns, version: number) => Map<number, number> {
  let ranks = new Map<number, number>();
  let checked = -1;
  return (c, version) => {
    if (checked === version) return ranks;
    checked = version;
    for (let slot = 0; slot < c.used; slot++) {
      if (c.traceId[slot] !== 0 && !ranks.has(c.problem[slot]!)) {
        const ids = db.prepare('SELECT id FROM problems ORDER BY set_id, position').pluck().all() as number[];
        ranks = new Map(ids.map((id, i) => [id, i]));
        break;
      }
    }
    return ranks;
  };
}

/**
 * A sort as key columns read from typed arrays (each with its own direction; the trace id last), so a
 * comparison never touches a Map: sorting 100,000 traces costs a few milliseconds. Rank columns are
 * filled for `slots` only.
 */
export function slotOrder(
  c: Columns,
  sort: TraceSort,
  runs: readonly RunInfo[],
  slots: ArrayLike<number>,
  problemRanks: () => Map<number, number>,
): SlotOrder {
  orderBy(sort); // rejects unknown keys the same way
  const dir = sort.desc ? -1 : 1;
  const keys: SortColumn[] = [];
  const rankColumn = (rankOf: (slot: number) => number) => {
    const rank = new Float64Array(c.used);
    for (let i = 0; i < slots.length; i++) rank[slots[i]!] = rankOf(slots[i]!);
    return rank;
  };
  const key = sort.key;
  if (key.startsWith('signal:')) {
    const name = key.slice(7);
    keys.push({ col: isSignalName(name) ? c.values[SIGNALS.indexOf(signalDef(name))]! : c.tokens, sign: dir });
  } else {
    switch (key) {
      case 'problem': {
        const ranks = problemRanks();
        keys.push(
          { col: rankColumn((slot) => ranks.get(c.problem[slot]!) ?? Number.MAX_SAFE_INTEGER), sign: dir },
          { col: c.run, sign: dir },
          { col: c.sample, sign: dir },
        );
        break;
      }
      case 'run': {
        const byName = [...runs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const rankOf = new Map(byName.map((r, i) => [r.id, i]));
        keys.push(
          { col: rankColumn((slot) => rankOf.get(c.run[slot]!) ?? Number.MAX_SAFE_INTEGER), sign: dir },
          { col: c.problem, sign: dir },
          { col: c.sample, sign: dir },
        );
        break;
      }
      case 'length':
        keys.push({ col: c.tokens, sign: dir });
        break;
      case 'latency': {
        // NULLs last in either direction, as "latency_ms IS NULL" first in SQL
        const latency = c.latency;
        keys.push(
          { col: rankColumn((slot) => (Number.isNaN(latency[slot]!) ? 1 : 0)), sign: 1 },
          { col: rankColumn((slot) => (Number.isNaN(latency[slot]!) ? 0 : latency[slot]!)), sign: dir },
        );
        break;
      }
      case 'verdict':
        keys.push({ col: c.verdict, sign: dir });
        break;
    }
  }
  keys.push({ col: c.traceId, sign: dir });
  if (keys.length === 2) {
    const [k1, k2] = keys as [SortColumn, SortColumn];
    return (a, b) => k1.sign * (k1.col[a]! - k1.col[b]!) || k2.sign * (k2.col[a]! - k2.col[b]!);
  }
  return (a, b) => {
    for (const k of keys) {
      const d = k.col[a]! - k.col[b]!;
      if (d !== 0) return k.sign * d;
    }
    return 0;
  };
}

/** The first k slots in order, without sorting all of them (a bounded heap). */
export function topK(slots: Int32Array, k: number, cmp: SlotOrder): number[] {
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
}
