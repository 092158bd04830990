import { W2sError } from '../errors';
import { BUILTIN_BENCHMARKS } from '../problems/builtin';
import type { RunKind, RunStatus } from '../runs/runs';
import type { Store } from '../store/open';
import {
  averageAccuracy,
  averageDelta,
  commonScores,
  pairedDelta,
  type AverageDelta,
  type Paired,
} from './common-problems';
import { evalFingerprint, listEvalRuns, loadOutcomes, type EvalRun } from './eval-runs';
import { CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED, MIN_OUTCOMES } from './interval';
import { lineageByModel, type Lineage } from './lineage';
import type { EvaluationCoverage } from './problem-results';
import {
  computeMetrics,
  DEFAULT_LONG_TOKENS,
  scoresByKey,
  type MajVote,
  type MetricOptions,
  type Metrics,
} from './metrics';
import {
  DEFAULT_RGR_AGGREGATION,
  DEFAULT_RGR_MIN_GAP,
  DEFAULT_WEIGHTING,
  meanRgr,
  noRgr,
  rgrOnCommon,
  type MeanRgr,
  type Rgr,
  type RgrAggregation,
  type RgrColumns,
  type Weighting,
} from './rgr';

export type Role = 'base' | 'rl' | 'teacher' | 'student';

/** How much of its set an evaluation covers (problems with a graded sample, of the set's): partial ones are marked wherever they are shown. */
export type Coverage = EvaluationCoverage;

/** One model on one benchmark. */
export interface Cell {
  readonly run: string;
  readonly reruns: string[];
  readonly kind: RunKind;
  readonly status: RunStatus;
  readonly samplesPerProblem: number;
  /** problems in the set (the evaluation may cover fewer: see coverage) */
  readonly setProblems: number;
  readonly coverage: Coverage;
  readonly metrics: Metrics;
  /** student − base on the problems both were graded on, with its paired bootstrap interval */
  readonly delta: Paired | null;
  /** why there is no Δ although a base is chosen (not evaluated on this set, no common problems) */
  readonly deltaNote?: string;
  /** on the problems base, RL and this model were all graded on */
  readonly rgr: Rgr;
}

/** A row's mean accuracy, named for what it is, and its Avg. Δ (the mean of its paired per-set Δs). */
export interface Average {
  readonly weighting: Weighting;
  readonly accuracy: number | null;
  /** benchmarks averaged (those with a graded result) */
  readonly over: number;
  readonly of: number;
  /** of those, evaluations that cover part of their set */
  readonly partial: number;
  readonly delta: AverageDelta | null;
}

export interface Row {
  readonly model: string;
  readonly roles: Role[];
  /** the snapshot, teacher runs and preset a student was trained on, when linked */
  readonly lineage: Lineage | null;
  /** by set name; null where the model has no evaluation of that set */
  readonly cells: Record<string, Cell | null>;
  readonly average: Average;
  /** null until a base and an RL reference are chosen */
  readonly rgr: MeanRgr | null;
}

export interface Settings {
  readonly confidence: number;
  /** how the accuracy interval is made */
  readonly interval: string;
  readonly resamples: number;
  readonly seed: number;
  readonly longTokens: number;
  readonly weighting: Weighting;
  readonly rgrAggregation: RgrAggregation;
  /** RGR is unstable where RL beats the base by fewer problems than this */
  readonly rgrMinGap: number;
  readonly majVote: MajVote;
}

export interface Comparison {
  readonly sets: { readonly name: string; readonly label: string; readonly problems: number }[];
  readonly base: string | null;
  readonly rl: string | null;
  readonly settings: Settings;
  readonly rows: Row[];
  /** models and runs that base / RL may name (for pickers) */
  readonly models: string[];
}

export interface ComparisonOptions extends MetricOptions {
  /** a model name, or the name of one of its evaluation runs (then that run stands for its set) */
  readonly base?: string;
  readonly rl?: string;
  /** benchmark columns; default every set with an evaluation */
  readonly sets?: readonly string[];
  /** macro (default): every benchmark counts once; micro: every problem */
  readonly weighting?: Weighting;
  readonly rgrAggregation?: RgrAggregation;
  /** in problems (default 5) */
  readonly rgrMinGap?: number;
  /** reuse of per-evaluation metrics between calls (views recompute often) */
  readonly cache?: ComparisonCache;
  /** called between evaluations so a caller on a UI thread can yield */
  readonly yieldEvery?: () => Promise<void>;
}

type Evaluated = { readonly fingerprint: string; readonly metrics: Metrics; readonly scores: Map<string, number> };

/** Per-evaluation metrics and per-pair / per-triple comparisons, reused while the traces and grades behind them are unchanged. */
export interface ComparisonCache {
  readonly runs: Map<number, Evaluated>;
  readonly pairs: Map<string, { fingerprint: string; value: unknown }>;
}

