import type { ProblemSamples, TraceDetail } from '../model/traces';
import type { NotificationType, RequestType } from './messages';
import type { LabelChange, TraceLabel } from './traces';

/** The trace detail panel: one trace in full, every sample of its problem, and a side-by-side comparison. */

export type { ProblemSamples, TraceDetail } from '../model/traces';

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
  readonly signalInfo: Readonly<
    Record<string, { readonly short: string; readonly description: string; readonly kind: string }>
  >;
}

/** Panel → extension; null when the trace is gone. */
export const GetTraceRequest: RequestType<DetailSelection, DetailData | null> = { method: 'trace/get' };

/** Panel → extension: the panel shows another selection (keeps the extension's title and serializer state in step). */
export const SelectionChangedNotification: NotificationType<DetailSelection> = { method: 'trace/selection' };

export const LabelTraceRequest: RequestType<{ readonly traceId: number; readonly change: LabelChange }, TraceLabel> = {
  method: 'trace/label',
};

/** Panel → extension: a link in a trace was clicked; the extension asks before opening it. */
export const OpenLinkRequest: RequestType<{ readonly url: string }, boolean> = { method: 'trace/openLink' };
