/**
 * W2SR's headline metric, reasoning gap recovered: how much of the gain that RL gives the student its
 * SFT on weak traces recovers, RGR = (acc(student) − acc(base)) / (acc(RL) − acc(base)), per benchmark and
 * averaged over benchmarks (shared/notes/w2sr-recipe.md).
 *
 * Three rules keep it a number one can put in a paper:
 * - it is computed on the problems all three models were graded on (a student evaluated on the first 100
 *   of 500 problems is compared with base and RL on those 100, not with their accuracy on all 500);
 * - it is undefined where RL does not beat the base (a gap ≤ 0 leaves no gap to recover, and a negative
 *   denominator turns a student worse than both into a large positive RGR), and flagged unstable where
 *   the gap is under a threshold counted in problems (AIME: RL 4/30 against base 3/30 is one problem, and
 *   a student two problems better would read as RGR 4.0);
 * - its interval is a paired bootstrap that resamples the common problems jointly for the three models.
 */
import { DEFAULT_RESAMPLES, stratifiedBootstrap, type BootstrapOptions, type Interval } from './interval';

/** A gap of fewer problems than this (acc(RL) − acc(base), times the common problems) makes RGR unstable. */
export const DEFAULT_RGR_MIN_GAP = 5;

/** Accuracies closer than this are the same accuracy (they are ratios of counts; this absorbs rounding only). */
const SAME = 1e-12;

/** Per-problem scores of the three models on their common problems, aligned by problem. */
export interface RgrColumns {
  readonly student: ArrayLike<number>;
  readonly base: ArrayLike<number>;
  readonly rl: ArrayLike<number>;
}

export type { Rgr } from '../../model/results';
import type { Rgr } from '../../model/results';

export interface RgrOptions extends BootstrapOptions {
  /** in problems; default DEFAULT_RGR_MIN_GAP */
  readonly minGap?: number;
}

/** RGR without a value, for a reason found before any arithmetic (no base chosen, not evaluated…). */
export function noRgr(reason: string, common = 0): Rgr {
  return { value: null, reason, unstable: false, common, gap: null, gapProblems: null, interval: null };
}

/**
 * gain / gap where the gap is positive; otherwise ±Infinity by the gain's sign (NaN for 0 / 0), which is
 * where the ratio goes as the gap shrinks to 0 from above: a bootstrap resample with no gap lands in a tail.
 */
export function ratio(gain: number, gap: number): number {
  if (gap > SAME) return gain / gap;
  return gain > 0 ? Infinity : gain < 0 ? -Infinity : NaN;
}

const mean = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
};

/** A negative gap in points: "−5.0 points". */
const belowBy = (gap: number) => `\u2212${(-gap * 100).toFixed(1)} points`;
const problemsText = (x: number) => {
  const rounded = Number(x.toFixed(2));
  return `${rounded} problem${rounded === 1 ? '' : 's'}`;
};

/** The interval of a bootstrap, or why there is none. */
function intervalOf(
  b: ReturnType<typeof stratifiedBootstrap>,
  resamples: number,
): { interval: Interval | null; intervalNote?: string } {
  if (!b) return { interval: null, intervalNote: 'no common problems' };
  if (b.low === null || b.high === null) {
    return {
      interval: null,
      intervalNote: `unbounded: RL does not beat the base in ${b.infinite} of ${resamples} resamples`,
    };
  }
  return { interval: { low: b.low, high: b.high } };
}

/** RGR of one benchmark from the three models' scores on their common problems. */
export function rgrOnCommon(c: RgrColumns, options: RgrOptions = {}): Rgr {
  const n = c.student.length;
  if (n !== c.base.length || n !== c.rl.length)
    throw new RangeError(`RGR needs aligned scores (got ${n}, ${c.base.length}, ${c.rl.length})`);
  if (n === 0) return noRgr('no common problems: base, RL and this model were graded on no problem in common');
  const minGap = options.minGap ?? DEFAULT_RGR_MIN_GAP;
  const [s, b, r] = [mean(c.student), mean(c.base), mean(c.rl)];
  const gap = r - b;
  const gapProblems = gap * n;
  const base = { common: n, gap, gapProblems, interval: null, unstable: false };
  if (Math.abs(gap) < SAME)
    return { ...base, value: null, reason: `undefined: RL equals the base on the ${n} common problems` };
  if (gap < 0)
    return {
      ...base,
      value: null,
      reason: `undefined: RL is below the base (${belowBy(gap)} on the ${n} common problems)`,
    };
  const boot = stratifiedBootstrap(
    [[c.student, c.base, c.rl]],
    ([m]) => ratio(m![0]! - m![1]!, m![2]! - m![1]!),
    options,
  );
  const unstable = gapProblems < minGap - SAME;
  return {
    ...base,
    value: (s - b) / gap,
    unstable,
    ...(unstable
      ? { reason: `unstable: RL beats the base by ${problemsText(gapProblems)} (fewer than ${minGap})` }
      : {}),
    ...intervalOf(boot, options.resamples ?? DEFAULT_RESAMPLES),
  };
}

