/**
 * A small LaTeX expression parser and complex-number evaluator: the second fast path, before the CAS.
 * Two scalar expressions are judged equal when they agree at several random points for their free
 * variables (polynomial-identity-style testing). Every step is bounded by the input size: no loops
 * that depend on numeric values, so it cannot hang.
 */

export type C = [number, number];
export type Node =
  | { k: 'num'; v: C }
  | { k: 'var'; name: string }
  | { k: 'neg'; a: Node }
  | { k: 'bin'; op: '+' | '-' | '*' | '/' | '^'; a: Node; b: Node }
  | { k: 'fn'; name: string; args: Node[] };

export class ExprError extends Error {}

type Tok = { t: 'num' | 'id' | 'cmd' | 'sym'; v: string };

const MAX_TOKENS = 400;

function tokenize(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\n' || c === '\t') {
      i++;
      continue;
    }
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(s.slice(i, i + 64));
    if (num) {
      toks.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    if (c === '\\') {
      const cmd = /^\\(?:[a-zA-Z]+|.)/.exec(s.slice(i, i + 40));
      if (!cmd) throw new ExprError('bad command');
      toks.push({ t: 'cmd', v: cmd[0] });
      i += cmd[0].length;
      continue;
    }
    if (/[a-zA-Z]/.test(c)) {
      toks.push({ t: 'id', v: c });
      i++;
      continue;
    }
    if ("+-*/^_()[]{}!|,':=".includes(c)) {
      toks.push({ t: 'sym', v: c });
      i++;
      continue;
    }
    throw new ExprError(`unexpected ${c}`);
  }
  if (toks.length > MAX_TOKENS) throw new ExprError('too long');
  return toks;
}

const FUNCS = new Set([
  'sin',
  'cos',
  'tan',
  'sec',
  'csc',
  'cot',
  'arcsin',
  'arccos',
  'arctan',
  'sinh',
  'cosh',
  'tanh',
  'ln',
  'log',
  'exp',
  'lg',
]);
const GREEK = new Set([
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'varepsilon',
  'zeta',
  'eta',
  'theta',
  'vartheta',
  'iota',
  'kappa',
  'lambda',
  'mu',
  'nu',
  'xi',
  'rho',
  'sigma',
  'tau',
  'upsilon',
  'phi',
  'varphi',
  'chi',
  'psi',
  'omega',
  'Gamma',
  'Delta',
  'Theta',
  'Lambda',
  'Xi',
  'Sigma',
  'Phi',
  'Psi',
  'Omega',
  'odot',
  'hbar',
  'ell',
]);

class Parser {
  private p = 0;
  constructor(private readonly toks: Tok[]) {}

