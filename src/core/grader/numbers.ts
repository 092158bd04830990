/**
 * Plain numbers, exactly: integers, decimals, thousands separators, scientific notation, powers of ten,
 * simple and mixed fractions — each held as a BigInt rational, so numbers beyond floating point compare
 * exactly (`10^{400}` ≠ `10^{500}`, `1e400` ≠ `5e999`).
 *
 * Equality follows Math-Verify 0.8.0 (`sympy_numeric_eq`, float_rounding=6): two exact numbers must be
 * equal; when either was written as a decimal (a float to Math-Verify), both are rounded to 6 decimal
 * places, half to even as sympy rounds, and compared. On top of that, the rounded-decimal rule: a decimal
 * with at least two places equals an exact value that it shows rounded or cut to those places
 * (0.33 and 0.333 are 1/3, 2.6667 is 8/3; 0.3 is not 1/3).
 */

export interface Rational {
  n: bigint;
  d: bigint; // > 0
}

export interface PlainNumber {
  /** Nearest double (±Infinity or 0 beyond the double range). */
  value: number;
  exact: Rational;
  /** Written with a decimal point or in e-notation: a float to Math-Verify. */
  decimal: boolean;
  /** Digits after the decimal point as written (0 for integers and fractions). */
  places: number;
  /** The exact value when it is an integer. */
  int?: bigint;
}

/** Exponents beyond this are not plain numbers (10^{10^{10}} must not allocate a 10-billion-digit integer). */
const MAX_EXPONENT = 20_000;
const ROUND_PLACES = 6;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}
export function rational(n: bigint, d: bigint): Rational {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}
const pow10 = (e: number): bigint => 10n ** BigInt(e);
export const rationalEqual = (a: Rational, b: Rational): boolean => a.n * b.d === b.n * a.d;

/** Round a rational to an integer, half to even (sympy's rounding). */
function roundHalfEven(r: Rational): bigint {
  const q = r.n / r.d; // truncates toward zero
  const rem = r.n - q * r.d; // same sign as n
  const twice = 2n * abs(rem);
  if (twice < r.d) return q;
  const away = r.n < 0n ? q - 1n : q + 1n;
  if (twice > r.d) return away;
  return q % 2n === 0n ? q : away;
}
function roundHalfUp(r: Rational): bigint {
  const q = r.n / r.d;
  const rem = r.n - q * r.d;
  if (2n * abs(rem) >= r.d) return r.n < 0n ? q - 1n : q + 1n;
  return q;
}
const scale = (r: Rational, places: number): Rational => rational(r.n * pow10(places), r.d);

/** The exact value rounded (half to even) to `places` decimals, as an integer count of 10^-places. */
export function roundedAt(r: Rational, places: number): bigint {
  return roundHalfEven(scale(r, places));
}

/**
 * Whether `dec` (a decimal with `places` ≥ 2 digits) is `exact` rounded (half up or half to even) or cut
 * to those places.
 */
export function isRoundedDecimalOf(dec: Rational, places: number, exact: Rational): boolean {
  if (places < 2) return false;
  const shown = scale(dec, places);
  if (shown.d !== 1n) return false;
  const x = scale(exact, places);
  return shown.n === roundHalfEven(x) || shown.n === roundHalfUp(x) || shown.n === x.n / x.d;
}

export function numbersEqual(a: PlainNumber, b: PlainNumber): boolean {
  if (!a.decimal && !b.decimal) return rationalEqual(a.exact, b.exact);
  if (roundedAt(a.exact, ROUND_PLACES) === roundedAt(b.exact, ROUND_PLACES)) return true;
  if (a.decimal && !b.decimal) return isRoundedDecimalOf(a.exact, a.places, b.exact);
  if (b.decimal && !a.decimal) return isRoundedDecimalOf(b.exact, b.places, a.exact);
  return false;
}

/**
 * A decimal against a value known only as a double (an exact expression such as `\sqrt{2}` or `\pi`):
 * both rounded to 6 places (Math-Verify), or the decimal is the value rounded or cut to its places.
 */
export function decimalMatchesValue(dec: PlainNumber, v: number): boolean {
  if (!Number.isFinite(v) || !Number.isFinite(dec.value)) return false;
  const r6 = (x: number): number => Math.round(x * 1e6);
  if (Math.abs(v) < 1e9 && r6(v) === r6(dec.value)) return true;
  if (dec.places < 2 || dec.places > 12) return false;
  const f = 10 ** dec.places;
  const shown = Math.round(dec.value * f);
  const x = v * f;
  const eps = 1e-9 * Math.max(1, Math.abs(x));
  return Math.abs(shown - Math.round(x)) < 0.5 || Math.abs(shown - Math.trunc(x + Math.sign(x) * eps)) < 0.5;
}

const DEC = String.raw`(?:\d+(?:\.\d*)?|\.\d+)`;
const THOUSANDS = String.raw`[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?`;
const SPACE_THOUSANDS = String.raw`[1-9]\d{0,2}(?: \d{3})+(?:\.\d+)?`;
const NUM_RE = new RegExp(String.raw`^([+-]?)\s*(${THOUSANDS}|${SPACE_THOUSANDS}|${DEC})$`);
const SCI_E_RE = new RegExp(String.raw`^([+-]?)\s*(${DEC})\s*[eE]\s*([+-]?\d+)$`);
const SCI_TIMES_RE = new RegExp(
  String.raw`^([+-]?)\s*(${DEC})\s*(?:\\times|\\cdot|\*|x)\s*10\s*\^\s*(?:\{\s*([+-]?\s*\d+)\s*\}|([+-]?\d))$`,
);
const POW10_RE = /^([+-]?)\s*10\s*\^\s*(?:\{\s*([+-]?\s*\d+)\s*\}|([+-]?\d))$/;
const FRAC_RE = /^([+-]?)\s*\\frac\{\s*([+-]?)\s*(\d+(?:\.\d+)?)\s*\}\{\s*([+-]?)\s*(\d+(?:\.\d+)?)\s*\}$/;
const SLASH_RE = /^([+-]?)\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/;
const MIXED_RE = /^([+-]?)\s*(\d+)\s*\\frac\{\s*(\d+)\s*\}\{\s*(\d+)\s*\}$/;
/** A mixed number written with a space and a slash, `1 1/2` (a space is needed: `11/2` is a fraction). */
const MIXED_SLASH_RE = /^([+-]?)\s*(\d+)\s+(\d+)\s*\/\s*(\d+)$/;

