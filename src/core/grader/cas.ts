/**
 * The CAS fallback (@cortex-js/compute-engine), used only when the fast paths cannot decide.
 * The engine is synchronous, so its inputs are bounded before it runs (size, exponent towers, huge
 * literals); anything beyond the bound is a `GradingTimeout` (verdict `error`, detail `timeout`).
 * The worker pool adds a hard cap: a worker that overruns is terminated and replaced.
 */
import type { ComputeEngine as ComputeEngineType } from '@cortex-js/compute-engine' with {
  'resolution-mode': 'import',
};
// The package's typings are ESM-only (TS1479 under module Node16 / CommonJS). At run time esbuild
// and tsx both resolve its ESM build; the type-only import above keeps the typings.
// @ts-expect-error TS1479
import * as ceModule from '@cortex-js/compute-engine';
import { GradingTimeout } from './types';

type BoxedExpression = ReturnType<ComputeEngineType['parse']>;

const ComputeEngineCtor = (ceModule as { ComputeEngine: typeof ComputeEngineType }).ComputeEngine;

let engine: ComputeEngineType | null = null;
function ce(): ComputeEngineType {
  if (!engine) {
    engine = new ComputeEngineCtor();
  }
  return engine;
}

/** Inputs beyond these bounds are not given to the CAS. */
export const CAS_LIMITS = { maxChars: 240, maxExponentDigits: 4, maxLiteralDigits: 40 };

/** Throws GradingTimeout when an expression is too large or could explode symbolically. */
export function assertCasSafe(latex: string): void {
  if (latex.length > CAS_LIMITS.maxChars) throw new GradingTimeout('timeout');
  // exponent towers: a^{b^{c}} / a^b^c
  if (/\^\s*\{[^{}]*\^/.test(latex) || /\^\s*[\w]\s*\^/.test(latex)) throw new GradingTimeout('timeout');
  const bigExp = new RegExp(`\\^\\s*\\{?\\s*-?\\d{${CAS_LIMITS.maxExponentDigits + 1},}`);
  if (bigExp.test(latex)) throw new GradingTimeout('timeout');
  if (new RegExp(`\\d{${CAS_LIMITS.maxLiteralDigits + 1},}`).test(latex)) throw new GradingTimeout('timeout');
  // factorials of large numbers
  if (/\d{4,}\s*!/.test(latex)) throw new GradingTimeout('timeout');
}

function sidesEqual(a: BoxedExpression, b: BoxedExpression): boolean | undefined {
  const r = a.isEqual(b);
  if (r === true || a.isSame(b)) return true;
  return r;
}

/**
 * Mathematical equality by the CAS; `undefined` when it cannot decide or cannot parse.
 * Equations are compared side by side (isEqual on two equations compares truth values).
 */
export function casEqual(gold: string, pred: string, deadline: number): boolean | undefined {
  assertCasSafe(gold);
  assertCasSafe(pred);
  if (Date.now() > deadline) throw new GradingTimeout('timeout');
  const engineNow = ce();
  const a = engineNow.parse(gold);
  const b = engineNow.parse(pred);
  if (!a.isValid || !b.isValid) return undefined;
  let result: boolean | undefined;
  const rel = ['Equal', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'NotEqual'];
  if (rel.includes(a.operator) || rel.includes(b.operator)) {
    if (a.operator !== b.operator || a.nops !== b.nops || !a.ops || !b.ops) result = false;
    else result = a.ops.every((x: BoxedExpression, i: number) => sidesEqual(x, b.ops![i]) === true);
  } else {
    result = sidesEqual(a, b);
  }
  if (Date.now() > deadline) throw new GradingTimeout('timeout');
  return result;
}
