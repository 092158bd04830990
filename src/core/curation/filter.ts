import { W2sError } from '../errors';
import { isSignalName, signalDef, type SignalName } from '../signals/definitions';
import { LABEL_VALUES } from '../../model/labels';
import type * as M from '../../model/traces';
import type { Comparison, NumberRange } from '../../model/traces';
import { VERDICTS } from '../../model/verdicts';

export { LABEL_VALUES, type LabelValue } from '../../model/labels';
export { SORT_KEYS, type Comparison, type NumberRange } from '../../model/traces';
export { VERDICTS, type Verdict } from '../../model/verdicts';

/**
 * The one filter over traces (src/model/traces.ts), with core's closed set of signal names. The universe
 * is every trace with text whose signals are computed (see `signalsBacklog`).
 */
export type TraceFilter = M.TraceFilter<SignalName>;
export type SignalCondition = M.SignalCondition<SignalName>;
export type SortKey = M.SortKey<SignalName>;
export type TraceSort = M.TraceSort<SignalName>;

export const DEFAULT_SORT: TraceSort = { key: 'id' };

/** Length buckets of the length facet (tokens), each with the range a click on it selects. */
export const LENGTH_BUCKETS: readonly { readonly value: string; readonly range: Required<NumberRange> }[] = [
  { value: '<500', range: { min: 0, max: 499 } },
  { value: '500–1k', range: { min: 500, max: 999 } },
  { value: '1k–2k', range: { min: 1000, max: 1999 } },
  { value: '2k–4k', range: { min: 2000, max: 3999 } },
  { value: '4k–8k', range: { min: 4000, max: 7999 } },
  { value: '≥8k', range: { min: 8000, max: Number.MAX_SAFE_INTEGER } },
];

/**
 * Checks a filter that came from outside (a webview, a saved view, JSON) and returns it with empty
 * fields dropped. Errors name the field.
 */
export function checkFilter(input: unknown, where = 'filter'): TraceFilter {
  if (input === null || input === undefined) return {};
  if (typeof input !== 'object' || Array.isArray(input))
    throw new W2sError(`${where}: must be an object.`, 'BAD_FILTER');
  const f = input as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const known = new Set([
    'runs',
    'models',
    'sets',
    'verdicts',
    'labels',
    'finishReasons',
    'length',
    'latencyMs',
    'subjects',
    'levels',
    'signals',
    'problems',
    'traceIds',
    'text',
  ]);
  for (const k of Object.keys(f))
    if (!known.has(k))
      throw new W2sError(`${where}.${k}: unknown field (fields: ${[...known].join(', ')}).`, 'BAD_FILTER');
  for (const k of ['runs', 'models', 'sets', 'finishReasons', 'subjects', 'levels', 'problems'] as const) {
    const v = strings(f[k], `${where}.${k}`);
    if (v?.length) out[k] = v;
  }
  const verdicts = strings(f.verdicts, `${where}.verdicts`);
  if (verdicts?.length) out.verdicts = verdicts.map((v) => oneOf(v, VERDICTS, `${where}.verdicts`));
  const labels = strings(f.labels, `${where}.labels`);
  if (labels?.length) out.labels = labels.map((v) => oneOf(v, LABEL_VALUES, `${where}.labels`));
  for (const k of ['length', 'latencyMs'] as const) {
    const r = range(f[k], `${where}.${k}`);
    if (r) out[k] = r;
  }
  if (f.signals !== undefined) {
    if (!Array.isArray(f.signals)) throw new W2sError(`${where}.signals: must be a list of conditions.`, 'BAD_FILTER');
    const conds = f.signals.map((c, i) => signalCondition(c, `${where}.signals[${i}]`));
    if (conds.length) out.signals = conds;
  }
  if (f.traceIds !== undefined) {
    if (!Array.isArray(f.traceIds) || !f.traceIds.every((x) => Number.isInteger(x)))
      throw new W2sError(`${where}.traceIds: must be a list of integers.`, 'BAD_FILTER');
    if (f.traceIds.length) out.traceIds = f.traceIds;
  }
  if (f.text !== undefined) {
    if (typeof f.text !== 'string') throw new W2sError(`${where}.text: must be a string.`, 'BAD_FILTER');
    if (f.text.trim()) out.text = f.text.trim();
  }
  return out as TraceFilter;
}

