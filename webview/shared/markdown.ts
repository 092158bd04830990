import MarkdownIt from 'markdown-it';

/**
 * Markdown with math, for model output (untrusted). markdown-it is used as a *parser only*: its tokens
 * become a small tree of plain data (`MdNode`) with a fixed set of tags, which `render-markdown.ts` turns
 * into DOM nodes. No HTML string is ever produced from the text, so nothing in a trace can become markup:
 * raw HTML stays text (`html: false`), links carry no href (the extension opens them after asking), images
 * become their alt text, and math is handed to KaTeX as a formula. Pure (no DOM), so it is unit-tested in Node.
 */

export type MdNode =
  | { readonly kind: 'text'; readonly text: string; readonly marks: readonly MarkKind[] }
  /**
   * `start`: an ordered list's first number, or an item's own number as written ("1. 1. 1." stays 1, 1, 1
   * instead of markdown's renumbering), so the numbers shown are the ones the model wrote.
   */
  | { readonly kind: 'element'; readonly tag: Tag; readonly children: MdNode[]; readonly start?: number }
  | { readonly kind: 'link'; readonly url: string; readonly children: MdNode[] }
  /** `info`: a fence's info string ("```python"), shown above the block rather than dropped. */
  | {
      readonly kind: 'code';
      readonly block: boolean;
      readonly text: string;
      readonly marks: readonly MarkKind[];
      readonly info?: string;
    }
  | { readonly kind: 'math'; readonly display: boolean; readonly tex: string; readonly marks: readonly MarkKind[] }
  /** Text shown as written (too long or too deeply nested to parse as markdown). */
  | { readonly kind: 'plain'; readonly children: MdNode[] };

/** The only elements markdown can produce. */
export const TAGS = [
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'em',
  'strong',
  's',
  'hr',
  'br',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
] as const;
export type Tag = (typeof TAGS)[number];
const TAG_SET = new Set<string>(TAGS);

/** Highlights laid over the source text: search hits and the extracted answer. */
export type MarkKind = 'hit' | 'extracted';
export interface MarkRange {
  readonly kind: MarkKind;
  readonly start: number;
  readonly end: number;
}

// Private Use Area characters stand for the start and end of each kind of mark while markdown-it parses;
// ones already in the text are dropped first so that they cannot be misread.
const OPEN: Record<MarkKind, string> = { hit: '\uE000', extracted: '\uE002' };
const CLOSE: Record<MarkKind, string> = { hit: '\uE001', extracted: '\uE003' };
const MARKERS = /[\uE000-\uE003]/g;

type Token = ReturnType<MarkdownIt['parse']>[number];
type InlineRule = Parameters<MarkdownIt['inline']['ruler']['before']>[2];
type BlockRule = Parameters<MarkdownIt['block']['ruler']['before']>[2];

const parsers = new Map<boolean, MarkdownIt>();

/**
 * The parser: no raw HTML, no autolinking, no typographer, nesting capped (deep input stays flat text).
 * Without `code`, backticks and indentation are text: problem statements use LaTeX's ``quotes'' and
 * indented lines, which markdown would turn into code.
 */
function md(code = true): MarkdownIt {
  let parser = parsers.get(code);
  if (parser) return parser;
  parser = new MarkdownIt('default', { html: false, linkify: false, typographer: false, breaks: false });
  // deeper nesting (100,000 `>` or `[`) stays text instead of recursing (an option the typings omit)
  (parser.options as { maxNesting?: number }).maxNesting = MAX_NESTING;
  parser.inline.ruler.before('escape', 'math_inline', mathInline);
  parser.block.ruler.before('fence', 'math_block', mathBlock, {
    alt: ['paragraph', 'reference', 'blockquote', 'list'],
  });
  // Text stays as written: "&amp;" is not decoded (a model wrote those characters), and a line like
  // "[1]: see above" is not a link reference definition, which markdown would consume and never show.
  parser.disable(['entity', 'reference']);
  if (!code) parser.disable(['backticks', 'code', 'fence']);
  parsers.set(code, parser);
  return parser;
}

/** A link target as written: markdown-it percent-encodes it ("数" → "%E6%95%B0"). */
export function readableUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

/** Links the extension may offer to open (after asking); anything else stays text. */
export function isOpenableUrl(url: string): boolean {
  return /^(https?:\/\/|mailto:)/i.test(url.trim());
}

