/**
 * LaTeX answer normalisation (policies in the README). Pure string rewriting, linear-ish in the
 * input length; no CAS.
 */
import { matchBrace, stripMathDelimiters } from './latex';

/** Unit words removed after a quantity (Math-Verify / Qwen `unit_texts`, trimmed to real units). */
const UNIT_WORDS = new Set(
  (
    'unit units sq square cubic cu mm cm dm m km in inch inches ft foot feet yd yard yards mi mile miles ' +
    'meter meters metre metres kilometer kilometers kilometre centimeter centimeters millimeter millimeters ' +
    'g gm gram grams kg kilogram kilograms mg lb lbs pound pounds oz ounce ounces ton tons ' +
    'l liter liters litre litres ml gal gallon gallons cc acre acres hectare hectares ' +
    's sec secs second seconds min mins minute minutes h hr hrs hour hours day days week weeks month months year years yr yrs ' +
    'mph kmh kmph km/h m/s ' +
    'degree degrees deg ° ohm ohms volt volts watt watts joule joules j n newton newtons pa k kelvin ' +
    'dollar dollars cent cents usd euro euros rs rupee rupees ' +
    'points point'
  ).split(/\s+/),
);

/** True when a short text is a unit expression ("cm", "meters/second", "sq units", "cm^2"). */
export function isUnitText(text: string): boolean {
  const t = text
    .toLowerCase()
    .replace(/\^\s*\{?\s*[23]\s*\}?/g, '')
    .replace(/[²³.]/g, '')
    .trim();
  if (!t) return false;
  const words = t.split(/\s*(?:\/|\bper\b|\s)\s*/).filter(Boolean);
  return words.length > 0 && words.length <= 4 && words.every((w) => UNIT_WORDS.has(w));
}

const TEXT_CMDS =
  /\\(?:text|textbf|textit|textrm|textup|textnormal|mathrm|mathbf|mathit|mathsf|mathtt|mbox|operatorname|boldsymbol|bm|mathnormal)\s*\{/g;

/**
 * `s` without the trailing characters for which `strip` holds. A loop, because `/[…]+$/` is quadratic on a
 * long run of such characters that does not reach the end (hostile text).
 */
export function trimEndWhere(s: string, strip: (c: string, i: number) => boolean): string {
  let e = s.length;
  while (e > 0 && strip(s[e - 1], e - 1)) e--;
  return s.slice(0, e);
}

/** Nesting beyond this is refused (a hostile answer of 6,000 nested `\text{` must not exhaust the stack). */
export const MAX_NESTING = 200;

/**
 * Unwrap `\text{…}`-like commands; drop the ones that only hold a unit after a quantity, and a trailing
 * one after a quantity whatever it says (`17\text{ any text}` is 17: Math-Verify's unit rule drops a final
 * `\text{}`/`\mbox{}` when something comes before it).
 */
function unwrapText(s: string, depth = 0): string {
  if (depth > MAX_NESTING) throw new RangeError('answer nested too deeply');
  let out = '';
  let i = 0;
  const re = new RegExp(TEXT_CMDS.source, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const open = m.index + m[0].length - 1;
    const close = matchBrace(s, open);
    if (close < 0) break;
    const inner = s.slice(open + 1, close);
    out += s.slice(i, m.index);
    const prev = out.trimEnd();
    const afterQuantity = /[\d})\]]$/.test(prev) || /\\(?:pi|infty)$/.test(prev);
    const content = inner.replace(/~/g, ' ');
    const rest = s.slice(close + 1);
    const last = /^\s*(?:\^\s*(?:\{\s*[23]\s*\}|[23]))?\s*[.,;]?\s*$/.test(rest);
    if (
      afterQuantity &&
      (isUnitText(content) || (last && /[a-zA-Z]/.test(content) && !/^\s*(?:and|or)\s*$/i.test(content)))
    ) {
      out = prev + ' ';
      // a power on the unit (`\text{ cm}^2`) goes with it
      const pw = /^\s*\^\s*(?:\{\s*[23]\s*\}|[23])/.exec(rest);
      if (pw) {
        i = close + 1 + pw[0].length;
        re.lastIndex = i;
        continue;
      }
    } else {
      out += ` ${unwrapText(content, depth + 1)} `;
    }
    i = close + 1;
    re.lastIndex = close + 1;
  }
  out += s.slice(i);
  return out;
}