function strings(v: unknown, where: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
    throw new W2sError(`${where}: must be a list of strings.`, 'BAD_FILTER');
  return [...new Set(v as string[])];
}

function oneOf<T extends string>(v: string, allowed: readonly T[], where: string): T {
  if (!(allowed as readonly string[]).includes(v))
    throw new W2sError(`${where}: "${v}" is not one of ${allowed.join(', ')}.`, 'BAD_FILTER');
  return v as T;
}

function range(v: unknown, where: string): NumberRange | undefined {
  if (v === undefined) return undefined;
  if (!v || typeof v !== 'object') throw new W2sError(`${where}: must be {min?, max?}.`, 'BAD_FILTER');
  const { min, max, ...rest } = v as Record<string, unknown>;
  if (Object.keys(rest).length) throw new W2sError(`${where}: only min and max are allowed.`, 'BAD_FILTER');
  for (const [k, x] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (x !== undefined && (typeof x !== 'number' || !Number.isFinite(x)))
      throw new W2sError(`${where}.${k}: must be a number.`, 'BAD_FILTER');
  }
  if (typeof min === 'number' && typeof max === 'number' && min > max)
    throw new W2sError(`${where}: min ${min} is above max ${max}.`, 'BAD_FILTER');
  if (min === undefined && max === undefined) return undefined;
  return { ...(min !== undefined ? { min: min as number } : {}), ...(max !== undefined ? { max: max as number } : {}) };
}

function signalCondition(v: unknown, where: string): SignalCondition {
  if (!v || typeof v !== 'object')
    throw new W2sError(`${where}: must be {signal, present?} or {signal, op, value}.`, 'BAD_FILTER');
  const c = v as Record<string, unknown>;
  if (typeof c.signal !== 'string' || !isSignalName(c.signal))
    throw new W2sError(`${where}.signal: unknown signal "${String(c.signal)}".`, 'BAD_FILTER');
  if (c.op !== undefined || c.value !== undefined) {
    if (!['>', '>=', '<', '<=', '='].includes(c.op as string))
      throw new W2sError(`${where}.op: must be one of > >= < <= =.`, 'BAD_FILTER');
    if (typeof c.value !== 'number' || !Number.isFinite(c.value))
      throw new W2sError(`${where}.value: must be a number.`, 'BAD_FILTER');
    return { signal: c.signal, op: c.op as Comparison, value: c.value };
  }
  if (c.present !== undefined && typeof c.present !== 'boolean')
    throw new W2sError(`${where}.present: must be true or false.`, 'BAD_FILTER');
  if (signalDef(c.signal).bit === null && c.present !== undefined) {
    // size signals have no presence bit: "present" means a value of at least 1
    return { signal: c.signal, op: c.present ? '>=' : '<', value: 1 };
  }
  return c.present === false ? { signal: c.signal, present: false } : { signal: c.signal };
}

/** Both filters at once (AND); lists present in both are intersected. Used for presets plus a filter. */
export function andFilters(a: TraceFilter, b: TraceFilter): TraceFilter {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b) as [keyof TraceFilter, unknown][]) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (k === 'signals') out[k] = [...(prev as SignalCondition[]), ...(v as SignalCondition[])];
    else if (k === 'text') out[k] = `${String(prev)} ${String(v)}`;
    else if (k === 'length' || k === 'latencyMs') {
      const p = prev as NumberRange;
      const q = v as NumberRange;
      const min = Math.max(p.min ?? -Infinity, q.min ?? -Infinity);
      const max = Math.min(p.max ?? Infinity, q.max ?? Infinity);
      out[k] = { ...(Number.isFinite(min) ? { min } : {}), ...(Number.isFinite(max) ? { max } : {}) };
    } else {
      const keep = new Set(v as unknown[]);
      // an empty intersection must select nothing, not everything: keep an impossible value
      const both = (prev as unknown[]).filter((x) => keep.has(x));
      out[k] = both.length ? both : k === 'traceIds' ? [-1] : ['\u0000none'];
    }
  }
  return out as TraceFilter;
}

export function isEmptyFilter(f: TraceFilter): boolean {
  return Object.keys(checkFilter(f)).length === 0;
}
