// Signals: per-trace measures of reasoning style, failure and size (definitions.ts explains the model).
export {
  FACET_SIGNALS,
  isSignalName,
  presentFromFlags,
  signalDef,
  SIGNAL_NAMES,
  SIGNALS,
  SIGNALS_VERSION,
} from './definitions';
export type { SignalDef, SignalKind, SignalName, SignalValues, TokenCounts, TraceSignals } from './definitions';
export { computeSignals, type SignalInput } from './compute';
export {
  computeStoredSignals,
  createSignalRecorder,
  recordMissingSignals,
  recordSignals,
  signalsBacklog,
} from './record';
export type {
  ComputeSignalsOptions,
  ComputeSignalsResult,
  SignalRecorder,
  SignalsBacklog,
  SignalsMode,
} from './record';
export { runSignalSummary, signalSummaryByRun, type RunSignalSummary } from './rates';
