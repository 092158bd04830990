/**
 * Finding the pieces of a response an answer can be read from: math segments (`$…$`, `$$…$$`, `\(…\)`,
 * `\[…\]`, a bare `\frac{1}{2}`) and numbers or arithmetic written in plain text. These follow
 * Math-Verify 0.8.0's extraction patterns (`make_latex_env_pattern`, `lazy_expr_regex` in
 * math_verify/parser.py), rewritten as single left-to-right passes: each closing delimiter is found from
 * a cached "next occurrence", so hostile text (a megabyte of unclosed `\(`) still costs O(n).
 */

export interface Segment {
  start: number;
  end: number; // exclusive, after any percent suffix
  content: string;
  /** Written with a percent sign (or "percent") right after the closing delimiter. */
  percent: boolean;
}

/**
 * Next index ≥ from where `test` holds. The last answer is cached with the position its search began,
 * so calls with non-decreasing `from` (a left-to-right scan) cost O(n) in all; any other call is still
 * answered correctly, by a fresh search.
 */
class NextWhere {
  private searchedFrom = Infinity;
  private pos = -1;
  constructor(
    private readonly s: string,
    private readonly test: (s: string, i: number) => boolean,
  ) {}
  from(from: number): number {
    if (from >= this.searchedFrom && (this.pos === -1 || this.pos >= from)) return this.pos;
    this.searchedFrom = from;
    for (let i = from; i < this.s.length; i++) {
      if (this.test(this.s, i)) return (this.pos = i);
    }
    return (this.pos = -1);
  }
}

const nextOf = (s: string, needle: string): NextWhere => new NextWhere(s, (t, i) => t.startsWith(needle, i));

const PERCENT_AFTER = /^\s*(?:\\?%|[Pp]ercentage|[Pp]ercent|[Pp]ct)(?![a-zA-Z])/;
const BARE_FRAC = /^-?\\frac\{-?\d+(?:[.,]\d+)?\}\{-?\d+(?:[.,]\d+)?\}/;

/**
 * Reads math segments of one text (Math-Verify's LaTeX environments): `at(i)` is the segment opening at
 * i, if one does; closing delimiters come from cached next-occurrence searches.
 */
export class SegmentScanner {
  private readonly displayDollar: NextWhere;
  private readonly bracketClose: NextWhere;
  private readonly parenClose: NextWhere;
  private readonly newline: NextWhere;
  private readonly dollar: NextWhere;
  private readonly squareClose: NextWhere;
  private readonly squareOpen: NextWhere;

  constructor(private readonly s: string) {
    this.displayDollar = new NextWhere(s, (t, i) => t[i] === '$' && t[i + 1] === '$' && t[i - 1] !== '\\');
    this.bracketClose = nextOf(s, '\\]');
    this.parenClose = nextOf(s, '\\)');
    this.newline = nextOf(s, '\n');
    this.dollar = new NextWhere(s, (t, i) => t[i] === '$' && t[i - 1] !== '\\');
    this.squareClose = nextOf(s, ']');
    this.squareOpen = nextOf(s, '[');
  }

  private seg(start: number, contentStart: number, contentEnd: number, end: number): Segment {
    const pm = PERCENT_AFTER.exec(this.s.slice(end, end + 16));
    return {
      start,
      end: end + (pm ? pm[0].length : 0),
      content: this.s.slice(contentStart, contentEnd),
      percent: Boolean(pm),
    };
  }

  /** The segment opening at i, or null. */
  at(i: number): Segment | null {
    const s = this.s;
    const c = s[i];
    if (c === '$' && s[i - 1] !== '\\') {
      if (s[i + 1] === '$') {
        const close = this.displayDollar.from(i + 3);
        if (close > i + 2) return this.seg(i, i + 2, close, close + 2);
      }
      // inline: one line, no unescaped `$` inside, not right after a digit (`5$`)
      if (!/\d/.test(s[i - 1] ?? '')) {
        const close = this.dollar.from(i + 1);
        const nl = this.newline.from(i + 1);
        if (close > i + 1 && (nl < 0 || close < nl)) return this.seg(i, i + 1, close, close + 1);
      }
    } else if (c === '\\' && s[i + 1] === '[') {
      const close = this.bracketClose.from(i + 2);
      if (close > i + 2) return this.seg(i, i + 2, close, close + 2);
    } else if (c === '\\' && s[i + 1] === '(') {
      const close = this.parenClose.from(i + 2);
      const nl = this.newline.from(i + 2);
      if (close > i + 2 && (nl < 0 || close < nl)) return this.seg(i, i + 2, close, close + 2);
    } else if (c === '[' && i > 0 && /\s/.test(s[i - 1])) {
      // ` [ … ] ` on one line (Math-Verify's latexInlineBracket)
      const close = this.squareClose.from(i + 1);
      const nl = this.newline.from(i + 1);
      const open = this.squareOpen.from(i + 1);
      if (close > i + 1 && (nl < 0 || close < nl) && (open < 0 || open > close) && /\s/.test(s[close + 1] ?? '')) {
        return this.seg(i, i + 1, close, close + 1);
      }
    }
    if (c === '\\' || c === '-') {
      const m = BARE_FRAC.exec(s.slice(i, i + 80));
      if (m) return this.seg(i, i, i + m[0].length, i + m[0].length);
    }
    return null;
  }

