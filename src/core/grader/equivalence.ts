/**
 * Answer equivalence, gold → prediction. Order: normalised string → percent → structure (matrices,
 * unions, lists/sets, tuples/intervals, relations) → plain numbers (exact) → text → expression evaluator →
 * CAS. Policies and their sources: the README's grading policies.
 */
import { casEqual } from './cas';
import { choiceLetterOf, extractChoice } from './choice';
import {
  canonical,
  compareExprs,
  ExprError,
  parseExpr,
  proportionality,
  variablesOf,
  evaluate,
  type Node,
} from './expr';
import { compactKey, MAX_NESTING, normalizeMath, normalizeText } from './normalize';
import { canonicalNumber, decimalMatchesValue, numbersEqual, parsePlainNumber, type PlainNumber } from './numbers';
import { flipOp, isAssignmentTarget, relationToSet, shapeOf, splitTop, type Shape } from './structure';
import { GradingTimeout, type AnswerType } from './types';

export const DEFAULT_TIMEOUT_MS = 2000;
const MAX_DEPTH = 8;
/** Answers longer than this (after extraction) are not compared: verdict error/timeout. */
export const MAX_ANSWER_CHARS = 20_000;
/** Lists longer than this are compared by their normalised items only (no pairwise equivalence). */
const MAX_LIST_ITEMS = 64;

interface Ctx {
  deadline: number;
  depth: number;
}

/** Distinct items of a list (Math-Verify reads a list as a set: `1, 1, 2` is {1, 2}). */
function distinct(items: string[], ctx: Ctx): string[] {
  const out: string[] = [];
  for (const x of items) if (!out.some((y) => compactKey(y) === compactKey(x) || eqNorm(y, x, ctx))) out.push(x);
  return out;
}

/** Set equality: every distinct gold item pairs with a distinct equal prediction item, and none is left over. */
function unorderedEqual(gItems: string[], pItems: string[], ctx: Ctx): boolean {
  if (gItems.length > MAX_LIST_ITEMS || pItems.length > MAX_LIST_ITEMS) {
    const key = (xs: string[]): string => [...new Set(xs.map(compactKey))].sort().join('\u0000');
    return key(gItems) === key(pItems);
  }
  const g = distinct(gItems, ctx);
  const p = distinct(pItems, ctx);
  if (g.length !== p.length) return false;
  const used = new Array<boolean>(p.length).fill(false);
  for (const gi of g) {
    let hit = -1;
    for (let j = 0; j < p.length; j++) {
      if (!used[j] && eqNorm(gi, p[j], ctx)) {
        hit = j;
        break;
      }
    }
    if (hit < 0) return false;
    used[hit] = true;
  }
  return true;
}

function orderedEqual(g: string[], p: string[], ctx: Ctx): boolean {
  return g.length === p.length && g.every((x, i) => eqNorm(x, p[i], ctx));
}

const isEquation = (s: Shape): s is Extract<Shape, { kind: 'relation' }> =>
  s.kind === 'relation' && s.ops.every((o) => o === '=');

/** `x = 2+3 = 5` → `x = 5`: an assignment chain keeps its first and last sides (Math-Verify). */
function truncateAssignment(s: Extract<Shape, { kind: 'relation' }>): Extract<Shape, { kind: 'relation' }> {
  if (s.sides.length > 2 && s.ops.every((o) => o === '=') && isAssignmentTarget(s.sides[0])) {
    return { kind: 'relation', ops: ['='], sides: [s.sides[0], s.sides[s.sides.length - 1]] };
  }
  return s;
}

const FUNCTION_LHS = /^[a-zA-Z](?:\^\s*\{\s*-\s*1\s*\})?\s*\(\s*[a-zA-Z]\s*\)$/;

/** `y` on one side and `f(x)` (or `f^{-1}(x)`) on the other: the value form and the definition of one function. */
function functionForms(a: string, b: string): boolean {
  const [x, y] = [a.trim(), b.trim()];
  return (x === 'y' && FUNCTION_LHS.test(y)) || (y === 'y' && FUNCTION_LHS.test(x));
}

function parsed(s: string): Node | null {
  try {
    return parseExpr(s);
  } catch (e) {
    if (e instanceof ExprError) return null;
    throw e;
  }
}

