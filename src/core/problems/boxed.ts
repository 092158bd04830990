/** Content of the last `\boxed{…}` or `\fbox{…}` in `text`, brace-matched; null when there is none. */
export function lastBoxed(text: string): string | null {
  let best: string | null = null;
  const re = /\\(?:boxed|fbox)\s*\{/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    if (depth === 0) best = text.slice(start, i - 1);
  }
  return best;
}