function negative(...signs: (string | undefined)[]): boolean {
  return signs.filter((x) => x === '-').length % 2 === 1;
}

/** A decimal literal ("1,234.50", ".5", "7") as an exact rational, with the places it shows. */
function decimalLiteral(body: string): { r: Rational; places: number; point: boolean } {
  const clean = body.replace(/[, ]/g, '');
  const [intPart, frac = ''] = clean.split('.');
  const digits = `${intPart || '0'}${frac}`;
  return { r: rational(BigInt(digits), pow10(frac.length)), places: frac.length, point: clean.includes('.') };
}

function make(neg: boolean, r: Rational, decimal: boolean, places: number, value: number): PlainNumber {
  const exact = neg ? { n: -r.n, d: r.d } : r;
  const out: PlainNumber = { value: neg ? -value : value, exact, decimal, places };
  if (exact.d === 1n) out.int = exact.n;
  return out;
}

function withExponent(lit: { r: Rational; places: number }, e: number): Rational | null {
  if (!Number.isFinite(e) || Math.abs(e) > MAX_EXPONENT) return null;
  return e >= 0 ? rational(lit.r.n * pow10(e), lit.r.d) : rational(lit.r.n, lit.r.d * pow10(-e));
}

/**
 * Parse an already-normalised answer that is a plain number. Returns null for anything else.
 * Mixed numbers `12\frac{3}{5}` are 12 + 3/5 (MATH writes them so, and latex2sympy2_extended 1.10.2 reads
 * an integer followed by a positive fraction the same way).
 */
export function parsePlainNumber(s: string): PlainNumber | null {
  const t = s.trim();
  if (t.length === 0 || t.length > 80) return null;
  let m = NUM_RE.exec(t);
  if (m) {
    const lit = decimalLiteral(m[2]);
    return make(negative(m[1]), lit.r, lit.point, lit.places, Number(m[2].replace(/[, ]/g, '')));
  }
  m = SCI_E_RE.exec(t) ?? SCI_TIMES_RE.exec(t);
  if (m) {
    const lit = decimalLiteral(m[2]);
    const e = Number((m[3] ?? m[4]).replace(/\s/g, ''));
    const r = withExponent(lit, e);
    if (!r) return null;
    const decimal = SCI_E_RE.test(t) || lit.point;
    return make(negative(m[1]), r, decimal, Math.max(0, lit.places - e), Number(`${m[2]}e${e}`));
  }
  m = POW10_RE.exec(t);
  if (m) {
    const e = Number((m[2] ?? m[3]).replace(/\s/g, ''));
    const r = withExponent({ r: { n: 1n, d: 1n }, places: 0 }, e);
    if (!r) return null;
    return make(negative(m[1]), r, false, 0, Math.pow(10, e));
  }
  m = FRAC_RE.exec(t);
  if (m) return ratio(negative(m[1], m[2], m[4]), m[3], m[5]);
  m = SLASH_RE.exec(t);
  if (m) return ratio(negative(m[1]), m[2], m[3]);
  m = MIXED_RE.exec(t) ?? MIXED_SLASH_RE.exec(t);
  if (m) {
    const den = BigInt(m[4]);
    if (den === 0n) return null;
    const r = rational(BigInt(m[2]) * den + BigInt(m[3]), den);
    return make(negative(m[1]), r, false, 0, Number(m[2]) + Number(m[3]) / Number(m[4]));
  }
  return null;
}

function ratio(neg: boolean, num: string, den: string): PlainNumber | null {
  const a = decimalLiteral(num);
  const b = decimalLiteral(den);
  if (b.r.n === 0n) return null;
  const r = rational(a.r.n * b.r.d, a.r.d * b.r.n);
  return make(neg, r, a.point || b.point, 0, Number(num) / Number(den));
}

/** Canonical decimal string of a plain number ("1,234.50" → "1234.5"), or null. */
export function canonicalNumber(raw: string): string | null {
  const cleaned = raw
    .replace(/\\\$|\$|\\%|%/g, '')
    .trim()
    .replace(/^([+-])\s+/, '$1');
  const n = parsePlainNumber(cleaned);
  if (!n) return null;
  if (n.int !== undefined) return n.int.toString();
  // a terminating decimal is written out exactly; anything else by its double
  let d = n.exact.d;
  let places = 0;
  while (d % 10n === 0n) {
    d /= 10n;
    places++;
  }
  if (d === 1n && places <= 40) {
    const neg = n.exact.n < 0n;
    const digits = abs(n.exact.n)
      .toString()
      .padStart(places + 1, '0');
    const out = `${digits.slice(0, -places)}.${digits.slice(-places)}`.replace(/0+$/, '').replace(/\.$/, '');
    return neg ? `-${out}` : out;
  }
  return String(n.value);
}