  /** The first segment opening within [from, from + window] (Math-Verify's lazy `.{0,50}?` before an environment). */
  within(from: number, window: number): Segment | null {
    const last = Math.min(this.s.length - 1, from + window);
    for (let i = from; i <= last; i++) {
      const c = this.s[i];
      if (c !== '$' && c !== '\\' && c !== '[' && c !== '-') continue;
      const seg = this.at(i);
      if (seg) return seg;
    }
    return null;
  }
}

/** Math segments of a text, left to right, non-overlapping (Math-Verify's LaTeX environments). */
export function mathSegments(s: string): Segment[] {
  const out: Segment[] = [];
  const scan = new SegmentScanner(s);
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const seg = c === '$' || c === '\\' || c === '[' || c === '-' ? scan.at(i) : null;
    if (seg) {
      out.push(seg);
      i = seg.end;
    } else i++;
  }
  return out;
}

export interface NumberToken {
  start: number;
  end: number;
  /** The number as written (currency, percent and units excluded). */
  raw: string;
  /** Plain decimal form: thousands separators removed, decimal comma made a point. */
  value: string;
  /** An arithmetic expression ("2/3", "35 + 70") rather than one number. */
  expr: boolean;
  percent: boolean;
}

const CURRENCY = '$€£¥₹₽₪₩₫฿';
/** A number may follow the start, a space, `=`, `**`, a currency sign or a CJK character (Chinese has no spaces). */
function prefixOk(s: string, i: number): boolean {
  let j = i - 1;
  if (j >= 0 && CURRENCY.includes(s[j])) j--;
  if (j >= 0 && s[j] === '\\' && s[j + 1] === '$') j--;
  if (j >= 1 && s[j] === '*' && s[j - 1] === '*') j -= 2;
  if (j < 0) return true;
  const c = s[j];
  return /\s/.test(c) || c === '=' || isCjk(c);
}

/**
 * Whether a `+` at i opens a signed number rather than continuing a formula: it follows the start, `:`,
 * `=`, `**`, or a word of two letters or more ("is +7"), never a digit or a lone variable ("x^2 +7").
 */
function signedAfter(s: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (s[j] === ' ' || s[j] === '\t')) j--;
  if (j < 0 || s[j] === ':' || s[j] === '=' || s[j] === '\n' || (s[j] === '*' && s[j - 1] === '*')) return true;
  return /[a-zA-Z]{2}$/.test(s.slice(Math.max(0, j - 1), j + 1));
}

export function isCjk(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code >= 0x3000 && code <= 0x9fff) || (code >= 0xff00 && code <= 0xffef) || (code >= 0xac00 && code <= 0xd7af);
}

// Math-Verify's number formats, in its order: thousands groups, decimal point or comma, leading point, integer.
const NUMBER_AT = /^(?:(-?[1-9]\d{0,2}(?:[ ,]\d{3})+)(\.\d+)?|(-?\d+)([.,]\d+)|(\.\d+)|(-?\d+))/;
const PERCENT_WORD = /^\s*(?:%|\\%|[Pp]ercentage|[Pp]ercent|[Pp]ct)(?![a-zA-Z])/;
const EXPR_OPS = '+-*×/^÷';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isExprChar = (c: string): boolean =>
  isDigit(c) || c === '.' || c === ' ' || c === '\t' || c === '\r' || c === '(' || c === ')' || EXPR_OPS.includes(c);
/** Longest arithmetic run read from one start (Math-Verify's expressions are short). */
const MAX_EXPR = 200;