/** Parsing is cut into chunks of about this many characters at blank lines; a longer paragraph stays plain text. */
export const CHUNK_CHARS = 20_000;
const MAX_NESTING = 40;

export function markdownToTree(
  text: string,
  marks: readonly MarkRange[] = [],
  options: { code?: boolean } = {},
): MdNode[] {
  const state: MarkState = { open: new Set<MarkKind>() };
  const root: MdNode[] = [];
  // markdown-it is fast on ordinary text but super-linear on some hostile input (100,000 `[` take a
  // second): parsing chunk by chunk keeps the page responsive whatever a trace holds.
  for (const chunk of chunks(withMarkers(text.replace(MARKERS, ''), marks))) {
    if (chunk.length > CHUNK_CHARS) {
      root.push({ kind: 'plain', children: textNodes(chunk, state) });
      continue;
    }
    const before = new Set(state.open);
    const tokens = md(options.code ?? true).parse(chunk, {});
    // past the nesting cap markdown-it drops the rest of the input: show such a chunk as text instead
    if (tokens.some((t) => t.level >= MAX_NESTING - 1)) {
      state.open = before;
      root.push({ kind: 'plain', children: textNodes(chunk, state) });
      continue;
    }
    const stack: MdNode[][] = [root];
    const top = () => stack[stack.length - 1]!;
    for (const t of tokens) {
      if (t.type === 'inline') inline(t.children ?? [], top(), state);
      else block(t, stack, state);
    }
  }
  return root;
}

