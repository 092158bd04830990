// Numbers as the panel writes them: the same rules as core's results/format (percent with one decimal,
// U+2212 as the one minus sign, RGR in percent). The webview only sees the protocol, so these few lines
// are repeated here rather than imported.
import type { CellView, IntervalView, MeanRgrView, RgrView } from '../../src/protocol/results';

export const MINUS = '\u2212';

export const pct = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? '–' : (x * 100).toFixed(digits);

/** "+3.2", "−1.0"; a value that rounds to 0 has no sign. */
export const signed = (x: number): string => {
  const s = Math.abs(x * 100).toFixed(1);
  return Number(s) === 0 ? s : `${x > 0 ? '+' : MINUS}${s}`;
};

/** A percentage that may be negative. */
export const plain = (x: number): string => {
  const s = Math.abs(x * 100).toFixed(1);
  return x < 0 && Number(s) !== 0 ? `${MINUS}${s}` : s;
};

export const intervalText = (i: IntervalView, f: (x: number) => string = pct): string => `[${f(i.low)}, ${f(i.high)}]`;

/** "on 50 of 100" where a comparison covers part of the set. */
export const onCommon = (common: number, of: number): string => (common < of ? `on ${common} of ${of}` : '');

export function coverageText(c: CellView): string {
  return c.coverage.partial ? `partial: ${c.coverage.graded} of ${c.coverage.of} problems graded` : '';
}

/** The reason without its leading "undefined: " (the panel says "undefined" itself). */
export const reasonText = (r: { reason?: string }): string => (r.reason ?? '').replace(/^undefined: /, '');

/** "RGR 50.0% [31.2, 70.4]"; "RGR undefined" (the reason beside it); unstable ones keep their value. */
export function rgrValueText(r: RgrView | MeanRgrView): string {
  if (r.value === null) return 'undefined';
  return `${plain(r.value)}%${r.interval ? ` ${intervalText(r.interval, plain)}` : ''}`;
}

export function leftOutText(r: MeanRgrView): string {
  const out = [
    r.leftOut.undefined && `${r.leftOut.undefined} undefined`,
    r.leftOut.unstable && `${r.leftOut.unstable} unstable`,
    r.leftOut.noCommon && `${r.leftOut.noCommon} without common problems`,
  ].filter(Boolean);
  return `over ${r.over} of ${r.of}${out.length ? ` (left out: ${out.join(', ')})` : ''}`;
}
