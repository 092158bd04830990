import type { NotificationType, RequestType } from './messages';
import type { LabelChange, TraceLabel, TraceRow } from './traces';

/** The trace detail panel: one trace in full, every sample of its problem, and a side-by-side comparison. */

type Range = readonly [number, number];

/** Core's `TraceDetail`: the row plus the whole text. `question` is the whole problem here. */
export interface TraceDetail extends TraceRow {
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
  readonly extractedAt: { readonly field: 'answer' | 'reasoning'; readonly start: number; readonly end: number } | null;
  readonly hits?: { readonly reasoning: readonly Range[]; readonly answer: readonly Range[] };
}

export interface ProblemSamples {
  readonly problemId: number;
  readonly key: string;
  readonly set: string;
  readonly question: string;
  readonly gold: string;
  readonly runs: readonly { readonly run: string; readonly model: string; readonly samples: number; readonly correct: number; readonly graded: number; readonly passRate: number | null }[];
  readonly traces: readonly TraceRow[];
}

export interface DetailSelection {
  readonly traceId: number;
  /** A second trace shown beside the first. */
  readonly compareId?: number;
  /** Search text whose hits are highlighted. */
  readonly text?: string;
}

/** Extension → panel: show this trace (the panel then asks for it). */
export const ShowTraceNotification: NotificationType<DetailSelection> = { method: 'trace/show' };

/** Extension → panel: the store changed; ask again for what is shown. */
export const TraceChangedNotification: NotificationType<Record<string, never>> = { method: 'trace/changed' };

export interface DetailData {
  readonly trace: TraceDetail;
  readonly compare: TraceDetail | null;
  readonly samples: ProblemSamples | null;
  /** Signal descriptions by name, for tooltips. */
  readonly signalInfo: Readonly<Record<string, { readonly short: string; readonly description: string; readonly kind: string }>>;
}

/** Panel → extension; null when the trace is gone. */
export const GetTraceRequest: RequestType<DetailSelection, DetailData | null> = { method: 'trace/get' };

/** Panel → extension: the panel shows another selection (keeps the extension's title and serializer state in step). */
export const SelectionChangedNotification: NotificationType<DetailSelection> = { method: 'trace/selection' };

export const LabelTraceRequest: RequestType<{ readonly traceId: number; readonly change: LabelChange }, TraceLabel> = { method: 'trace/label' };

/** Panel → extension: a link in a trace was clicked; the extension asks before opening it. */
export const OpenLinkRequest: RequestType<{ readonly url: string }, boolean> = { method: 'trace/openLink' };
