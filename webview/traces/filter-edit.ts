import type { FacetName, FacetValue, SignalCondition, TraceFilter } from '../../src/protocol/traces';

/**
 * Turning facet clicks into a new filter (pure: the filter is plain data). Within a facet the values are
 * alternatives; a length bucket is a range (one at a time); a signal is its own condition.
 */

type ListField = 'runs' | 'models' | 'sets' | 'verdicts' | 'labels' | 'finishReasons' | 'subjects' | 'levels';

export const FACET_FIELD: Record<Exclude<FacetName, 'length' | 'signal'>, ListField> = {
  run: 'runs',
  model: 'models',
  set: 'sets',
  verdict: 'verdicts',
  label: 'labels',
  finish: 'finishReasons',
  subject: 'subjects',
  level: 'levels',
};

export function toggleFacet(filter: TraceFilter, facet: FacetName, value: FacetValue, on: boolean): TraceFilter {
  const out: Record<string, unknown> = { ...filter };
  if (facet === 'length') {
    if (on && value.range) out.length = { min: value.range.min, max: value.range.max };
    else delete out.length;
    return out as TraceFilter;
  }
  if (facet === 'signal') {
    const rest = (filter.signals ?? []).filter(
      (c) => c.signal !== value.value || c.present === false || c.op !== undefined,
    );
    const next: SignalCondition[] = on ? [...rest, { signal: value.value }] : rest;
    if (next.length) out.signals = next;
    else delete out.signals;
    return out as TraceFilter;
  }
  const field = FACET_FIELD[facet];
  const current = (filter[field] ?? []) as readonly string[];
  const next = on ? [...new Set([...current, value.value])] : current.filter((v) => v !== value.value);
  if (next.length) out[field] = next;
  else delete out[field];
  return out as TraceFilter;
}

export function withText(filter: TraceFilter, text: string): TraceFilter {
  const out: Record<string, unknown> = { ...filter };
  if (text.trim()) out.text = text.trim();
  else delete out.text;
  return out as TraceFilter;
}

/** The active parts of a filter, each with the filter that drops it (for the chips above the list). */
export function activeParts(filter: TraceFilter): { label: string; without: TraceFilter }[] {
  const parts: { label: string; without: TraceFilter }[] = [];
  const drop = (k: keyof TraceFilter): TraceFilter => {
    const out: Record<string, unknown> = { ...filter };
    delete out[k];
    return out as TraceFilter;
  };
  const names: [keyof TraceFilter, string][] = [
    ['runs', 'run'],
    ['models', 'model'],
    ['sets', 'set'],
    ['verdicts', 'verdict'],
    ['labels', 'label'],
    ['finishReasons', 'finish'],
    ['subjects', 'subject'],
    ['levels', 'level'],
    ['problems', 'problem'],
  ];
  for (const [k, name] of names) {
    const v = filter[k] as readonly string[] | undefined;
    if (v?.length) parts.push({ label: `${name}: ${v.join(', ')}`, without: drop(k) });
  }
  if (filter.length)
    parts.push({
      label: `length ${filter.length.min ?? 0}–${filter.length.max === undefined || filter.length.max >= Number.MAX_SAFE_INTEGER ? '∞' : filter.length.max}`,
      without: drop('length'),
    });
  if (filter.latencyMs)
    parts.push({
      label: `latency ${filter.latencyMs.min ?? 0}–${filter.latencyMs.max ?? '∞'} ms`,
      without: drop('latencyMs'),
    });
  for (const c of filter.signals ?? []) {
    const label =
      c.op !== undefined ? `${c.signal} ${c.op} ${c.value}` : c.present === false ? `no ${c.signal}` : c.signal;
    const rest = (filter.signals ?? []).filter((x) => x !== c);
    const out: Record<string, unknown> = { ...filter };
    if (rest.length) out.signals = rest;
    else delete out.signals;
    parts.push({ label: `signal: ${label}`, without: out as TraceFilter });
  }
  if (filter.traceIds?.length) parts.push({ label: `${filter.traceIds.length} trace ids`, without: drop('traceIds') });
  if (filter.text) parts.push({ label: `search: ${filter.text}`, without: drop('text') });
  return parts;
}