export function createComparisonCache(): ComparisonCache {
  return { runs: new Map(), pairs: new Map() };
}

/** W2SR's reporting order first, then other sets by name. */
function setOrder(name: string): number {
  const i = ['math500', 'aime24', 'amc23', 'minerva', 'olympiadbench', 'gsm8k'].indexOf(name);
  return i < 0 ? 100 : i;
}

interface Selector {
  readonly model: string;
  readonly pinned?: EvalRun;
}

function resolveSelector(
  what: '--base' | '--rl',
  selector: string | undefined,
  runs: readonly EvalRun[],
): Selector | undefined {
  if (selector === undefined || selector === '') return undefined;
  const run = runs.find((r) => r.name === selector);
  if (run) return { model: run.model, pinned: run };
  if (runs.some((r) => r.model === selector)) return { model: selector };
  const models = [...new Set(runs.map((r) => r.model))];
  throw new W2sError(
    `${what} ${selector}: no evaluated model or evaluation run of that name${models.length ? ` (models: ${models.join(', ')})` : ' (nothing is evaluated yet: w2s eval)'}.`,
    'NO_MODEL',
  );
}

type SetRow = { name: string; source: string; problem_count: number };

/** The benchmark columns: the ones asked for (each must exist), else every set with an evaluation. */
function chooseSets(
  store: Store,
  runs: readonly EvalRun[],
  asked: readonly string[] | undefined,
): { names: string[]; info: Map<string, SetRow> } {
  const rows = store.db.prepare('SELECT name, source, problem_count FROM problem_sets').all() as SetRow[];
  const info = new Map(rows.map((s) => [s.name, s]));
  if (asked && asked.length) {
    const unknown = asked.filter((s) => !info.has(s));
    if (unknown.length) {
      throw new W2sError(
        `--sets: no problem set named ${unknown.map((s) => `"${s}"`).join(', ')} (sets: ${
          rows
            .map((s) => s.name)
            .sort()
            .join(', ') || 'none'
        }).`,
        'NO_SET',
      );
    }
    return { names: [...new Set(asked)], info };
  }
  return {
    names: [...new Set(runs.map((r) => r.setName))].sort((a, b) => setOrder(a) - setOrder(b) || a.localeCompare(b)),
    info,
  };
}

const pairKey = (model: string, set: string) => `${model}\u0000${set}`;

/** The evaluation that stands for each (model, set): a pinned run, else the latest. */
function chooseEvaluations(
  runs: readonly EvalRun[],
  sets: readonly string[],
  pinned: readonly (Selector | undefined)[],
): Map<string, EvalRun> {
  const chosen = new Map<string, EvalRun>();
  for (const r of runs) if (sets.includes(r.setName)) chosen.set(pairKey(r.model, r.setName), r);
  for (const s of pinned)
    if (s?.pinned && sets.includes(s.pinned.setName)) chosen.set(pairKey(s.model, s.pinned.setName), s.pinned);
  return chosen;
}