  parseAll(): Node {
    const n = this.expr();
    if (this.p !== this.toks.length) throw new ExprError(`trailing ${this.toks[this.p]?.v}`);
    return n;
  }
  private peek(): Tok | undefined {
    return this.toks[this.p];
  }
  private is(v: string): boolean {
    return this.toks[this.p]?.v === v;
  }
  private eat(v: string): void {
    if (!this.is(v)) throw new ExprError(`expected ${v}`);
    this.p++;
  }
  private expr(): Node {
    let n = this.term();
    while (this.is('+') || this.is('-')) {
      const op = this.toks[this.p++].v as '+' | '-';
      n = { k: 'bin', op, a: n, b: this.term() };
    }
    return n;
  }
  private startsFactor(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.t === 'num' || t.t === 'id') return true;
    if (t.t === 'sym') return t.v === '(' || t.v === '[' || t.v === '{';
    if (t.t === 'cmd') {
      const c = t.v.slice(1);
      return (
        ['frac', 'sqrt', 'pi', 'infty', 'binom', 'lfloor', 'lceil', 'exp', 'e', 'sum', 'prod'].includes(c) ||
        FUNCS.has(c) ||
        GREEK.has(c)
      );
    }
    return false;
  }
  private term(): Node {
    let n = this.unary();
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (t.v === '*' || t.v === '\\cdot' || t.v === '\\times') {
        this.p++;
        n = { k: 'bin', op: '*', a: n, b: this.unary() };
      } else if (t.v === '/' || t.v === '\\div' || t.v === ':') {
        this.p++;
        n = { k: 'bin', op: '/', a: n, b: this.unary() };
      } else if (this.startsFactor()) {
        const mixed = n.k === 'num' && n.v[1] === 0 && Number.isInteger(n.v[0]) && n.v[0] >= 0 && t.v === '\\frac';
        const b = this.power();
        // `2\frac{1}{2}` is 2½ when both parts are plain integers (latex2sympy2_extended 1.10.2)
        if (mixed && isLiteralFraction(b)) n = { k: 'bin', op: '+', a: n, b };
        else n = { k: 'bin', op: '*', a: n, b };
      } else break;
    }
    return n;
  }
  private funcArgument(): Node {
    let n = this.power();
    while (this.startsFactor() && !(this.peek()?.t === 'cmd' && FUNCS.has(this.peek()!.v.slice(1)))) {
      n = { k: 'bin', op: '*', a: n, b: this.power() };
    }
    return n;
  }
  /** A product of factors (the body of a sum). */
  private product(): Node {
    let n = this.power();
    while (this.startsFactor()) n = { k: 'bin', op: '*', a: n, b: this.power() };
    return n;
  }
  private unary(): Node {
    if (this.is('-')) {
      this.p++;
      return { k: 'neg', a: this.unary() };
    }
    if (this.is('+')) {
      this.p++;
      return this.unary();
    }
    return this.power();
  }
  private power(): Node {
    const base = this.postfix();
    if (this.is('^')) {
      this.p++;
      const exp = this.scriptArg(true);
      return { k: 'bin', op: '^', a: base, b: exp };
    }
    return base;
  }
  /** Argument of ^ or a command: a `{group}` or a single token (a digit of a number). */
  private scriptArg(allowSigned = false): Node {
    const t = this.peek();
    if (!t) throw new ExprError('missing argument');
    if (t.v === '{') return this.group('{', '}');
    if (allowSigned && t.v === '-') {
      this.p++;
      return { k: 'neg', a: this.scriptArg() };
    }
    if (t.t === 'num') {
      if (t.v.length > 1) {
        // `2^10` is 2^1 · 0 in LaTeX: take one digit, leave the rest
        this.toks[this.p] = { t: 'num', v: t.v.slice(1) };
        return { k: 'num', v: [Number(t.v[0]), 0] };
      }
      this.p++;
      return { k: 'num', v: [Number(t.v), 0] };
    }
    if (t.t === 'id') {
      this.p++;
      return this.ident(t.v, false);
    }
    return this.postfix();
  }
  private group(open: string, close: string): Node {
    this.eat(open);
    const n = this.expr();
    this.eat(close);
    return n;
  }
  private postfix(): Node {
    let n = this.primary();
    while (this.is('!')) {
      this.p++;
      n = { k: 'fn', name: 'fact', args: [n] };
    }
    return n;
  }
  private ident(letter: string, allowSub = true): Node {
    let name = letter;
    if (allowSub && this.is('_')) {
      this.p++;
      name += `_${this.rawArg()}`;
    }
    while (this.is("'")) {
      this.p++;
      name += "'";
    }
    if (name === 'e') return { k: 'num', v: [Math.E, 0] };
    if (name === 'i') return { k: 'num', v: [0, 1] };
    return { k: 'var', name };
  }
  /** Text of a subscript, used as part of a variable name. */
  private rawArg(): string {
    const t = this.peek();
    if (!t) throw new ExprError('missing subscript');
    if (t.v !== '{') {
      this.p++;
      return t.v;
    }
    let depth = 0;
    let out = '';
    do {
      const x = this.toks[this.p++];
      if (!x) throw new ExprError('unclosed subscript');
      if (x.v === '{') depth++;
      if (x.v === '}') depth--;
      out += x.v;
    } while (depth > 0);
    return out;
  }
  private primary(): Node {
    const t = this.peek();
    if (!t) throw new ExprError('unexpected end');
    if (t.t === 'num') {
      this.p++;
      if (this.is('_')) throw new ExprError('base subscript');
      return { k: 'num', v: [Number(t.v), 0] };
    }
    if (t.t === 'id') {
      this.p++;
      return this.ident(t.v);
    }
    if (t.v === '(') return this.group('(', ')');
    if (t.v === '[') return this.group('[', ']');
    if (t.v === '{') return this.group('{', '}');
    if (t.v === '|') {
      this.p++;
      const inner = this.expr();
      this.eat('|');
      return { k: 'fn', name: 'abs', args: [inner] };
    }
    if (t.t === 'cmd') {
      this.p++;
      const c = t.v.slice(1);
      switch (c) {
        case 'frac': {
          const a = this.scriptArg();
          const b = this.scriptArg();
          return { k: 'bin', op: '/', a, b };
        }
        case 'binom': {
          const a = this.scriptArg();
          const b = this.scriptArg();
          return { k: 'fn', name: 'binom', args: [a, b] };
        }
        case 'sqrt': {
          if (this.is('[')) {
            const n = this.group('[', ']');
            const x = this.scriptArg();
            return { k: 'bin', op: '^', a: x, b: { k: 'bin', op: '/', a: { k: 'num', v: [1, 0] }, b: n } };
          }
          return { k: 'fn', name: 'sqrt', args: [this.scriptArg()] };
        }
        case 'pi':
          return { k: 'num', v: [Math.PI, 0] };
        case 'infty':
          return { k: 'num', v: [Infinity, 0] };
        case 'e':
          return { k: 'num', v: [Math.E, 0] };
        case 'sum':
        case 'prod': {
          // \sum_{k=a}^{b} body: the body is the product that follows
          this.eat('_');
          this.eat('{');
          const v = this.peek();
          if (!v || v.t !== 'id') throw new ExprError('sum variable');
          this.p++;
          this.eat('=');
          const from = this.expr();
          this.eat('}');
          this.eat('^');
          const to = this.scriptArg();
          const body = this.product();
          return { k: 'fn', name: c, args: [{ k: 'var', name: v.v }, from, to, body] };
        }
        case 'lfloor': {
          const x = this.expr();
          this.eat('\\rfloor');
          return { k: 'fn', name: 'floor', args: [x] };
        }
        case 'lceil': {
          const x = this.expr();
          this.eat('\\rceil');
          return { k: 'fn', name: 'ceil', args: [x] };
        }
        default:
          break;
      }
      if (FUNCS.has(c)) {
        let power: Node | null = null;
        let base: Node | null = null;
        if (this.is('_') && (c === 'log' || c === 'lg')) {
          this.p++;
          base = this.scriptArg();
        }
        if (this.is('^')) {
          this.p++;
          power = this.scriptArg(true);
        }
        // `\sin 3x` is sin(3x): without parentheses the argument is the product that follows, up to the
        // next function (`\sin x \cos x` is sin(x)·cos(x)), as latex2sympy2_extended reads it
        const arg = this.is('(') ? this.group('(', ')') : this.funcArgument();
        let n: Node = { k: 'fn', name: c, args: base ? [arg, base] : [arg] };
        if (power) {
          if (power.k === 'neg' && power.a.k === 'num' && power.a.v[0] === 1) {
            n = { k: 'fn', name: `arc${c}`, args: [arg] }; // \sin^{-1}
          } else n = { k: 'bin', op: '^', a: n, b: power };
        }
        return n;
      }
      if (GREEK.has(c)) return this.ident(`\\${c}`);
    }
    throw new ExprError(`unsupported ${t.v}`);
  }
}

