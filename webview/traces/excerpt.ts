/**
 * A row's search excerpt cut at its first hit, so the row can start the hit near its middle: the text
 * before it is shown right-aligned (cut, with an ellipsis, at its left end), the hit and what follows
 * left-aligned. A hit at the right end of a one-line excerpt was cut off by the row's ellipsis. Pure.
 */
export type Hits = readonly (readonly [number, number])[];

export interface SplitExcerpt {
  readonly before: string;
  readonly beforeHits: Hits;
  readonly after: string;
  readonly afterHits: Hits;
}

export function splitAtFirstHit(text: string, hits: Hits): SplitExcerpt {
  const first = hits[0];
  if (!first) return { before: '', beforeHits: [], after: text, afterHits: [] };
  let at = Math.max(0, Math.min(text.length, first[0]));
  // spaces before the hit go with the second half: at the end of the right-to-left first half, the bidi
  // algorithm (UAX #9, rule L1) would move them to its far left, and "TEXT STAYS" would read "TEXTSTAYS"
  while (at > 0 && /\s/.test(text[at - 1]!)) at--;
  return {
    before: text.slice(0, at),
    beforeHits: [],
    after: text.slice(at),
    afterHits: hits.map(([s, e]) => [s - at, e - at] as const).filter(([, e]) => e > 0),
  };
}

/**
 * The excerpt made readable around its hits: each stretch between hits goes through `convert` (LaTeX to
 * readable text) on its own, a hit stays as written so it still matches what was searched; every
 * whitespace character becomes a space (a row is one line), and the hits are moved to where they land.
 */
export function readableExcerpt(
  text: string,
  hits: Hits,
  convert: (s: string) => string,
): { text: string; hits: [number, number][] } {
  let out = '';
  const moved: [number, number][] = [];
  let at = 0;
  const plain = (s: string) => convert(s).replace(/\s/g, ' ');
  for (const [s, e] of hits) {
    const start = Math.max(at, Math.min(text.length, s));
    const end = Math.max(start, Math.min(text.length, e));
    out += plain(text.slice(at, start));
    moved.push([out.length, out.length + (end - start)]);
    out += text.slice(start, end).replace(/\s/g, ' ');
    at = end;
  }
  out += plain(text.slice(at));
  return { text: out, hits: moved.filter(([s, e]) => e > s) };
}
