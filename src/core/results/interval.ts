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

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export interface BootstrapOptions {
  readonly resamples?: number;
  readonly seed?: number;
  /** default 0.95 */
  readonly confidence?: number;
}

export { seededRandom } from '../seeded-random';

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
