/**
 * Answer extraction (Math-Verify 0.8.0 order for math; see the README's grading policies).
 * Priorities, lowest first; within a priority the rightmost match wins; the first plausible one is used:
 *   0   "final answer is X. I hope"
 *   50  the last \boxed{} / \fbox{} (nearby boxes joined), or "final answer … is X"
 *   100 "answer: X"
 *   200 "answer is X"
 *   300 last resort: the last math segment ($…$, \(…\), \[…\]) or the last number
 * Only the text after `</think>` is read when the response has reasoning.
 */
import { extractChoice } from './choice';
import { afterThinking, findBoxes, lastBoxed, matchBrace, stripMathDelimiters } from './latex';
import { normalizeMath, normalizeText } from './normalize';
import { canonicalNumber, findNumbers } from './numbers';
import type { AnswerType } from './types';

const MAX_CANDIDATE = 300;

/** The answer written right after position `at`: a math segment, a box, or the rest of the sentence. */
export function captureAt(text: string, at: number): string | null {
  let i = at;
  while (i < text.length && /[\s:：*]/.test(text[i])) i++;
  const rest = text.slice(i, i + 2000);
  if (!rest) return null;
  const boxM = /^\\(?:boxed|fbox)\s*\{/.exec(rest);
  if (boxM) {
    const close = matchBrace(rest, boxM[0].length - 1);
    if (close > 0) return rest.slice(boxM[0].length, close);
  }
  const delims: [string, string][] = [
    ['$$', '$$'],
    ['\\[', '\\]'],
    ['\\(', '\\)'],
    ['$', '$'],
  ];
  for (const [open, close] of delims) {
    if (rest.startsWith(open)) {
      const end = rest.indexOf(close, open.length);
      if (end > open.length) {
        const inner = rest.slice(open.length, end);
        const b = lastBoxed(inner);
        return b ? b.content : inner;
      }
    }
  }
  // plain text up to the end of the sentence / line
  const m = /^(.*?)(?:\.\s|\.$|\n|$)/.exec(rest);
  let out = (m ? m[1] : rest).slice(0, MAX_CANDIDATE);
  out = out.replace(/\*+$/, '').trim();
  const b = lastBoxed(out);
  if (b) return b.content;
  return out || null;
}

/** Whether a candidate from a text anchor looks like a math answer (Math-Verify: it must parse). */
function plausibleMath(c: string): boolean {
  const n = normalizeMath(c);
  if (!n || n.length > MAX_CANDIDATE) return false;
  if (/\d/.test(n) || /\\[a-zA-Z]/.test(n)) return true;
  // short symbolic answers: "x", "2n", "a+b"; not prose
  return !/[a-zA-Z]{3,}/.test(n.replace(/\\[a-zA-Z]+/g, '')) && n.length <= 20;
}

interface Candidate {
  priority: number;
  pos: number;
  value: string;
  fromBox?: boolean;
}

function lastMatch(text: string, re: RegExp): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  let m: RegExpExecArray | null;
  while ((m = g.exec(text)) !== null) {
    last = m;
    if (m[0].length === 0) g.lastIndex++;
  }
  return last;
}

/** All anchored candidates for a math answer, best first. */
export function mathCandidates(text: string): Candidate[] {
  const cands: Candidate[] = [];
  const hope = lastMatch(text, /final answer is\s*(\$?[^\n]*?\$?)\.?\s*I hope/i);
  if (hope) {
    const inner = captureAt(hope[1], 0);
    if (inner) cands.push({ priority: 0, pos: hope.index, value: inner });
  }
  const box = lastBoxed(text);
  if (box) cands.push({ priority: 50, pos: box.start, value: box.content, fromBox: true });
  const fa = lastMatch(text, /final answer[^\n]{0,80}?\bis\b/i);
  if (fa) {
    const v = captureAt(text, fa.index + fa[0].length);
    if (v) cands.push({ priority: 50, pos: fa.index, value: v });
  }
  const colon = lastMatch(text, /answer\s*[:：]/i);
  if (colon) {
    const v = captureAt(text, colon.index + colon[0].length);
    if (v) cands.push({ priority: 100, pos: colon.index, value: v });
  }
  const is = lastMatch(text, /answer\s+(?:is|=)/i);
  if (is) {
    const v = captureAt(text, is.index + is[0].length);
    if (v) cands.push({ priority: 200, pos: is.index, value: v });
  }
  cands.sort((a, b) => a.priority - b.priority || b.pos - a.pos);
  return cands;
}

/** Last-resort candidate: the rightmost math segment or number. */
function lastResort(text: string): string | null {
  const seg = lastMatch(text, /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|\$([^$]+?)\$/);
  const num = findNumbers(text).pop();
  let segVal: string | null = null;
  if (seg) {
    segVal = (seg[1] ?? seg[2] ?? seg[3] ?? seg[4] ?? '').trim();
    const parts = segVal.split(/=(?![^{]*\})/);
    segVal = parts[parts.length - 1].trim();
  }
  const segEnd = seg ? seg.index + seg[0].length : -1;
  if (num && num.index >= segEnd) return num.raw.replace(/\$/g, '').trim();
  if (segVal) return segVal;
  return num ? num.raw.replace(/\$/g, '').trim() : null;
}

export function extractMath(response: string): string | null {
  const text = afterThinking(response);
  if (text === null) return null;
  for (const c of mathCandidates(text)) {
    const v = stripMathDelimiters(c.value);
    if (c.fromBox ? v.trim().length > 0 : plausibleMath(v)) return v.trim();
  }
  const lr = lastResort(text);
  return lr && lr.trim() ? lr.trim() : null;
}

export function extractNumber(response: string): string | null {
  const text = afterThinking(response);
  if (text === null) return null;
  const box = lastBoxed(text);
  if (box) {
    const c = canonicalNumber(normalizeMath(box.content));
    if (c !== null) return c;
    const inBox = findNumbers(box.content);
    if (inBox.length === 1 && !/\\frac|\^|\\sqrt/.test(box.content)) return canonicalNumber(inBox[0].raw) ?? inBox[0].raw;
    if (box.content.trim()) return normalizeMath(box.content);
  }
  const anchors = [/####/, /answer\s*(?:is|:|：|=)/i];
  for (const re of anchors) {
    const m = lastMatch(text, re);
    if (m) {
      const nums = findNumbers(text.slice(m.index + m[0].length, m.index + m[0].length + 200));
      if (nums.length > 0) return canonicalNumber(nums[0].raw) ?? nums[0].raw;
    }
  }
  const last = findNumbers(text).pop();
  return last ? canonicalNumber(last.raw) ?? last.raw : null;
}

export function extractText(response: string): string | null {
  const text = afterThinking(response);
  if (text === null) return null;
  const box = lastBoxed(text);
  let raw: string | null = box ? box.content : null;
  if (raw === null) {
    const m = lastMatch(text, /answer\s*(?:is|:|：)/i);
    if (m) raw = captureAt(text, m.index + m[0].length);
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
  if (/<\/?think>|final answer|answer\s*(?:is|:)|####/i.test(s)) return true;
  return s.length > 200 && /\s/.test(s);
}