function isLiteralFraction(n: Node): boolean {
  const lit = (x: Node): boolean => x.k === 'num' && x.v[1] === 0 && Number.isInteger(x.v[0]) && x.v[0] > 0;
  return n.k === 'bin' && n.op === '/' && lit(n.a) && lit(n.b);
}

export function parseExpr(latex: string): Node {
  return new Parser(tokenize(latex)).parseAll();
}

export function variablesOf(n: Node, out = new Set<string>()): Set<string> {
  switch (n.k) {
    case 'var':
      out.add(n.name);
      break;
    case 'neg':
      variablesOf(n.a, out);
      break;
    case 'bin':
      variablesOf(n.a, out);
      variablesOf(n.b, out);
      break;
    case 'fn':
      for (const a of n.args) variablesOf(a, out);
      break;
    default:
      break;
  }
  return out;
}

// ---- complex arithmetic ----
const add = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];
const sub = (a: C, b: C): C => [a[0] - b[0], a[1] - b[1]];
const mul = (a: C, b: C): C =>
  a[1] === 0 && b[1] === 0 ? [a[0] * b[0], 0] : [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
function div(a: C, b: C): C {
  if (a[1] === 0 && b[1] === 0) return [a[0] / b[0], 0];
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
}
const clog = (a: C): C => [Math.log(Math.hypot(a[0], a[1])), Math.atan2(a[1] || 0, a[0])]; // -0 → principal branch
const cexp = (a: C): C => {
  const r = Math.exp(a[0]);
  return a[1] === 0 ? [r, 0] : [r * Math.cos(a[1]), r * Math.sin(a[1])];
};
function pow(a: C, b: C): C {
  if (a[1] === 0 && b[1] === 0 && (a[0] >= 0 || Number.isInteger(b[0]))) return [Math.pow(a[0], b[0]), 0];
  if (a[0] === 0 && a[1] === 0) return [0, 0];
  // real odd root of a negative real: (-8)^(1/3) = -2 (the reading a contestant means)
  if (a[1] === 0 && b[1] === 0 && a[0] < 0) {
    const inv = 1 / b[0];
    if (Number.isInteger(Math.round(inv)) && Math.abs(inv - Math.round(inv)) < 1e-12 && Math.round(inv) % 2 !== 0) {
      return [-Math.pow(-a[0], b[0]), 0];
    }
  }
  return cexp(mul(b, clog(a)));
}
const real =
  (f: (x: number) => number) =>
  (a: C): C =>
    Math.abs(a[1]) > 1e-12 ? [NaN, NaN] : [f(a[0]), 0];
function csin(a: C): C {
  return [Math.sin(a[0]) * Math.cosh(a[1]), Math.cos(a[0]) * Math.sinh(a[1])];
}
function ccos(a: C): C {
  return [Math.cos(a[0]) * Math.cosh(a[1]), -Math.sin(a[0]) * Math.sinh(a[1])];
}
function gamma(x: number): number {
  if (x > 171) return Infinity;
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, x + 0.5) * Math.exp(-t) * a;
}
function factorial(x: number): number {
  if (Number.isInteger(x) && x >= 0) {
    if (x > 170) return Infinity;
    let r = 1;
    for (let i = 2; i <= x; i++) r *= i;
    return r;
  }
  return gamma(x + 1);
}

