// The results shapes that core computes and the results panel reads (through the protocol), kept once.

/** A 95% interval; a fraction for accuracies and Δ, a ratio for RGR. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** RGR on one benchmark (or averaged), with why it has no value or is unstable. */
export interface Rgr {
  /** null where RGR is undefined; then `reason` says why */
  readonly value: number | null;
  readonly reason?: string;
  /** the gap is under the threshold: shown, left out of the mean of ratios */
  readonly unstable: boolean;
  /** problems all three models were graded on */
  readonly common: number;
  /** acc(RL) − acc(base) on the common problems, as a fraction; null without common problems */
  readonly gap: number | null;
  /** the same gap in problems (gap × common) */
  readonly gapProblems: number | null;
  /** paired bootstrap interval; null where RGR is undefined or a bound is unbounded (then `intervalNote`) */
  readonly interval: Interval | null;
  readonly intervalNote?: string;
}
