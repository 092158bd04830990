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
      if (s[i + 1] === '{' || s[i + 1] === '}') {
        depth += s[i + 1] === '{' ? 1 : -1;
        i++;
        continue;
      }
      if (s.startsWith('\\begin', i)) envDepth++;
      else if (s.startsWith('\\end', i)) envDepth--;
      if (depth === 0 && envDepth === 0) {
        const sep = seps.find((x) => x.startsWith('\\') && s.startsWith(x, i) && !/[a-zA-Z]/.test(s[i + x.length] ?? ''));
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
const THOUSANDS_RE = /^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const REL_OPS = ['\\leq', '\\geq', '\\neq', '\\approx', '=', '<', '>'];

export function shapeOf(s: string): Shape {
  const t = s.trim();
  const mx = MATRIX_RE.exec(t);
  if (mx) {
    const rows = mx[2]
      .split(/\\\\/)
      .map((r) => r.trim())
      .filter((r) => r.length > 0)
      .map((r) => r.split('&').map((c) => c.trim()));
    return { kind: 'matrix', rows };
  }
  if (THOUSANDS_RE.test(t)) return { kind: 'scalar', s: t.replace(/,/g, '') };
  const union = splitTop(t, ['\\cup']);
  if (union.parts.length > 1) return { kind: 'union', parts: union.parts };
  const list = splitTop(t, [',', ';', ' and ', ' or ', '\\text{and}', '\\text{or}']);
  if (list.parts.length > 1 && list.parts.every((p) => p.length > 0)) return { kind: 'list', items: list.parts };
  if (t.startsWith('\\{') && t.endsWith('\\}') && closingOf(t) === t.length - 2) {
    const inner = t.slice(2, -2).trim();
    return { kind: 'set', items: inner ? splitTop(inner, [',', ';']).parts : [] };
  }
  if ((t[0] === '(' || t[0] === '[') && (t.endsWith(')') || t.endsWith(']')) && closingOf(t) === t.length - 1) {
    const inner = t.slice(1, -1);
    const items = splitTop(inner, [',']).parts;
    if (items.length > 1) {
      return { kind: 'tuple', open: t[0] as '(' | '[', close: t[t.length - 1] as ')' | ']', items };
    }
  }
  const rel = splitTop(t, REL_OPS);
  if (rel.parts.length > 1 && rel.parts.every((p) => p.length > 0)) return { kind: 'relation', ops: rel.found, sides: rel.parts };
  return { kind: 'scalar', s: t };
}

/** `x`, `y_1`, `f(x)`, `m_{\max}`, `\theta`: the left side of an assignment that can be dropped. */
export function isAssignmentTarget(lhs: string): boolean {
  const t = lhs.trim();
  return /^(?:[a-zA-Z]|\\[a-zA-Z]+)(?:'*)(?:_\{?[^=<>{}]*\}?)?(?:\^\{?[^=<>{}]*\}?)?(?:\([^=<>()]*\))?$/.test(t) && t.length <= 24;
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '\\leq': '\\geq', '\\geq': '\\leq', '=': '=', '\\neq': '\\neq', '\\approx': '\\approx' };
export function flipOp(op: string): string {
  return FLIP[op] ?? op;
}

/** `x > 3` → `(3,\infty)`, `-1 \leq x < 2` → `[-1,2)`; null when not a one-variable interval. */
export function relationToInterval(r: { ops: string[]; sides: string[] }): { open: '(' | '['; close: ')' | ']'; items: string[] } | null {
  const isVar = (x: string): boolean => /^[a-zA-Z]$/.test(x.trim());
  if (r.sides.length === 2) {
    let [a, b] = r.sides;
    let op = r.ops[0];
    if (isVar(b) && !isVar(a)) {
      [a, b] = [b, a];
      op = flipOp(op);
    }
    if (!isVar(a)) return null;
    if (op === '>') return { open: '(', close: ')', items: [b, '\\infty'] };
    if (op === '\\geq') return { open: '[', close: ')', items: [b, '\\infty'] };
    if (op === '<') return { open: '(', close: ')', items: ['-\\infty', b] };
    if (op === '\\leq') return { open: '(', close: ']', items: ['-\\infty', b] };
    return null;
  }
  if (r.sides.length === 3 && isVar(r.sides[1])) {
    const [o1, o2] = r.ops;
    const lower = (o: string): '(' | '[' | null => (o === '<' ? '(' : o === '\\leq' ? '[' : null);
    const upper = (o: string): ')' | ']' | null => (o === '<' ? ')' : o === '\\leq' ? ']' : null);
    const open = lower(o1);
    const close = upper(o2);
    if (open && close) return { open, close, items: [r.sides[0], r.sides[2]] };
  }
  return null;
}
