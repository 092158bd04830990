/**
 * Answer extraction (Math-Verify 0.8.0's order for math; see the README's grading policies).
 * Priorities, lowest first; within a priority the candidate ending rightmost is tried first, and the first
 * plausible one is used:
 *   0   "final answer is X. I hope"
 *   50  the last \boxed{} / \fbox{} (nearby boxes joined), or "final answer … is X"
 *   100 "answer:" (also "réponse :", "答案：") followed within 50 characters by a math segment or a number
 *   200 the same without the colon ("the answer is X"); "#### X" (GSM8K) counts as an answer word
 *   250 "donc", "所以", "因此" (therefore) in the last sentence, followed by a number
 *   300 last resort: the rightmost math segment ($…$, \(…\), \[…\], a bare \frac{1}{2}) or number
 * After an anchor, a number right after the last `=` within 100 characters wins over the first number
 * ("answer: 35 + 70 = 105" is 105). Only the text after `</think>` is read when the response has reasoning.
 * Every step is linear in the response (segments and numbers are found in one pass each).
 */
import { extractChoice } from './choice';
import { afterThinking, findBoxes, lastBoxed, stripMathDelimiters } from './latex';
import { isUnitText, normalizeMath, normalizeText, trimEndWhere } from './normalize';
import { canonicalNumber } from './numbers';
import { isCjk, mathSegments, numberTokens, SegmentScanner, type NumberToken, type Segment } from './scan';
import { answerTagContent, cutInventedTurn, holdsMarkers, stripTemplateTokens } from './template';
import type { AnswerType } from './types';

const MAX_CANDIDATE = 2000;

interface Candidate {
  priority: number;
  end: number;
  start: number;
  value: string;
  kind: 'box' | 'env' | 'number';
}

/** Lazily computed pieces of one response (each built at most once, each linear). */
class Pieces {
  private segs: Segment[] | null = null;
  private nums: NumberToken[] | null = null;
  private scanner: SegmentScanner | null = null;
  constructor(readonly text: string) {}
  /** The math segment opening within `window` characters of `at`, read afresh (not from the left-to-right pairing). */
  segmentWithin(at: number, window: number): Segment | null {
    return (this.scanner ??= new SegmentScanner(this.text)).within(at, window);
  }
  get segments(): Segment[] {
    return (this.segs ??= mathSegments(this.text));
  }
  get numbers(): NumberToken[] {
    return (this.nums ??= numberTokens(this.text));
  }
}

