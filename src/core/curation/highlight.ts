/**
 * Search hits as plain text plus character ranges, never markup: the UI renders the ranges itself
 * (as text nodes), so a trace's text can never become HTML on the way.
 */
export interface HighlightedText {
  readonly text: string;
  /** [start, end) offsets into `text`, in UTF-16 code units, sorted and disjoint. */
  readonly hits: readonly (readonly [number, number])[];
}

/**
 * Markers handed to FTS5's `highlight()` / `snippet()`: Private Use Area characters, which model output
 * practically never holds; any that it does hold are dropped by `fromMarked` rather than misread.
 */
export const OPEN_MARK = '\uE000';
export const CLOSE_MARK = '\uE001';

/** Turns FTS5 output with markers into text and ranges. */
export function fromMarked(marked: string): HighlightedText {
  let text = '';
  const hits: [number, number][] = [];
  let open = -1;
  let last = 0;
  for (let i = 0; i < marked.length; i++) {
    const ch = marked[i];
    if (ch !== OPEN_MARK && ch !== CLOSE_MARK) continue;
    text += marked.slice(last, i);
    last = i + 1;
    if (ch === OPEN_MARK) open = text.length;
    else if (open >= 0) {
      if (text.length > open) hits.push([open, text.length]);
      open = -1;
    }
  }
  text += marked.slice(last);
  return { text, hits: mergeRanges(hits) };
}

/** Every occurrence of each needle (case-insensitive), for terms matched as substrings. */
export function substringHits(text: string, needles: readonly string[]): [number, number][] {
  const lower = text.toLowerCase();
  const hits: [number, number][] = [];
  for (const n of needles) {
    if (!n) continue;
    for (let i = lower.indexOf(n); i >= 0; i = lower.indexOf(n, i + n.length)) hits.push([i, i + n.length]);
  }
  return mergeRanges(hits);
}

export function mergeRanges(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const prev = out[out.length - 1];
    if (prev && s <= prev[1]) prev[1] = Math.max(prev[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** A short excerpt around the first hit (for list rows when the hits come from substring matching). */
export function excerpt(text: string, hits: readonly (readonly [number, number])[], radius = 80): HighlightedText {
  if (hits.length === 0) return { text: text.slice(0, radius * 2), hits: [] };
  const from = Math.max(0, hits[0]![0] - radius);
  const to = Math.min(text.length, hits[0]![1] + radius);
  const prefix = from > 0 ? '…' : '';
  const shift = prefix.length - from;
  return {
    text: `${prefix}${text.slice(from, to)}${to < text.length ? '…' : ''}`,
    hits: hits.filter(([s, e]) => s >= from && e <= to).map(([s, e]) => [s + shift, e + shift] as const),
  };
}
