import { SIGNALS } from '../../signals/definitions';
import { GRADE_VERDICTS, VERDICTS } from '../../../model/verdicts';

/**
 * The browser's rows in memory, column by column: typed arrays indexed by *slot* (a trace's place in
 * the columns; a removed trace's slot is reused), about 100 bytes a trace. Strings are small codes
 * into a Dictionary. Columns are replaced (never resized in place) when they grow: read them from the
 * object after any load or refresh, and keep a reference only within one query.
 */
export interface Columns {
  capacity: number;
  /** Slots in use or freed: a scan runs over [0, used), skipping slots whose traceId is 0. */
  used: number;
  traceId: Int32Array;
  run: Int32Array;
  problem: Int32Array;
  sample: Int32Array;
  /** The index in VERDICTS (src/model/verdicts.ts); ungraded is the last. */
  verdict: Uint8Array;
  finish: Uint16Array;
  /** Completion tokens (the server's usage, else the estimate). */
  tokens: Float64Array;
  /** Milliseconds; NaN for NULL (fails every comparison, as in SQL). */
  latency: Float64Array;
  /** The presence bits of the facet signals. */
  flags: Int32Array;
  subject: Uint16Array;
  level: Uint16Array;
  /** DECISION_NONE, DECISION_ACCEPT or DECISION_REJECT. */
  decision: Uint8Array;
  star: Uint8Array;
  /** One column per signal, in the order of SIGNALS. */
  values: Float64Array[];
  readonly free: number[];
  readonly slotOf: Map<number, number>;
  readonly finishes: Dictionary;
  readonly subjects: Dictionary;
  readonly levels: Dictionary;
}

export const DECISION_NONE = 0;
export const DECISION_ACCEPT = 1;
export const DECISION_REJECT = 2;

export const VERDICT_NAME: readonly string[] = VERDICTS;
const VERDICT_CODE: Record<string, number> = Object.fromEntries(GRADE_VERDICTS.map((v, i) => [v, i]));
export const UNGRADED = VERDICTS.indexOf('ungraded');

/** Strings of one column as small integer codes (0 = NULL). */
export class Dictionary {
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

/** What one row of the columns is read from (`trace_signals` with its labels). */
export const SELECT_COLUMNS = `s.trace_id, s.run_id, s.problem_id, s.sample_index, s.verdict, s.finish, s.tokens, s.latency_ms, s.flags, s.subject, s.level,
  l.decision, coalesce(l.star, 0), ${SIGNALS.map((d) => `s.${d.column}`).join(', ')}`;
export const FROM = 'trace_signals s LEFT JOIN labels l ON l.trace_id = s.trace_id';
export type RawRow = [
  number,
  number,
  number,
  number,
  string | null,
  string | null,
  number,
  number | null,
  number,
  string | null,
  string | null,
  string | null,
  number,
  ...number[],
];

export function createColumns(): Columns {
  return {
    capacity: 0,
    used: 0,
    traceId: new Int32Array(0),
    run: new Int32Array(0),
    problem: new Int32Array(0),
    sample: new Int32Array(0),
    verdict: new Uint8Array(0),
    finish: new Uint16Array(0),
    tokens: new Float64Array(0),
    latency: new Float64Array(0),
    flags: new Int32Array(0),
    subject: new Uint16Array(0),
    level: new Uint16Array(0),
    decision: new Uint8Array(0),
    star: new Uint8Array(0),
    values: SIGNALS.map(() => new Float64Array(0)),
    free: [],
    slotOf: new Map(),
    finishes: new Dictionary(),
    subjects: new Dictionary(),
    levels: new Dictionary(),
  };
}

/** Room for `need` slots: every column is copied into one at least twice as long. */
function grow(c: Columns, need: number): void {
  if (need <= c.capacity) return;
  const cap = Math.max(1024, need, c.capacity * 2);
  const g = <T extends Int32Array | Uint8Array | Uint16Array | Float64Array>(a: T, make: (n: number) => T): T => {
    const b = make(cap);
    b.set(a);
    return b;
  };
  c.traceId = g(c.traceId, (n) => new Int32Array(n));
  c.run = g(c.run, (n) => new Int32Array(n));
  c.problem = g(c.problem, (n) => new Int32Array(n));
  c.sample = g(c.sample, (n) => new Int32Array(n));
  c.verdict = g(c.verdict, (n) => new Uint8Array(n));
  c.finish = g(c.finish, (n) => new Uint16Array(n));
  c.tokens = g(c.tokens, (n) => new Float64Array(n));
  c.latency = g(c.latency, (n) => new Float64Array(n));
  c.flags = g(c.flags, (n) => new Int32Array(n));
  c.subject = g(c.subject, (n) => new Uint16Array(n));
  c.level = g(c.level, (n) => new Uint16Array(n));
  c.decision = g(c.decision, (n) => new Uint8Array(n));
  c.star = g(c.star, (n) => new Uint8Array(n));
  c.values = c.values.map((a) => g(a, (n) => new Float64Array(n)));
  c.capacity = cap;
}

/** Stores one row: in the trace's slot if it has one, else in a free or new slot. */
export function putRow(c: Columns, r: RawRow): void {
  const id = r[0];
  let slot = c.slotOf.get(id);
  if (slot === undefined) {
    slot = c.free.pop() ?? c.used++;
    grow(c, c.used);
    c.slotOf.set(id, slot);
  }
  c.traceId[slot] = id;
  c.run[slot] = r[1];
  c.problem[slot] = r[2];
  c.sample[slot] = r[3];
  c.verdict[slot] = r[4] === null ? UNGRADED : (VERDICT_CODE[r[4]] ?? UNGRADED);
  c.finish[slot] = c.finishes.code(r[5]);
  c.tokens[slot] = r[6];
  c.latency[slot] = r[7] === null ? NaN : r[7];
  c.flags[slot] = r[8];
  c.subject[slot] = c.subjects.code(r[9]);
  c.level[slot] = c.levels.code(r[10]);
  c.decision[slot] = r[11] === 'accept' ? DECISION_ACCEPT : r[11] === 'reject' ? DECISION_REJECT : DECISION_NONE;
  c.star[slot] = r[12] ? 1 : 0;
  for (let k = 0; k < SIGNALS.length; k++) c.values[k]![slot] = r[13 + k] as number;
}

/** Frees a trace's slot (a trace id of 0 marks it empty). */
export function removeTrace(c: Columns, id: number): void {
  const slot = c.slotOf.get(id);
  if (slot === undefined) return;
  c.slotOf.delete(id);
  c.traceId[slot] = 0;
  c.free.push(slot);
}

/** Empties the columns (they keep their capacity) before a full load. */
export function clearColumns(c: Columns): void {
  c.slotOf.clear();
  c.free.length = 0;
  c.used = 0;
  c.traceId.fill(0);
}