/** Normalise an inequality to `<`/`\leq` by swapping its sides. */
function asLess(op: string, l: string, r: string): [string, string, string] {
  if (op === '>' || op === '\\geq') return [flipOp(op), r, l];
  return [op, l, r];
}

/**
 * Two relations: side by side (or flipped), or — one relation each — lhs − rhs proportional: any non-zero
 * multiple for equations and `\neq` (`2x+4y-3=0` is `y = -\frac{x}{2} + \frac{3}{4}`), a positive one for
 * inequalities of the same direction (`-x > -1` is `x < 1`).
 */
function relationsEqual(
  g: { ops: string[]; sides: string[] },
  p: { ops: string[]; sides: string[] },
  ctx: Ctx,
): boolean {
  if (g.ops.length === p.ops.length) {
    if (g.ops.every((o, i) => o === p.ops[i]) && orderedEqual(g.sides, p.sides, ctx)) return true;
    const flipped = [...p.ops].reverse().map(flipOp);
    if (g.ops.every((o, i) => o === flipped[i]) && orderedEqual(g.sides, [...p.sides].reverse(), ctx)) return true;
  }
  if (g.ops.length !== 1 || p.ops.length !== 1) return false;
  const [go, gl, gr] = asLess(g.ops[0], g.sides[0], g.sides[1]);
  const [po, pl, pr] = asLess(p.ops[0], p.sides[0], p.sides[1]);
  if (go !== po) return false;
  const gd = parsed(`(${gl})-(${gr})`);
  const pd = parsed(`(${pl})-(${pr})`);
  if (gd && pd) {
    const k = proportionality(gd, pd);
    if (k !== 'unknown') return go === '=' || go === '\\neq' ? k !== 'no' : k === 'positive';
  }
  if (go !== '=') return false;
  const gs = `(${gl})-(${gr})`;
  const ps = `(${pl})-(${pr})`;
  return scalarEqual(gs, ps, ctx) || scalarEqual(gs, `-(${ps})`, ctx);
}

function tupleEqual(
  g: { open: string; close: string; items: string[] },
  p: { open: string; close: string; items: string[] },
  ctx: Ctx,
): boolean {
  return g.open === p.open && g.close === p.close && orderedEqual(g.items, p.items, ctx);
}

function setOfIntervals(parts: { open: string; close: string; items: string[] }[]): string[] {
  return parts.map((x) => `${x.open}${x.items.join(',')}${x.close}`);
}

/** `2,74` read as 2.74 when the other side is one number: there it cannot be a list (Math-Verify's decimal comma). */
function decimalComma(s: string): string | null {
  const m = /^(-?\d+),(\d+)$/.exec(s.trim());
  if (!m || (/^-?[1-9]\d{0,2}$/.test(m[1]) && m[2].length === 3)) return null;
  return `${m[1]}.${m[2]}`;
}

