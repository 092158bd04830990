import { findBoxes } from '../grader/latex';

/**
 * Failure signals: a repetition loop at the tail, language mixing, text after the final box.
 * (Truncation, several boxed answers and a missing box are one-liners in compute.ts.)
 */

/** A loop must cover at least this many characters and three periods. */
export const MIN_LOOP_CHARS = 80;
const LONGEST_PERIOD = 400;
const TAIL_CHARS = 12_000;

/**
 * Length of the periodic tail of a text (whitespace collapsed), or 0: the shortest period L ≤ 400 such
 * that the last characters repeat with period L for at least three periods and 80 characters. A
 * generation cut off inside its loop still counts (the tail need not end on a period boundary).
 * Linear per period tried, and most periods fail at the first character.
 */
// One buffer for every call (signals are computed on one thread, never re-entrantly).
const tailCodes = new Uint16Array(TAIL_CHARS);

export function repetitionTail(text: string): number {
  // The tail with each run of whitespace collapsed to one space, last character first.
  const codes = tailCodes;
  let n = 0;
  let space = true; // also drops trailing whitespace
  for (let i = text.length - 1; i >= 0 && n < codes.length; i--) {
    const c = text.charCodeAt(i);
    const isSpace = c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
    if (isSpace) {
      if (!space) codes[n++] = 0x20;
      space = true;
    } else {
      codes[n++] = c;
      space = false;
    }
  }
  const maxPeriod = Math.min(LONGEST_PERIOD, Math.floor(n / 3));
  for (let period = 1; period <= maxPeriod; period++) {
    let same = 0;
    while (same + period < n && codes[same] === codes[same + period]) same++;
    // `same` characters equal the one a period before: the tail is same + period characters of period L
    if (same >= 2 * period && same + period >= MIN_LOOP_CHARS) return same + period;
  }
  return 0;
}

export type Script = 'latin' | 'cjk' | 'hangul' | 'cyrillic' | 'arabic' | 'hebrew' | 'devanagari' | 'thai';

// Greek is left out on purpose: α, β, π are mathematics in any language.
const SCRIPTS: readonly [Script, RegExp][] = [
  ['cjk', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu],
  ['hangul', /\p{Script=Hangul}/gu],
  ['cyrillic', /\p{Script=Cyrillic}/gu],
  ['arabic', /\p{Script=Arabic}/gu],
  ['hebrew', /\p{Script=Hebrew}/gu],
  ['devanagari', /\p{Script=Devanagari}/gu],
  ['thai', /\p{Script=Thai}/gu],
];
const NON_LATIN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Cyrillic}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Devanagari}\p{Script=Thai}]/gu;

// Mathematics and LaTeX commands are Latin letters in every language: left out before counting words.
const MATH =
  /\$\$[\s\S]*?\$\$|\$[^$\n]*\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]|\\begin\{(\w+\*?)\}[\s\S]*?\\end\{\1\}|\\[a-zA-Z]+/g;
const LATIN_WORD = /\b[a-zA-Z]{2,}\b/g;
const MATH_WORDS = new Set([
  'sin',
  'cos',
  'tan',
  'cot',
  'sec',
  'csc',
  'log',
  'ln',
  'lg',
  'exp',
  'max',
  'min',
  'gcd',
  'lcm',
  'mod',
  'det',
  'lim',
  'arg',
  'deg',
  'cm',
  'mm',
  'km',
  'kg',
  'ml',
  'ab',
  'bc',
  'ac',
  'cd',
  'de',
  'ef',
]);

function countMatches(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text) !== null) n++;
  return n;
}

/** The script most of a problem's letters are written in (mathematics aside); Latin when it has none. */
export function problemScript(question: string): Script {
  let best: Script = 'latin';
  let bestCount = 0;
  for (const [script, re] of SCRIPTS) {
    const n = countMatches(re, question);
    if (n > bestCount) {
      best = script;
      bestCount = n;
    }
  }
  if (best === 'latin') return best;
  const latin = latinWordLetters(question);
  return latin > bestCount * 2 ? 'latin' : best;
}

function latinWordLetters(text: string): number {
  const prose = text.replace(MATH, ' ');
  let letters = 0;
  LATIN_WORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LATIN_WORD.exec(prose)) !== null) if (!MATH_WORDS.has(m[0].toLowerCase())) letters += m[0].length;
  return letters;
}

/** Mixing is present from this many letters of another non-Latin script… */
export const MIXED_NON_LATIN = 3;
/** …or this many Latin letters in words (outside mathematics) in a trace whose problem is not Latin. */
export const MIXED_LATIN = 12;

/**
 * Letters of a script other than the problem's in a trace. For a Latin-script problem: every letter of a
 * non-Latin script (Greek aside). For a problem in another script: Latin letters in words of two or more
 * letters outside mathematics (variables, LaTeX commands and function names do not count), plus letters
 * of any third script.
 */
export function foreignLetters(trace: string, script: Script): { letters: number; present: boolean } {
  if (script === 'latin') {
    const n = countMatches(NON_LATIN, trace);
    return { letters: n, present: n >= MIXED_NON_LATIN };
  }
  let other = 0;
  for (const [s, re] of SCRIPTS) if (s !== script) other += countMatches(re, trace);
  const latin = latinWordLetters(trace);
  return { letters: other + latin, present: other >= MIXED_NON_LATIN || latin >= MIXED_LATIN };
}

// What may close a final box without being "text after it": math delimiters, punctuation, markdown emphasis.
const CLOSERS = /\\\]|\\\)|\\end\{[a-z*]+\}|\$|[\s.,;:!)\]}*_]/g;

/** Non-blank characters after the last `\boxed{}` of the answer, closing delimiters aside; 0 without a box. */
export function textAfterFinalBox(answer: string): number {
  const boxes = findBoxes(answer);
  if (boxes.length === 0) return 0;
  return answer.slice(boxes[boxes.length - 1]!.end).replace(CLOSERS, '').length;
}
