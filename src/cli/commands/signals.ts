import { computeStoredSignals, signalsBacklog, type SignalsMode } from '../../core/signals/record';
import { signalSummaryByRun } from '../../core/signals/rates';
import { FACET_SIGNALS, SIGNALS, SIGNALS_VERSION } from '../../core/signals/definitions';
import { listRuns } from '../../core/runs/runs';
import { W2sError } from '../../core/errors';
import type { Command } from '../command';
import { UsageError } from '../usage-error';

export const signalsCommand: Command = {
  name: 'signals',
  summary: "compute the reasoning-style and failure signals of stored traces, and show each run's rates",
  usage: '[--run NAME]… [--recompute | --all]',
  details:
    `Signals (version ${SIGNALS_VERSION}):\n${SIGNALS.map((s) => `  ${s.name.padEnd(17)}${s.kind.padEnd(8)}${s.description}`).join('\n')}\n\n` +
    'Sampling and import compute signals as traces arrive; this computes those still missing. --recompute also\n' +
    'recomputes signals of another version, --all every one. Interrupt and run again to resume.',
  options: {
    run: { type: 'string', multiple: true, description: 'only this run', valueName: 'NAME' },
    recompute: { type: 'boolean', description: 'also recompute signals computed by another version' },
    all: { type: 'boolean', description: "recompute every trace's signals" },
  },
  async run(v, _p, ctx) {
    if (v.recompute && v.all) throw new UsageError('give --recompute or --all, not both.');
    const store = ctx.store();
    const names = (v.run as string[] | undefined) ?? [];
    const runs = listRuns(store);
    const runIds = names.map((n) => {
      const r = runs.find((x) => x.name === n);
      if (!r)
        throw new W2sError(
          `No run named "${n}".${runs.length ? ` Runs: ${runs.map((x) => x.name).join(', ')}.` : ''}`,
          'NO_RUN',
        );
      return r.id;
    });
    const mode: SignalsMode = v.all ? 'all' : v.recompute ? 'stale' : 'missing';
    const progress = ctx.progress('signals');
    let result;
    try {
      result = await computeStoredSignals(store, {
        mode,
        runIds,
        signal: ctx.signal,
        onProgress: (d, t) => progress.update(d, t),
      });
    } finally {
      progress.done();
    }
    const summaries = signalSummaryByRun(store, runIds.length ? runIds : undefined);
    const shown = runs.filter((r) => summaries.has(r.id));
    ctx.print(
      `computed signals of ${result.computed} trace(s) (version ${SIGNALS_VERSION})${result.cancelled ? ' — interrupted: run again to resume' : ''}`,
    );
    const w = Math.max(4, ...shown.map((r) => r.name.length));
    if (shown.length)
      ctx.print(
        `${'run'.padEnd(w)}  ${'traces'.padStart(6)}  ${FACET_SIGNALS.map((s) => s.short.padStart(6)).join('')}  tokens (mean)`,
      );
    for (const r of shown) {
      const s = summaries.get(r.id)!;
      ctx.print(
        `${r.name.padEnd(w)}  ${String(s.traces).padStart(6)}  ${FACET_SIGNALS.map((d) => `${((s.rates[d.name] ?? 0) * 100).toFixed(0)}%`.padStart(6)).join('')}` +
          `  ${Math.round(s.means['reasoning-tokens'] + s.means['answer-tokens'])}${s.estimatedTokens > 0 ? ' (estimated)' : ''}`,
      );
    }
    const backlog = signalsBacklog(store);
    return {
      json: {
        ...result,
        version: SIGNALS_VERSION,
        backlog,
        runs: shown.map((r) => ({ run: r.name, ...summaries.get(r.id)! })),
      },
      exitCode: result.cancelled ? 130 : 0,
    };
  },
};