/** Numbers and plain arithmetic in a text, left to right, each with Math-Verify's anchoring rules. Linear. */
export function numberTokens(s: string): NumberToken[] {
  const out: NumberToken[] = [];
  const n = s.length;
  // next operator and end of the arithmetic run after each index (one backward pass), so a start that
  // cannot begin an expression costs O(1) instead of a scan
  const nextOp = new Int32Array(n + 1).fill(n);
  const runEnd = new Int32Array(n + 1).fill(n);
  for (let k = n - 1; k >= 0; k--) {
    nextOp[k] = EXPR_OPS.includes(s[k]) ? k : nextOp[k + 1];
    runEnd[k] = isExprChar(s[k]) ? runEnd[k + 1] : k;
  }
  let i = 0;
  while (i < n) {
    const c = s[i];
    // an explicit plus sign ("the answer is +7") is read as the number after it
    if (c === '+' && isDigit(s[i + 1]) && prefixOk(s, i) && signedAfter(s, i)) {
      const m = NUMBER_AT.exec(s.slice(i + 1, i + 65));
      const next = s[i + 1 + (m ? m[0].length : 0)];
      if (m && !isDigit(next) && (next === undefined || !EXPR_OPS.includes(next))) {
        const raw = m[0];
        const pm = PERCENT_WORD.exec(s.slice(i + 1 + raw.length, i + 1 + raw.length + 16));
        const end = i + 1 + raw.length + (pm ? pm[0].length : 0);
        out.push({ start: i, end, raw, value: toPlain(raw), expr: false, percent: Boolean(pm) });
        i = end;
        continue;
      }
    }
    const startsNumber =
      isDigit(c) ||
      ((c === '-' || c === '.' || c === '(') &&
        (isDigit(s[i + 1]) || s[i + 1] === '.' || s[i + 1] === '(' || s[i + 1] === '-'));
    if (!startsNumber || !prefixOk(s, i)) {
      i++;
      continue;
    }
    const op = nextOp[i + 1] ?? n;
    const expr = op < runEnd[i] && op < i + MAX_EXPR ? exprAt(s, i) : null;
    if (expr) {
      out.push(expr);
      i = expr.end;
      continue;
    }
    const m = NUMBER_AT.exec(s.slice(i, i + 64));
    if (!m) {
      i++;
      continue;
    }
    let raw = m[0];
    // a trailing group that reads as thousands but is followed by more digits is not one ("1,2345")
    if (isDigit(s[i + raw.length]) && m[1]) raw = raw.replace(/[ ,]\d{3}$/, '');
    const value = toPlain(raw);
    const pm = PERCENT_WORD.exec(s.slice(i + raw.length, i + raw.length + 16));
    const end = i + raw.length + (pm ? pm[0].length : 0);
    out.push({ start: i, end, raw, value, expr: false, percent: Boolean(pm) });
    i = end;
  }
  return out;
}

/** Plain decimal form of a number as Math-Verify reads it: "1,000.5" → "1000.5", "2,74" → "2.74", "1 000" → "1000". */
export function toPlain(raw: string): string {
  if (/^-?[1-9]\d{0,2}(?:[ ,]\d{3})+(?:\.\d+)?$/.test(raw)) return raw.replace(/[ ,]/g, '');
  return raw.replace(',', '.');
}

/**
 * An arithmetic run starting at i ("2/3", "35 + 70", "(1/2)*(4/3)"): digits, spaces and operators with
 * at least one operator between digits, ending on a digit or `)`, followed by punctuation, space or the end.
 */
function exprAt(s: string, i: number): NumberToken | null {
  let j = i;
  let lastGood = -1;
  let sawOp = false;
  let sawDigitAfterOp = false;
  let depth = 0;
  const limit = Math.min(s.length, i + MAX_EXPR);
  while (j < limit && isExprChar(s[j])) {
    const c = s[j];
    if (c === '(') depth++;
    if (c === ')') {
      if (depth === 0) break;
      depth--;
    }
    if (EXPR_OPS.includes(c) && j > i && !(c === '-' && (s[j - 1] === ' ' || s[j - 1] === '(') && !isDigit(s[j - 2])))
      sawOp = true;
    if (isDigit(c) && sawOp) sawDigitAfterOp = true;
    if ((isDigit(c) || c === ')') && sawOp && sawDigitAfterOp && depth === 0) lastGood = j;
    j++;
  }
  if (lastGood < 0) return null;
  const raw = s.slice(i, lastGood + 1);
  // Math-Verify's suffix: punctuation, a space, `)`, `$` or the end
  const next = s[lastGood + 1];
  if (next !== undefined && !/[.,:\s)$*]/.test(next) && !isCjk(next)) return null;
  if (!/[+*×/^÷]|\d\s*-\s*\d/.test(raw)) return null;
  return { start: i, end: lastGood + 1, raw, value: raw, expr: true, percent: false };
}
