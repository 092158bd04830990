import type { TraceFilter, TraceSort } from '../../src/core/curation/filter';
import { LENGTH_BUCKETS } from '../../src/core/curation/filter';
import { parseSearch } from '../../src/core/curation/search';
import { computeSignals } from '../../src/core/signals/compute';
import { FACET_SIGNALS, signalDef, type TraceSignals } from '../../src/core/signals/definitions';
import type { FixtureTrace } from './browse-fixture';
import { seededRandom } from '../../src/core/seeded-random';

/**
 * What a filter means, written plainly over the fixture's own records (not over the store): the
 * reference the SQL compiler, the in-memory index and export are checked against. Signals come from
 * computeSignals (tested on its own); full-text matching is FTS5's unicode61 rule spelled out (lower
 * case, words split at anything but letters and digits, phrases as consecutive words).
 */
export interface OracleTrace extends FixtureTrace {
  signals: TraceSignals;
}

export function withSignals(traces: FixtureTrace[]): OracleTrace[] {
  return traces.map((t) => ({
    ...t,
    signals: computeSignals({
      question: t.question,
      reasoning: t.reasoning,
      answer: t.answer,
      finishReason: t.finish,
      completionTokens: t.completionTokens,
    }),
  }));
}

const words = (s: string) =>
  s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

function termMatches(t: OracleTrace, term: { text: string; prefix: boolean; substring: boolean }): boolean {
  const fields = [t.reasoning ?? '', t.answer ?? ''];
  if (term.substring) return fields.some((f) => f.toLowerCase().includes(term.text.toLowerCase()));
  const want = words(term.text);
  return fields.some((f) => {
    const w = words(f);
    for (let i = 0; i + want.length <= w.length; i++) {
      let ok = true;
      for (let j = 0; j < want.length && ok; j++) {
        const last = j === want.length - 1;
        ok = term.prefix && last ? w[i + j]!.startsWith(want[j]!) : w[i + j] === want[j];
      }
      if (ok) return true;
    }
    return false;
  });
}

export type Dim =
  'run' | 'model' | 'set' | 'verdict' | 'label' | 'finish' | 'length' | 'subject' | 'level' | `signal:${string}`;

/** Each facet dimension's test, and the tests of the other conditions. */
function tests(f: TraceFilter): {
  dims: Map<Dim, (t: OracleTrace) => boolean>;
  conds: ((t: OracleTrace) => boolean)[];
} {
  const dims = new Map<Dim, (t: OracleTrace) => boolean>();
  const conds: ((t: OracleTrace) => boolean)[] = [];
  const inR = (v: number | null, r: { min?: number; max?: number }) =>
    v !== null && v >= (r.min ?? -Infinity) && v <= (r.max ?? Infinity);
  if (f.runs?.length) dims.set('run', (t) => f.runs!.includes(t.run));
  if (f.models?.length) dims.set('model', (t) => f.models!.includes(t.model));
  if (f.sets?.length) dims.set('set', (t) => f.sets!.includes(t.set));
  if (f.verdicts?.length) dims.set('verdict', (t) => f.verdicts!.includes(t.verdict));
  if (f.labels?.length) {
    dims.set('label', (t) =>
      f.labels!.some((l) =>
        l === 'accept'
          ? t.decision === 'accept'
          : l === 'reject'
            ? t.decision === 'reject'
            : l === 'star'
              ? t.star
              : !t.decision && !t.star,
      ),
    );
  }
  if (f.finishReasons?.length) dims.set('finish', (t) => f.finishReasons!.includes(t.finish ?? 'none'));
  if (f.length) dims.set('length', (t) => inR(t.signals.tokens.total, f.length!));
  if (f.subjects?.length) dims.set('subject', (t) => t.subject !== null && f.subjects!.includes(t.subject));
  if (f.levels?.length) dims.set('level', (t) => t.level !== null && f.levels!.includes(t.level));
  for (const c of f.signals ?? []) {
    const key: Dim = `signal:${c.signal}`;
    const prev = dims.get(key);
    const v = (t: OracleTrace) => t.signals.values[c.signal];
    const def = signalDef(c.signal);
    let test: (t: OracleTrace) => boolean;
    if (c.op) {
      const x = c.value!;
      test = {
        '>': (t: OracleTrace) => v(t) > x,
        '>=': (t: OracleTrace) => v(t) >= x,
        '<': (t: OracleTrace) => v(t) < x,
        '<=': (t: OracleTrace) => v(t) <= x,
        '=': (t: OracleTrace) => v(t) === x,
      }[c.op];
    } else if (def.bit === null) test = (t) => v(t) >= 1 !== (c.present === false);
    else test = (t) => t.signals.present.includes(c.signal) !== (c.present === false);
    dims.set(key, prev ? (t) => prev(t) && test(t) : test);
  }
  if (f.latencyMs) conds.push((t) => inR(t.latencyMs, f.latencyMs!));
  if (f.problems?.length) conds.push((t) => f.problems!.includes(t.problemKey));
  if (f.traceIds?.length) conds.push((t) => f.traceIds!.includes(t.id));
  if (f.text) {
    const q = parseSearch(f.text);
    conds.push(
      (t) =>
        q.groups.every((g) => g.some((term) => termMatches(t, term))) &&
        !q.excluded.some((term) => termMatches(t, term)),
    );
  }
  return { dims, conds };
}

export function oracleSelect(traces: readonly OracleTrace[], f: TraceFilter): OracleTrace[] {
  const { dims, conds } = tests(f);
  return traces.filter((t) => [...dims.values()].every((d) => d(t)) && conds.every((c) => c(t)));
}

