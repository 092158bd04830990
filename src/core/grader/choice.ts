/**
 * Multiple-choice letters: extraction from a response and normalisation of a gold letter. The order
 * follows lighteval's `lazy_indices_regex` (extractive_match_utils.py) and Math-Verify's
 * `StringExtractionConfig`: a box, "final answer is X", an answer word ("answer", "réponse", "答案") with
 * the letter within 50 characters, a letter starting the response or a line, then the rightmost letter
 * standing alone ("it can't be A or B, so C"). Unanchored rules only read A–E, so the pronoun "I" is
 * never an answer.
 */
import { lastBoxed } from './latex';
import { isCjk } from './scan';

const LETTERS = 'A-J';
const WRAPPERS = /\\(?:text|textbf|mathrm|mathbf|textit|mathit|operatorname)\s*\{([^{}]*)\}/g;

/** The letter of a short choice string: "B", "(B)", "\textbf{(B)} 12", "B: 12", "Option B", "(D) Alina"; not "E*2". */
export function choiceLetterOf(s: string): string | null {
  const t = s
    .replace(WRAPPERS, '$1')
    .replace(WRAPPERS, '$1')
    .replace(/\\[,;:! ]|~|\$|\*\*/g, ' ')
    .replace(/^\s*(?:option|choice|answer)\s*[:：]?\s*/i, '')
    .trim();
  const m = new RegExp(`^\\(?\\s*([${LETTERS}])\\s*\\)?(?:$|[\\s.:,)。，：]|(?=[\\u3000-\\u9fff]))`).exec(t);
  if (m) return m[1];
  // a lower-case letter is a choice only when it is all there is ("c", "(c)", "c.")
  const lower = LOWER_ALONE.exec(t) ?? LOWER_OPTION.exec(t);
  return lower ? lower[1].toUpperCase() : null;
}

const LOWER_ALONE = /^\(?\s*([a-j])\s*\)?\.?$/;
/** A lower-case option label opening the answer: "(c) 12", "c) 12" (a closing parenthesis makes it a label). */
const LOWER_OPTION = /^\(?([a-j])\)(?:\s|$)/;

/** Whether a string is only a letter ("B", "(B)", "\textbf{B}.", "$B$"), not a sentence that starts with one. */
export function isBareLetter(s: string): boolean {
  const t = s
    .replace(WRAPPERS, '$1')
    .replace(WRAPPERS, '$1')
    .replace(/\$|\*\*/g, '')
    .trim();
  return new RegExp(`^\\(?\\s*[${LETTERS}]\\s*\\)?[.:]?$`).test(t) || LOWER_ALONE.test(t);
}

interface Hit {
  priority: number;
  end: number;
  letter: string;
}

/** Whether the letter at i (possibly written "(X)") stands alone: a space or `**` before, punctuation or a space after. */
function standsAlone(text: string, start: number, end: number): boolean {
  let j = start - 1;
  if (text[j] === '*' && text[j - 1] === '*') j -= 2;
  const before = j < 0 || /\s/.test(text[j]) || isCjk(text[j]);
  let k = end;
  if (text[k] === '*' && text[k + 1] === '*') k += 2;
  const c = text[k];
  const after = c === undefined || /[\s.,:;!?)。，：；！？]/.test(c) || isCjk(c);
  return before && after;
}

const ANSWER_WORD = /answer|r[ée]ponse|答案|答/gi;
const LOWER_AFTER_ANCHOR =
  /^\s*(?:is\b|est\b|是|为)?\s*[:：]?\s*(?:\*\*)?(?:option\s+|choice\s+)?(?:\(?([a-j])\)?(?:\*\*)?\s*(?=$|\.(?:\s|$)|\n)|\(?([a-j])\)(?=\s))/i;

/** The chosen letter in a response, or null. */
export function extractChoice(raw: string): string | null {
  const box = lastBoxed(raw);
  if (box) {
    const l = choiceLetterOf(box.content);
    if (l) return l;
  }
  const text = raw.replace(WRAPPERS, '$1');
  const hits: Hit[] = [];
  const letterRe = new RegExp(`\\(([${LETTERS}])\\)|(?<![a-zA-Z])([${LETTERS}])(?![a-zA-Z0-9^+=/])(?!\\*(?!\\*))`, 'g');
  // letters standing alone, in order, each knowing whether only spaces or `**` precede it on its line
  const alone: { start: number; end: number; letter: string; lineStart: boolean }[] = [];
  let scanned = 0;
  let lastNl = -1;
  for (const m of text.matchAll(letterRe)) {
    const end = m.index + m[0].length;
    if (!standsAlone(text, m.index, end)) continue;
    for (; scanned < m.index; scanned++) if (text[scanned] === '\n') lastNl = scanned;
    const lineStart = /^\s*(?:\*\*)?$/.test(text.slice(lastNl + 1, m.index));
    alone.push({ start: m.index, end, letter: m[1] ?? m[2], lineStart });
  }
  const firstAt = (pos: number): number => {
    let lo = 0;
    let hi = alone.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (alone[mid].start < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const after = (pos: number, window: number): (typeof alone)[number] | undefined => {
    const a = alone[firstAt(pos)];
    return a && a.start <= pos + window ? a : undefined;
  };
  for (const m of text.matchAll(/final answer is:?\s*/gi)) {
    const a = after(m.index + m[0].length, 2);
    if (a) hits.push({ priority: 0, end: a.end, letter: a.letter });
  }
  for (const m of text.matchAll(ANSWER_WORD)) {
    const at = m.index + m[0].length;
    const colon = /^\s?[:：]/.test(text.slice(at, at + 3));
    const a = after(at, 52);
    if (a) hits.push({ priority: colon ? 100 : 150, end: a.end, letter: a.letter });
    // "the answer is c", "Answer: (b)": a lower-case letter right after the anchor that ends the sentence
    const low = LOWER_AFTER_ANCHOR.exec(text.slice(at, at + 24));
    if (low)
      hits.push({ priority: colon ? 100 : 150, end: at + low[0].length, letter: (low[1] ?? low[2]).toUpperCase() });
  }
  const bareText = text.replace(/\*\*|\$/g, '').trim();
  // an option label opens the answer only when the answer is that one short line ("c) 12")
  const whole =
    LOWER_ALONE.exec(bareText) ??
    (bareText.length < 100 && !bareText.includes('\n') ? LOWER_OPTION.exec(bareText) : null);
  if (whole) hits.push({ priority: 200, end: text.length, letter: whole[1].toUpperCase() });
  const firstVisible = text.search(/[^\s*]/);
  for (const a of alone) {
    if (!/[A-E]/.test(a.letter)) continue;
    const first = a.start === firstVisible;
    hits.push({ priority: first ? 200 : a.lineStart ? 210 : 250, end: a.end, letter: a.letter });
  }
  if (hits.length === 0) {
    // "(B)" anywhere, the rightmost
    let last: string | null = null;
    for (const m of text.matchAll(new RegExp(`\\(([${LETTERS}])\\)`, 'g'))) last = m[1];
    return last;
  }
  hits.sort((a, b) => a.priority - b.priority || b.end - a.end);
  return hits[0].letter;
}
