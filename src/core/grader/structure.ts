/** Shapes of an answer: matrices, unions, lists, sets, tuples/intervals, relations, scalars. */

export type Shape =
  | { kind: 'matrix'; rows: string[][] }
  | { kind: 'union'; parts: string[] }
  | { kind: 'list'; items: string[] }
  | { kind: 'set'; items: string[] }
  | { kind: 'tuple'; open: '(' | '['; close: ')' | ']'; items: string[] }
  | { kind: 'relation'; ops: string[]; sides: string[] }
  | { kind: 'scalar'; s: string };

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/** Split at top-level separators. `seps` are literal strings matched at depth 0. */
export function splitTop(s: string, seps: string[]): { parts: string[]; found: string[] } {
  const parts: string[] = [];
  const found: string[] = [];
  let depth = 0;
  let start = 0;
  let envDepth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      // an escaped brace (`\{`, `\}`) nests as a brace: the brace after the backslash is counted as one below
      if (s.startsWith('\\begin', i)) envDepth++;
      else if (s.startsWith('\\end', i)) envDepth--;
      if (depth === 0 && envDepth === 0) {
        const sep = seps.find(
          (x) => x.startsWith('\\') && s.startsWith(x, i) && !/[a-zA-Z]/.test(s[i + x.length] ?? ''),
        );
        if (sep) {
          parts.push(s.slice(start, i));
          found.push(sep);
          i += sep.length - 1;
          start = i + 1;
          continue;
        }
      }
      const cmd = /^\\[a-zA-Z]+/.exec(s.slice(i, i + 30));
      if (cmd) i += cmd[0].length - 1;
      continue;
    }
    if (OPEN.has(c)) depth++;
    else if (CLOSE.has(c)) depth--;
    else if (depth === 0 && envDepth === 0) {
      const sep = seps.find((x) => !x.startsWith('\\') && s.startsWith(x, i));
      if (sep) {
        parts.push(s.slice(start, i));
        found.push(sep);
        i += sep.length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(s.slice(start));
  return { parts: parts.map((p) => p.trim()), found };
}

/** Index of the bracket closing the one at 0 (any bracket type closes: intervals mix them), or -1. */
function closingOf(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      if (s[i + 1] === '{' || s[i + 1] === '}') {
        depth += s[i + 1] === '{' ? 1 : -1;
        if (depth === 0) return i;
        i++;
      }
      continue;
    }
    if (OPEN.has(c)) depth++;
    else if (CLOSE.has(c)) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const MATRIX_RE = /^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^}]*\})?([\s\S]*)\\end\{\1\}$/;
/** A matrix wrapped in brackets or parentheses (`\left[\begin{array}…\end{array}\right]`, `(\begin{pmatrix}…)`). */
const WRAPPED_MATRIX_RE = /^[[(]\s*(\\begin\{([pbvBV]?matrix|array)\}[\s\S]*\\end\{\2\})\s*[\])]$/;
const THOUSANDS_RE = /^-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/;
const REL_OPS = ['\\leq', '\\geq', '\\neq', '=', '<', '>'];

/** `a \pm b` as the two values it stands for, or null (only one top-level `\pm`/`\mp`). */
function plusMinus(t: string): string[] | null {
  const sp = splitTop(t, ['\\pm', '\\mp']);
  if (sp.parts.length !== 2) return null;
  const [a, b] = sp.parts;
  if (!b) return null;
  if (!a) return [b, `-(${b})`];
  if (/[=<>]|\\(?:leq|geq|neq)/.test(a)) return null;
  return [`${a}+(${b})`, `${a}-(${b})`];
}

/** List items; a first item `n = 1` followed by bare values assigns the whole list (`n = 1, 2, 3`). */
function listItems(items: string[]): string[] {
  if (items.length < 2) return items;
  const first = splitTop(items[0], REL_OPS);
  if (first.found.length === 1 && first.found[0] === '=' && isAssignmentTarget(first.parts[0])) {
    const restBare = items.slice(1).every((x) => splitTop(x, REL_OPS).found.length === 0);
    if (restBare) return [first.parts[1], ...items.slice(1)];
  }
  return items;
}

