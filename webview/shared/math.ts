import katex from 'katex';
import 'katex/dist/katex.css';
import { MATH_LIMITS, KATEX_OPTIONS, tooBigToRender } from './math-limits';

/** A rendered formula (or its source, when it cannot be rendered safely). */
export function renderMath(tex: string, display: boolean): HTMLElement {
  const el = document.createElement(display ? 'div' : 'span');
  el.className = display ? 'math math-display' : 'math math-inline';
  const reason = tooBigToRender(tex);
  if (!reason) {
    try {
      katex.render(tex, el, { ...KATEX_OPTIONS, displayMode: display });
      return el;
    } catch {
      // a RangeError (stack) or anything KaTeX did not turn into an error node: fall through to source
      el.textContent = '';
    }
  }
  el.classList.add('math-source');
  const code = document.createElement('code');
  code.textContent = tex.length > MATH_LIMITS.shownChars ? `${tex.slice(0, MATH_LIMITS.shownChars)}…` : tex;
  el.appendChild(code);
  if (reason) {
    const note = document.createElement('span');
    note.className = 'math-note';
    note.textContent = ` (${reason})`;
    el.appendChild(note);
  }
  return el;
}