/** Index of the first item whose start is ≥ pos (items sorted by start). */
function firstFrom<T extends { start: number }>(items: T[], pos: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function segmentValue(seg: Segment): string {
  const box = lastBoxed(seg.content);
  const v = (box ? box.content : seg.content).trim();
  return seg.percent ? `${v}\\%` : v;
}

function numberValue(t: NumberToken): string {
  return t.percent ? `${t.value}\\%` : t.value;
}

/** The math segment starting within `window` characters of `at`, as a candidate. */
function segmentAfter(p: Pieces, at: number, window: number, priority: number): Candidate | null {
  const seg = p.segmentWithin(at, window);
  if (!seg) return null;
  return { priority, start: seg.start, end: seg.end, value: segmentValue(seg), kind: 'env' };
}

/** A number (or arithmetic) starting right at `pos` (after spaces), not followed by `=`. */
function numberAt(p: Pieces, pos: number, priority: number): Candidate | null {
  const nums = p.numbers;
  let q = pos;
  while (q < p.text.length && /\s/.test(p.text[q])) q++;
  const k = firstFrom(nums, q);
  const t = nums[k];
  if (!t || t.start !== q) return null;
  if (/^\s*=/.test(p.text.slice(t.end, t.end + 8))) return null;
  return { priority, start: t.start, end: t.end, value: numberValue(t), kind: 'number' };
}

/**
 * The number an anchor points to (Math-Verify `answer(?:.{0,100}=\s*|.{0,50}?)NUMBER(?!\s*=)`): right
 * after the last `=` within 100 characters, else the first one within 50 characters not followed by `=`.
 */
function numberAfter(p: Pieces, at: number, priority: number): Candidate | null {
  const win = p.text.slice(at, at + 100);
  for (let e = win.lastIndexOf('='); e >= 0; e = e > 0 ? win.lastIndexOf('=', e - 1) : -1) {
    const c = numberAt(p, at + e + 1, priority);
    if (c) return c;
  }
  const nums = p.numbers;
  for (let k = firstFrom(nums, at); k < nums.length && nums[k].start <= at + 50; k++) {
    const t = nums[k];
    if (/^\s*=/.test(p.text.slice(t.end, t.end + 8))) continue;
    return { priority, start: t.start, end: t.end, value: numberValue(t), kind: 'number' };
  }
  return null;
}

/** Where the last sentence of a text begins (after the last `.`, `。`, `!`, `?` or line break before its end). */
function lastSentenceStart(text: string): number {
  const body = trimEndWhere(text, (c) => /[\s.。!?！？*]/.test(c));
  let i = body.length - 1;
  while (i >= 0 && !/[。!?！？\n]/.test(body[i]) && !(body[i] === '.' && /\s/.test(body[i + 1] ?? ''))) i--;
  return i + 1;
}

const ANSWER_WORD = /answer|r[ée]ponse|答案|答|####/gi;
const CONCLUSION_WORD = /\bdonc\b|所以|因此|故而/gi;

const byPriority = (a: Candidate, b: Candidate): number =>
  a.priority - b.priority || b.end - a.end || a.start - b.start;

/** Candidates of priority 0 and 50 (final-answer sentences and boxes), best first. */
function finalCandidates(p: Pieces): Candidate[] {
  const text = p.text;
  const cands: Candidate[] = [];
  // 0: "final answer is X. I hope"; 50: "final answer … is X"
  for (const m of text.matchAll(/final answer/gi)) {
    const after = m.index + m[0].length;
    const is = /^([^]{0,100}?)\sis\b:?\s*/i.exec(text.slice(after, after + 130));
    if (!is) continue;
    const at = after + is[0].length;
    const line = expressionLine(p, at, true, 50);
    for (const c of line ? [line] : [segmentAfter(p, at, 0, 50), numberAt(p, at, 50)]) {
      if (!c) continue;
      const hope = is[1] === '' && /^\.?\s?I hope/i.test(text.slice(c.end, c.end + 10));
      cands.push(hope ? { ...c, priority: 0 } : c);
    }
  }
  const box = lastBoxed(text);
  if (box) {
    const boxes = findBoxes(text);
    cands.push({ priority: 50, start: box.start, end: boxes[boxes.length - 1].end, value: box.content, kind: 'box' });
  }
  return cands.sort(byPriority);
}

const SHORT_WORDS = /\b(?:is|it|so|we|be|to|of|at|by|on|as|if|an|am|do|no|my|me|he)\b/i;

/**
 * The whole rest of an answer line as one expression: "Answer: 2x + 3", "The answer is x+1." (Math-Verify
 * reads only a number or a math segment there, so `2x + 3` gave 2). Only when the rest of the line (to
 * its end or the end of its sentence) is plain math: no `$`/`\(`/box (segments are read as before), no word
 * of three letters or more outside LaTeX commands except units, no short English word, at most 80
 * characters, and something beyond one number (a lone number is read as before).
 */
function expressionLine(p: Pieces, at: number, colon: boolean, priority: number): Candidate | null {
  const text = p.text;
  let start = at;
  if (colon)
    while (start < text.length && (text[start] === '*' || text[start] === ' ' || text[start] === '\t')) start++;
  else {
    const is = /^\s+is\b:?\s*/i.exec(text.slice(at, at + 8));
    if (!is) return null;
    start = at + is[0].length;
  }
  // one bounded window per anchor, so 100,000 answer words stay linear
  const win = text.slice(start, start + 81);
  const nl = win.indexOf('\n');
  if (nl < 0 && win.length > 80) return null;
  let line = nl < 0 ? win : win.slice(0, nl);
  const stop = /\.(?:\s|$)/.exec(line);
  if (stop) line = line.slice(0, stop.index);
  line = trimEndWhere(line, (c) => /[\s.,;*]/.test(c));
  const end = start + line.length;
  if (!line || /[$?]|\\[()[\]]|\\boxed|\\fbox|[<>]/.test(line)) return null;
  // several numbers, each after a comma and a space ("2, 3"), are a list; "1,234" stays one number
  if (/^[-+]?\d+(?:\.\d+)?(?:\s*,\s+[-+]?\d+(?:\.\d+)?)+$/.test(line))
    return { priority, start, end, value: line, kind: 'env' };
  // "35 + 70 = 105": arithmetic before `=` is working; the number after it is read as before
  const eq = line.indexOf('=');
  if (eq >= 0 && !/[a-zA-Z]/.test(line.slice(0, eq).replace(/\\[a-zA-Z]+/g, ''))) return null;
  // something beyond one number: a lone number ("7", "-2.5", "1,234") has neither and is read as before
  if (!/[a-zA-Z\\^(]|\d\s*[-+*/]\s*\S/.test(line)) return null;
  const bare = line.replace(/\\[a-zA-Z]+/g, ' ');
  if (SHORT_WORDS.test(bare)) return null;
  for (const w of bare.match(/[a-zA-Z]{3,}/g) ?? []) if (!isUnitText(w)) return null;
  // something to read: a digit, a letter, or a LaTeX command ("\pi", "(-\infty, \infty)"); "( )" has none
  if (!/\d|\\[a-zA-Z]/.test(line) && !/[a-zA-Z]/.test(bare)) return null;
  return { priority, start, end, value: line, kind: 'env' };
}

/** Candidates after an answer word (100, 200) or a concluding word (250), best first. */
function anchoredCandidates(p: Pieces): Candidate[] {
  const text = p.text;
  const cands: Candidate[] = [];
  for (const m of text.matchAll(ANSWER_WORD)) {
    const after = m.index + m[0].length;
    const colon = /^\s?[:：]/.exec(text.slice(after, after + 3));
    const priority = colon ? 100 : 200;
    const at = after + (colon ? colon[0].length : 0);
    // a whole expression line is this anchor's answer: no number from the next line is read for it
    const line = expressionLine(p, at, colon !== null, priority);
    if (line) cands.push(line);
    else for (const c of [segmentAfter(p, at, 50, priority), numberAfter(p, at, priority)]) if (c) cands.push(c);
  }
  // a concluding word counts in the last sentence only: earlier ones introduce intermediate results
  const lastSentence = lastSentenceStart(text);
  for (const m of text.matchAll(CONCLUSION_WORD)) {
    if (m.index < lastSentence) continue;
    const c = numberAfter(p, m.index + m[0].length, 250);
    if (c) cands.push(c);
  }
  return cands.sort(byPriority);
}

/** Last-resort candidates: the rightmost math segment or number. */
function lastResort(p: Pieces): Candidate[] {
  const cands: Candidate[] = [];
  const seg = p.segments[p.segments.length - 1];
  if (seg) cands.push({ priority: 300, start: seg.start, end: seg.end, value: segmentValue(seg), kind: 'env' });
  const num = p.numbers[p.numbers.length - 1];
  if (num) cands.push({ priority: 300, start: num.start, end: num.end, value: numberValue(num), kind: 'number' });
  return cands.sort((a, b) => b.end - a.end || a.start - b.start);
}

/**
 * Whether a candidate looks like a math answer (Math-Verify: it must parse): not empty, no question mark,
 * not prose (two or more words outside LaTeX commands and `\text{}`).
 */
function plausibleMath(c: string): boolean {
  if (c.length > MAX_CANDIDATE || c.includes('?')) return false;
  const n = normalizeMath(c);
  if (!n) return false;
  const bare = c
    .replace(/\\(?:text|textbf|mathrm|mbox|textit|operatorname|begin|end)\s*\{[^{}]*\}(?:\{[^{}]*\})?/g, ' ')
    .replace(/\\[a-zA-Z]+/g, ' ');
  if ((bare.match(/[a-zA-Z]{3,}/g) ?? []).length >= 2) return false;
  if (/\d/.test(n) || /\\[a-zA-Z]/.test(n)) return true;
  // short symbolic answers: "x", "2n", "a+b"; not prose
  return !/[a-zA-Z]{3,}/.test(n.replace(/\\[a-zA-Z]+/g, '')) && n.length <= 20;
}

/** Full-width digits and signs as ASCII (one UTF-16 unit each, so positions are kept): `８×８＝64`. */
function asciiForms(text: string): string {
  return /[０-９＝＋－]/.test(text)
    ? text.replace(/[０-９＝＋－]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    : text;
}

/**
 * The part of a response that holds its answer: chat-template tokens removed, the text after the reasoning
 * (`</think>` …), and inside the last answer tag when there is one (`<answer>84</answer>`); null when the
 * reasoning never ended. `bare`: the tag holds a bare answer ("84", "2x + 3"), not a worked response.
 */
export function answerRegion(raw: string): { text: string; bare: boolean } | null {
  const response = cutInventedTurn(raw);
  if (!holdsMarkers(response)) return { text: response, bare: false };
  const stripped = stripTemplateTokens(response);
  if (stripped === null) return null;
  const after = afterThinking(stripped);
  if (after === null) return null;
  const tagged = answerTagContent(after);
  if (tagged === null) return { text: after, bare: false };
  return { text: tagged, bare: isBareAnswer(tagged) };
}

/** A bare answer as written: math delimiters and markdown bold around the whole removed (`**9**`, `$x+1$`). */
export function bareAnswer(s: string): string {
  const t = s.trim();
  const bold = /^\*\*([^*]+)\*\*$/.exec(t);
  return stripMathDelimiters(bold ? bold[1] : t).trim();
}

/** A bare answer rather than a response: no box or answer marker, no prose, no Chinese or Japanese text. */
export function isBareAnswer(s: string): boolean {
  return !looksLikeResponse(s) && !hasProse(s) && !hasCjkText(s);
}

/** Whether a short string contains English words outside LaTeX text commands ("The total is 5"). */
export function hasProse(s: string): boolean {
  if (!/\S\s+\S/.test(s.trim())) return false;
  const bare = s
    .replace(/\\(?:begin|end)\s*\{[^{}]*\}/g, ' ')
    .replace(/\\(?:text|textbf|mathrm|mbox|textit)\s*\{[^{}]*\}/g, ' ')
    .replace(/\\[a-zA-Z]+/g, ' ');
  const words = bare.match(/[a-zA-Z\u00c0-\u017f]{2,}/g) ?? [];
  return words.some(
    (w) =>
      (w.length >= 3 || /^(?:so|is|it|we|be|to|of|at|by|on|as|if|an)$/i.test(w)) &&
      !/^(?:and|or)$/i.test(w) &&
      !isUnitText(w),
  );
}

/** Chinese or Japanese text around an answer (a response, not a bare answer). */
export function hasCjkText(s: string): boolean {
  for (let i = 0; i < s.length && i < 4000; i++)
    if (isCjk(s[i]) && /[\u4e00-\u9fff\u3040-\u30ff]/.test(s[i])) return true;
  return false;
}

export function extractMath(response: string): string | null {
  const region = answerRegion(response);
  if (region === null) return null;
  if (region.bare) return bareAnswer(region.text) || null;
  const text = asciiForms(region.text);
  const p = new Pieces(text);
  // stages in priority order, each computed only when the earlier ones gave nothing
  for (const stage of [finalCandidates, anchoredCandidates, lastResort]) {
    for (const c of stage(p)) {
      const v = stripMathDelimiters(c.value).trim();
      if (!v) continue;
      if (c.kind === 'box' || c.kind === 'number' || plausibleMath(v)) return v;
    }
  }
  return null;
}

/**
 * A number answer (GSM8K style): the math extraction above (which also reads "#### 18"), written as a
 * plain decimal when it is one, or the one number inside it ("\$18 per day").
 */
export function extractNumber(response: string): string | null {
  const v = extractMath(response);
  if (v === null) return null;
  const n = normalizeMath(v);
  const c = canonicalNumber(n);
  // the percent sign is kept: `50\%` is compared by the percent rule, whatever type was inferred
  if (c !== null) return n.endsWith('\\%') ? `${c}\\%` : c;
  const inside = numberTokens(v).filter((t) => !t.expr);
  if (inside.length === 1 && !/\\frac|\^|\\sqrt/.test(v)) return canonicalNumber(inside[0].value) ?? inside[0].value;
  return n || v;
}

export function extractText(response: string): string | null {
  const region = answerRegion(response);
  if (region === null) return null;
  const text = region.text;
  const box = lastBoxed(text);
  let raw: string | null = box ? box.content : null;
  if (raw === null) {
    let m: RegExpExecArray | null = null;
    for (const x of text.matchAll(/answer\s*(?:is|:|：)/gi)) m = x as RegExpExecArray;
    if (m) {
      const rest = text.slice(m.index + m[0].length, m.index + m[0].length + 2000).replace(/^[\s:：*]+/, '');
      const s = /^(.*?)(?:\.\s|\.$|\n|$)/.exec(rest);
      raw = (s ? s[1] : rest).slice(0, 300).replace(/\*+$/, '').trim() || null;
    }
  }
  if (raw === null) {
    const lines = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    raw = lines.length ? lines[lines.length - 1] : null;
  }
  if (raw === null) return null;
  const n = normalizeText(raw);
  return n || null;
}

/** The answer a response gives, or null when it gives none (verdict `no-answer`). */
export function extractAnswer(response: string, type: AnswerType): string | null {
  switch (type) {
    case 'math':
      return extractMath(response);
    case 'number':
      return extractNumber(response);
    case 'choice': {
      const region = answerRegion(response);
      return region === null ? null : extractChoice(region.text);
    }
    case 'text':
      return extractText(response);
  }
}

/** Whether a string contains any answer marker (used by pairs mode to tell a response from a bare answer). */
export function looksLikeResponse(s: string): boolean {
  if (findBoxes(s).length > 0) return true;
  if (
    /<\/?think>|<\/?answer>|<\|(?:begin|end)_of_(?:thought|solution)\|>|<\/?solution>|<\/reasoning>|final answer|answer\s*(?:is|:)|####|r[ée]ponse\s*(?:est|:)|答案/i.test(
      s,
    )
  )
    return true;
  return s.length > 200 && /\s/.test(s);
}
