/**
 * 95% confidence intervals by the percentile bootstrap over problems (Efron & Tibshirani 1993, ch. 13),
 * with a fixed seed so the same store always prints the same interval.
 *
 * Why the bootstrap and not Wilson's score interval: Wilson assumes independent Bernoulli trials, which
 * holds for one sample per problem but not for n > 1 (the samples of one problem are correlated: a hard
 * problem fails all of them), and it has no paired form for the difference of two models on the same
 * problems. Resampling *problems* respects both: the unit of the benchmark is the problem, a problem's
 * score is its fraction of correct samples, and Δ against the base resamples the same problems for both
 * models (a paired interval, much narrower than two independent ones when the models agree on most
 * problems).
 */

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 0;
export const CONFIDENCE = 0.95;

export type { Interval } from '../../model/results';
import type { Interval } from '../../model/results';

export interface BootstrapOptions {
  readonly resamples?: number;
  readonly seed?: number;
  /** default 0.95 */
  readonly confidence?: number;
}

import { seededRandom } from '../seeded-random';

export { seededRandom };

/** The q-quantile of sorted values with linear interpolation (numpy's default, R's type 7). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Percentile-bootstrap interval of the mean of `values` (one value per problem: its score, or for a paired
 * difference its score under one model minus under the other). Undefined for no values.
 */
export function bootstrapMeanInterval(values: ArrayLike<number>, options: BootstrapOptions = {}): Interval | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const alpha = 1 - (options.confidence ?? CONFIDENCE);
  const xs = Float64Array.from(values as ArrayLike<number>);
  const means = new Float64Array(resamples);
  // mulberry32 inlined (the same stream as seededRandom): this loop is the whole cost of a results table.
  let a = (options.seed ?? DEFAULT_SEED) >>> 0;
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      sum += xs[Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)]!;
    }
    means[b] = sum / n;
  }
  means.sort();
  return { low: quantile(means, alpha / 2), high: quantile(means, 1 - alpha / 2) };
}

/**
 * The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9): the z of a
 * Wilson interval at any confidence the user chooses, not only 1.96.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs 0 < p < 1 (got ${p})`);
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * Wilson's score interval (Wilson 1927) for a proportion p̂ over n trials. Unlike the percentile
 * bootstrap it does not collapse at 0% or 100% (0 of 30 gives [0, 11.4%], not [0, 0]) and it keeps its
 * coverage for a handful of problems, which is where the bootstrap is used least well. p̂ may be a mean
 * of per-problem scores (several samples per problem): the problem stays the trial.
 */
export function wilsonInterval(p: number, n: number, confidence = CONFIDENCE): Interval {
  if (!(n > 0) || !(p >= 0 && p <= 1))
    throw new RangeError(`Wilson interval needs n > 0 and 0 ≤ p ≤ 1 (got n=${n}, p=${p})`);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Fewer correct (or fewer incorrect) problems than this, and an accuracy gets Wilson's interval rather
 * than the bootstrap's: the usual rule for when a proportion is too close to 0 or 1 for resampling or the
 * normal approximation (n·p̂ < 5 or n·(1 − p̂) < 5). It covers 0% and 100% (the bootstrap says [0, 0]),
 * AIME's 3 of 30 (the bootstrap's lower bound is exactly 0) and any set of fewer than 10 problems.
 */
export const MIN_OUTCOMES = 5;

/** Which interval an accuracy gets: the bootstrap, or Wilson's where that degenerates. */
export type IntervalMethod = 'bootstrap' | 'wilson';

/**
 * The interval of an accuracy (mean of per-problem scores): the percentile bootstrap over problems, but
 * Wilson's score interval where fewer than MIN_OUTCOMES problems' worth of score is correct, or incorrect.
 */
export function accuracyInterval(
  scores: ArrayLike<number>,
  options: BootstrapOptions = {},
): (Interval & { readonly method: IntervalMethod }) | undefined {
  const n = scores.length;
  if (n === 0) return undefined;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += scores[i]!;
  if (sum < MIN_OUTCOMES || n - sum < MIN_OUTCOMES)
    return { ...wilsonInterval(sum / n, n, options.confidence ?? CONFIDENCE), method: 'wilson' };
  return { ...bootstrapMeanInterval(scores, options)!, method: 'bootstrap' };
}

/**
 * A percentile bootstrap of any statistic of column means over strata of problems: each stratum (a
 * benchmark's common problems) holds columns (per-problem scores of base, RL, student…) of equal length;
 * every resample draws each stratum's problems with replacement, the same indices for all its columns (a
 * paired, jointly resampled bootstrap), and hands the column means to `statistic`. A statistic may be
 * ±Infinity (a ratio whose denominator reached 0): a bound that falls there is unbounded, and null.
 */
export function stratifiedBootstrap(
  strata: readonly (readonly ArrayLike<number>[])[],
  statistic: (means: readonly (readonly number[])[]) => number,
  options: BootstrapOptions = {},
): { low: number | null; high: number | null; infinite: number } | undefined {
  if (strata.length === 0 || strata.some((s) => s.length === 0 || s[0]!.length === 0)) return undefined;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const alpha = 1 - (options.confidence ?? CONFIDENCE);
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const values = new Float64Array(resamples);
  const sums = strata.map((s) => new Float64Array(s.length));
  let infinite = 0;
  for (let b = 0; b < resamples; b++) {
    const means = strata.map((columns, j) => {
      const n = columns[0]!.length;
      const sum = sums[j]!.fill(0);
      for (let i = 0; i < n; i++) {
        const pick = Math.floor(random() * n);
        for (let c = 0; c < columns.length; c++) sum[c]! += columns[c]![pick]!;
      }
      return Array.from(sum, (x) => x / n);
    });
    const v = statistic(means);
    // NaN (0/0: no gap and no gain) is as undefined as a division by zero: it counts toward both tails.
    values[b] = Number.isNaN(v) ? Infinity : v;
    if (!Number.isFinite(values[b]!)) infinite++;
  }
  values.sort();
  const bound = (q: number) => {
    const x = quantile(values, q);
    return Number.isFinite(x) ? x : null;
  };
  return { low: bound(alpha / 2), high: bound(1 - alpha / 2), infinite };
}
