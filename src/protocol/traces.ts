import type { LabelChange, TraceLabel } from '../model/labels';
import type { TraceFacets, TraceFilter, TraceRow, TraceSort } from '../model/traces';
import type { NotificationType, RequestType } from './messages';

/**
 * The trace browser's webviews: the Traces view (facets and a virtualised, paged list in the W2S side
 * bar) and the trace detail panel. The shapes they exchange are defined once, in src/model (shared with
 * core, which fills them with its closed set of signal names; here signal names are strings). The
 * extension checks every filter that comes from a webview with core's `checkFilter`.
 */

export type { LabelChange, LabelValue, TraceLabel } from '../model/labels';
export type {
  Comparison,
  FacetName,
  FacetValue,
  HighlightedText,
  NumberRange,
  SignalCondition,
  TokenCounts,
  TraceFacets,
  TraceFilter,
  TraceRow,
  TraceSort,
} from '../model/traces';
export type { Verdict } from '../model/verdicts';

/** A signal as the UI shows it (core's SIGNALS). */
export interface SignalInfo {
  readonly name: string;
  readonly kind: 'style' | 'failure' | 'size';
  readonly short: string;
  readonly description: string;
  /** Has a facet (a presence bit); size signals are columns and sort keys only. */
  readonly facet: boolean;
}

export interface LabelActionInfo {
  readonly id: number;
  readonly description: string;
  readonly count: number;
}

// ---- the Traces view -------------------------------------------------------------------------------

export interface TracesInit {
  readonly signals: readonly SignalInfo[];
  readonly sortKeys: readonly string[];
  /** Largest page the extension serves. */
  readonly maxPage: number;
}

/** Extension → view after `ready`. */
export const TracesInitNotification: NotificationType<TracesInit> = { method: 'traces/init' };

/** Extension → view: the store changed (new traces, grades, labels); re-query what is on screen. */
export const TracesChangedNotification: NotificationType<{ readonly reason: 'store' | 'labels' }> = {
  method: 'traces/changed',
};

/** Extension → view: show this filter (a saved view, a run clicked in the Runs view). */
export const ApplyFilterNotification: NotificationType<{
  readonly filter: TraceFilter;
  readonly sort?: TraceSort | null;
  readonly view?: string;
}> = {
  method: 'traces/applyFilter',
};

/** Extension → view: a command from the view's menu that acts on the view's current filter. */
export const ViewCommandNotification: NotificationType<{
  readonly command: 'focusSearch' | 'clearFilter' | 'bulkLabel';
}> = { method: 'traces/command' };

export const GetFacetsRequest: RequestType<{ readonly filter: TraceFilter }, TraceFacets> = { method: 'traces/facets' };

export interface PageParams {
  readonly filter: TraceFilter;
  readonly sort: TraceSort;
  readonly offset: number;
  readonly limit: number;
  readonly count?: boolean;
}
export const GetPageRequest: RequestType<
  PageParams,
  {
    readonly rows: readonly TraceRow[];
    readonly offset: number;
    readonly total?: number;
    readonly warnings: readonly string[];
  }
> = {
  method: 'traces/page',
};

/** Labels some traces (one undoable action); returns their labels now. */
export const LabelTracesRequest: RequestType<
  { readonly traceIds: readonly number[]; readonly change: LabelChange },
  { readonly action: LabelActionInfo; readonly labels: readonly { readonly id: number; readonly label: TraceLabel }[] }
> = {
  method: 'traces/label',
};

/** Labels everything the filter selects, after the extension asks; null when the user declined. */
export const BulkLabelRequest: RequestType<
  { readonly filter: TraceFilter; readonly change: LabelChange; readonly expected: number },
  LabelActionInfo | null
> = {
  method: 'traces/bulkLabel',
};

/** Undoes the newest labelling action; null when there is none. */
export const UndoLabelRequest: RequestType<
  Record<string, never>,
  { readonly description: string; readonly restored: number; readonly skipped: number } | null
> = {
  method: 'traces/undo',
};

/** Opens the detail panel on a trace (the filter's search text highlights its hits). */
export const OpenTraceRequest: RequestType<
  { readonly traceId: number; readonly text?: string; readonly preserveFocus?: boolean },
  void
> = { method: 'traces/open' };

/** Saves the filter as a named view (the extension asks for the name); the name, or null when cancelled. */
export const SaveViewRequest: RequestType<{ readonly filter: TraceFilter; readonly sort: TraceSort }, string | null> = {
  method: 'traces/saveView',
};

/** Names of the saved views (for the view's own picker). */
export const ListViewsRequest: RequestType<Record<string, never>, readonly string[]> = { method: 'traces/views' };

/** The view reports its filter, so that commands from the view's menu (export, save, bulk label) use it. */
export const FilterChangedNotification: NotificationType<{
  readonly filter: TraceFilter;
  readonly sort: TraceSort;
  readonly total: number;
}> = {
  method: 'traces/filterChanged',
};

/** The view tells the extension how long a filter change took to show (for the benchmark and the log). */
export const RenderedNotification: NotificationType<{
  readonly ms: number;
  readonly total: number;
  readonly seq: number;
}> = { method: 'traces/rendered' };