export function shapeOf(s: string): Shape {
  let t = s.trim();
  const wrapped = WRAPPED_MATRIX_RE.exec(t);
  if (wrapped) t = wrapped[1];
  const mx = MATRIX_RE.exec(t);
  if (mx && !mx[2].includes(`\\end{${mx[1]}}`)) {
    const rows = mx[2]
      .split(/\\\\/)
      .map((r) => r.trim())
      .filter((r) => r.length > 0)
      .map((r) => r.split('&').map((c) => c.trim()));
    return { kind: 'matrix', rows };
  }
  if (THOUSANDS_RE.test(t)) return { kind: 'scalar', s: t.replace(/,/g, '') };
  // `a \approx b` is a (a symbol's value: b): latex2sympy2_extended 1.10.2 drops the approximation
  const approx = splitTop(t, ['\\approx']);
  if (approx.parts.length > 1 && approx.parts[0] && approx.parts[1]) {
    const right = approx.parts.slice(1).join(' \\approx ');
    return shapeOf(isAssignmentTarget(approx.parts[0]) ? right : approx.parts[0]);
  }
  const union = splitTop(t, ['\\cup']);
  if (union.parts.length > 1) return { kind: 'union', parts: union.parts };
  const groups = splitTop(t, [';']);
  if (groups.parts.length > 1 && groups.parts.every((p) => p.length > 0)) {
    // `p=5,q=2;p=7,q=2`: semicolons separate solutions, commas the values of one solution
    const items = groups.parts.map((g) => {
      const inner = splitTop(g, [',']).parts;
      return inner.length > 1 ? `(${g})` : g;
    });
    return { kind: 'list', items };
  }
  const list = splitTop(t, [',']);
  if (list.parts.length > 1 && list.parts.every((p) => p.length > 0))
    return { kind: 'list', items: listItems(list.parts) };
  const pm = plusMinus(t);
  if (pm) return { kind: 'set', items: pm };
  if (t.startsWith('\\{') && t.endsWith('\\}') && closingOf(t) === t.length - 2) {
    const inner = t.slice(2, -2).trim();
    return { kind: 'set', items: inner ? listItems(splitTop(inner, [',', ';']).parts) : [] };
  }
  if (t.startsWith('{') && t.endsWith('}') && closingOf(t) === t.length - 1) {
    // `{1,3}`: braces around a list are a set (latex2sympy2_extended reads them so)
    const inner = splitTop(t.slice(1, -1), [',', ';']).parts;
    if (inner.length > 1) return { kind: 'set', items: listItems(inner) };
    return shapeOf(t.slice(1, -1));
  }
  if ((t[0] === '(' || t[0] === '[') && (t.endsWith(')') || t.endsWith(']')) && closingOf(t) === t.length - 1) {
    const inner = t.slice(1, -1);
    let items = splitTop(inner, [',']).parts;
    if (items.length === 1) items = splitTop(inner, [';']).parts;
    if (items.length > 1) {
      return { kind: 'tuple', open: t[0] as '(' | '[', close: t[t.length - 1] as ')' | ']', items };
    }
  }
  const rel = splitTop(t, REL_OPS);
  if (rel.parts.length > 1 && rel.parts.every((p) => p.length > 0))
    return { kind: 'relation', ops: rel.found, sides: rel.parts };
  return { kind: 'scalar', s: t };
}

/**
 * The left side of an assignment that can be dropped: made of symbols only, as latex2sympy2_extended's
 * `is_expr_of_only_symbols` decides (`x`, `y_1`, `f(x)`, `m_{\max}`, `AB`, `|AB|`, `A:B`, `\frac{NO}{BO}`,
 * `(p,q)`), never one with a number in it (`2x`, `a^2+b`, `7`).
 */