function eqNorm(g: string, p: string, ctx: Ctx): boolean {
  if (compactKey(g) === compactKey(p)) return true;
  if (ctx.depth > MAX_DEPTH) return false;
  const sub: Ctx = { deadline: ctx.deadline, depth: ctx.depth + 1 };
  let G = shapeOf(g);
  let P = shapeOf(p);
  if (G.kind === 'relation') G = truncateAssignment(G);
  if (P.kind === 'relation') P = truncateAssignment(P);

  // a function given by its definition against its value form: `f(x) = 2x+3` is `y = 2x+3`
  if (
    isEquation(G) &&
    isEquation(P) &&
    G.sides.length === 2 &&
    P.sides.length === 2 &&
    functionForms(G.sides[0], P.sides[0])
  ) {
    return eqNorm(G.sides[1], P.sides[1], sub);
  }

  // Math-Verify: a prediction equation against a gold that is none is read by its last side (`x = 11`,
  // `2+3 = 5`); a gold assignment (symbols on the left) against a prediction that is no equation too.
  if (isEquation(P) && !isEquation(G)) return eqNorm(g, P.sides[P.sides.length - 1], sub);
  if (isEquation(G) && !isEquation(P) && isAssignmentTarget(G.sides[0]))
    return eqNorm(G.sides[G.sides.length - 1], p, sub);

  // matrix arithmetic written out ("A + B", "I I") against a matrix
  if (G.kind === 'matrix' && P.kind !== 'matrix') {
    const v = evalMatrixExpression(p);
    if (v !== null) return eqNorm(g, v, sub);
  }
  if (P.kind === 'matrix' && G.kind !== 'matrix') {
    const v = evalMatrixExpression(g);
    if (v !== null) return eqNorm(v, p, sub);
  }

  // a list whose items are all one value is that value (`4, 4` is {4}, Math-Verify's FiniteSet)
  if ((G.kind === 'list' || G.kind === 'set') && P.kind === 'scalar' && G.items.length <= MAX_LIST_ITEMS) {
    const d = distinct(G.items, sub);
    if (d.length === 1) return eqNorm(d[0], p, sub);
  }
  if ((P.kind === 'list' || P.kind === 'set') && G.kind === 'scalar' && P.items.length <= MAX_LIST_ITEMS) {
    const d = distinct(P.items, sub);
    if (d.length === 1) return eqNorm(g, d[0], sub);
  }

  const dc =
    G.kind === 'list' && P.kind === 'scalar'
      ? decimalComma(g)
      : P.kind === 'list' && G.kind === 'scalar'
        ? decimalComma(p)
        : null;
  if (dc !== null) return G.kind === 'list' ? eqNorm(dc, p, sub) : eqNorm(g, dc, sub);

  switch (G.kind) {
    case 'matrix':
      return (
        P.kind === 'matrix' &&
        G.rows.length === P.rows.length &&
        G.rows.every((r, i) => orderedEqual(r, P.rows[i], sub))
      );
    case 'union':
      if (P.kind === 'union') return unorderedEqual(G.parts, P.parts, sub);
      if (P.kind === 'relation') {
        const set = relationToSet(P);
        return set !== null && set.length > 1 && unorderedEqual(G.parts, setOfIntervals(set), sub);
      }
      return false;
    case 'list':
    case 'set':
      if (P.kind === 'list' || P.kind === 'set') return unorderedEqual(G.items, P.items, sub);
      if (P.kind === 'tuple' && P.open === '(' && P.close === ')' && G.kind === 'list')
        return orderedEqual(G.items, P.items, sub);
      return false;
    case 'tuple':
      if (P.kind === 'tuple') return tupleEqual(G, P, sub);
      // an open interval (a, b) against a two-element list or set: compared in order (Math-Verify)
      if ((P.kind === 'list' || P.kind === 'set') && G.open === '(' && G.close === ')')
        return orderedEqual(G.items, P.items, sub);
      if (P.kind === 'relation') {
        const set = relationToSet(P);
        return set !== null && set.length === 1 && tupleEqual(G, set[0], sub);
      }
      return false;
    case 'relation': {
      if (P.kind === 'relation') return relationsEqual(G, P, sub);
      // a relation against the set it describes (Math-Verify: gold relation, predicted set)
      const set = relationToSet(G);
      if (!set) return false;
      if (P.kind === 'tuple') return set.length === 1 && tupleEqual(set[0], P, sub);
      if (P.kind === 'union') return unorderedEqual(setOfIntervals(set), P.parts, sub);
      return false;
    }
    case 'scalar':
      if (P.kind !== 'scalar') return false;
      return scalarEqual(G.s, P.s, sub);
  }
}

const MATRIX_ENV = /\\begin\{([pbvBV]?matrix|array)\}(?:\{[^}]*\})?([\s\S]*?)\\end\{\1\}/g;

/** Entries of a matrix literal as numbers, or null when one is not a constant. */
function matrixValues(body: string): number[][] | null {
  const rows = body
    .split(/\\\\/)
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) =>
      r.split('&').map((c) => {
        const n = parsed(c.trim());
        return n ? constantValue(n) : null;
      }),
    );
  if (rows.length === 0 || rows.some((r) => r.length !== rows[0].length || r.some((x) => x === null))) return null;
  return rows as number[][];
}

function matMul(a: number[][], b: number[][]): number[][] | null {
  if (a[0].length !== b.length) return null;
  return a.map((row) => b[0].map((_, j) => row.reduce((acc, x, k) => acc + x * b[k][j], 0)));
}

/**
 * The value of a sum or product of numeric matrices ("A + B", "A B", "2 A", "A \cdot B"), as the text of
 * the resulting matrix, or null when the answer is not such an expression.
 */