const FN: Record<string, (args: C[]) => C> = {
  sin: ([a]) => csin(a),
  cos: ([a]) => ccos(a),
  tan: ([a]) => div(csin(a), ccos(a)),
  sec: ([a]) => div([1, 0], ccos(a)),
  csc: ([a]) => div([1, 0], csin(a)),
  cot: ([a]) => div(ccos(a), csin(a)),
  arcsin: ([a]) => real(Math.asin)(a),
  arccos: ([a]) => real(Math.acos)(a),
  arctan: ([a]) => real(Math.atan)(a),
  sinh: ([a]) => real(Math.sinh)(a),
  cosh: ([a]) => real(Math.cosh)(a),
  tanh: ([a]) => real(Math.tanh)(a),
  ln: ([a]) => clog(a),
  log: ([a, b]) => (b ? div(clog(a), clog(b)) : clog(a)),
  lg: ([a]) => div(clog(a), [Math.LN10, 0]),
  exp: ([a]) => cexp(a),
  sqrt: ([a]) => pow(a, [0.5, 0]),
  abs: ([a]) => [Math.hypot(a[0], a[1]), 0],
  floor: ([a]) => real(Math.floor)(a),
  ceil: ([a]) => real(Math.ceil)(a),
  fact: ([a]) => real(factorial)(a),
  binom: ([n, k]) => {
    if (n[1] !== 0 || k[1] !== 0) return [NaN, NaN];
    if (Number.isInteger(n[0]) && Number.isInteger(k[0]) && n[0] >= 0 && k[0] >= 0 && n[0] <= 1000) {
      if (k[0] > n[0]) return [0, 0];
      let r = 1;
      const kk = Math.min(k[0], n[0] - k[0]);
      for (let i = 1; i <= kk; i++) r = (r * (n[0] - kk + i)) / i;
      return [Math.round(r), 0];
    }
    return [factorial(n[0]) / (factorial(k[0]) * factorial(n[0] - k[0])), 0];
  },
};