/** Facet counts: for each dimension, the traces passing every other dimension and condition. */
export function oracleFacets(traces: readonly OracleTrace[], f: TraceFilter): Record<string, Record<string, number>> {
  const { dims, conds } = tests(f);
  const out: Record<string, Record<string, number>> = {};
  const add = (facet: string, value: string) => {
    out[facet] ??= {};
    out[facet]![value] = (out[facet]![value] ?? 0) + 1;
  };
  const passesExcept = (t: OracleTrace, except: Dim) =>
    conds.every((c) => c(t)) && [...dims].every(([k, d]) => k === except || d(t));
  for (const t of traces) {
    if (passesExcept(t, 'run')) add('run', t.run);
    if (passesExcept(t, 'model')) add('model', t.model);
    if (passesExcept(t, 'set')) add('set', t.set);
    if (passesExcept(t, 'verdict')) add('verdict', t.verdict);
    if (passesExcept(t, 'label')) {
      if (t.decision) add('label', t.decision);
      if (t.star) add('label', 'star');
      if (!t.decision && !t.star) add('label', 'none');
    }
    if (passesExcept(t, 'finish')) add('finish', t.finish ?? 'none');
    if (passesExcept(t, 'length'))
      add('length', LENGTH_BUCKETS.find((b) => t.signals.tokens.total <= b.range.max)!.value);
    if (t.subject !== null && passesExcept(t, 'subject')) add('subject', t.subject);
    if (t.level !== null && passesExcept(t, 'level')) add('level', t.level);
    for (const s of FACET_SIGNALS)
      if (t.signals.present.includes(s.name) && passesExcept(t, `signal:${s.name}`)) add('signal', s.name);
  }
  return out;
}

/** The order of a sort, spelled out (ties by trace id in the same direction). */
export function oracleSort(traces: readonly OracleTrace[], sort: TraceSort | undefined): OracleTrace[] {
  const s = sort ?? { key: 'id' };
  const dir = s.desc ? -1 : 1;
  const setOrder = (t: OracleTrace) => (t.set === 'math-a' ? 0 : 1); // sets were created in this order
  const key = (t: OracleTrace): (number | string)[] => {
    if (s.key.startsWith('signal:')) return [t.signals.values[s.key.slice(7) as 'reflection']];
    switch (s.key) {
      case 'problem':
        return [setOrder(t), t.position, runOrder(t.run), t.sample];
      case 'run':
        return [t.run, t.problemId, t.sample];
      case 'length':
        return [t.signals.tokens.total];
      case 'verdict':
        return [['correct', 'incorrect', 'no-answer', 'error', 'ungraded'].indexOf(t.verdict)];
      default:
        return [];
    }
  };
  return [...traces].sort((a, b) => {
    if (s.key === 'latency') {
      if ((a.latencyMs === null) !== (b.latencyMs === null)) return a.latencyMs === null ? 1 : -1;
      if (a.latencyMs !== null && b.latencyMs !== null && a.latencyMs !== b.latencyMs)
        return dir * (a.latencyMs - b.latencyMs);
      return dir * (a.id - b.id);
    }
    const x = key(a);
    const y = key(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return dir * (x[i]! < y[i]! ? -1 : 1);
    return dir * (a.id - b.id);
  });
}

const runOrder = (run: string) => ['teacher-a', 'teacher-b', 'teacher-c'].indexOf(run);

/** Random filters over the fixture's values (seeded), for comparing implementations. */
export function randomFilters(count: number, seed = 1): TraceFilter[] {
  const rand = seededRandom(seed);
  const some = <T>(xs: readonly T[]) => xs.filter(() => rand() < 0.4);
  const out: TraceFilter[] = [];
  for (let i = 0; i < count; i++) {
    const f: Record<string, unknown> = {};
    if (rand() < 0.3) f.runs = some(['teacher-a', 'teacher-b', 'teacher-c', 'nope']);
    if (rand() < 0.2) f.models = some(['m1', 'm2']);
    if (rand() < 0.2) f.sets = some(['math-a', 'gsm-b']);
    if (rand() < 0.4) f.verdicts = some(['correct', 'incorrect', 'no-answer', 'error', 'ungraded']);
    if (rand() < 0.3) f.labels = some(['accept', 'reject', 'star', 'none']);
    if (rand() < 0.2) f.finishReasons = some(['stop', 'length', 'none']);
    if (rand() < 0.3) f.length = rand() < 0.5 ? { min: Math.floor(rand() * 800) } : { max: Math.floor(rand() * 800) };
    if (rand() < 0.2) f.latencyMs = { min: Math.floor(rand() * 10_000) };
    if (rand() < 0.2) f.subjects = some(['Algebra', 'Geometry']);
    if (rand() < 0.2) f.levels = some(['1', '2', '3', '4', '5']);
    if (rand() < 0.5) {
      const names = FACET_SIGNALS.map((s) => s.name);
      f.signals = [
        { signal: names[Math.floor(rand() * names.length)]!, ...(rand() < 0.3 ? { present: false } : {}) },
        ...(rand() < 0.3 ? [{ signal: 'reflection', op: '>=', value: 1 }] : []),
        ...(rand() < 0.2 ? [{ signal: 'answer-tokens', op: '>', value: Math.floor(rand() * 400) }] : []),
      ];
    }
    if (rand() < 0.15)
      f.text = ['boxed', '"the answer"', 'wait OR hmm', '-boxed', 'verif*', '等等', 'answer -等等'][
        Math.floor(rand() * 7)
      ];
    out.push(f as TraceFilter);
  }
  return out;
}
