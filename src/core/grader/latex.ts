/**
 * Small LaTeX scanning helpers: brace matching and `\boxed{}` extraction. Every function here is linear in
 * the input (a whole response can be megabytes of hostile text): braces are matched once per string with
 * a stack, never by rescanning from each opening brace.
 */

/** Index of the `}` matching the `{` at `open`, or -1. Escaped braces `\{` `\}` are skipped. */
export function matchBrace(s: string, open: number, openCh = '{', closeCh = '}'): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++; // skip escaped char (e.g. \{ or \})
      continue;
    }
    if (c === openCh) depth++;
    else if (c === closeCh) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * For every `{` of `s`, the index of its matching `}` (or -1), in one pass. Escaped braces are skipped,
 * as in `matchBrace`; looking up many braces of one string costs O(n) in all instead of O(n) each.
 */
export function braceMatches(s: string): Int32Array {
  const match = new Int32Array(s.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c === 123 /* { */) stack.push(i);
    else if (c === 125 /* } */) {
      const open = stack.pop();
      if (open !== undefined) match[open] = i;
    }
  }
  return match;
}

export interface BoxMatch {
  start: number;
  end: number; // exclusive
  content: string;
}

const BOX_RE = /\\(?:boxed|fbox)\b\s*/g;

/** The last string given to findBoxes and its boxes: extraction asks about the same response several times. */
let memo: { s: string; boxes: BoxMatch[] } | null = null;

/**
 * Every `\boxed{…}` / `\fbox{…}` (and `\boxed 5`) in order of appearance; unterminated boxes are skipped,
 * boxes inside a box are part of its content. Linear in the input: braces are matched once, from the first
 * box on.
 */
export function findBoxes(s: string): BoxMatch[] {
  if (memo && memo.s === s) return memo.boxes;
  const first = Math.min(...[s.indexOf('\\boxed'), s.indexOf('\\fbox')].map((i) => (i < 0 ? Infinity : i)));
  const out: BoxMatch[] = [];
  if (first === Infinity) {
    memo = { s, boxes: out };
    return out;
  }
  const tail = s.slice(first);
  const closeOf = braceMatches(tail);
  const re = new RegExp(BOX_RE.source, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(tail)) !== null) {
    const start = m.index;
    const after = m.index + m[0].length;
    if (tail[after] === '{') {
      const close = closeOf[after];
      if (close < 0) continue;
      out.push({ start: first + start, end: first + close + 1, content: tail.slice(after + 1, close) });
      re.lastIndex = close + 1;
    } else {
      // `\boxed 5` — a single token up to whitespace, `$` or punctuation
      const t = /^[^\s$,;]+/.exec(tail.slice(after, after + 200));
      if (t && /\s/.test(tail[after - 1] ?? '')) {
        const content = t[0].replace(/[.)\]]+$/, '');
        if (content) out.push({ start: first + start, end: first + after + content.length, content });
      }
    }
  }
  memo = { s, boxes: out };
  return out;
}

const SEPARATOR = /\b(?:and|or)\b|,|;|[和或，；]|\bet\b|\bou\b/;

/**
 * Whether two boxes are one answer in several boxes: Math-Verify's rule (latex2sympy2_extended 1.10.2
 * `extract_boxed_content`, mode "last"): the text between them is shorter than 10 characters, or shorter
 * than 70, holds "and", "or", a comma or a semicolon, and the boxes differ ("\boxed{3} for part (a) and
 * \boxed{4}").
 */
function joinsBoxes(gap: string, left: string, right: string): boolean {
  if (gap.length < 10) return true;
  return left !== right && gap.length < 70 && SEPARATOR.test(gap);
}

/**
 * Content of the last box; boxes close together ("\boxed{1}, \boxed{2}", "\boxed{1} and \boxed{2}") are
 * joined with ", " (consecutive identical ones once), so several boxes form one list.
 */
export function lastBoxed(s: string): { content: string; start: number } | null {
  const boxes = findBoxes(s);
  if (boxes.length === 0) return null;
  let i = boxes.length - 1;
  const parts = [boxes[i].content.trim()];
  while (i > 0) {
    const gap = s.slice(boxes[i - 1].end, boxes[i].start);
    const left = boxes[i - 1].content.trim();
    if (!joinsBoxes(gap, left, parts[0])) break;
    i--;
    if (left !== parts[0]) parts.unshift(left);
  }
  return { content: parts.join(', '), start: boxes[i].start };
}

/** Strip math delimiters around a whole answer: `$…$`, `$$…$$`, `\(…\)`, `\[…\]`. */
export function stripMathDelimiters(s: string): string {
  let t = s.trim();
  // a few layers at most: `$$$$…$$$$` from hostile text must not cost a pass per layer
  for (let layer = 0; layer < 8; layer++) {
    const before = t;
    if (t.startsWith('$$') && t.endsWith('$$') && t.length >= 4) t = t.slice(2, -2).trim();
    else if (t.startsWith('$') && t.endsWith('$') && t.length >= 2 && !/(?<!\\)\$/.test(t.slice(1, -1)))
      t = t.slice(1, -1).trim();
    else if (t.startsWith('\\(') && t.endsWith('\\)')) t = t.slice(2, -2).trim();
    else if (t.startsWith('\\[') && t.endsWith('\\]')) t = t.slice(2, -2).trim();
    if (t === before) return t;
  }
  return t;
}

/**
 * Reasoning blocks of the common templates, as (opening, closing) markers: `<think>` (DeepSeek-R1, QwQ,
 * Qwen3), Sky-T1's `<|begin_of_thought|>`, `<reasoning>` (the GRPO template of willccbb's
 * `grpo_demo.py` gist) and Unsloth's `<start_working_out>`.
 */
const REASONING: [RegExp, string][] = [
  [/<think>/i, '</think>'],
  [/<\|begin_of_thought\|>/, '<|end_of_thought|>'],
  [/<reasoning>/i, '</reasoning>'],
  [/<start_working_out>/, '<end_working_out>'],
];

/**
 * Text after the last closing reasoning marker (`</think>`, …); null when a reasoning block was opened but
 * never closed (the answer was never given).
 */
export function afterThinking(response: string): string | null {
  for (const [open, closeTag] of REASONING) {
    const close = response.lastIndexOf(closeTag);
    if (close >= 0) return response.slice(close + closeTag.length);
    if (open.test(response)) return null;
  }
  return response;
}
