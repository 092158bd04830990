import { W2sError } from '../../core/errors';
import { buildComparison } from '../../core/results/comparison';
import { toCompactMarkdown, toCsv, toLatex, toMarkdown, toTextTable } from '../../core/results/format';
import { MAJ_VOTES, type MajVote } from '../../core/results/metrics';
import { RGR_AGGREGATIONS, type RgrAggregation, type Weighting } from '../../core/results/rgr';
import { linkModel, unlinkModel } from '../../core/results/lineage';
import { findRun } from '../../core/runs/runs';
import type { Command } from '../command';
import { intOption } from '../numbers';
import { UsageError } from '../usage-error';

const FORMATS = ['table', 'md', 'latex', 'csv', 'json'] as const;
const WEIGHTINGS: readonly Weighting[] = ['macro', 'micro'];

/** A flag whose value is one of a few words; undefined when not given. */
function choice<T extends string>(v: unknown, flag: string, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T))
    throw new UsageError(`--${flag} must be ${allowed.join(' or ')} (got "${String(v)}").`);
  return v as T;
}

export const resultsCommand: Command = {
  name: 'results',
  summary: 'compare evaluated models across benchmarks: accuracy with 95% intervals, Δ against a base, RGR',
  usage:
    '[--base MODEL] [--rl MODEL] [--sets A,B] [--format table|md|latex|csv|json] [--compact]\n' +
    '       [--average macro|micro] [--rgr-mean mean-of-ratios|ratio-of-gains] [--rgr-min-gap N] [--maj-vote exact|equivalent]\n' +
    '       w2s results link (--run STUDENT_RUN | --model ID) --snapshot NAME\n' +
    '       w2s results unlink (--run STUDENT_RUN | --model ID)',
  positionals: { min: 0, max: 1 },
  details:
    "Rows are models (each model's latest evaluation of each set: w2s eval, cluster eval jobs, imported traces);\n" +
    'columns are benchmarks. MODEL is a model name, or the name of one of its eval runs (that run then stands for\n' +
    'its set). Accuracy is pass@1 averaged over samples; the interval is a 95% percentile bootstrap over problems\n' +
    "(Wilson's score interval where fewer than 5 are correct, or incorrect), 2000 resamples, seed 0. Δ and RGR are\n" +
    'computed on the problems all the models in them were graded on ("on 100 of 500"), with paired bootstrap intervals.\n' +
    'RGR = (acc − acc(base)) / (acc(RL) − acc(base)), in %; undefined where RL does not beat the base, unstable\n' +
    'where it beats it by fewer than --rgr-min-gap problems (left out of the mean, and counted). Averages are\n' +
    'macro (each benchmark once) unless --average micro. Partial evaluations are marked. --format latex writes a\n' +
    'booktabs table; --format md --compact a paper-ready Markdown table. --format json holds every number.\n' +
    '"link" records that a student model was fine-tuned on a dataset snapshot, so its row names the teacher run,\n' +
    "the teacher's accuracy and the preset (all / correct only / incorrect only).",
  options: {
    base: {
      type: 'string',
      description: 'the student before fine-tuning (Δ and RGR are against it)',
      valueName: 'MODEL',
    },
    rl: { type: 'string', description: "the RL-trained reference (RGR's denominator)", valueName: 'MODEL' },
    sets: {
      type: 'string',
      description: 'benchmark columns (default: every set with an evaluation)',
      valueName: 'A,B',
    },
    format: { type: 'string', description: 'table (default) | md | latex | csv | json', valueName: 'F' },
    compact: { type: 'boolean', description: 'md: accuracy ± CI per cell, Avg., Δ and RGR (%) columns (as latex)' },
    average: {
      type: 'string',
      description: 'macro (default: each benchmark once) | micro (each problem once)',
      valueName: 'W',
    },
    'rgr-mean': { type: 'string', description: "mean-of-ratios (default, W2SR's) | ratio-of-gains", valueName: 'A' },
    'rgr-min-gap': {
      type: 'string',
      description: 'RGR is unstable where RL beats the base by fewer problems (default 5)',
      valueName: 'N',
    },
    'maj-vote': {
      type: 'string',
      description: "maj@k groups answers by exact text (default, W2SR's) | equivalent (the grader decides)",
      valueName: 'V',
    },
    'long-tokens': {
      type: 'string',
      description: 'average length leaves out generations of this many tokens or more (default 5000)',
      valueName: 'N',
    },
    resamples: { type: 'string', description: 'bootstrap resamples (default 2000)', valueName: 'N' },
    seed: { type: 'string', description: 'bootstrap seed (default 0)', valueName: 'N' },
    run: {
      type: 'string',
      description: "link/unlink: the student's eval run (its model is linked)",
      valueName: 'NAME',
    },
    model: { type: 'string', description: 'link/unlink: the student model', valueName: 'ID' },
    snapshot: {
      type: 'string',
      description: 'link: the dataset snapshot the student was trained on',
      valueName: 'NAME',
    },
  },
  async run(v, positionals, ctx) {
    const action = positionals[0];
    if (action === 'link' || action === 'unlink') return lineageAction(action, v, ctx);
    if (action !== undefined)
      throw new UsageError(
        `unknown action "${action}": use "w2s results", "w2s results link" or "w2s results unlink".`,
      );
    const format = (v.format as string | undefined) ?? 'table';
    if (!FORMATS.includes(format as (typeof FORMATS)[number]))
      throw new UsageError(`--format must be ${FORMATS.join(', ')}.`);
    if (v.compact && format !== 'md')
      throw new UsageError('--compact goes with --format md (--format latex is always compact).');
    const weighting = choice<Weighting>(v.average, 'average', WEIGHTINGS);
    const rgrAggregation = choice<RgrAggregation>(v['rgr-mean'], 'rgr-mean', RGR_AGGREGATIONS);
    const majVote = choice<MajVote>(v['maj-vote'], 'maj-vote', MAJ_VOTES);
    const rgrMinGap = intOption(v['rgr-min-gap'], 'rgr-min-gap', 0);
    const store = ctx.existingStore();
    if (!store) {
      ctx.print(`No store yet at ${ctx.storePath}. Evaluate a model first: w2s eval --base-url URL --model ID.`);
      return { json: { sets: [], rows: [], models: [] } };
    }
    const sets = (v.sets as string | undefined)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const comparison = await buildComparison(store, {
      base: v.base as string | undefined,
      rl: v.rl as string | undefined,
      sets,
      longTokens: intOption(v['long-tokens'], 'long-tokens', 1),
      resamples: intOption(v.resamples, 'resamples', 100, 1_000_000),
      seed: intOption(v.seed, 'seed', -Number.MAX_SAFE_INTEGER),
      weighting,
      rgrAggregation,
      rgrMinGap,
      majVote,
    });
    if (format === 'json') {
      if (!ctx.json) ctx.print(JSON.stringify(comparison, null, 2));
    } else {
      const text =
        format === 'md'
          ? v.compact
            ? toCompactMarkdown(comparison)
            : toMarkdown(comparison)
          : format === 'latex'
            ? toLatex(comparison)
            : format === 'csv'
              ? toCsv(comparison)
              : toTextTable(comparison);
      ctx.print(text.replace(/\n$/, ''));
    }
    return { json: comparison };
  },
};

function lineageAction(action: 'link' | 'unlink', v: Record<string, unknown>, ctx: Parameters<Command['run']>[2]) {
  const run = v.run as string | undefined;
  const model = v.model as string | undefined;
  if (!run === !model) throw new UsageError(`${action}: give the student as --run NAME or --model ID (one of them).`);
  const store = ctx.store();
  if (action === 'link') {
    const snapshot = v.snapshot as string | undefined;
    if (!snapshot) throw new UsageError('link: give the dataset snapshot: --snapshot NAME.');
    const r = linkModel(store, { run, model }, snapshot);
    ctx.print(`${r.model} is linked to snapshot ${r.snapshot}: its results row names the teacher run and preset.`);
    return Promise.resolve({ json: r });
  }
  let target = model;
  if (run) {
    const row = findRun(store, run);
    if (!row) throw new W2sError(`No run named "${run}" (w2s runs lists them).`, 'NO_RUN');
    target = row.model;
  }
  const removed = unlinkModel(store, target!);
  ctx.print(removed ? `${target}: link removed.` : `${target} had no link.`);
  return Promise.resolve({ json: { model: target, removed } });
}
