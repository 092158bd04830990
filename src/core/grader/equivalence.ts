/**
 * Answer equivalence, gold → prediction. Order: normalised string → structure (matrices, unions,
 * lists/sets, tuples/intervals, relations) → plain numbers → text → expression evaluator → CAS.
 * Policies and their sources: the README's grading policies.
 */
import { casEqual } from './cas';
import { choiceLetterOf } from './choice';
import { compareExprs, ExprError, parseExpr } from './expr';
import { compactKey, normalizeMath, normalizeText } from './normalize';
import { canonicalNumber, numbersEqual, parsePlainNumber } from './numbers';
import { flipOp, isAssignmentTarget, relationToInterval, shapeOf, type Shape } from './structure';
import type { AnswerType } from './types';

export const DEFAULT_TIMEOUT_MS = 2000;
const MAX_DEPTH = 6;

interface Ctx {
  deadline: number;
  depth: number;
}

/** Multiset matching: every gold item pairs with a distinct equal prediction item. */
function unorderedEqual(g: string[], p: string[], ctx: Ctx): boolean {
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

/** The value of an assignment-like relation `x = 5` (last side of a chain `x = 2+3 = 5`). */
function assignedValue(s: Shape): string | null {
  if (s.kind !== 'relation' || s.ops.some((o) => o !== '=')) return null;
  if (!isAssignmentTarget(s.sides[0])) return null;
  return s.sides[s.sides.length - 1];
}

function relationsEqual(g: { ops: string[]; sides: string[] }, p: { ops: string[]; sides: string[] }, ctx: Ctx): boolean {
  if (g.ops.length === p.ops.length) {
    if (g.ops.every((o, i) => o === p.ops[i]) && orderedEqual(g.sides, p.sides, ctx)) return true;
    const flipped = [...p.ops].reverse().map(flipOp);
    if (g.ops.every((o, i) => o === flipped[i]) && orderedEqual(g.sides, [...p.sides].reverse(), ctx)) return true;
  }
  // one equation each: lhs − rhs equal up to sign (`y = 2x` vs `2x = y`, `x - y = 0`)
  if (g.ops.length === 1 && p.ops.length === 1 && g.ops[0] === '=' && p.ops[0] === '=') {
    const gd = `(${g.sides[0]})-(${g.sides[1]})`;
    const pd = `(${p.sides[0]})-(${p.sides[1]})`;
    if (scalarEqual(gd, pd, ctx) || scalarEqual(gd, `-(${pd})`, ctx)) return true;
  }
  return false;
}

function tupleEqual(
  g: { open: string; close: string; items: string[] },
  p: { open: string; close: string; items: string[] },
  ctx: Ctx,
): boolean {
  return g.open === p.open && g.close === p.close && orderedEqual(g.items, p.items, ctx);
}

function eqNorm(g: string, p: string, ctx: Ctx): boolean {
  if (compactKey(g) === compactKey(p)) return true;
  if (ctx.depth > MAX_DEPTH) return false;
  const sub: Ctx = { deadline: ctx.deadline, depth: ctx.depth + 1 };
  const G = shapeOf(g);
  const P = shapeOf(p);

  // `x = 5` vs `5` (Math-Verify) and `x = 5` gold vs `5` (Qwen, both ways)
  const pv = assignedValue(P);
  if (pv !== null && G.kind !== 'relation') return eqNorm(g, pv, sub);
  const gv = assignedValue(G);
  if (gv !== null && P.kind !== 'relation') return eqNorm(gv, p, sub);

  switch (G.kind) {
    case 'matrix':
      return (
        P.kind === 'matrix' &&
        G.rows.length === P.rows.length &&
        G.rows.every((r, i) => orderedEqual(r, P.rows[i], sub))
      );
    case 'union':
      return P.kind === 'union' && unorderedEqual(G.parts, P.parts, sub);
    case 'list':
    case 'set':
      if (P.kind === 'list' || P.kind === 'set') return unorderedEqual(G.items, P.items, sub);
      if (P.kind === 'tuple' && P.open === '(' && P.close === ')' && G.kind === 'list') return orderedEqual(G.items, P.items, sub);
      return false;
    case 'tuple':
      if (P.kind === 'tuple') return tupleEqual(G, P, sub);
      if (P.kind === 'list' && G.open === '(' && G.close === ')') return orderedEqual(G.items, P.items, sub);
      if (P.kind === 'relation') {
        const iv = relationToInterval(P);
        return iv !== null && tupleEqual(G, iv, sub);
      }
      return false;
    case 'relation': {
      if (P.kind === 'relation') return relationsEqual(G, P, sub);
      if (P.kind === 'tuple') {
        const iv = relationToInterval(G);
        return iv !== null && tupleEqual(iv, P, sub);
      }
      return false;
    }
    case 'scalar':
      if (P.kind !== 'scalar') return false;
      return scalarEqual(G.s, P.s, sub);
  }
}

const hasWords = (s: string): boolean => /(?:^|[^\\a-zA-Z])[a-zA-Z]{3,}/.test(s.replace(/\\[a-zA-Z]+/g, ' '));

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
  let ge;
  let pe;
  try {
    ge = parseExpr(g);
    pe = parseExpr(p);
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    return casEqual(g, p, ctx.deadline) === true;
  }
  const v = compareExprs(ge, pe);
  if (v === 'equal') return true;
  if (v === 'different') return false;
  return casEqual(g, p, ctx.deadline) === true;
}

/** Math equivalence on raw answers (normalised here). Throws GradingTimeout past the deadline. */
export function mathEqual(gold: string, pred: string, deadline = Date.now() + DEFAULT_TIMEOUT_MS): boolean {
  const g = normalizeMath(gold);
  const p = normalizeMath(pred);
  if (!g || !p) return false;
  return eqNorm(g, p, { deadline, depth: 0 });
}

export function numberEqual(gold: string, pred: string, deadline: number): boolean {
  const g = canonicalNumber(normalizeMath(gold));
  const p = canonicalNumber(normalizeMath(pred));
  if (g !== null && p !== null) {
    const gn = parsePlainNumber(g);
    const pn = parsePlainNumber(p);
    if (gn && pn) return numbersEqual(gn, pn);
  }
  return mathEqual(gold, pred, deadline);
}

export function choiceEqual(gold: string, pred: string): boolean {
  const g = choiceLetterOf(gold);
  const p = choiceLetterOf(pred);
  if (g && p) return g === p;
  return normalizeText(gold) === normalizeText(pred) && normalizeText(gold) !== '';
}

export function textEqual(gold: string, pred: string, deadline: number): boolean {
  const g = normalizeText(gold);
  const p = normalizeText(pred);
  if (g === p) return g !== '';
  if (!hasWords(gold) && !hasWords(pred)) return mathEqual(gold, pred, deadline);
  return false;
}

/** Whether `pred` is an acceptable answer for `gold` (both bare answers, not responses). */
export function answersEqual(gold: string, pred: string, type: AnswerType, deadline = Date.now() + DEFAULT_TIMEOUT_MS): boolean {
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
