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
  const at = Math.max(0, Math.min(text.length, first[0]));
  return {
    before: text.slice(0, at),
    beforeHits: [],
    after: text.slice(at),
    afterHits: hits.map(([s, e]) => [s - at, e - at] as const).filter(([, e]) => e > 0),
  };
}
