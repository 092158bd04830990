import type { HighlightedText } from '../../model/traces';

export type { HighlightedText } from '../../model/traces';

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

const ALNUM = /[\p{L}\p{N}]/u;
const isWordChar = (c: string | undefined) =>
  c !== undefined && (/[a-z0-9]/.test(c) || (c > '\u007f' && ALNUM.test(c)));

/** A search term as the words FTS5's unicode61 tokenizer would see (lower case, split at anything but letters and digits). */
export function termWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * Hits of search terms in a text, found the way FTS5 matches them (whole words in order, any punctuation
 * or space between them, the last word a prefix for `prefix*` terms) but with indexOf instead of
 * re-tokenising the document: FTS5's snippet() tokenises whole traces and costs about half a millisecond
 * each, too much for a page of rows. Diacritics are not folded here, so "café" may go unmarked where
 * FTS5 matched it; the match itself is always FTS5's.
 */
export function wordHits(
  text: string,
  terms: readonly { readonly words: readonly string[]; readonly prefix: boolean }[],
  max = 200,
): [number, number][] {
  const lower = text.toLowerCase();
  const hits: [number, number][] = [];
  for (const t of terms) {
    const first = t.words[0];
    if (!first) continue;
    for (let i = lower.indexOf(first); i >= 0 && hits.length < max; i = lower.indexOf(first, i + 1)) {
      if (isWordChar(lower[i - 1])) continue;
      let end = i + first.length;
      let ok = true;
      for (let w = 1; w < t.words.length && ok; w++) {
        if (isWordChar(lower[end])) ok = false;
        let j = end;
        while (j < lower.length && !isWordChar(lower[j])) j++;
        if (j === end || !lower.startsWith(t.words[w]!, j)) ok = false;
        else end = j + t.words[w]!.length;
      }
      if (!ok) continue;
      if (t.prefix) while (isWordChar(lower[end])) end++;
      else if (isWordChar(lower[end])) continue;
      hits.push([i, end]);
    }
  }
  return mergeRanges(hits);
}
