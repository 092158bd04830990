/**
 * W2SR's headline metric, reasoning gap recovered: how much of the gain that RL gives the student its
 * SFT on weak traces recovers, RGR = (acc(student) − acc(base)) / (acc(RL) − acc(base)), per benchmark and
 * averaged over benchmarks (shared/notes/w2sr-recipe.md).
 */

export type Rgr = { readonly value: number; readonly reason?: undefined } | { readonly value: null; readonly reason: string };

/** Accuracies closer than this are the same accuracy (they are ratios of counts; this absorbs rounding only). */
const SAME = 1e-12;

export function rgr(student: number | null | undefined, base: number | null | undefined, rl: number | null | undefined): Rgr {
  if (base === null || base === undefined) return { value: null, reason: 'no base result' };
  if (rl === null || rl === undefined) return { value: null, reason: 'no RL result' };
  if (student === null || student === undefined) return { value: null, reason: 'not evaluated' };
  const gap = rl - base;
  // RL no better than the base: there is no gap to recover, and the ratio would divide by zero.
  if (Math.abs(gap) < SAME) return { value: null, reason: 'undefined: RL equals base' };
  return { value: (student - base) / gap };
}

/** The mean RGR over the benchmarks where it is defined, and over how many of them. */
export function meanRgr(values: readonly Rgr[]): { value: number | null; over: number; of: number } {
  const defined = values.filter((r): r is { value: number } => r.value !== null).map((r) => r.value);
  return { value: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null, over: defined.length, of: values.length };
}
