import { html, nothing, type TemplateResult } from 'lit';

/** Text with hit ranges as Lit text bindings and <mark> elements: the text never becomes markup. */
export function highlighted(
  text: string,
  hits: readonly (readonly [number, number])[],
  className = 'mark-hit',
): TemplateResult | typeof nothing {
  if (!text) return nothing;
  if (hits.length === 0) return html`${text}`;
  const parts: (string | TemplateResult)[] = [];
  let last = 0;
  for (const [s, e] of hits) {
    const start = Math.max(last, Math.min(text.length, s));
    const end = Math.max(start, Math.min(text.length, e));
    if (start > last) parts.push(text.slice(last, start));
    if (end > start) parts.push(html`<mark class=${className}>${text.slice(start, end)}</mark>`);
    last = end;
  }
  if (last < text.length) parts.push(text.slice(last));
  return html`${parts}`;
}
