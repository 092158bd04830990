import type { LabelValue, TraceLabel } from './labels';
import type { Verdict } from './verdicts';

// The trace browser's shapes, shared by core (which computes them), the protocol and the webviews.
// `S` is the signal-name type: core uses its closed SignalName union; the protocol and the webviews,
// which learn the signals at run time, use string.

export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
}

export type Comparison = '>' | '>=' | '<' | '<=' | '=';

/**
 * `{signal}`: present; `{signal, present: false}`: absent; `{signal, op, value}`: the stored value
 * compared (e.g. reflection markers >= 3, reasoning-tokens > 2000).
 */
export interface SignalCondition<S extends string = string> {
  readonly signal: S;
  readonly present?: boolean;
  readonly op?: Comparison;
  readonly value?: number;
}

/**
 * The one filter over traces: shared by the Traces view, `w2s traces --filter`, bulk labelling, saved
 * views and export. Plain data (JSON-serialisable), so it travels to a webview and into the store as is.
 *
 * Within a field the values are alternatives (OR); fields combine with AND. An absent or empty field
 * does not filter. Signal conditions combine with AND (each is its own facet).
 */
export interface TraceFilter<S extends string = string> {
  /** Run names. */
  readonly runs?: readonly string[];
  /** Model names (as the runs record them). */
  readonly models?: readonly string[];
  /** Problem set names. */
  readonly sets?: readonly string[];
  readonly verdicts?: readonly Verdict[];
  readonly labels?: readonly LabelValue[];
  /** Finish reasons as the server sent them (`stop`, `length`…); `none` for a trace without one. */
  readonly finishReasons?: readonly string[];
  /** Completion tokens (the server's usage, else the estimate), inclusive bounds. */
  readonly length?: NumberRange;
  /** Latency in milliseconds, inclusive bounds. */
  readonly latencyMs?: NumberRange;
  /** From the problems' metadata (`subject`, or `type`), where the set has one. */
  readonly subjects?: readonly string[];
  /** From the problems' metadata (`level`; "Level 3" reads as "3"). */
  readonly levels?: readonly string[];
  readonly signals?: readonly SignalCondition<S>[];
  /** Problem keys (ids within their set). */
  readonly problems?: readonly string[];
  readonly traceIds?: readonly number[];
  /** Full-text search in the syntax of core's `search.ts` (words, "phrases", OR, -word, prefix*). */
  readonly text?: string;
}

/** What the list is sorted by (besides `signal:NAME`); ties always fall back to the trace id, so pages are stable. */
export const SORT_KEYS = ['id', 'problem', 'run', 'length', 'latency', 'verdict'] as const;
export type SortKey<S extends string = string> = (typeof SORT_KEYS)[number] | `signal:${S}`;

export interface TraceSort<S extends string = string> {
  readonly key: SortKey<S>;
  readonly desc?: boolean;
}

/**
 * Search hits as plain text plus character ranges, never markup: the UI renders the ranges itself
 * (as text nodes), so a trace's text can never become HTML on the way.
 */
export interface HighlightedText {
  readonly text: string;
  /** [start, end) offsets into `text`, in UTF-16 code units, sorted and disjoint. */
  readonly hits: readonly (readonly [number, number])[];
}

export interface TokenCounts {
  readonly reasoning: number;
  readonly answer: number;
  readonly total: number;
  /** `usage`: the server's completion_tokens (split between reasoning and answer by text length); `estimate`: counted from the text. */
  readonly source: 'usage' | 'estimate';
}

/** One row of the Traces list: everything a row shows, nothing long (the question is cut). */
export interface TraceRow<S extends string = string> {
  readonly id: number;
  readonly run: string;
  readonly model: string;
  readonly set: string;
  readonly problemId: number;
  readonly problemKey: string;
  /** Position of the problem in its set (0-based, file order). */
  readonly position: number;
  readonly sampleIndex: number;
  /** The problem's first 240 characters. */
  readonly question: string;
  readonly gold: string;
  readonly extracted: string | null;
  readonly verdict: Verdict;
  readonly label: TraceLabel;
  readonly finishReason: string | null;
  readonly latencyMs: number | null;
  readonly tokens: TokenCounts;
  readonly signals: Readonly<Record<S, number>>;
  /** The signals present, in display order. */
  readonly present: readonly S[];
  readonly signalsVersion: number;
  /** With a text search: an excerpt of the trace around the hits. */
  readonly snippet?: HighlightedText;
}

export const FACETS = [
  'run',
  'model',
  'set',
  'verdict',
  'label',
  'finish',
  'length',
  'subject',
  'level',
  'signal',
] as const;
export type FacetName = (typeof FACETS)[number];

export interface FacetValue {
  readonly value: string;
  /** Traces the value would select, with every *other* facet of the filter applied. */
  readonly count: number;
  /** Whether the filter selects this value now. */
  readonly selected: boolean;
  /** For runs: the model and set; for signals: the description. */
  readonly detail?: string;
  /** For length buckets: the token range the bucket stands for. */
  readonly range?: Required<NumberRange>;
}

export interface TraceFacets {
  /** Traces the whole filter selects. */
  readonly total: number;
  /** Traces in the browser's universe (with text and signals). */
  readonly all: number;
  readonly facets: Readonly<Record<FacetName, readonly FacetValue[]>>;
  /** Traces with text whose signals are not computed yet (not counted anywhere until they are). */
  readonly pendingSignals: number;
  readonly warnings: readonly string[];
}

/** Everything the detail panel shows about one trace: the row plus the whole text. `question` is the whole problem here. */
export interface TraceDetail<S extends string = string> extends TraceRow<S> {
  readonly prompt: string;
  readonly reasoning: string | null;
  readonly answer: string | null;
  readonly answerType: string;
  readonly choices: readonly string[] | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly gradeDetail: string | null;
  readonly graderVersion: string | null;
  readonly attempts: number;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  readonly createdAt: string;
  /** Where the extracted answer stands: the box content (or the text) the grader read, as offsets into `field`. */
  readonly extractedAt: { readonly field: 'answer' | 'reasoning'; readonly start: number; readonly end: number } | null;
  /** With a search: every hit in the reasoning and the answer, as [start, end) offsets. */
  readonly hits?: {
    readonly reasoning: readonly (readonly [number, number])[];
    readonly answer: readonly (readonly [number, number])[];
  };
}

/** Every sample of one problem across runs, with each run's pass rate (the detail's side-by-side view). */
export interface ProblemSamples<S extends string = string> {
  readonly problemId: number;
  readonly key: string;
  readonly set: string;
  readonly question: string;
  readonly gold: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Per run: samples of this problem and how many are correct. */
  readonly runs: readonly {
    readonly run: string;
    readonly model: string;
    readonly samples: number;
    readonly correct: number;
    readonly graded: number;
    readonly passRate: number | null;
  }[];
  /** Every sample of the problem, by run then sample index. */
  readonly traces: readonly TraceRow<S>[];
}