export function evaluate(n: Node, env: Map<string, C>): C {
  switch (n.k) {
    case 'num':
      return n.v;
    case 'var': {
      const v = env.get(n.name);
      if (!v) throw new ExprError(`unbound ${n.name}`);
      return v;
    }
    case 'neg': {
      const a = evaluate(n.a, env);
      return [-a[0], -a[1]];
    }
    case 'bin': {
      const a = evaluate(n.a, env);
      const b = evaluate(n.b, env);
      switch (n.op) {
        case '+':
          return add(a, b);
        case '-':
          return sub(a, b);
        case '*':
          return mul(a, b);
        case '/':
          return div(a, b);
        case '^':
          return pow(a, b);
      }
      break;
    }
    case 'fn': {
      if (n.name === 'sum' || n.name === 'prod') return evalSum(n, env);
      const f = FN[n.name];
      if (!f) throw new ExprError(`unknown function ${n.name}`);
      return f(n.args.map((x) => evaluate(x, env)));
    }
  }
  throw new ExprError('bad node');
}

const MAX_SUM_TERMS = 10_000;

function evalSum(n: Extract<Node, { k: 'fn' }>, env: Map<string, C>): C {
  const [v, fromN, toN, body] = n.args;
  const from = evaluate(fromN, env);
  const to = evaluate(toN, env);
  if (v.k !== 'var' || from[1] !== 0 || to[1] !== 0 || !Number.isInteger(from[0]) || !Number.isInteger(to[0])) {
    throw new ExprError('symbolic bounds');
  }
  if (to[0] - from[0] > MAX_SUM_TERMS) throw new ExprError('too many terms');
  let acc: C = n.name === 'sum' ? [0, 0] : [1, 0];
  const inner = new Map(env);
  for (let k = from[0]; k <= to[0]; k++) {
    inner.set(v.name, [k, 0]);
    const x = evaluate(body, inner);
    acc = n.name === 'sum' ? add(acc, x) : mul(acc, x);
  }
  return acc;
}

/**
 * A canonical text of an expression with the operands of sums and products sorted, so that expressions
 * that differ only by the order of commuted terms or factors have the same text (used when they cannot be
 * evaluated, as with a sum whose bounds are symbols).
 */
export function canonical(n: Node): string {
  const flat = (x: Node, op: '+' | '*', out: string[]): void => {
    if (x.k === 'bin' && x.op === op) {
      flat(x.a, op, out);
      flat(x.b, op, out);
    } else if (op === '+' && x.k === 'bin' && x.op === '-') {
      flat(x.a, op, out);
      out.push(`neg(${canonical(x.b)})`);
    } else out.push(canonical(x));
  };
  switch (n.k) {
    case 'num':
      return n.v[1] === 0 ? String(n.v[0]) : `${n.v[0]}+${n.v[1]}i`;
    case 'var':
      return n.name.replace(/[{}\s]/g, '');
    case 'neg':
      return `neg(${canonical(n.a)})`;
    case 'bin': {
      if (n.op === '+' || n.op === '-' || n.op === '*') {
        const parts: string[] = [];
        flat(n, n.op === '*' ? '*' : '+', parts);
        return `${n.op === '*' ? '*' : '+'}(${parts.sort().join(',')})`;
      }
      return `${n.op}(${canonical(n.a)},${canonical(n.b)})`;
    }
    case 'fn':
      return `${n.name}(${n.args.map(canonical).join(',')})`;
  }
}

