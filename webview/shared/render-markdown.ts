import { markdownToTree, readableUrl, type MarkKind, type MarkRange, type MdNode } from './markdown';
import { renderMath } from './math';

export interface RenderOptions {
  readonly marks?: readonly MarkRange[];
  /** Called when a link is clicked: the extension asks before opening it. */
  readonly onLink?: (url: string) => void;
  /** Render math with KaTeX (default) or keep it as source. */
  readonly math?: boolean;
  /** Markdown code spans and blocks (default); off for problem statements written in LaTeX conventions. */
  readonly code?: boolean;
}

/** Markdown with math as DOM nodes (see markdown.ts for why no HTML string is ever built). */
export function renderMarkdown(text: string, options: RenderOptions = {}): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const n of markdownToTree(text, options.marks, { code: options.code })) frag.appendChild(toDom(n, options));
  return frag;
}

function toDom(n: MdNode, o: RenderOptions): Node {
  switch (n.kind) {
    case 'text':
      return marked(document.createTextNode(n.text), n.marks);
    case 'code': {
      const c = document.createElement('code');
      c.textContent = n.text;
      if (!n.block) return marked(c, n.marks);
      const pre = document.createElement('pre');
      if (n.info) {
        // the fence's language, as written
        const lang = document.createElement('span');
        lang.className = 'code-info';
        lang.textContent = n.info;
        pre.appendChild(lang);
      }
      pre.appendChild(c);
      return marked(pre, n.marks);
    }
    case 'math':
      if (o.math === false) {
        const c = document.createElement('code');
        c.className = 'math-source';
        c.textContent = n.display ? `$$${n.tex}$$` : `$${n.tex}$`;
        return marked(c, n.marks);
      }
      return marked(renderMath(n.tex, n.display), n.marks);
    case 'link': {
      // no href: nothing navigates; a click asks the extension, which confirms before opening
      const a = document.createElement('a');
      a.className = 'md-link';
      a.title = readableUrl(n.url);
      a.tabIndex = 0;
      a.setAttribute('role', 'link');
      const open = (e: Event) => {
        e.preventDefault();
        o.onLink?.(n.url);
      };
      a.addEventListener('click', open);
      a.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') open(e);
      });
      for (const c of n.children) a.appendChild(toDom(c, o));
      return a;
    }
    case 'plain': {
      const div = document.createElement('div');
      div.className = 'md-plain';
      for (const c of n.children) div.appendChild(toDom(c, o));
      return div;
    }
    case 'element': {
      const el = document.createElement(n.tag);
      // the numbers as written: an ordered list's start, an item's own number
      if (n.start !== undefined && el instanceof HTMLOListElement) el.start = n.start;
      if (n.start !== undefined && el instanceof HTMLLIElement) el.value = n.start;
      for (const c of n.children) el.appendChild(toDom(c, o));
      return el;
    }
  }
}

/** Wraps a node in <mark> elements, one per kind of highlight over it. */
function marked(node: Node, marks: readonly MarkKind[]): Node {
  let out = node;
  for (const m of marks) {
    const mark = document.createElement('mark');
    mark.className = `mark-${m}`;
    mark.appendChild(out);
    out = mark;
  }
  return out;
}

/** Plain text with highlighted ranges, as text nodes and <mark> elements. */
export function renderHighlighted(text: string, marks: readonly MarkRange[]): DocumentFragment {
  const frag = document.createDocumentFragment();
  const cuts = new Set<number>([0, text.length]);
  for (const m of marks) {
    cuts.add(Math.max(0, Math.min(text.length, m.start)));
    cuts.add(Math.max(0, Math.min(text.length, m.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const [s, e] = [points[i]!, points[i + 1]!];
    const over = marks.filter((m) => m.start <= s && m.end >= e).map((m) => m.kind);
    frag.appendChild(marked(document.createTextNode(text.slice(s, e)), [...new Set(over)]));
  }
  return frag;
}

/** A short answer (gold or extracted): LaTeX rendered when it has any, else the text as it is. */
export function renderAnswer(text: string): HTMLElement {
  if (/[\\^_{}]/.test(text)) return renderMath(text, false);
  const code = document.createElement('code');
  code.className = 'answer-text';
  code.textContent = text;
  return code;
}
