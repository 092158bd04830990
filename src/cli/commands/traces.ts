import * as fs from 'node:fs';
import { FACETS } from '../../core/curation/compile';
import { facetCounts } from '../../core/curation/facets';
import { FILTER_SYNTAX } from '../../core/curation/filter-expr';
import { SORT_KEYS, type SortKey, type TraceSort } from '../../core/curation/filter';
import { orderBy, queryTraces, type TraceRow } from '../../core/curation/query';
import { isW2sError } from '../../core/errors';
import { signalDef } from '../../core/signals/definitions';
import type { Command } from '../command';
import { catchUpSignals, FILTER_OPTIONS, filterFromOptions, printWarnings } from '../trace-filter';
import { UsageError } from '../usage-error';

export function parseSort(value: string | undefined, desc: boolean): TraceSort | undefined {
  if (value === undefined) return desc ? { key: 'id', desc: true } : undefined;
  let key = value.trim();
  let d = desc;
  if (key.endsWith(':desc')) {
    key = key.slice(0, -5);
    d = true;
  } else if (key.endsWith(':asc')) key = key.slice(0, -4);
  const sort: TraceSort = { key: key as SortKey, desc: d };
  try {
    orderBy(sort);
  } catch (e) {
    if (isW2sError(e)) throw new UsageError(`--sort: ${e.message.replace(/^sort: /, '')}`);
    throw e;
  }
  return sort;
}

function int(v: unknown, flag: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${flag} must be an integer of at least ${min} (got "${String(v)}").`);
  return n;
}

function row(r: TraceRow): string {
  const label = `${r.label.decision === 'accept' ? '✓' : r.label.decision === 'reject' ? '✗' : ' '}${r.label.star ? '★' : ' '}`;
  const signals = r.present.map((s) => signalDef(s).short).join(',');
  const q = r.question.replace(/\s+/g, ' ').slice(0, 60);
  return `${String(r.id).padStart(7)} ${label} ${r.verdict.padEnd(9)} ${`${r.tokens.total}${r.tokens.source === 'estimate' ? '~' : ''}`.padStart(6)}  ${r.run}  ${r.set}/${r.problemKey}#${r.sampleIndex}  ${signals ? `[${signals}] ` : ''}${q}`;
}

export const tracesCommand: Command = {
  name: 'traces',
  summary: 'list the traces a filter selects (the Traces view on the command line), with facet counts',
  usage: '[--filter EXPR] [--view NAME] [--sort KEY[:desc]] [--limit N] [--offset N] [--facets]',
  details:
    `${FILTER_SYNTAX}\n\n` +
    `Sort keys: ${SORT_KEYS.join(', ')}, signal:NAME (e.g. signal:reflection:desc). Ties are broken by trace id.\n` +
    'Rows: id, label (✓ accepted, ✗ rejected, ★ starred), verdict, tokens (~ estimated), run, set/problem#sample,\n' +
    '[signals present], the problem. --json prints {total, offset, rows, facets?, warnings}.',
  options: {
    ...FILTER_OPTIONS,
    sort: {
      type: 'string',
      description: `sort key (default id): ${SORT_KEYS.join(', ')}, signal:NAME; add :desc to reverse`,
      valueName: 'KEY',
    },
    desc: { type: 'boolean', description: 'reverse the sort' },
    limit: { type: 'string', description: 'rows to show (default 50, at most 500)', valueName: 'N' },
    offset: { type: 'string', description: 'rows to skip first', valueName: 'N' },
    facets: { type: 'boolean', description: 'also print the count of every facet value under the filter' },
  },
  async run(v, _p, ctx) {
    const limit = int(v.limit, 'limit', 1) ?? 50;
    if (limit > 500) throw new UsageError('--limit must be at most 500 (page with --offset).');
    const offset = int(v.offset, 'offset', 0) ?? 0;
    // Writable when there is a store: traces written by other tools get their signals computed first.
    const store = fs.existsSync(ctx.storePath) ? ctx.store() : undefined;
    if (!store) {
      ctx.print(`No store yet at ${ctx.storePath}. Import a problem set and sample traces first.`);
      return { json: { total: 0, offset, rows: [], warnings: [] } };
    }
    const { filter, sort: viewSort } = filterFromOptions(v, store);
    const sort = parseSort(v.sort as string | undefined, Boolean(v.desc)) ?? viewSort ?? undefined;
    await catchUpSignals(ctx, store);
    const page = queryTraces(store, { filter, sort, offset, limit, count: true });
    const facets = v.facets ? facetCounts(store, filter) : undefined;
    printWarnings(ctx, 'traces', page.warnings);
    ctx.print(
      `${page.total} trace(s)${page.total! > page.rows.length ? `, showing ${offset + 1}–${offset + page.rows.length}` : ''}`,
    );
    for (const r of page.rows) ctx.print(row(r));
    if (facets) {
      for (const f of FACETS) {
        const vals = facets.facets[f].filter((x) => x.count > 0 || x.selected);
        if (vals.length)
          ctx.print(`${f}: ${vals.map((x) => `${x.selected ? '*' : ''}${x.value} ${x.count}`).join('  ')}`);
      }
    }
    return {
      json: {
        total: page.total,
        offset,
        rows: page.rows,
        ...(facets ? { facets: facets.facets } : {}),
        warnings: page.warnings,
      },
    };
  },
};
