import type { Interval, Rgr } from '../model/results';
import type { NotificationType, RequestType } from './messages';

/**
 * The results comparison panel: models × benchmarks with Δ against a base and RGR. The numbers are the
 * ones core's `buildComparison` computes (the same as `w2s results --format json`); these types are the
 * part of that document the panel reads.
 */

export type IntervalView = Interval;

/** k with its value over the problems that have at least k graded samples */
export interface KValueView {
  readonly k: number;
  readonly value: number;
  readonly problems: number;
}

export type RgrView = Rgr;

export interface MeanRgrView {
  readonly aggregation: 'mean-of-ratios' | 'ratio-of-gains';
  readonly weighting: 'macro' | 'micro';
  readonly value: number | null;
  readonly reason?: string;
  readonly interval: IntervalView | null;
  readonly intervalNote?: string;
  readonly over: number;
  readonly of: number;
  readonly leftOut: { readonly undefined: number; readonly unstable: number; readonly noCommon: number };
}

export interface MetricsView {
  readonly problems: number;
  readonly ungradedProblems: number;
  readonly gradedSamples: number;
  readonly failedSamples: number;
  readonly accuracy: number | null;
  readonly interval: (IntervalView & { readonly method: 'bootstrap' | 'wilson' }) | null;
  readonly passAtK: readonly KValueView[];
  readonly majAtK: readonly KValueView[];
  readonly majVote: 'exact' | 'equivalent';
  readonly avgLength: number | null;
  readonly longIgnored: number;
  readonly longTokens: number;
  readonly truncationRate: number | null;
  readonly breakdowns: Readonly<
    Record<string, readonly { readonly value: string; readonly problems: number; readonly accuracy: number }[]>
  >;
}

export interface CellView {
  readonly run: string;
  readonly reruns: readonly string[];
  readonly kind: string;
  readonly status: string;
  readonly samplesPerProblem: number;
  readonly setProblems: number;
  readonly coverage: { readonly graded: number; readonly of: number; readonly partial: boolean };
  readonly metrics: MetricsView;
  /** on the problems both were graded on: `common` of the set's `of` */
  readonly delta: {
    readonly value: number;
    readonly interval: IntervalView;
    readonly common: number;
    readonly of: number;
  } | null;
  readonly deltaNote?: string;
  readonly rgr: RgrView;
}

export interface LineageView {
  readonly snapshot: string;
  readonly preset: string;
  readonly traces: number;
  readonly teachers: readonly {
    readonly run: string;
    readonly model: string;
    readonly set: string;
    readonly traces: number;
    readonly accuracy: number | null;
  }[];
}

export interface RowView {
  readonly model: string;
  readonly roles: readonly string[];
  readonly lineage: LineageView | null;
  readonly cells: Readonly<Record<string, CellView | null>>;
  readonly average: {
    readonly weighting: 'macro' | 'micro';
    readonly accuracy: number | null;
    readonly over: number;
    readonly of: number;
    readonly partial: number;
    readonly delta: {
      readonly weighting: 'macro' | 'micro';
      readonly value: number;
      readonly interval: IntervalView | null;
      readonly over: number;
      readonly common: number;
    } | null;
  };
  readonly rgr: MeanRgrView | null;
}

export interface ComparisonView {
  readonly sets: readonly { readonly name: string; readonly label: string; readonly problems: number }[];
  readonly base: string | null;
  readonly rl: string | null;
  readonly settings: {
    readonly confidence: number;
    readonly interval: string;
    readonly resamples: number;
    readonly seed: number;
    readonly longTokens: number;
    readonly weighting: 'macro' | 'micro';
    readonly rgrAggregation: 'mean-of-ratios' | 'ratio-of-gains';
    readonly rgrMinGap: number;
    readonly majVote: 'exact' | 'equivalent';
  };
  /** what the numbers are and how their intervals were made, as `w2s results` prints them */
  readonly notes?: readonly string[];
  readonly rows: readonly RowView[];
  readonly models: readonly string[];
}

/** What the user chose in the panel (kept by the extension per workspace). */
export interface ResultsSelection {
  readonly base: string | null;
  readonly rl: string | null;
  /** null: every set with an evaluation */
  readonly sets: readonly string[] | null;
}

export interface ResultsState {
  readonly selection: ResultsSelection;
  /** every set with an evaluation (the column choices) */
  readonly availableSets: readonly string[];
  readonly comparison: ComparisonView | null;
  /** why there is no comparison (no store, a base that no longer exists…) */
  readonly error: string | null;
}

/** Extension → webview after `ready`, and whenever the store changes. */
export const ResultsStateNotification: NotificationType<ResultsState> = { method: 'results/state' };

/** Webview → extension: a new base / RL / column choice; answers with the recomputed state. */
export const SelectResultsRequest: RequestType<ResultsSelection, ResultsState> = { method: 'results/select' };

/** Webview → extension: put the table on the clipboard as compact Markdown, booktabs LaTeX or CSV (formatted by core, as the CLI does). */
export const CopyResultsRequest: RequestType<{ format: 'md' | 'latex' | 'csv' }, { chars: number }> = {
  method: 'results/copy',
};

/** Webview → extension: open an evaluation's problems in the Testing view, or its run's traces. */
export const RevealRunRequest: RequestType<{ run: string; set: string }, null> = { method: 'results/reveal' };
