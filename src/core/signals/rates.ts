import type { Store } from '../store/open';
import { FACET_SIGNALS, SIGNALS, type SignalName } from './definitions';

/** Each signal's rate over one run: how a teacher reasons, next to how often it is right. */
export interface RunSignalSummary {
  readonly runId: number;
  /** Traces of the run with signals computed (the rates' denominator). */
  readonly traces: number;
  /** Share of those traces on which each signal is present (0–1); size signals are absent here. */
  readonly rates: Partial<Record<SignalName, number>>;
  /** Mean value of every signal (markers per trace, tokens per trace…). */
  readonly means: Record<SignalName, number>;
  /** Share of traces whose token counts are estimates (the server sent no usage). */
  readonly estimatedTokens: number;
}

/** One scan of the narrow signals table, grouped by run. */
export function signalSummaryByRun(store: Store, runIds?: readonly number[]): Map<number, RunSignalSummary> {
  const where = runIds?.length ? `WHERE run_id IN (${runIds.map(Number).join(',')})` : '';
  const sql =
    `SELECT run_id, count(*) AS n, sum(tokens_estimated) AS est, ` +
    FACET_SIGNALS.map((s) => `sum((flags & ${1 << s.bit!}) != 0) AS "r:${s.name}"`).join(', ') +
    ', ' +
    SIGNALS.map((s) => `avg(${s.column}) AS "m:${s.name}"`).join(', ') +
    ` FROM trace_signals ${where} GROUP BY run_id`;
  const out = new Map<number, RunSignalSummary>();
  for (const row of store.db.prepare(sql).all() as Record<string, number>[]) {
    const n = row.n!;
    const rates: Partial<Record<SignalName, number>> = {};
    for (const s of FACET_SIGNALS) rates[s.name] = row[`r:${s.name}`]! / n;
    const means = {} as Record<SignalName, number>;
    for (const s of SIGNALS) means[s.name] = row[`m:${s.name}`]!;
    out.set(row.run_id!, { runId: row.run_id!, traces: n, rates, means, estimatedTokens: row.est! / n });
  }
  return out;
}

/** The summary of one run (for the Runs view's tooltip), or undefined before any signal is computed. */
export function runSignalSummary(store: Store, runId: number): RunSignalSummary | undefined {
  return signalSummaryByRun(store, [runId]).get(runId);
}
