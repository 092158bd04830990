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
    'percent pct percentage points point'
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

const TEXT_CMDS = /\\(?:text|textbf|textit|textrm|textup|textnormal|mathrm|mathbf|mathit|mathsf|mathtt|mbox|operatorname|boldsymbol|bm|mathnormal)\s*\{/g;

/** Unwrap `\text{…}`-like commands; drop the ones that only hold a unit (when after a quantity). */
function unwrapText(s: string): string {
  let out = '';
  let i = 0;
  TEXT_CMDS.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TEXT_CMDS.exec(s)) !== null) {
    const open = m.index + m[0].length - 1;
    const close = matchBrace(s, open);
    if (close < 0) break;
    const inner = s.slice(open + 1, close);
    out += s.slice(i, m.index);
    const prev = out.replace(/\s+$/, '');
    const afterQuantity = /[\d})\]]$/.test(prev) || /\\(?:pi|infty)$/.test(prev);
    const content = inner.replace(/~/g, ' ');
    if (afterQuantity && isUnitText(content)) {
      out = prev + ' ';
      // a power on the unit (`\text{ cm}^2`) goes with it
      const pw = /^\s*\^\s*(?:\{\s*[23]\s*\}|[23])/.exec(s.slice(close + 1));
      if (pw) {
        i = close + 1 + pw[0].length;
        TEXT_CMDS.lastIndex = i;
        continue;
      }
    } else {
      out += ` ${unwrapText(content)} `;
    }
    i = close + 1;
    TEXT_CMDS.lastIndex = close + 1;
  }
  out += s.slice(i);
  return out;
}

/** Rewrite one-token arguments of `\frac`, `\dfrac`, `\sqrt`, `\binom` with braces: `\frac12` → `\frac{1}{2}`. */
export function fixMalformedArgs(s: string): string {
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
        rebuilt += `{${fixMalformedArgs(s.slice(j + 1, close))}}`;
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
  [/√/g, '\\sqrt'],
  [/∪/g, '\\cup '],
  [/∩/g, '\\cap '],
  [/²/g, '^2'],
  [/³/g, '^3'],
  [/\u00a0|\u2009|\u202f/g, ' '],
];

/** Canonical LaTeX of an answer, spaces collapsed. Idempotent. */
export function normalizeMath(raw: string): string {
  let s = stripMathDelimiters(raw);
  for (const [re, rep] of UNICODE) s = s.replace(re, rep);
  // thousands separators written with LaTeX spacing or braces: 1\,000 / 1{,}000 / 1\!000
  s = s.replace(/(\d)\{,\}(?=\d{3})/g, '$1');
  s = s.replace(/(\d)(?<!\\)\\[,!;: ](?=\d{3}(?!\d))/g, '$1');
  s = s.replace(/\\(?:d|t|c)frac(?![a-zA-Z])/g, '\\frac');
  s = s.replace(/\\(?:left|right)\s*\./g, '');
  s = s.replace(/\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![a-zA-Z])/g, '');
  s = s.replace(/\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits|mathstrut)(?![a-zA-Z])/g, ' ');
  s = s.replace(/\\(?:q?quad)(?![a-zA-Z])/g, ' ');
  s = s.replace(/(?<!\\)\\[,;:! ]/g, ' ');
  s = s.replace(/~/g, ' ');
  // degrees (Math-Verify removes them; we never map 90° to π/2)
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree(?![a-zA-Z])/g, '');
  // percent (stripped: 10% ≡ 10, Math-Verify)
  s = s.replace(/\\%|%/g, ' ');
  s = unwrapText(s);
  s = s.replace(/\\(?:\$|dollar)(?![a-zA-Z])|\$/g, ' ');
  s = s.replace(/\\(?:lt)(?![a-zA-Z])/g, '<').replace(/\\(?:gt)(?![a-zA-Z])/g, '>');
  s = s.replace(/\\le(?![a-zA-Z])/g, '\\leq').replace(/\\ge(?![a-zA-Z])/g, '\\geq');
  s = s.replace(/\\ne(?![a-zA-Z])/g, '\\neq').replace(/<=/g, '\\leq').replace(/>=/g, '\\geq').replace(/!=/g, '\\neq');
  s = s.replace(/\\leqslant(?![a-zA-Z])/g, '\\leq').replace(/\\geqslant(?![a-zA-Z])/g, '\\geq');
  s = s.replace(/\\(?:infinity|infin)(?![a-zA-Z])/g, '\\infty');
  s = s.replace(/\\emptyset|\\varnothing|\\\{\s*\\\}/g, '\\emptyset');
  s = fixMalformedArgs(s);
  // words that are units or "percent" at the end after a number: "5 cm", "10 percent"
  s = s.replace(/\s+/g, ' ').trim();
  for (let k = 0; k < 3; k++) {
    const m = /^(-?[\d.,]*\d(?:\s*(?:\\times|\\cdot)\s*10\^\{?-?\d+\}?)?)\s+([a-zA-Z][a-zA-Z/.\s^²³]*)$/.exec(s);
    // single letters are variables (`3 n`), not units
    if (m && m[2].trim().length > 1 && isUnitText(m[2])) s = m[1];
    else break;
  }
  // single-character groups in sub/superscripts: ^{2} → ^2, _{8} → _8
  s = s.replace(/([\^_])\s*\{\s*([0-9a-zA-Z])\s*\}/g, '$1$2');
  // trailing punctuation and "x \in" prefixes
  s = s.replace(/[\s.,;:]+$/g, '');
  s = s.replace(/^[a-zA-Z]\s*\\in\s+/, '');
  s = s.replace(/\s+/g, ' ').trim();
  return s;
}

/** The spaceless key used for the string-equality fast path. */
export function compactKey(s: string): string {
  return s.replace(/\s+/g, '').replace(/\\cdot|\\times/g, '*').replace(/\{\}/g, '');
}

/** Normalised free text: lower case, no LaTeX text wrappers, articles, punctuation or extra spaces. */
export function normalizeText(raw: string): string {
  let s = stripMathDelimiters(raw);
  s = unwrapText(s);
  s = s.replace(/\\[a-zA-Z]+/g, ' ').replace(/[{}$]/g, ' ');
  s = s.toLowerCase();
  s = s.replace(/[“”"'`*_]/g, '');
  s = s.replace(/\b(?:the|a|an)\b/g, ' ');
  s = s.replace(/[\s.,;:!?]+$/g, '').replace(/^[\s.,;:!?]+/g, '');
  return s.replace(/\s+/g, ' ').trim();
}