/** Base first, then RL, then the others by name. */
function orderModels(runs: readonly EvalRun[], sets: readonly string[], base?: Selector, rl?: Selector): string[] {
  const models = [
    ...new Set([
      ...runs.filter((r) => sets.includes(r.setName)).map((r) => r.model),
      ...(base ? [base.model] : []),
      ...(rl ? [rl.model] : []),
    ]),
  ];
  const rank = (m: string) => (m === base?.model ? 0 : m === rl?.model ? 1 : 2);
  return models.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** A cached computation keyed by what it compares and fingerprinted by the evaluations behind it. */
async function memo<T>(
  cache: ComparisonCache,
  key: string,
  fingerprint: string,
  compute: () => T,
  yieldEvery?: () => Promise<void>,
): Promise<T> {
  const hit = cache.pairs.get(key);
  if (hit && hit.fingerprint === fingerprint) return hit.value as T;
  const value = compute();
  cache.pairs.set(key, { fingerprint, value });
  await yieldEvery?.();
  return value;
}

type Result = Evaluated & { readonly run: EvalRun };

/** Every chosen evaluation's metrics and per-problem scores (from the cache while unchanged). */
async function evaluateAll(
  store: Store,
  chosen: ReadonlyMap<string, EvalRun>,
  metricOptions: MetricOptions,
  options: ComparisonOptions,
  cache: ComparisonCache,
): Promise<Map<string, Result>> {
  const optionsKey = JSON.stringify(metricOptions);
  const results = new Map<string, Result>();
  for (const [key, run] of chosen) {
    const fingerprint = `${optionsKey}|${evalFingerprint(store, run)}`;
    let entry = cache.runs.get(run.id);
    if (!entry || entry.fingerprint !== fingerprint) {
      const outcomes = loadOutcomes(store, run);
      entry = {
        fingerprint,
        metrics: computeMetrics(outcomes, { ...metricOptions, samplesPerProblem: run.samplesPerProblem }),
        scores: scoresByKey(outcomes),
      };
      cache.runs.set(run.id, entry);
      await options.yieldEvery?.();
    }
    results.set(key, { ...entry, run });
  }
  return results;
}

interface Context {
  readonly sets: readonly string[];
  readonly setProblems: (set: string) => number;
  readonly results: ReadonlyMap<string, Result>;
  readonly base?: Selector;
  readonly rl?: Selector;
  readonly settings: Settings;
  readonly bootstrap: { resamples: number; seed: number; confidence: number };
  readonly cache: ComparisonCache;
  readonly yieldEvery?: () => Promise<void>;
}

/** One benchmark of one row: the model's result there, its Δ against the base and its RGR, with the scores behind them. */
interface SetPart {
  readonly cell: Cell | null;
  readonly deltaPair: { student: number[]; base: number[] } | null;
  readonly rgr: { rgr: Rgr; columns: RgrColumns | null };
}

async function setPart(ctx: Context, model: string, set: string): Promise<SetPart> {
  const r = ctx.results.get(pairKey(model, set));
  const b = ctx.base ? ctx.results.get(pairKey(ctx.base.model, set)) : undefined;
  const l = ctx.rl ? ctx.results.get(pairKey(ctx.rl.model, set)) : undefined;
  const of = ctx.setProblems(set);
  if (!r) return { cell: null, deltaPair: null, rgr: { rgr: noRgr('not evaluated'), columns: null } };
  const { cache, yieldEvery, bootstrap } = ctx;
  const isBase = model === ctx.base?.model;
  const delta =
    b && !isBase
      ? await memo(
          cache,
          `Δ:${r.run.id}:${b.run.id}`,
          `${r.fingerprint}/${b.fingerprint}`,
          () => pairedDelta(r.scores, b.scores, of, bootstrap),
          yieldEvery,
        )
      : null;
  let rgr: { rgr: Rgr; columns: RgrColumns | null };
  if (!ctx.base || !ctx.rl)
    rgr = { rgr: noRgr(!ctx.base ? 'no base chosen' : 'no RL reference chosen'), columns: null };
  else if (!b) rgr = { rgr: noRgr(`the base (${ctx.base.model}) is not evaluated on this set`), columns: null };
  else if (!l) rgr = { rgr: noRgr(`the RL reference (${ctx.rl.model}) is not evaluated on this set`), columns: null };
  else {
    const [student, base, rl] = commonScores([r.scores, b.scores, l.scores]);
    const columns = { student: student!, base: base!, rl: rl! };
    const value = await memo(
      cache,
      `RGR:${r.run.id}:${b.run.id}:${l.run.id}:${ctx.settings.rgrMinGap}`,
      `${r.fingerprint}/${b.fingerprint}/${l.fingerprint}`,
      () => rgrOnCommon(columns, { ...bootstrap, minGap: ctx.settings.rgrMinGap }),
      yieldEvery,
    );
    rgr = { rgr: value, columns: value.common ? columns : null };
  }
  const graded = r.metrics.problems;
  const deltaNote =
    !ctx.base || isBase || delta
      ? undefined
      : !b
        ? `the base (${ctx.base.model}) is not evaluated on this set`
        : `no common problems with the base (${ctx.base.model})`;
  return {
    cell: {
      run: r.run.name,
      reruns: r.run.reruns.map((x) => x.name),
      kind: r.run.kind,
      status: r.run.status,
      samplesPerProblem: r.run.samplesPerProblem,
      setProblems: of,
      coverage: { graded, of, partial: graded < of },
      metrics: r.metrics,
      delta,
      ...(deltaNote ? { deltaNote } : {}),
      rgr: rgr.rgr,
    },
    deltaPair:
      b && !isBase
        ? (([student, base]) => ({ student: student!, base: base! }))(commonScores([r.scores, b.scores]))
        : null,
    rgr,
  };
}

/** The row's mean accuracy over its graded benchmarks and its Avg. Δ over the benchmarks it shares problems with the base on. */
function rowAverage(ctx: Context, parts: readonly SetPart[]): Average {
  const graded = parts.flatMap((p) => (p.cell && p.cell.metrics.accuracy !== null ? [p.cell] : []));
  const pairs = parts.flatMap((p) => (p.deltaPair ? [p.deltaPair] : []));
  return {
    weighting: ctx.settings.weighting,
    accuracy: averageAccuracy(
      graded.map((c) => ({ accuracy: c.metrics.accuracy!, problems: c.metrics.problems })),
      ctx.settings.weighting,
    ),
    over: graded.length,
    of: ctx.sets.length,
    partial: graded.filter((c) => c.coverage.partial).length,
    delta: averageDelta(pairs, ctx.settings.weighting, ctx.bootstrap),
  };
}

async function buildRow(ctx: Context, model: string, roles: Role[], lineage: Lineage | null): Promise<Row> {
  const parts: SetPart[] = [];
  for (const s of ctx.sets) parts.push(await setPart(ctx, model, s));
  const cells: Record<string, Cell | null> = {};
  ctx.sets.forEach((s, i) => (cells[s] = parts[i]!.cell));
  // The row's averages bootstrap every benchmark at once: reused while no evaluation behind them changed.
  const fingerprint = JSON.stringify([
    ctx.settings,
    ctx.sets.map((s) =>
      [model, ctx.base?.model, ctx.rl?.model].map((m) =>
        m ? (ctx.results.get(pairKey(m, s))?.fingerprint ?? null) : null,
      ),
    ),
  ]);
  const rgr =
    ctx.base && ctx.rl
      ? await memo(
          ctx.cache,
          `meanRGR:${model}`,
          fingerprint,
          () =>
            meanRgr(
              parts.map((p) => p.rgr),
              {
                ...ctx.bootstrap,
                minGap: ctx.settings.rgrMinGap,
                aggregation: ctx.settings.rgrAggregation,
                weighting: ctx.settings.weighting,
              },
            ),
          ctx.yieldEvery,
        )
      : null;
  const average = await memo(ctx.cache, `average:${model}`, fingerprint, () => rowAverage(ctx, parts), ctx.yieldEvery);
  return { model, roles, lineage, cells, average, rgr };
}

/**
 * The models × benchmarks table: each model's latest evaluation of each set (re-runs layered in), with
 * metrics, Δ against the base and RGR against base and RL on common problems, named averages and lineage.
 * Every number the panel, `w2s results` and the exports show comes from here.
 */
export async function buildComparison(store: Store, options: ComparisonOptions = {}): Promise<Comparison> {
  const runs = listEvalRuns(store);
  const base = resolveSelector('--base', options.base, runs);
  const rl = resolveSelector('--rl', options.rl, runs);
  const { names: sets, info } = chooseSets(store, runs, options.sets);
  const metricOptions: MetricOptions = {
    longTokens: options.longTokens ?? DEFAULT_LONG_TOKENS,
    resamples: options.resamples ?? DEFAULT_RESAMPLES,
    seed: options.seed ?? DEFAULT_SEED,
    confidence: options.confidence ?? CONFIDENCE,
    majVote: options.majVote ?? 'exact',
  };
  const settings: Settings = {
    confidence: metricOptions.confidence!,
    interval: `percentile bootstrap over problems (Wilson score interval where fewer than ${MIN_OUTCOMES} problems are correct, or incorrect)`,
    resamples: metricOptions.resamples!,
    seed: metricOptions.seed!,
    longTokens: metricOptions.longTokens!,
    weighting: options.weighting ?? DEFAULT_WEIGHTING,
    rgrAggregation: options.rgrAggregation ?? DEFAULT_RGR_AGGREGATION,
    rgrMinGap: options.rgrMinGap ?? DEFAULT_RGR_MIN_GAP,
    majVote: metricOptions.majVote!,
  };
  const cache = options.cache ?? createComparisonCache();
  const results = await evaluateAll(store, chooseEvaluations(runs, sets, [base, rl]), metricOptions, options, cache);
  const ctx: Context = {
    sets,
    setProblems: (s) => info.get(s)?.problem_count ?? 0,
    results,
    base,
    rl,
    settings,
    bootstrap: { resamples: settings.resamples, seed: settings.seed, confidence: settings.confidence },
    cache,
    yieldEvery: options.yieldEvery,
  };

  const lineage = lineageByModel(store);
  const teachers = new Set([...lineage.values()].flatMap((l) => l.teachers.map((t) => t.model)));
  const rows: Row[] = [];
  for (const m of orderModels(runs, sets, base, rl)) {
    const roles: Role[] = [];
    if (m === base?.model) roles.push('base');
    if (m === rl?.model) roles.push('rl');
    if (teachers.has(m)) roles.push('teacher');
    if (lineage.has(m)) roles.push('student');
    rows.push(await buildRow(ctx, m, roles, lineage.get(m) ?? null));
  }
  return {
    sets: sets.map((name) => {
      const s = info.get(name);
      const builtin = s?.source.startsWith('builtin:')
        ? BUILTIN_BENCHMARKS.find((b) => `builtin:${b.id}` === s.source)
        : undefined;
      return { name, label: builtin?.label ?? name, problems: s?.problem_count ?? 0 };
    }),
    base: base?.model ?? null,
    rl: rl?.model ?? null,
    settings,
    rows,
    models: [...new Set(runs.map((r) => r.model))].sort(),
  };
}
