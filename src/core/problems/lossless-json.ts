/**
 * JSON.parse for problem and trace files that keeps every number as it was written when a double
 * cannot hold it: an integer beyond 2^53 (`9007199254740993` would become …992, and a gold of it be
 * graded against the wrong number), a decimal with more significant digits than a double keeps, an
 * exponent out of range (`1e400`, Infinity). Such a literal is read as the string of its digits, as
 * written; every other number stays a number. (Node 20 has no `JSON.parse` source access and no
 * `JSON.rawJSON`; this marks the literals before parsing instead.)
 */

/** Only text with a run of 16+ digits (dots between) or a 3-digit exponent can hold such a literal. */
const MAYBE_LOSSY = /\d[\d.]{15}|[eE][+-]?\d{3}/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Sign, significant digits and exponent of a decimal literal: equal for literals of the same value. */
function canonical(lit: string): string {
  const m = LITERAL.exec(lit);
  if (!m) return lit;
  let digits = `${m[2]}${m[3] ?? ''}`.replace(/^0+/, '');
  let exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  if (digits === '') return '0';
  const trailing = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  exp += trailing;
  return `${m[1]}${digits}e${exp}`;
}

/** Whether a double holds the literal's value exactly as written (1.0 and 1e3 do; 2^53 + 1 does not). */
export function exactAsDouble(lit: string): boolean {
  const n = Number(lit);
  return Number.isFinite(n) && canonical(lit) === canonical(String(n));
}

/** A control character whose `\u00XX` escape the text does not contain: the marker of a kept literal. */
function markerFor(text: string): string | undefined {
  for (let c = 1; c < 32; c++) {
    const hex = c.toString(16).padStart(2, '0');
    if (!new RegExp(`\\\\u00${hex}`, 'i').test(text)) return String.fromCharCode(c);
  }
  return undefined;
}

export function parseJsonLossless(text: string): unknown {
  if (!MAYBE_LOSSY.test(text)) return JSON.parse(text);
  const marker = markerFor(text);
  if (marker === undefined) return JSON.parse(text);
  const escaped = `\\u00${marker.charCodeAt(0).toString(16).padStart(2, '0')}`;
  let out = '';
  let from = 0;
  let kept = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // a string: skip to its closing quote
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      continue;
    }
    if (c !== 45 && (c < 48 || c > 57)) continue;
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) continue;
    const lit = m[0];
    if (!exactAsDouble(lit)) {
      out += `${text.slice(from, i)}"${escaped}${lit}"`;
      from = i + lit.length;
      kept++;
    }
    i += lit.length - 1;
  }
  if (kept === 0) return JSON.parse(text);
  let value: unknown;
  try {
    value = JSON.parse(out + text.slice(from), (_k, v: unknown) =>
      typeof v === 'string' && v.charCodeAt(0) === marker.charCodeAt(0) && v.length > 1 ? v.slice(1) : v,
    );
  } catch {
    // a syntax error: reported as JSON.parse reports it on the text as written (positions included)
    return JSON.parse(text);
  }
  return value;
}
