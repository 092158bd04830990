/**
 * LaTeX as readable plain text for places too small or too many for KaTeX (list rows, tooltips):
 * "\frac{1}{9}" → "1/9", "4:30 \text{ p.m.}" → "4:30 p.m.", "\sqrt{2}" → "√2", "x^2" → "x²". Never
 * drops what it does not know: an unknown command keeps its name ("\foo" → "foo"). Pure.
 */
const SYMBOLS: Record<string, string> = {
  pi: 'π',
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  theta: 'θ',
  lambda: 'λ',
  mu: 'μ',
  sigma: 'σ',
  phi: 'φ',
  omega: 'ω',
  Delta: 'Δ',
  Omega: 'Ω',
  cdot: '·',
  times: '×',
  div: '÷',
  pm: '±',
  mp: '∓',
  le: '≤',
  leq: '≤',
  ge: '≥',
  geq: '≥',
  ne: '≠',
  neq: '≠',
  approx: '≈',
  equiv: '≡',
  sim: '∼',
  infty: '∞',
  circ: '°',
  degree: '°',
  in: '∈',
  notin: '∉',
  cup: '∪',
  cap: '∩',
  subset: '⊂',
  subseteq: '⊆',
  emptyset: '∅',
  varnothing: '∅',
  to: '→',
  rightarrow: '→',
  Rightarrow: '⇒',
  leftarrow: '←',
  iff: '⇔',
  implies: '⇒',
  sum: '∑',
  prod: '∏',
  int: '∫',
  partial: '∂',
  nabla: '∇',
  angle: '∠',
  triangle: '△',
  perp: '⊥',
  parallel: '∥',
  ldots: '…',
  cdots: '⋯',
  dots: '…',
  prime: '′',
  neg: '¬',
  land: '∧',
  lor: '∨',
  forall: '∀',
  exists: '∃',
  sqrt: '√',
  '%': '%',
  $: '$',
  '{': '{',
  '}': '}',
  '&': '&',
  '#': '#',
  _: '_',
  ',': ' ',
  ';': ' ',
  ':': ' ',
  '!': '',
  quad: ' ',
  qquad: '  ',
  ' ': ' ',
};
/** Commands that only style their argument: the argument stays, the command goes. */
const STYLE = new Set([
  'text',
  'textbf',
  'textit',
  'mathrm',
  'mathbf',
  'mathit',
  'mathbb',
  'mathcal',
  'operatorname',
  'boxed',
  'emph',
  'mbox',
  'hbox',
  'textrm',
  'displaystyle',
  'left',
  'right',
  'big',
  'Big',
  'bigl',
  'bigr',
  'Bigl',
  'Bigr',
  'tfrac',
  'dfrac',
  'frac',
  'overline',
  'underline',
  'hat',
  'vec',
  'bar',
  'tilde',
]);
const SUPER: Record<string, string> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '+': '⁺',
  '-': '⁻',
  n: 'ⁿ',
  i: 'ⁱ',
};

/** One {…} group (or one character / command) starting at i: its source and where it ends. */
function group(s: string, i: number): { text: string; end: number } {
  while (s[i] === ' ') i++;
  if (s[i] === '{') {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      if (s[j] === '{') depth++;
      else if (s[j] === '}' && --depth === 0) return { text: s.slice(i + 1, j), end: j + 1 };
    }
    return { text: s.slice(i + 1), end: s.length };
  }
  if (s[i] === '\\') {
    const m = /^\\([A-Za-z]+|.)/.exec(s.slice(i));
    if (m) return { text: m[0], end: i + m[0].length };
  }
  return { text: s[i] ?? '', end: i + 1 };
}

export function readableTex(tex: string): string {
  let out = '';
  for (let i = 0; i < tex.length;) {
    const c = tex[i]!;
    if (c === '\\') {
      const m = /^\\([A-Za-z]+|.)/.exec(tex.slice(i));
      if (!m) {
        out += c;
        i++;
        continue;
      }
      const name = m[1]!;
      i += m[0].length;
      if (name === 'frac' || name === 'dfrac' || name === 'tfrac') {
        const a = group(tex, i);
        const b = group(tex, a.end);
        const wrap = (x: string) => (/^[\p{L}\p{N}.]+$/u.test(x) ? x : `(${x})`);
        out += `${wrap(readableTex(a.text))}/${wrap(readableTex(b.text))}`;
        i = b.end;
      } else if (name === 'sqrt') {
        const a = group(tex, i);
        out += `√${/^[\p{L}\p{N}]+$/u.test(readableTex(a.text)) ? readableTex(a.text) : `(${readableTex(a.text)})`}`;
        i = a.end;
      } else if (STYLE.has(name)) {
        if (tex[i] === '{') {
          const a = group(tex, i);
          out += readableTex(a.text);
          i = a.end;
        }
      } else if (name in SYMBOLS) out += SYMBOLS[name];
      else out += name; // unknown: its name, never nothing
    } else if (c === '^') {
      const a = group(tex, i + 1);
      const inner = readableTex(a.text);
      out += [...inner].every((ch) => ch in SUPER) ? [...inner].map((ch) => SUPER[ch]).join('') : `^(${inner})`;
      i = a.end;
    } else if (c === '_') {
      const a = group(tex, i + 1);
      const inner = readableTex(a.text);
      out += inner.length === 1 ? `_${inner}` : `_(${inner})`;
      i = a.end;
    } else if (c === '{' || c === '}') i++;
    else if (c === '~') {
      out += ' ';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

const FORMULA = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|\$([^$\n]+?)\$/g;

/** Text whose $…$, $$…$$, \(…\) and \[…\] formulas are made readable, the rest (its spaces too) as it is. */
export function readableText(text: string): string {
  return text.replace(FORMULA, (_m, a: string, b: string, c: string, d: string) => readableTex(a ?? b ?? c ?? d));
}

/** A line of text whose formulas are made readable, its whitespace collapsed (a list row). */
export function readableLine(text: string): string {
  return readableText(text).replace(/\s+/g, ' ').trim();
}