/** Rewrite one-token arguments of `\frac`, `\dfrac`, `\sqrt`, `\binom` with braces: `\frac12` → `\frac{1}{2}`. */
export function fixMalformedArgs(s: string, depth = 0): string {
  if (depth > MAX_NESTING) throw new RangeError('answer nested too deeply');
  const re = /\\(frac|sqrt|binom)(?![a-zA-Z])/g;
  let out = '';
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const nArgs = m[1] === 'sqrt' ? 1 : 2;
    let j = m.index + m[0].length;
    let rebuilt = `\\${m[1]}`;
    if (m[1] === 'sqrt') {
      while (s[j] === ' ') j++;
      if (s[j] === '[') {
        const close = matchBrace(s, j, '[', ']');
        if (close > 0) {
          rebuilt += s.slice(j, close + 1);
          j = close + 1;
        }
      }
    }
    let ok = true;
    for (let a = 0; a < nArgs; a++) {
      while (s[j] === ' ') j++;
      if (s[j] === '{') {
        const close = matchBrace(s, j);
        if (close < 0) {
          ok = false;
          break;
        }
        rebuilt += `{${fixMalformedArgs(s.slice(j + 1, close), depth + 1)}}`;
        j = close + 1;
      } else if (s[j] === '\\') {
        const cmd = /^\\[a-zA-Z]+/.exec(s.slice(j));
        if (!cmd) {
          ok = false;
          break;
        }
        rebuilt += `{${cmd[0]}}`;
        j += cmd[0].length;
      } else if (j < s.length && /[0-9a-zA-Z]/.test(s[j])) {
        rebuilt += `{${s[j]}}`;
        j++;
      } else {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    out += s.slice(last, m.index) + rebuilt;
    last = j;
    re.lastIndex = j;
  }
  return out + s.slice(last);
}

const UNICODE: [RegExp, string][] = [
  [/−|–|—/g, '-'],
  [/×/g, '\\times '],
  [/·|⋅/g, '\\cdot '],
  [/÷/g, '\\div '],
  [/≤|⩽/g, '\\leq '],
  [/≥|⩾/g, '\\geq '],
  [/≠/g, '\\neq '],
  [/π/g, '\\pi '],
  [/∞/g, '\\infty '],
  // a space, so the next token is its argument (`√x` is \sqrt{x}, not a command \sqrtx)
  [/√/g, '\\sqrt '],
  [/∪/g, '\\cup '],
  [/∩/g, '\\cap '],
  [/²/g, '^2'],
  [/³/g, '^3'],
  [/\u00a0|\u2009|\u202f|\u3000/g, ' '],
  [/≈/g, '\\approx '],
  // full-width forms used in Chinese and Japanese text
  [/，/g, ','],
  [/：/g, ':'],
  [/；/g, ';'],
  [/（/g, '('],
  [/）/g, ')'],
  [/。/g, '.'],
  [/＝/g, '='],
  [/＋/g, '+'],
  [/－/g, '-'],
];

const FULL_WIDTH_DIGITS = /[０-９]/g;

const TRIG = /\\(?:sin|cos|tan|cot|sec|csc)(?![a-zA-Z])\s*(?:\^\s*(?:\{[^{}]*\}|-?\d)\s*)?/g;
const DEGREES = /(\d+(?:\.\d+)?)\s*(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°|\\degree(?![a-zA-Z]))/g;

/**
 * Degrees inside the argument of a trigonometric function as radians (`\sin 30^\circ` is sin(30π/180)):
 * the argument is the bracketed group after the function, or its next token.
 */
function trigDegrees(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(TRIG)) {
    const at = m.index + m[0].length;
    if (at < last) continue;
    let end: number;
    if (s[at] === '(' || s[at] === '{' || s[at] === '[') {
      // an argument is short: a bounded search keeps thousands of unclosed `\sin(` linear
      const close = matchBrace(s.slice(at, at + 200), 0, s[at], s[at] === '(' ? ')' : s[at] === '{' ? '}' : ']');
      if (close < 0) continue;
      end = at + close + 1;
    } else {
      const t = /^[\d.]+\s*(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°|\\degree(?![a-zA-Z]))?/.exec(s.slice(at, at + 40));
      if (!t) continue;
      end = at + t[0].length;
    }
    out += s.slice(last, at) + s.slice(at, end).replace(DEGREES, '(\\frac{$1\\pi}{180})');
    last = end;
  }
  return out + s.slice(last);
}

