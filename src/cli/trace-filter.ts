import { andFilters, type TraceFilter, type TraceSort } from '../core/curation/filter';
import { FilterSyntaxError, parseFilterExpression } from '../core/curation/filter-expr';
import { requireView } from '../core/curation/views';
import { SearchSyntaxError } from '../core/curation/search';
import { computeStoredSignals, signalsBacklog } from '../core/signals/record';
import type { Store } from '../core/store/open';
import type { CliContext, OptionSpec } from './command';
import { UsageError } from './usage-error';

/** Options every command that selects traces shares. */
export const FILTER_OPTIONS: Record<string, OptionSpec> = {
  filter: {
    type: 'string',
    description:
      'filter expression, e.g. \'verdict:incorrect signal:repetition len:>2000 "let me check"\' (w2s traces --help)',
    valueName: 'EXPR',
  },
  view: { type: 'string', description: 'a saved view (w2s views lists them)', valueName: 'NAME' },
};

/** Parses --filter, failing as bad usage (exit 2) with the message naming the bad token. */
export function parseFilterOption(expr: string, flag = '--filter'): TraceFilter {
  try {
    return parseFilterExpression(expr);
  } catch (e) {
    if (e instanceof FilterSyntaxError || e instanceof SearchSyntaxError) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
}

/** --filter and --view (and any extra filter, e.g. from --run/--set) combined; `undefined` when none is given. */
export function filterFromOptions(
  v: Record<string, unknown>,
  store: Store,
  extra?: TraceFilter,
): { filter: TraceFilter; sort: TraceSort | null; given: boolean } {
  let filter: TraceFilter = {};
  let sort: TraceSort | null = null;
  let given = false;
  if (typeof v.view === 'string') {
    const view = requireView(store, v.view);
    filter = view.filter;
    sort = view.sort;
    given = true;
  }
  if (typeof v.filter === 'string') {
    filter = andFilters(filter, parseFilterOption(v.filter));
    given = true;
  }
  if (extra && Object.keys(extra).length) {
    filter = andFilters(filter, extra);
    given = true;
  }
  return { filter, sort, given };
}

/**
 * Computes the signals of traces that have none yet (written by an older version or another tool), with
 * a progress bar: the browser's queries only see traces whose signals are stored.
 */
export async function catchUpSignals(ctx: CliContext, store: Store): Promise<void> {
  const backlog = signalsBacklog(store);
  if (backlog.missing === 0) return;
  const progress = ctx.progress('signals');
  try {
    await computeStoredSignals(store, {
      mode: 'missing',
      signal: ctx.signal,
      onProgress: (d, t) => progress.update(d, t),
    });
  } finally {
    progress.done();
  }
}

export function printWarnings(ctx: CliContext, command: string, warnings: readonly string[]): void {
  for (const w of warnings) ctx.warn(`w2s ${command}: warning: ${w}`);
}
