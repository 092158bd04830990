/** Plain-number fast path: integers, decimals, thousands separators, scientific notation, simple fractions. */

export interface PlainNumber {
  value: number;
  /** Exact value when the number is an integer (compared exactly, any size). */
  int?: bigint;
}

/** Relative tolerance used for every numeric comparison (Math-Verify rounds floats to 6 places). */
export const REL_TOL = 1e-6;
const ABS_TOL = 1e-12;

export function closeEnough(a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= REL_TOL * Math.max(Math.abs(a), Math.abs(b)) + ABS_TOL;
}

export function numbersEqual(a: PlainNumber, b: PlainNumber): boolean {
  if (a.int !== undefined && b.int !== undefined) return a.int === b.int;
  return closeEnough(a.value, b.value);
}

const DEC = String.raw`(?:\d+(?:\.\d*)?|\.\d+)`;
const THOUSANDS = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?`;
const SPACE_THOUSANDS = String.raw`\d{1,3}(?: \d{3})+(?:\.\d+)?`;
const NUM_RE = new RegExp(String.raw`^([+-]?)\s*(${THOUSANDS}|${SPACE_THOUSANDS}|${DEC})$`);
const SCI_E_RE = new RegExp(String.raw`^([+-]?)\s*(${DEC})\s*[eE]\s*([+-]?\d+)$`);
const SCI_TIMES_RE = new RegExp(
  String.raw`^([+-]?)\s*(${DEC})\s*(?:\\times|\\cdot|\*|x)\s*10\s*\^\s*(?:\{\s*([+-]?\s*\d+)\s*\}|([+-]?\d))$`,
);
const POW10_RE = /^([+-]?)\s*10\s*\^\s*(?:\{\s*([+-]?\s*\d+)\s*\}|([+-]?\d))$/;
const FRAC_RE = /^([+-]?)\s*\\frac\{\s*([+-]?)\s*(\d+(?:\.\d+)?)\s*\}\{\s*([+-]?)\s*(\d+(?:\.\d+)?)\s*\}$/;
const SLASH_RE = /^([+-]?)\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/;
const MIXED_RE = /^([+-]?)\s*(\d+)\s*\\frac\{\s*(\d+)\s*\}\{\s*(\d+)\s*\}$/;

function signOf(...signs: (string | undefined)[]): number {
  return signs.filter((x) => x === '-').length % 2 === 1 ? -1 : 1;
}

function decimal(sign: string, body: string): PlainNumber {
  const clean = body.replace(/[, ]/g, '');
  const value = signOf(sign) * Number(clean);
  if (/^\d+$/.test(clean) || /^\d+\.0*$/.test(clean)) {
    const intPart = clean.split('.')[0];
    const big = BigInt(intPart);
    return { value, int: sign === '-' ? -big : big };
  }
  return { value };
}

/**
 * Parse an already-normalised answer that is a plain number. Returns null for anything else.
 * Mixed numbers `12\frac{3}{5}` are 12 + 3/5 (MATH writes mixed numbers this way).
 */
export function parsePlainNumber(s: string): PlainNumber | null {
  const t = s.trim();
  if (t.length === 0 || t.length > 80) return null;
  let m = NUM_RE.exec(t);
  if (m) return decimal(m[1], m[2]);
  m = SCI_E_RE.exec(t);
  if (m) return { value: signOf(m[1]) * Number(`${m[2]}e${m[3]}`) };
  m = SCI_TIMES_RE.exec(t);
  if (m) return { value: signOf(m[1]) * Number(`${m[2]}e${(m[3] ?? m[4]).replace(/\s/g, '')}`) };
  m = POW10_RE.exec(t);
  if (m) return { value: signOf(m[1]) * Math.pow(10, Number((m[2] ?? m[3]).replace(/\s/g, ''))) };
  m = FRAC_RE.exec(t);
  if (m) return ratio(signOf(m[1], m[2], m[4]), Number(m[3]), Number(m[5]));
  m = SLASH_RE.exec(t);
  if (m) return ratio(signOf(m[1]), Number(m[2]), Number(m[3]));
  m = MIXED_RE.exec(t);
  if (m) {
    const den = Number(m[4]);
    if (den === 0) return null;
    return { value: signOf(m[1]) * (Number(m[2]) + Number(m[3]) / den) };
  }
  return null;
}

function ratio(sign: number, num: number, den: number): PlainNumber | null {
  if (den === 0) return null;
  const value = (sign * num) / den;
  if (Number.isInteger(num) && Number.isInteger(den) && num % den === 0) {
    return { value, int: BigInt(sign * (num / den)) };
  }
  return { value };
}

/** Every number-looking token in free text, in order (for the number answer type). */
export function findNumbers(text: string): { raw: string; index: number }[] {
  const re = /(?<![\w.])-?\$?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w])|(?<![\w.])-?\.\d+(?![\w])/g;
  const out: { raw: string; index: number }[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push({ raw: m[0], index: m.index });
  return out;
}

/** Canonical decimal string of a plain number ("1,234.50" → "1234.5"), or null. */
export function canonicalNumber(raw: string): string | null {
  const cleaned = raw.replace(/\\\$|\$|\\%|%|,(?=\d{3})/g, '').replace(/\s+/g, '').trim();
  const n = parsePlainNumber(cleaned);
  if (!n) return null;
  if (n.int !== undefined) return n.int.toString();
  return String(n.value);
}