/** Recently normalised answers: a gold answer is normalised once per sample of its problem. Small, so a
 * benchmark that repeats a few hundred responses gains nothing from it (FIFO, 64 entries). */
const cache = new Map<string, string>();
const CACHE_SIZE = 64;

/** Canonical LaTeX of an answer, spaces collapsed. Idempotent. */
export function normalizeMath(raw: string): string {
  if (raw.length > 2000) return normalizeMathUncached(raw);
  const hit = cache.get(raw);
  if (hit !== undefined) return hit;
  const out = normalizeMathUncached(raw);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(raw, out);
  return out;
}

function normalizeMathUncached(raw: string): string {
  let s = stripMathDelimiters(raw);
  for (const [re, rep] of UNICODE) s = s.replace(re, rep);
  s = s.replace(FULL_WIDTH_DIGITS, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  // `\\frac` written with a doubled backslash (an escaped string pasted as LaTeX), outside matrices
  if (!/matrix|array|cases|align/.test(s)) s = s.replace(/\\\\(?=[a-zA-Z])/g, '\\');
  // a matrix whose every backslash is doubled (`\\begin{pmatrix}1\\\\2\\end{pmatrix}`): halved throughout,
  // so its row breaks are `\\` again
  else if (/\\\\begin\s*\{/.test(s) && /\\\\end\s*\{/.test(s)) s = s.replace(/\\\\/g, '\\');
  // `\!` is a negative thin space: removed with the spaces after it (Math-Verify), so 32,\! 349 is 32349
  s = s.replace(/\\!\s*/g, '');
  // thousands separators written with LaTeX spacing or braces: 1\,000 / 1{,}000 / 14 {, }916
  s = s.replace(/(\d)\s*\{\s*,\s*\}\s*(?=\d)/g, '$1,');
  s = s.replace(/(\d)(?<!\\)\\[,;: ](?=\d{3}(?!\d))/g, '$1');
  s = s.replace(/\\(?:d|t|c)frac(?![a-zA-Z])/g, '\\frac');
  s = s.replace(/\\(?:left|right)\s*\./g, '');
  s = s.replace(/\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![a-zA-Z])/g, '');
  s = s.replace(/\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits|mathstrut)(?![a-zA-Z])/g, ' ');
  s = s.replace(/\\(?:q?quad)(?![a-zA-Z])/g, ' ');
  s = s.replace(/,?\s*\\(?:ldots|dots|cdots)(?![a-zA-Z])/g, ' ');
  s = s.replace(/(?<!\\)\\[,;: ]/g, ' ');
  s = s.replace(/~=/g, '\\approx ');
  s = s.replace(/~/g, ' ');
  // degrees inside a trigonometric argument are angles: `\sin(90^\circ - x)` is sin(π/2 − x)
  if (/\\(?:sin|cos|tan|cot|sec|csc)(?![a-zA-Z])/.test(s) && /\\circ|°|\\degree/.test(s)) s = trigDegrees(s);
  // degrees elsewhere (Math-Verify removes them; we never map 90° to π/2)
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree(?![a-zA-Z])/g, '');
  // percent: one canonical spelling, compared by the percent rule (equivalence.ts)
  if (/percent|pct/.test(s)) {
    s = s.replace(/\\text\s*\{\s*(?:percentage|percent|pct)\s*\}/g, '\\%');
    s = s.replace(/\s*\b(?:percentage|percent|pct)\b/g, '\\%');
  }
  s = s.replace(/\s*(?:\\%|%)/g, '\\%');
  s = unwrapText(s);
  s = s.replace(/\\(?:\$|dollar)(?![a-zA-Z])|\$/g, ' ');
  s = s.replace(/\\(?:lt)(?![a-zA-Z])/g, '<').replace(/\\(?:gt)(?![a-zA-Z])/g, '>');
  s = s.replace(/\\le(?![a-zA-Z])/g, '\\leq').replace(/\\ge(?![a-zA-Z])/g, '\\geq');
  s = s
    .replace(/\\ne(?![a-zA-Z])/g, '\\neq')
    .replace(/<=/g, '\\leq')
    .replace(/>=/g, '\\geq')
    .replace(/!=/g, '\\neq');
  s = s.replace(/\\leqslant(?![a-zA-Z])/g, '\\leq').replace(/\\geqslant(?![a-zA-Z])/g, '\\geq');
  s = s.replace(/\\(?:infinity|infin)(?![a-zA-Z])/g, '\\infty');
  s = s.replace(/\\emptyset|\\varnothing|\\\{\s*\\\}/g, '\\emptyset');
  // "and" / "or" between answers are list separators (Math-Verify's and_or rule: "(11,7)or(7,11)")
  s = s.replace(/(?<![a-zA-Z\\])(?:,?\s*(?:and|or))(?![a-zA-Z])/g, ',');
  s = fixMalformedArgs(s);
  // words that are units after a number: "5 cm", "10 percent" (single letters are variables: `3 n`)
  s = s.replace(/\s+/g, ' ').trim();
  // a unit glued to the number (`10weeks`) or squared (`10 cm^2`, `3cm^{2}`) goes too
  for (let k = 0; k < 3; k++) {
    const m =
      /^(-?[\d.,]*\d(?:\s*(?:\\times|\\cdot)\s*10\^\{?-?\d+\}?)?)\s*([a-zA-Z][a-zA-Z/.\s^²³]*(?:\^\s*\{?\s*[23]\s*\}?)?)$/.exec(
        s,
      );
    // spaced: any unit of two characters or more (`5 m/s`); glued: two letters at least (`2m` is twice m)
    const glued = m !== null && !/\s/.test(s[m[1].length] ?? '');
    if (m && m[2].replace(/\^.*$/, '').trim().length > 1 && (!glued || /[a-zA-Z]{2}/.test(m[2])) && isUnitText(m[2]))
      s = m[1];
    else break;
  }
  // single-character groups in sub/superscripts: ^{2} → ^2, _{8} → _8
  s = s.replace(/([\^_])\s*\{\s*([0-9a-zA-Z])\s*\}/g, '$1$2');
  // trailing punctuation, a stray trailing backslash, and "x \in" prefixes
  // (a final `\\` line break too: nothing follows it)
  s = trimEndWhere(s, (c) => /[\s.,;:]/.test(c) || c === '\\');
  s = s.replace(/^[a-zA-Z]\s*\\in\s+/, '');
  s = s.replace(/\s+/g, ' ').trim();
  return s;
}

/** The spaceless key used for the string-equality fast path. */
export function compactKey(s: string): string {
  return s
    .replace(/\s+/g, '')
    .replace(/\\cdot|\\times/g, '*')
    .replace(/\{\}/g, '');
}

/** Normalised free text: lower case, no LaTeX text wrappers, articles, punctuation or extra spaces. */
export function normalizeText(raw: string): string {
  let s = stripMathDelimiters(raw);
  s = unwrapText(s);
  s = s.replace(/\\[a-zA-Z]+/g, ' ').replace(/[{}$]/g, ' ');
  s = s.toLowerCase();
  s = s.replace(/[“”"'`*_]/g, '');
  s = s.replace(/\b(?:the|a|an)\b/g, ' ');
  s = trimEndWhere(s, (c) => /[\s.,;:!?]/.test(c)).replace(/^[\s.,;:!?]+/g, '');
  return s.replace(/\s+/g, ' ').trim();
}
