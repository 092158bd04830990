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
import { normalizeMath, normalizeText, trimEndWhere } from './normalize';
import { canonicalNumber } from './numbers';
import { mathSegments, numberTokens, SegmentScanner, type NumberToken, type Segment } from './scan';
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

const byPriority = (a: Candidate, b: Candidate): number => a.priority - b.priority || b.end - a.end || a.start - b.start;

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
    for (const c of [segmentAfter(p, at, 0, 50), numberAt(p, at, 50)]) {
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

/** Candidates after an answer word (100, 200) or a concluding word (250), best first. */
function anchoredCandidates(p: Pieces): Candidate[] {
  const text = p.text;
  const cands: Candidate[] = [];
  for (const m of text.matchAll(ANSWER_WORD)) {
    const after = m.index + m[0].length;
    const colon = /^\s?[:：]/.exec(text.slice(after, after + 3));
    const priority = colon ? 100 : 200;
    const at = after + (colon ? colon[0].length : 0);
    for (const c of [segmentAfter(p, at, 50, priority), numberAfter(p, at, priority)]) if (c) cands.push(c);
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
  const bare = c.replace(/\\(?:text|textbf|mathrm|mbox|textit|operatorname|begin|end)\s*\{[^{}]*\}(?:\{[^{}]*\})?/g, ' ').replace(/\\[a-zA-Z]+/g, ' ');
  if ((bare.match(/[a-zA-Z]{3,}/g) ?? []).length >= 2) return false;
  if (/\d/.test(n) || /\\[a-zA-Z]/.test(n)) return true;
  // short symbolic answers: "x", "2n", "a+b"; not prose
  return !/[a-zA-Z]{3,}/.test(n.replace(/\\[a-zA-Z]+/g, '')) && n.length <= 20;
}

/** Full-width digits and signs as ASCII (one UTF-16 unit each, so positions are kept): `８×８＝64`. */
function asciiForms(text: string): string {
  return /[０-９＝＋－]/.test(text) ? text.replace(/[０-９＝＋－]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)) : text;
}

export function extractMath(response: string): string | null {
  const after = afterThinking(response);
  if (after === null) return null;
  const text = asciiForms(after);
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
  if (c !== null) return c;
  const inside = numberTokens(v).filter((t) => !t.expr);
  if (inside.length === 1 && !/\\frac|\^|\\sqrt/.test(v)) return canonicalNumber(inside[0].value) ?? inside[0].value;
  return n || v;
}

export function extractText(response: string): string | null {
  const text = afterThinking(response);
  if (text === null) return null;
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
    const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
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
      const text = afterThinking(response);
      return text === null ? null : extractChoice(text);
    }
    case 'text':
      return extractText(response);
  }
}

/** Whether a string contains any answer marker (used by pairs mode to tell a response from a bare answer). */
export function looksLikeResponse(s: string): boolean {
  if (findBoxes(s).length > 0) return true;
  if (/<\/?think>|final answer|answer\s*(?:is|:)|####|r[ée]ponse\s*(?:est|:)|答案/i.test(s)) return true;
  return s.length > 200 && /\s/.test(s);
}
