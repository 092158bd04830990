/** Small LaTeX scanning helpers: brace matching and `\boxed{}` extraction. All linear-time. */

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

export interface BoxMatch {
  start: number;
  end: number; // exclusive
  content: string;
}

const BOX_RE = /\\(?:boxed|fbox)\b\s*/g;

/** Every `\boxed{…}` / `\fbox{…}` (and `\boxed 5`) in order of appearance; unterminated boxes are skipped. */
export function findBoxes(s: string): BoxMatch[] {
  const out: BoxMatch[] = [];
  BOX_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = BOX_RE.exec(s)) !== null) {
    const start = m.index;
    const after = m.index + m[0].length;
    if (s[after] === '{') {
      const close = matchBrace(s, after);
      if (close < 0) continue;
      out.push({ start, end: close + 1, content: s.slice(after + 1, close) });
      BOX_RE.lastIndex = close + 1;
    } else {
      // `\boxed 5` — a single token up to whitespace, `$` or punctuation
      const t = /^[^\s$,;]+/.exec(s.slice(after, after + 200));
      if (t && /\s/.test(s[after - 1] ?? '')) {
        const content = t[0].replace(/[.)\]]+$/, '');
        if (content) out.push({ start, end: after + content.length, content });
      }
    }
  }
  return out;
}

const JOIN_GAP = /^(?:\s|\$|\\\(|\\\)|\\\[|\\\]|,|;|\\quad|\\qquad|\\text\{\s*(?:and|or|,)\s*\}|and|or|&|\\\\)*$/;

/**
 * Content of the last box; several boxes close together ("\boxed{1}, \boxed{2}" or "\boxed{1} and
 * \boxed{2}") are joined with ", " (Math-Verify joins nearby boxes).
 */
export function lastBoxed(s: string): { content: string; start: number } | null {
  const boxes = findBoxes(s);
  if (boxes.length === 0) return null;
  let i = boxes.length - 1;
  const parts = [boxes[i].content];
  while (i > 0) {
    const gap = s.slice(boxes[i - 1].end, boxes[i].start);
    if (gap.length > 40 || !JOIN_GAP.test(gap)) break;
    i--;
    parts.unshift(boxes[i].content);
  }
  return { content: parts.join(', '), start: boxes[i].start };
}

/** Strip math delimiters around a whole answer: `$…$`, `$$…$$`, `\(…\)`, `\[…\]`. */
export function stripMathDelimiters(s: string): string {
  let t = s.trim();
  for (;;) {
    const before = t;
    if (t.startsWith('$$') && t.endsWith('$$') && t.length >= 4) t = t.slice(2, -2).trim();
    else if (t.startsWith('$') && t.endsWith('$') && t.length >= 2 && !t.slice(1, -1).includes('$')) t = t.slice(1, -1).trim();
    else if (t.startsWith('\\(') && t.endsWith('\\)')) t = t.slice(2, -2).trim();
    else if (t.startsWith('\\[') && t.endsWith('\\]')) t = t.slice(2, -2).trim();
    if (t === before) return t;
  }
}

/** Text after the last `</think>`; null when a `<think>` block was opened but never closed. */
export function afterThinking(response: string): string | null {
  const close = response.lastIndexOf('</think>');
  if (close >= 0) return response.slice(close + '</think>'.length);
  if (/<think>/i.test(response)) return null;
  return response;
}