/** The text cut at blank lines outside code fences into pieces of at most CHUNK_CHARS (when it can). */
function chunks(text: string): string[] {
  if (text.length <= CHUNK_CHARS) return [text];
  const out: string[] = [];
  let current = '';
  let fenced = false;
  let paragraph = '';
  const endParagraph = () => {
    if (current && current.length + paragraph.length > CHUNK_CHARS) {
      out.push(current);
      current = '';
    }
    current += paragraph;
    paragraph = '';
  };
  for (const line of text.split(/(?<=\n)/)) {
    if (/^\s{0,3}(```|~~~)/.test(line)) fenced = !fenced;
    paragraph += line;
    if (!fenced && line.trim() === '') endParagraph();
  }
  endParagraph();
  if (current) out.push(current);
  return out;
}

function block(t: Token, stack: MdNode[][], state: MarkState): void {
  const top = stack[stack.length - 1]!;
  if (t.type === 'math_block') {
    top.push(math(t.content, true, state));
    return;
  }
  if (t.type === 'fence' || t.type === 'code_block') {
    const c = code(t.content, true, state);
    const info = t.type === 'fence' ? t.info.replace(MARKERS, '').trim() : '';
    top.push(info && c.kind === 'code' ? { ...c, info } : c);
    return;
  }
  if (t.type === 'hr') {
    top.push({ kind: 'element', tag: 'hr', children: [] });
    return;
  }
  if (t.type === 'html_block') {
    // unreachable with html: false; kept as text should a preset ever change
    top.push(...textNodes(t.content, state));
    return;
  }
  if (t.nesting === 1) {
    const children: MdNode[] = [];
    if (t.type === 'ordered_list_open')
      top.push({ kind: 'element', tag: 'ol', children, start: Number(t.attrGet('start') ?? 1) });
    else if (t.type === 'list_item_open' && /^\d+$/.test(t.info))
      top.push({ kind: 'element', tag: 'li', children, start: Number(t.info) });
    else
      top.push(
        TAG_SET.has(t.tag) ? { kind: 'element', tag: t.tag as Tag, children } : { kind: 'element', tag: 'p', children },
      );
    stack.push(children);
  } else if (t.nesting === -1 && stack.length > 1) stack.pop();
}

interface MarkState {
  open: Set<MarkKind>;
}

function inline(tokens: readonly Token[], out: MdNode[], state: MarkState): void {
  const stack: MdNode[][] = [out];
  const top = () => stack[stack.length - 1]!;
  for (const t of tokens) {
    switch (t.type) {
      case 'text':
      case 'html_inline':
        top().push(...textNodes(t.content, state));
        break;
      case 'code_inline':
        top().push(code(t.content, false, state));
        break;
      case 'math_inline':
        // `\[…\]`, `$$…$$` and environments inside a paragraph are display math all the same
        top().push(math(t.content, t.markup !== '$' && t.markup !== '\\(', state));
        break;
      case 'softbreak':
        top().push(...textNodes('\n', state));
        break;
      case 'hardbreak':
        top().push({ kind: 'element', tag: 'br', children: [] });
        break;
      case 'image':
        // never loaded: the alt text stands in its place
        top().push(...textNodes(`[image: ${t.content || 'untitled'}]`, state));
        break;
      case 'link_open': {
        const url = (t.attrGet('href') ?? '').replace(MARKERS, '');
        const children: MdNode[] = [];
        if (isOpenableUrl(url)) top().push({ kind: 'link', url, children });
        else {
          // never a link, but what was written stays: the text, then the target as text
          top().push({ kind: 'element', tag: 'em', children }, ...textNodes(` (${readableUrl(url)})`, state));
        }
        stack.push(children);
        break;
      }
      default:
        if (t.nesting === 1) {
          const children: MdNode[] = [];
          top().push({ kind: 'element', tag: TAG_SET.has(t.tag) ? (t.tag as Tag) : 'em', children });
          stack.push(children);
        } else if (t.nesting === -1 && stack.length > 1) stack.pop();
        else if (t.content) top().push(...textNodes(t.content, state));
    }
  }
}

/** Text split at the markers, each piece with the marks open over it. */
function textNodes(text: string, state: MarkState): MdNode[] {
  const out: MdNode[] = [];
  let last = 0;
  const flush = (end: number) => {
    if (end > last) out.push({ kind: 'text', text: text.slice(last, end), marks: [...state.open] });
  };
  for (let i = 0; i < text.length; i++) {
    const kind = markerKind(text[i]!);
    if (!kind) continue;
    flush(i);
    last = i + 1;
    if (kind[1]) state.open.add(kind[0]);
    else state.open.delete(kind[0]);
  }
  flush(text.length);
  return out;
}

/** Math or code: markers inside are removed and the whole element carries every mark open in or over it. */
function marksIn(content: string, state: MarkState): { text: string; marks: MarkKind[] } {
  const marks = new Set(state.open);
  for (const ch of content) {
    const kind = markerKind(ch);
    if (!kind) continue;
    marks.add(kind[0]);
    if (kind[1]) state.open.add(kind[0]);
    else state.open.delete(kind[0]);
  }
  return { text: content.replace(MARKERS, ''), marks: [...marks] };
}

function math(content: string, display: boolean, state: MarkState): MdNode {
  const { text, marks } = marksIn(content, state);
  return { kind: 'math', display, tex: text, marks };
}

function code(content: string, block: boolean, state: MarkState): MdNode {
  const { text, marks } = marksIn(content, state);
  return { kind: 'code', block, text: block ? text.replace(/\n$/, '') : text, marks };
}

function markerKind(ch: string): [MarkKind, boolean] | undefined {
  switch (ch) {
    case OPEN.hit:
      return ['hit', true];
    case CLOSE.hit:
      return ['hit', false];
    case OPEN.extracted:
      return ['extracted', true];
    case CLOSE.extracted:
      return ['extracted', false];
    default:
      return undefined;
  }
}

/** The text with marker characters inserted at the ranges' ends (ranges out of bounds are clipped). */
export function withMarkers(text: string, marks: readonly MarkRange[]): string {
  if (marks.length === 0) return text;
  const at: { pos: number; s: string; order: number }[] = [];
  for (const m of marks) {
    const start = Math.max(0, Math.min(text.length, m.start));
    const end = Math.max(start, Math.min(text.length, m.end));
    if (end === start) continue;
    at.push({ pos: start, s: OPEN[m.kind], order: 1 }, { pos: end, s: CLOSE[m.kind], order: 0 });
  }
  at.sort((a, b) => a.pos - b.pos || a.order - b.order);
  let out = '';
  let last = 0;
  for (const a of at) {
    out += text.slice(last, a.pos) + a.s;
    last = a.pos;
  }
  return out + text.slice(last);
}

// ---- math syntax: $…$, \(…\), $$…$$, \[…\] and \begin{env}…\end{env} -------------------------------------
//
// Every one of them is found anywhere in a paragraph (mid-line, spanning lines, text after the closing
// delimiter), and a block is taken only when nothing follows its closing delimiter on that line: a block
// rule that stopped at the delimiter would drop the rest of the line ("\[\nx\n\]THIS TEXT" lost "THIS TEXT").

// Where a search for a closing delimiter found none, per inline run (its parser state): a later opening
// cannot find one either, so long texts full of unmatched openings stay linear.
const noClose = new WeakMap<object, Map<string, number>>();

function findClose(run: object, src: string, close: string, from: number): number {
  let misses = noClose.get(run);
  if (!misses) noClose.set(run, (misses = new Map()));
  const missFrom = misses.get(close);
  if (missFrom !== undefined && from >= missFrom) return -1;
  let i = src.indexOf(close, from);
  // a `$` closes only when not escaped
  while (i > 0 && close === '$' && src[i - 1] === '\\') i = src.indexOf(close, i + 1);
  if (i < 0) misses.set(close, Math.min(from, missFrom ?? from));
  return i;
}

/** `\begin{align*}`: the environments KaTeX knows are names of letters with an optional star. */
const ENV_OPEN = /^\\begin\{([A-Za-z]+\*?)\}/;

const mathInline: InlineRule = (state, silent) => {
  const src = state.src;
  const pos = state.pos;
  let open: string;
  let close: string;
  const env = src.startsWith('\\begin{', pos) ? ENV_OPEN.exec(src.slice(pos, pos + 64)) : null;
  if (src.startsWith('\\(', pos)) [open, close] = ['\\(', '\\)'];
  else if (src.startsWith('\\[', pos)) [open, close] = ['\\[', '\\]'];
  else if (env) [open, close] = ['', `\\end{${env[1]}}`];
  else if (src[pos] === '$' && src[pos + 1] !== '$') [open, close] = ['$', '$'];
  else if (src.startsWith('$$', pos)) [open, close] = ['$$', '$$'];
  else return false;
  // an environment is its own delimiter: KaTeX gets \begin{…}…\end{…} whole
  const start = pos + (env ? env[0].length : open.length);
  const end = findClose(state, src, close, start);
  if (end < 0 || end === start) return false;
  const content = env ? src.slice(pos, end + close.length) : src.slice(start, end);
  if (env) {
    if (!silent) {
      const token = state.push('math_inline', 'math', 0);
      token.content = content;
      token.markup = 'env';
    }
    state.pos = end + close.length;
    return true;
  }
  // "$5 and $10": a single-dollar formula neither starts nor ends with a space, nor is followed by a digit
  if (open === '$' && (/^\s|\s$/.test(content) || /\d/.test(src[end + 1] ?? ''))) return false;
  if (!silent) {
    const token = state.push('math_inline', 'math', 0);
    token.content = content;
    token.markup = open;
  }
  state.pos = end + close.length;
  return true;
};

const mathBlock: BlockRule = (state, startLine, endLine, silent) => {
  const lineStart = state.bMarks[startLine]! + state.tShift[startLine]!;
  const lineEnd = state.eMarks[startLine]!;
  const first = state.src.slice(lineStart, lineEnd);
  const open = first.startsWith('$$') ? '$$' : first.startsWith('\\[') ? '\\[' : undefined;
  if (!open) return false;
  const close = open === '$$' ? '$$' : '\\]';
  let content: string;
  let line = startLine;
  const rest = first.slice(open.length);
  const sameLine = rest.indexOf(close);
  if (sameLine >= 0) {
    if (rest.slice(sameLine + close.length).trim()) return false; // "$$a$$ b" is inline math in a paragraph
    content = rest.slice(0, sameLine);
  } else {
    const parts = [rest];
    let found = false;
    for (line = startLine + 1; line < endLine; line++) {
      const s = state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]!);
      const i = s.indexOf(close);
      if (i >= 0) {
        // text after the closing delimiter: a paragraph, where the inline rule keeps it
        if (s.slice(i + close.length).trim()) return false;
        parts.push(s.slice(0, i));
        found = true;
        break;
      }
      parts.push(s);
    }
    if (!found) return false;
    content = parts.join('\n');
  }
  if (silent) return true;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.content = content;
  token.markup = open;
  token.map = [startLine, line + 1];
  state.line = line + 1;
  return true;
};
