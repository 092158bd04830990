// The trace browser's API (the Traces view, the detail panel, `w2s traces`, `w2s label`, `w2s views`).
// Every function takes an open Store and is synchronous unless it says otherwise; results are plain data.
export {
  checkFilter,
  andFilters,
  isEmptyFilter,
  DEFAULT_SORT,
  LABEL_VALUES,
  LENGTH_BUCKETS,
  SORT_KEYS,
  VERDICTS,
} from './filter';
export type {
  Comparison,
  LabelValue,
  NumberRange,
  SignalCondition,
  SortKey,
  TraceFilter,
  TraceSort,
  Verdict,
} from './filter';
export { FILTER_SYNTAX, FilterSyntaxError, formatFilterExpression, parseFilterExpression } from './filter-expr';
export { formatSearch, parseSearch, SearchSyntaxError } from './search';
export { FACETS, type FacetName } from './compile';
export { facetCounts, type FacetValue, type TraceFacets } from './facets';
export { countTraces, indexOfTrace, loadRows, MAX_PAGE, queryTraces, selectTraceIds } from './query';
export { createTraceIndex, type TraceIndex } from './trace-index';
export type { TraceLabel, TracePage, TracePageRequest, TraceRow } from './query';
export { findTraceDetail, problemSamples, type ProblemSamples, type TraceDetail } from './detail';
export type { HighlightedText } from './highlight';
export { findAction, labelFiltered, labelTraces, listActions, traceLabel, undoAction } from './labels';
export type { LabelAction, LabelChange, UndoResult } from './labels';
export { deleteView, findView, listViews, renameView, requireView, saveView, type SavedView } from './views';