export function isAssignmentTarget(lhs: string): boolean {
  const t = lhs.trim();
  if (!t || t.length > 40) return false;
  if (
    /^(?:[a-zA-Z]|\\[a-zA-Z]+)(?:'*)(?:_\{?[^=<>{}]*\}?)?(?:\([^=<>()]*\))?$/.test(t) &&
    !/^\\(?:pi|infty|e)$/.test(t)
  )
    return true;
  const tuple = /^\((.*)\)$/.exec(t);
  if (tuple && tuple[1].includes(',')) return splitTop(tuple[1], [',']).parts.every((x) => isAssignmentTarget(x));
  // products, quotients, ratios and absolute values of symbols; subscripts may hold anything
  const bare = t
    .replace(/_\{[^{}]*\}|_[a-zA-Z0-9]/g, '')
    .replace(/\\(?:frac|dfrac|tfrac)/g, '')
    .replace(/\\(?:mathrm|text|mathbf|operatorname)\s*/g, '')
    .replace(/\\(?:alpha|beta|gamma|delta|theta|lambda|mu|sigma|phi|omega|angle|triangle|max|min)(?![a-zA-Z])/g, 'x');
  return /^[a-zA-Z{}()|:/\s+]+$/.test(bare) && /[a-zA-Z]/.test(bare) && !/\\/.test(bare);
}

const FLIP: Record<string, string> = {
  '<': '>',
  '>': '<',
  '\\leq': '\\geq',
  '\\geq': '\\leq',
  '=': '=',
  '\\neq': '\\neq',
};
export function flipOp(op: string): string {
  return FLIP[op] ?? op;
}

type Interval = { open: '(' | '['; close: ')' | ']'; items: string[] };

/**
 * A one-variable relation as the set it describes: `x > 3` → `(3,\infty)`, `-1 \leq x < 2` → `[-1,2)`,
 * `0 < f(x) < 1` → `(0,1)`, `1 \leq |z| \leq \frac{3}{2}` → `[-\frac{3}{2},-1] \cup [1,\frac{3}{2}]`;
 * null otherwise.
 */
export function relationToSet(r: { ops: string[]; sides: string[] }): Interval[] | null {
  const isVar = (x: string): boolean =>
    /^[a-zA-Z](?:_\{?\w+\}?)?$/.test(x.trim()) || /^[a-zA-Z]\([a-zA-Z]\)$/.test(x.trim());
  const absVar = (x: string): boolean => /^\|\s*[a-zA-Z]\s*\|$/.test(x.trim());
  if (r.sides.length === 2) {
    let [a, b] = r.sides;
    let op = r.ops[0];
    if ((isVar(b) || absVar(b)) && !(isVar(a) || absVar(a))) {
      [a, b] = [b, a];
      op = flipOp(op);
    }
    if (isVar(a)) {
      if (op === '>') return [{ open: '(', close: ')', items: [b, '\\infty'] }];
      if (op === '\\geq') return [{ open: '[', close: ')', items: [b, '\\infty'] }];
      if (op === '<') return [{ open: '(', close: ')', items: ['-\\infty', b] }];
      if (op === '\\leq') return [{ open: '(', close: ']', items: ['-\\infty', b] }];
    }
    return null;
  }
  if (r.sides.length === 3) {
    let ops = r.ops;
    let sides = r.sides;
    if (ops.every((o) => o === '>' || o === '\\geq')) {
      ops = [...ops].reverse().map(flipOp);
      sides = [...sides].reverse();
    }
    const [o1, o2] = ops;
    const lower = (o: string): '(' | '[' | null => (o === '<' ? '(' : o === '\\leq' ? '[' : null);
    const upper = (o: string): ')' | ']' | null => (o === '<' ? ')' : o === '\\leq' ? ']' : null);
    const open = lower(o1);
    const close = upper(o2);
    if (!open || !close) return null;
    if (isVar(sides[1])) return [{ open, close, items: [sides[0], sides[2]] }];
    if (absVar(sides[1])) {
      // a ≤ |z| ≤ b (a ≥ 0): [-b, -a] ∪ [a, b]
      const flipB = (c: string): '(' | '[' => (c === ')' ? '(' : '[');
      const flipA = (o: string): ')' | ']' => (o === '(' ? ')' : ']');
      return [
        { open: flipB(close), close: flipA(open), items: [`-(${sides[2]})`, `-(${sides[0]})`] },
        { open, close, items: [sides[0], sides[2]] },
      ];
    }
  }
  return null;
}
