/**
 * KaTeX for untrusted formulas: `trust: false` (no \href, \url, \htmlClass… that could carry a link or
 * markup), `maxSize` and `maxExpand` (no giant boxes, no macro bombs), `throwOnError: false` (a bad
 * formula shows as red source). KaTeX renders into DOM nodes, never an HTML string, and sets its sizes
 * through the CSSOM, which the webview's CSP allows without 'unsafe-inline'.
 *
 * Formulas too long or nested too deeply for the parser to finish quickly (a 1 MB formula, 100,000
 * nested braces) are shown as source text instead: KaTeX's parser is recursive and would overflow the
 * stack or stall the page.
 */
export const MATH_LIMITS = { maxChars: 4000, maxDepth: 50, maxSize: 20, maxExpand: 500, shownChars: 2000 } as const;

export const KATEX_OPTIONS = {
  throwOnError: false,
  trust: false,
  strict: 'ignore',
  maxSize: MATH_LIMITS.maxSize,
  maxExpand: MATH_LIMITS.maxExpand,
  output: 'htmlAndMathml',
} as const;

/** Why a formula is shown as text, or undefined when KaTeX may render it. */
export function tooBigToRender(tex: string): string | undefined {
  if (tex.length > MATH_LIMITS.maxChars) return `formula of ${tex.length.toLocaleString()} characters, shown as text`;
  let depth = 0;
  for (let i = 0; i < tex.length; i++) {
    const c = tex.charCodeAt(i);
    if (c === 123 /* { */) {
      if (++depth > MATH_LIMITS.maxDepth) return `formula nested more than ${MATH_LIMITS.maxDepth} deep, shown as text`;
    } else if (c === 125 /* } */) depth = Math.max(0, depth - 1);
  }
  return undefined;
}
