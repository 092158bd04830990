import * as path from 'node:path';
import { W2sError, isW2sError } from '../../core/errors';
import { EXPORT_FORMATS, checkFormat } from '../../core/export/formats';
import { exportDataset, recreateDataset, type ExportResult, type RecreateResult } from '../../core/export/export';
import { EXPORT_DEFAULTS, skippedReasons } from '../../core/export/defaults';
import { EXPORT_PRESETS, checkPreset } from '../../core/export/presets';
import type { Command } from '../command';
import { catchUpSignals, FILTER_OPTIONS, filterFromOptions } from '../trace-filter';
import { UsageError } from '../usage-error';

const SELECTION_FLAGS = [
  'preset',
  'run',
  'set',
  'filter',
  'view',
  'format',
  'max-per-problem',
  'drop-truncated',
  'dedupe',
  'reasoning',
  'system',
  'val-fraction',
  'seed',
  'name',
  'replace',
];

function num(v: unknown, flag: string, check: (x: number) => boolean, what: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || !check(x)) throw new UsageError(`--${flag} must be ${what} (got "${String(v)}").`);
  return x;
}

/** The snapshot name from the file name: `out/w2sr-p.jsonl` → `w2sr-p`. */
export function nameFromFile(file: string): string {
  return (
    path
      .basename(file)
      .replace(/\.(jsonl|json|ndjson)$/i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '') || 'dataset'
  );
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'export an SFT dataset (OpenAI / ShareGPT / Alpaca JSONL + dataset_info.json) and freeze it as a snapshot',
  usage:
    '--preset w2sr|w2sr-p|incorrect|accepted [--run NAME]… [--set NAME]… [--filter EXPR | --view NAME]\n' +
    '       [--format openai|sharegpt|alpaca] [--max-per-problem K] [--drop-truncated] [--dedupe] [--reasoning think|plain]\n' +
    '       [--system TEXT] [--val-fraction F --seed N] --out FILE [--name SNAPSHOT] [--replace]\n' +
    "       w2s export --snapshot NAME [--out FILE]     (write a snapshot's files again, exactly)",
  details:
    'Presets (W2SR): w2sr = every trace; w2sr-p = correct only; incorrect = incorrect and no-answer (not grader\n' +
    'errors or ungraded); accepted = traces accepted in the browser (w2s label accept). A filter narrows the preset.\n' +
    'The user turn is the problem; the assistant turn is the reasoning as <think>…</think> then the answer (or\n' +
    'plain with --reasoning plain). --max-per-problem keeps the first K traces of each problem (problem, run,\n' +
    'sample order) after --drop-truncated and --dedupe (same problem, same text). --val-fraction holds out that\n' +
    'share of the *problems* (seeded by --seed, default 0) in NAME.val.jsonl beside FILE. By default every selected\n' +
    "trace is kept, as the W2SR datasets keep them (the editor's export has the same defaults).\n" +
    'The chosen trace ids are stored as snapshot NAME (default: the file name): w2s datasets lists them, and\n' +
    'w2s export --snapshot NAME writes the same bytes again. LLaMA-Factory: dataset_info.json beside FILE gets\n' +
    'the entries NAME (and NAME-val); train with dataset: NAME and dataset_dir: the folder.\n' +
    'Files are written under a temporary name and renamed when complete: an interrupted export leaves no file.',
  options: {
    preset: { type: 'string', description: `${EXPORT_PRESETS.join(' | ')} (default w2sr)`, valueName: 'P' },
    run: { type: 'string', multiple: true, description: 'only traces of this run', valueName: 'NAME' },
    set: { type: 'string', multiple: true, description: 'only traces of this problem set', valueName: 'NAME' },
    ...FILTER_OPTIONS,
    format: { type: 'string', description: `${EXPORT_FORMATS.join(' | ')} (default openai)`, valueName: 'F' },
    'max-per-problem': { type: 'string', description: 'at most K traces per problem', valueName: 'K' },
    'drop-truncated': { type: 'boolean', description: 'leave out traces cut off by the token limit' },
    dedupe: { type: 'boolean', description: 'leave out exact duplicates (same problem, same reasoning and answer)' },
    reasoning: { type: 'string', description: 'think (<think>…</think>, default) | plain', valueName: 'MODE' },
    system: { type: 'string', description: 'a system prompt for every example', valueName: 'TEXT' },
    'val-fraction': {
      type: 'string',
      description: 'share of problems held out for validation (0 to <1)',
      valueName: 'F',
    },
    seed: { type: 'string', description: 'seed of the validation split (default 0)', valueName: 'N' },
    out: { type: 'string', description: 'the training file (JSONL)', valueName: 'FILE' },
    name: { type: 'string', description: 'snapshot name (default: the file name)', valueName: 'SNAPSHOT' },
    replace: { type: 'boolean', description: 'replace a snapshot of the same name' },
    snapshot: { type: 'string', description: 're-create the files of this snapshot', valueName: 'NAME' },
    'no-dataset-info': { type: 'boolean', description: 'do not write or update dataset_info.json' },
  },
  async run(v, _p, ctx) {
    const store = ctx.store();
    const out = v.out === undefined ? undefined : path.resolve(ctx.cwd, v.out as string);
    const progress = ctx.progress(v.snapshot ? `export ${String(v.snapshot)}` : 'export');
    try {
      if (v.snapshot !== undefined) {
        const extra = SELECTION_FLAGS.filter((f) => v[f] !== undefined);
        if (extra.length)
          throw new UsageError(
            `--snapshot re-creates a snapshot as it was: leave out ${extra.map((f) => `--${f}`).join(', ')}.`,
          );
        const r: RecreateResult = await recreateDataset(store, v.snapshot as string, {
          out,
          datasetInfo: !v['no-dataset-info'],
          signal: ctx.signal,
          onProgress: (d, t) => progress.update(d, t),
        });
        progress.done();
        ctx.print(
          `${r.snapshot.name}: wrote ${r.snapshot.counts.train + r.snapshot.counts.val} trace(s) again to ${[r.paths.train, r.paths.val].filter(Boolean).join(', ')}` +
            ` — ${r.identical ? 'identical to the original export (SHA-256)' : 'DIFFERENT from the original export: a problem text changed since (w2s import --replace?)'}`,
        );
        return { json: { ...r, snapshot: r.snapshot.name, counts: r.snapshot.counts }, exitCode: r.identical ? 0 : 1 };
      }
      if (!out) throw new UsageError('give the file to write: --out FILE (e.g. --out data/w2sr-p.jsonl).');
      const preset = v.preset === undefined ? undefined : wrap(() => checkPreset(v.preset as string));
      const format = v.format === undefined ? EXPORT_DEFAULTS.format : wrap(() => checkFormat(v.format as string));
      const reasoning = v.reasoning as string | undefined;
      if (reasoning !== undefined && reasoning !== 'think' && reasoning !== 'plain')
        throw new UsageError('--reasoning must be think or plain.');
      const extra = { ...(v.run ? { runs: v.run as string[] } : {}), ...(v.set ? { sets: v.set as string[] } : {}) };
      const { filter, given } = filterFromOptions(v, store, extra);
      if (!preset && !given)
        throw new UsageError(
          `choose what to export: --preset ${EXPORT_PRESETS.join('|')} and/or --filter EXPR / --view NAME.`,
        );
      await catchUpSignals(ctx, store);
      const name = (v.name as string | undefined) ?? nameFromFile(out);
      const r: ExportResult = await exportDataset(store, {
        name,
        preset,
        filter,
        format,
        out,
        reasoning: reasoning as 'think' | 'plain' | undefined,
        system: v.system as string | undefined,
        maxPerProblem: num(
          v['max-per-problem'],
          'max-per-problem',
          (x) => Number.isInteger(x) && x >= 1,
          'a positive integer',
        ),
        // a flag not given leaves the option to EXPORT_DEFAULTS, the editor's defaults too
        dropTruncated: v['drop-truncated'] ? true : undefined,
        dedupe: v.dedupe ? true : undefined,
        valFraction: num(v['val-fraction'], 'val-fraction', (x) => x >= 0 && x < 1, 'at least 0 and below 1'),
        seed: num(v.seed, 'seed', Number.isInteger, 'an integer'),
        datasetInfo: !v['no-dataset-info'],
        replace: Boolean(v.replace),
        signal: ctx.signal,
        onProgress: (d, t) => progress.update(d, t),
      });
      progress.done();
      const c = r.snapshot.counts;
      const skipped = skippedReasons(c.skipped);
      ctx.print(
        `${r.snapshot.name}: ${c.train + c.val} trace(s) of ${c.problems} problem(s)${c.val ? ` (${c.train} train, ${c.val} validation)` : ''}` +
          ` from ${c.selected} selected${skipped.length ? `; left out ${skipped.join(', ')}` : ''}`,
      );
      ctx.print(
        `  → ${[r.paths.train, r.paths.val].filter(Boolean).join(', ')}${r.paths.info ? `; ${path.basename(r.paths.info)}: ${r.snapshot.name}${c.val ? `, ${r.snapshot.name}-val` : ''}` : ''}`,
      );
      ctx.print(
        `  ${Math.round(r.tracesPerSecond)} traces/s; snapshot "${r.snapshot.name}" (w2s export --snapshot ${r.snapshot.name} writes it again)`,
      );
      if (c.train + c.val === 0)
        ctx.warn(
          'w2s export: warning: nothing was selected; check the preset and filter with w2s traces --filter … --facets.',
        );
      return {
        json: { snapshot: r.snapshot, paths: r.paths, elapsedMs: r.elapsedMs, tracesPerSecond: r.tracesPerSecond },
      };
    } catch (e) {
      progress.done();
      if (isW2sError(e) && e.code === 'CANCELLED') {
        ctx.warn(`w2s export: ${e.message}`);
        return { json: { cancelled: true }, exitCode: 130 };
      }
      throw e;
    }
  },
};

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof W2sError) throw new UsageError(e.message);
    throw e;
  }
}
