/**
 * Comparisons on common problems: every Δ, RGR and average of them is computed on the problems that all
 * the models in it were graded on, so a model evaluated on part of a set is compared on that part only.
 */
import { mean } from './estimators';
import { bootstrapMeanInterval, stratifiedBootstrap, type BootstrapOptions, type Interval } from './interval';
import type { Weighting } from './rgr';

/** The per-problem scores of several models on the problems all of them were graded on, aligned by problem. */
export function commonScores(models: readonly ReadonlyMap<string, number>[]): number[][] {
  const [first, ...rest] = models;
  const columns: number[][] = models.map(() => []);
  if (!first) return columns;
  for (const [key, x] of first) {
    const others = rest.map((m) => m.get(key));
    if (others.some((o) => o === undefined)) continue;
    columns[0]!.push(x);
    others.forEach((o, i) => columns[i + 1]!.push(o!));
  }
  return columns;
}

/** Student − base on their common problems, with its paired interval; `of` is the set's problem count. */
export interface Paired {
  readonly value: number;
  readonly interval: Interval;
  readonly common: number;
  readonly of: number;
}

/** Δ = student − base over the problems both were graded on, with its paired bootstrap interval. */
export function pairedDelta(
  student: ReadonlyMap<string, number>,
  base: ReadonlyMap<string, number>,
  of: number,
  options: BootstrapOptions = {},
): Paired | null {
  const [s, b] = commonScores([student, base]);
  if (s!.length === 0) return null;
  const diffs = s!.map((x, i) => x - b![i]!);
  return { value: mean(diffs), interval: bootstrapMeanInterval(diffs, options)!, common: diffs.length, of };
}

export interface AverageDelta {
  readonly weighting: Weighting;
  readonly value: number;
  readonly interval: Interval | null;
  /** benchmarks with common problems (the Δs averaged) */
  readonly over: number;
  /** common problems summed over those benchmarks */
  readonly common: number;
}

/**
 * Avg. Δ: the mean of the paired per-benchmark Δs (macro: each benchmark once; micro: each common problem
 * once), with a stratified paired bootstrap (each benchmark's common problems resampled, the same draw
 * for student and base). Null when no benchmark has common problems.
 */
export function averageDelta(
  pairs: readonly { student: readonly number[]; base: readonly number[] }[],
  weighting: Weighting,
  options: BootstrapOptions = {},
): AverageDelta | null {
  const used = pairs.filter((p) => p.student.length > 0);
  if (used.length === 0) return null;
  const weights = used.map((p) => (weighting === 'micro' ? p.student.length : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const statistic = (means: readonly (readonly number[])[]) =>
    means.reduce((a, m, j) => a + (weights[j]! / total) * (m[0]! - m[1]!), 0);
  const value = statistic(used.map((p) => [mean(p.student), mean(p.base)]));
  const boot = stratifiedBootstrap(
    used.map((p) => [p.student, p.base]),
    statistic,
    options,
  );
  return {
    weighting,
    value,
    interval: boot && boot.low !== null && boot.high !== null ? { low: boot.low, high: boot.high } : null,
    over: used.length,
    common: used.reduce((a, p) => a + p.student.length, 0),
  };
}

/** Macro (mean of benchmark accuracies) or micro (mean over all their graded problems) accuracy. */
export function averageAccuracy(
  sets: readonly { accuracy: number; problems: number }[],
  weighting: Weighting,
): number | null {
  if (sets.length === 0) return null;
  if (weighting === 'macro') return mean(sets.map((s) => s.accuracy));
  const problems = sets.reduce((a, s) => a + s.problems, 0);
  return sets.reduce((a, s) => a + s.accuracy * s.problems, 0) / problems;
}