/** How benchmarks' RGRs become one number. */
export type RgrAggregation = 'mean-of-ratios' | 'ratio-of-gains';
export const RGR_AGGREGATIONS: readonly RgrAggregation[] = ['mean-of-ratios', 'ratio-of-gains'];
/** W2SR averages the per-benchmark RGRs (shared/notes/w2sr-recipe.md). */
export const DEFAULT_RGR_AGGREGATION: RgrAggregation = 'mean-of-ratios';

/** macro: every benchmark counts once; micro: every problem counts once (a benchmark weighs its problems). */
export type Weighting = 'macro' | 'micro';
export const DEFAULT_WEIGHTING: Weighting = 'macro';

export interface MeanRgr {
  readonly aggregation: RgrAggregation;
  readonly weighting: Weighting;
  readonly value: number | null;
  readonly reason?: string;
  readonly interval: Interval | null;
  readonly intervalNote?: string;
  /** benchmarks averaged */
  readonly over: number;
  readonly of: number;
  /** benchmarks left out, by why */
  readonly leftOut: { readonly undefined: number; readonly unstable: number; readonly noCommon: number };
}

export interface MeanRgrOptions extends RgrOptions {
  readonly aggregation?: RgrAggregation;
  readonly weighting?: Weighting;
}

/**
 * RGR over benchmarks. Mean of ratios (W2SR's): the mean of the per-benchmark RGRs that are defined and
 * stable. Ratio of gains: the mean gain over the mean gap, over every benchmark with common problems
 * (benchmarks with a small or negative gap then weigh by their gap instead of being dropped). Either is
 * macro (each benchmark once) or micro (weighted by common problems). The interval resamples each
 * benchmark's common problems jointly for the three models, benchmark by benchmark (a stratified bootstrap).
 */
export function meanRgr(
  sets: readonly { readonly rgr: Rgr; readonly columns: RgrColumns | null }[],
  options: MeanRgrOptions = {},
): MeanRgr {
  const aggregation = options.aggregation ?? DEFAULT_RGR_AGGREGATION;
  const weighting = options.weighting ?? DEFAULT_WEIGHTING;
  const leftOut = { undefined: 0, unstable: 0, noCommon: 0 };
  const used: { columns: RgrColumns; weight: number }[] = [];
  for (const s of sets) {
    if (!s.columns || s.rgr.common === 0) leftOut.noCommon++;
    else if (aggregation === 'ratio-of-gains')
      used.push({ columns: s.columns, weight: weighting === 'micro' ? s.rgr.common : 1 });
    else if (s.rgr.value === null) leftOut.undefined++;
    else if (s.rgr.unstable) leftOut.unstable++;
    else used.push({ columns: s.columns, weight: weighting === 'micro' ? s.rgr.common : 1 });
  }
  const head = { aggregation, weighting, over: used.length, of: sets.length, leftOut };
  if (used.length === 0) {
    return {
      ...head,
      value: null,
      reason: 'no benchmark with a defined, stable RGR',
      interval: null,
      intervalNote: 'no value',
    };
  }
  const total = used.reduce((a, u) => a + u.weight, 0);
  // means[j] = [student, base, rl] column means of benchmark j
  const statistic = (means: readonly (readonly number[])[]): number => {
    if (aggregation === 'ratio-of-gains') {
      let gain = 0;
      let gap = 0;
      means.forEach((m, j) => {
        gain += (used[j]!.weight / total) * (m[0]! - m[1]!);
        gap += (used[j]!.weight / total) * (m[2]! - m[1]!);
      });
      return ratio(gain, gap);
    }
    let v = 0;
    means.forEach((m, j) => (v += (used[j]!.weight / total) * ratio(m[0]! - m[1]!, m[2]! - m[1]!)));
    return v;
  };
  const observed = used.map((u) => [mean(u.columns.student), mean(u.columns.base), mean(u.columns.rl)]);
  const value = statistic(observed);
  if (!Number.isFinite(value)) {
    return {
      ...head,
      value: null,
      reason: 'undefined: RL does not beat the base on the benchmarks averaged',
      interval: null,
      intervalNote: 'no value',
    };
  }
  const boot = stratifiedBootstrap(
    used.map((u) => [u.columns.student, u.columns.base, u.columns.rl]),
    statistic,
    options,
  );
  return { ...head, value, ...intervalOf(boot, options.resamples ?? DEFAULT_RESAMPLES) };
}