/**
 * Whether a = c·b for one non-zero constant c at every sample point: 'positive' / 'negative' for the sign
 * of c, 'no' when the ratio changes, 'unknown' when too few points evaluate. Compares equations given as
 * lhs − rhs (an equation and any non-zero multiple of it describe the same set).
 */
export function proportionality(a: Node, b: Node): 'positive' | 'negative' | 'no' | 'unknown' {
  const vars = [...new Set([...variablesOf(a), ...variablesOf(b)])].sort();
  const pts = samplePoints(vars, vars.length === 0 ? 1 : 5);
  let ratio: C | null = null;
  let seen = 0;
  for (const env of pts) {
    let va: C;
    let vb: C;
    try {
      va = evaluate(a, env);
      vb = evaluate(b, env);
    } catch {
      return 'unknown';
    }
    if (!finite(va) || !finite(vb)) continue;
    const za = Math.hypot(va[0], va[1]) < 1e-12;
    const zb = Math.hypot(vb[0], vb[1]) < 1e-12;
    if (za && zb) continue;
    if (za !== zb) return 'no';
    const r = div(va, vb);
    if (ratio && !closeC(ratio, r)) return 'no';
    ratio = ratio ?? r;
    seen++;
  }
  if (!ratio || seen === 0 || Math.abs(ratio[1]) > 1e-9) return 'unknown';
  return ratio[0] > 0 ? 'positive' : 'negative';
}

/** Deterministic pseudo-random sample points (the same for gold and prediction). */
function samplePoints(vars: string[], count: number): Map<string, C>[] {
  let seed = 0x9e3779b9;
  const rnd = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const pts: Map<string, C>[] = [];
  for (let i = 0; i < count; i++) {
    const env = new Map<string, C>();
    for (const v of vars) env.set(v, [0.31 + 1.7 * rnd(), 0]);
    pts.push(env);
  }
  return pts;
}

export type ExprVerdict = 'equal' | 'different' | 'unknown';

function closeC(a: C, b: C): boolean {
  const scale = Math.max(Math.hypot(a[0], a[1]), Math.hypot(b[0], b[1]));
  const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
  return d <= 1e-6 * scale + 1e-12;
}

const finite = (a: C): boolean => Number.isFinite(a[0]) && Number.isFinite(a[1]);

/**
 * Compare two parsed expressions numerically. `unknown` when the values are not finite (huge powers,
 * infinities) or too few points evaluate; the caller then falls back to the CAS.
 */
export function compareExprs(a: Node, b: Node): ExprVerdict {
  const vars = [...new Set([...variablesOf(a), ...variablesOf(b)])].sort();
  const pts = samplePoints(vars, vars.length === 0 ? 1 : 4);
  let agreed = 0;
  for (const env of pts) {
    let va: C;
    let vb: C;
    try {
      va = evaluate(a, env);
      vb = evaluate(b, env);
    } catch {
      return 'unknown';
    }
    if (!finite(va) || !finite(vb)) {
      if (Number.isNaN(va[0]) || Number.isNaN(vb[0])) continue;
      // both infinite with the same sign: ±∞ answers
      if (
        va[0] === vb[0] &&
        va[1] === 0 &&
        vb[1] === 0 &&
        vars.length === 0 &&
        isInfinityLiteral(a) &&
        isInfinityLiteral(b)
      )
        return 'equal';
      return 'unknown';
    }
    if (!closeC(va, vb)) return 'different';
    agreed++;
  }
  return agreed > 0 ? 'equal' : 'unknown';
}

function isInfinityLiteral(n: Node): boolean {
  if (n.k === 'num') return !Number.isFinite(n.v[0]);
  if (n.k === 'neg') return isInfinityLiteral(n.a);
  return false;
}