function evalMatrixExpression(s: string): string | null {
  if (!s.includes('\\begin{') || s.length > 4000) return null;
  const terms = splitTop(s, ['+', '-']);
  let total: number[][] | null = null;
  // a scalar factor written before a matrix (`2A`, `2 \cdot A`, `\frac{1}{2} A`) makes an expression
  let hasFactor = false;
  for (let t = 0; t < terms.parts.length; t++) {
    const text = terms.parts[t];
    // a leading sign (`-A`, `-2A`) leaves an empty first term: the sign belongs to the term after it
    if (t === 0 && !text.trim()) continue;
    const sign = t > 0 && terms.found[t - 1] === '-' ? -1 : 1;
    let scalar = sign;
    let m: number[][] | null = null;
    let last = 0;
    for (const mm of text.matchAll(MATRIX_ENV)) {
      const between = text
        .slice(last, mm.index)
        .replace(/\\cdot|\\times|\*/g, ' ')
        .trim();
      if (between) {
        const n = parsed(between);
        const v = n ? constantValue(n) : null;
        if (v === null) return null;
        scalar *= v;
        hasFactor = true;
      }
      const vals = matrixValues(mm[2]);
      if (!vals) return null;
      m = m ? matMul(m, vals) : vals;
      if (!m) return null;
      last = mm.index + mm[0].length;
    }
    if (!m || text.slice(last).trim()) return null;
    const scaled = m.map((r) => r.map((x) => x * scalar));
    if (!total) total = scaled;
    else if (total.length !== scaled.length || total[0].length !== scaled[0].length) return null;
    else total = total.map((r, i) => r.map((x, j) => x + scaled[i][j]));
  }
  // a lone matrix literal is no expression (it is compared as written)
  if (!total || (terms.parts.length === 1 && [...s.matchAll(MATRIX_ENV)].length < 2 && !hasFactor)) return null;
  const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(15));
  return `\\begin{pmatrix}${total.map((r) => r.map(fmt).join(' & ')).join(' \\\\ ')}\\end{pmatrix}`;
}

const hasWords = (s: string): boolean => /(?:^|[^\\a-zA-Z])[a-zA-Z]{3,}/.test(s.replace(/\\[a-zA-Z]+/g, ' '));

/** The value of a constant expression (no variables), or null. */
function constantValue(n: Node): number | null {
  if (variablesOf(n).size > 0) return null;
  try {
    const v = evaluate(n, new Map());
    return Math.abs(v[1]) < 1e-12 && Number.isFinite(v[0]) ? v[0] : null;
  } catch {
    return null;
  }
}

/** A decimal number against an exact expression (`1.414` vs `\sqrt{2}`), or null when that does not apply. */
function decimalVsExpression(dec: PlainNumber, other: string): boolean | null {
  const n = parsed(other);
  if (!n) return null;
  const v = constantValue(n);
  return v === null ? null : decimalMatchesValue(dec, v);
}

function scalarEqual(g: string, p: string, ctx: Ctx): boolean {
  if (compactKey(g) === compactKey(p)) return true;
  const gn = parsePlainNumber(g);
  const pn = parsePlainNumber(p);
  if (gn && pn) return numbersEqual(gn, pn);
  // base-b numerals (52_8) are compared as written
  if (/\d_/.test(g) || /\d_/.test(p)) return false;
  if (hasWords(g) || hasWords(p)) {
    if (normalizeText(g) === normalizeText(p)) return true;
  }
  if (gn?.decimal || pn?.decimal) {
    const r = gn?.decimal ? decimalVsExpression(gn, p) : decimalVsExpression(pn!, g);
    if (r !== null) return r;
  }
  const ge = parsed(g);
  const pe = parsed(p);
  if (!ge || !pe) return casEqual(g, p, ctx.deadline) === true;
  const v = compareExprs(ge, pe);
  if (v === 'equal') return true;
  if (v === 'different') return false;
  if (canonical(ge) === canonical(pe)) return true;
  return casEqual(g, p, ctx.deadline) === true;
}

/** `28\%` → `28` (a percent answer), else null. */
function percentBody(s: string): string | null {
  if (!s.endsWith('\\%')) return null;
  const m = /^(.*?)\s*\\%$/.exec(s);
  return m && m[1] && !m[1].includes('\\%') ? m[1] : null;
}

/**
 * Percent: `X\%` equals X written without the sign (Math-Verify compares the numbers as written) and X/100
 * (`1.5\%` is 0.015, `100\%` is 1).
 */
function percentEqual(g: string, p: string, ctx: Ctx): boolean | null {
  const gp = percentBody(g);
  const pp = percentBody(p);
  if (gp !== null && pp !== null) return eqNorm(gp, pp, ctx);
  if (gp !== null) return eqNorm(gp, p, ctx) || eqNorm(`\\frac{${gp}}{100}`, p, ctx);
  if (pp !== null) return eqNorm(g, pp, ctx) || eqNorm(g, `\\frac{${pp}}{100}`, ctx);
  return null;
}

/** Deepest nesting of brackets and braces in a string (one pass). */
function nestingDepth(s: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123)
      max = Math.max(max, ++depth); // ( [ {
    else if (c === 41 || c === 93 || c === 125) depth = Math.max(0, depth - 1);
  }
  return max;
}

/** Answers too long or nested too deeply for the structural comparison are refused: error/timeout. */
function guardSize(...xs: string[]): void {
  for (const x of xs)
    if (x.length > MAX_ANSWER_CHARS || nestingDepth(x) > MAX_NESTING) throw new GradingTimeout('timeout');
}

/** Math equivalence on raw answers (normalised here). Throws GradingTimeout past the deadline. */
export function mathEqual(gold: string, pred: string, deadline = Date.now() + DEFAULT_TIMEOUT_MS): boolean {
  guardSize(gold, pred);
  const g = normalizeMath(gold);
  const p = normalizeMath(pred);
  if (!g || !p) return false;
  const ctx = { deadline, depth: 0 };
  if (compactKey(g) === compactKey(p)) return true;
  const pct = percentEqual(g, p, ctx);
  if (pct !== null) return pct;
  return eqNorm(g, p, ctx);
}

export function numberEqual(gold: string, pred: string, deadline: number): boolean {
  guardSize(gold, pred);
  const gm = normalizeMath(gold);
  const pm = normalizeMath(pred);
  // a percent is compared by the percent rule, as under `math` (`0.5` is `50\%`)
  if (gm.includes('\\%') || pm.includes('\\%')) return mathEqual(gold, pred, deadline);
  const g = canonicalNumber(gm);
  const p = canonicalNumber(pm);
  if (g !== null && p !== null) {
    const gn = parsePlainNumber(g);
    const pn = parsePlainNumber(p);
    // a match is final; a mismatch is not: canonicalNumber writes a value with no terminating decimal (1/3) by
    // its double, which the 6-place rule then tells apart from `0.33` — the math rules keep it exact, so a
    // rounded decimal is that value under `number` as under `math` (docs/grader.md, MATH_VERIFY_DIFFS D1)
    if (gn && pn && numbersEqual(gn, pn)) return true;
  }
  return mathEqual(gold, pred, deadline);
}

export function choiceEqual(gold: string, pred: string): boolean {
  const g = choiceLetterOf(gold) ?? extractChoice(gold);
  const p = choiceLetterOf(pred);
  if (g && p) return g === p;
  return normalizeText(gold) === normalizeText(pred) && normalizeText(gold) !== '';
}

export function textEqual(gold: string, pred: string, deadline: number): boolean {
  guardSize(gold, pred);
  const g = normalizeText(gold);
  const p = normalizeText(pred);
  if (g === p) return g !== '';
  if (!hasWords(gold) && !hasWords(pred)) return mathEqual(gold, pred, deadline);
  return false;
}

/** Whether `pred` is an acceptable answer for `gold` (both bare answers, not responses). */
export function answersEqual(
  gold: string,
  pred: string,
  type: AnswerType,
  deadline = Date.now() + DEFAULT_TIMEOUT_MS,
): boolean {
  switch (type) {
    case 'math':
      return mathEqual(gold, pred, deadline);
    case 'number':
      return numberEqual(gold, pred, deadline);
    case 'choice':
      return choiceEqual(gold, pred);
    case 'text':
      return textEqual(gold, pred, deadline);
  }
}
