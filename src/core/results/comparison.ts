import { W2sError } from '../errors';
import { BUILTIN_BENCHMARKS } from '../problems/builtin';
import type { RunKind, RunStatus } from '../runs/runs';
import type { Store } from '../store/open';
import { evalFingerprint, listEvalRuns, loadOutcomes, type EvalRun } from './eval-runs';
import { CONFIDENCE, DEFAULT_RESAMPLES, DEFAULT_SEED, type Interval } from './interval';
import { lineageByModel, type Lineage } from './lineage';
import { computeMetrics, DEFAULT_LONG_TOKENS, pairedDelta, scoresByKey, type MetricOptions, type Metrics } from './metrics';
import { meanRgr, rgr, type Rgr } from './rgr';

export type Role = 'base' | 'rl' | 'teacher' | 'student';

/** One model on one benchmark. */
export interface Cell {
  readonly run: string;
  readonly reruns: string[];
  readonly kind: RunKind;
  readonly status: RunStatus;
  readonly samplesPerProblem: number;
  /** problems in the set (the evaluation may cover fewer: see metrics.problems) */
  readonly setProblems: number;
  readonly metrics: Metrics;
  /** student − base on the problems both were graded on, with its paired bootstrap interval */
  readonly delta: { readonly value: number; readonly interval: Interval; readonly common: number } | null;
  readonly rgr: Rgr;
}

export interface Row {
  readonly model: string;
  readonly roles: Role[];
  /** the snapshot, teacher runs and preset a student was trained on, when linked */
  readonly lineage: Lineage | null;
  /** by set name; null where the model has no evaluation of that set */
  readonly cells: Record<string, Cell | null>;
  /** mean accuracy over the sets it was evaluated on, and Δ of that mean against the base's on the same sets */
  readonly average: { readonly accuracy: number | null; readonly over: number; readonly of: number; readonly delta: number | null };
  readonly rgr: { readonly value: number | null; readonly over: number; readonly of: number };
}

export interface Comparison {
  readonly sets: { readonly name: string; readonly label: string; readonly problems: number }[];
  readonly base: string | null;
  readonly rl: string | null;
  readonly settings: {
    readonly confidence: number;
    readonly interval: string;
    readonly resamples: number;
    readonly seed: number;
    readonly longTokens: number;
  };
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
  /** reuse of per-evaluation metrics between calls (views recompute often) */
  readonly cache?: ComparisonCache;
  /** called between evaluations so a caller on a UI thread can yield */
  readonly yieldEvery?: () => Promise<void>;
}

/** Per-evaluation metrics and per-pair Δ, reused while the traces and grades behind them are unchanged. */
export interface ComparisonCache {
  readonly runs: Map<number, { fingerprint: string; metrics: Metrics; scores: Map<string, number> }>;
  readonly deltas: Map<string, { fingerprint: string; delta: Cell['delta'] }>;
}

export function createComparisonCache(): ComparisonCache {
  return { runs: new Map(), deltas: new Map() };
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

function resolveSelector(what: '--base' | '--rl', selector: string | undefined, runs: readonly EvalRun[]): Selector | undefined {
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

/**
 * The models × benchmarks table: each model's latest evaluation of each set (re-runs layered in), with
 * metrics, Δ against the base, RGR against base and RL, averages and lineage. Every number the panel,
 * `w2s results` and the exports show comes from here.
 */
export async function buildComparison(store: Store, options: ComparisonOptions = {}): Promise<Comparison> {
  const runs = listEvalRuns(store);
  const base = resolveSelector('--base', options.base, runs);
  const rl = resolveSelector('--rl', options.rl, runs);
  const setRows = store.db.prepare('SELECT name, source, problem_count FROM problem_sets').all() as { name: string; source: string; problem_count: number }[];
  const setInfo = new Map(setRows.map((s) => [s.name, s]));
  let setNames: string[];
  if (options.sets && options.sets.length) {
    const unknown = options.sets.filter((s) => !setInfo.has(s));
    if (unknown.length) {
      throw new W2sError(`--sets: no problem set named ${unknown.map((s) => `"${s}"`).join(', ')} (sets: ${setRows.map((s) => s.name).sort().join(', ') || 'none'}).`, 'NO_SET');
    }
    setNames = [...new Set(options.sets)];
  } else {
    setNames = [...new Set(runs.map((r) => r.setName))].sort((a, b) => setOrder(a) - setOrder(b) || a.localeCompare(b));
  }
  const metricOptions: MetricOptions = {
    longTokens: options.longTokens ?? DEFAULT_LONG_TOKENS,
    resamples: options.resamples ?? DEFAULT_RESAMPLES,
    seed: options.seed ?? DEFAULT_SEED,
    confidence: options.confidence ?? CONFIDENCE,
  };
  const optionsKey = JSON.stringify(metricOptions);

  // The evaluation that stands for each (model, set): a pinned run, else the latest.
  const chosen = new Map<string, EvalRun>();
  for (const r of runs) if (setNames.includes(r.setName)) chosen.set(`${r.model}\u0000${r.setName}`, r);
  for (const s of [base, rl]) if (s?.pinned && setNames.includes(s.pinned.setName)) chosen.set(`${s.model}\u0000${s.pinned.setName}`, s.pinned);

  const lineage = lineageByModel(store);
  const teachers = new Set([...lineage.values()].flatMap((l) => l.teachers.map((t) => t.model)));
  const models = [...new Set([...runs.filter((r) => setNames.includes(r.setName)).map((r) => r.model), ...(base ? [base.model] : []), ...(rl ? [rl.model] : [])])];
  const rank = (m: string) => (m === base?.model ? 0 : m === rl?.model ? 1 : 2);
  models.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

  const cache = options.cache ?? createComparisonCache();
  const evaluate = async (run: EvalRun) => {
    const fingerprint = `${optionsKey}|${evalFingerprint(store, run)}`;
    const hit = cache.runs.get(run.id);
    if (hit && hit.fingerprint === fingerprint) return hit;
    const outcomes = loadOutcomes(store, run);
    const entry = { fingerprint, metrics: computeMetrics(outcomes, metricOptions), scores: scoresByKey(outcomes) };
    cache.runs.set(run.id, entry);
    await options.yieldEvery?.();
    return entry;
  };
  const deltaOf = async (a: { run: EvalRun; fingerprint: string; scores: Map<string, number> }, b: { run: EvalRun; fingerprint: string; scores: Map<string, number> }) => {
    const key = `${a.run.id}:${b.run.id}`;
    const fingerprint = `${a.fingerprint}/${b.fingerprint}`;
    const hit = cache.deltas.get(key);
    if (hit && hit.fingerprint === fingerprint) return hit.delta;
    const delta = pairedDelta(a.scores, b.scores, metricOptions);
    cache.deltas.set(key, { fingerprint, delta });
    await options.yieldEvery?.();
    return delta;
  };

  const results = new Map<string, { run: EvalRun; fingerprint: string; metrics: Metrics; scores: Map<string, number> }>();
  for (const m of models) {
    for (const s of setNames) {
      const run = chosen.get(`${m}\u0000${s}`);
      if (run) results.set(`${m}\u0000${s}`, { run, ...(await evaluate(run)) });
    }
  }

  const rows: Row[] = [];
  for (const m of models) {
    const cells: Record<string, Cell | null> = {};
    const rgrs: Rgr[] = [];
    const accs: number[] = [];
    const baseAccs: number[] = [];
    for (const s of setNames) {
      const r = results.get(`${m}\u0000${s}`);
      const b = base ? results.get(`${base.model}\u0000${s}`) : undefined;
      const l = rl ? results.get(`${rl.model}\u0000${s}`) : undefined;
      if (!r) {
        cells[s] = null;
        if (base && rl) rgrs.push({ value: null, reason: 'not evaluated' });
        continue;
      }
      const acc = r.metrics.accuracy;
      const cellRgr = base && rl ? rgr(acc, b?.metrics.accuracy, l?.metrics.accuracy) : { value: null, reason: !base ? 'no base chosen' : 'no RL reference chosen' };
      if (base && rl) rgrs.push(cellRgr);
      if (acc !== null) {
        accs.push(acc);
        if (b?.metrics.accuracy !== null && b?.metrics.accuracy !== undefined) baseAccs.push(b.metrics.accuracy);
      }
      const delta = b && m !== base?.model ? await deltaOf(r, b) : null;
      cells[s] = {
        run: r.run.name,
        reruns: r.run.reruns.map((x) => x.name),
        kind: r.run.kind,
        status: r.run.status,
        samplesPerProblem: r.run.samplesPerProblem,
        setProblems: setInfo.get(s)?.problem_count ?? 0,
        metrics: r.metrics,
        delta,
        rgr: cellRgr,
      };
    }
    const avg = accs.length ? accs.reduce((a, b) => a + b, 0) / accs.length : null;
    const baseAvg = baseAccs.length === accs.length && accs.length ? baseAccs.reduce((a, b) => a + b, 0) / baseAccs.length : null;
    const roles: Role[] = [];
    if (m === base?.model) roles.push('base');
    if (m === rl?.model) roles.push('rl');
    if (teachers.has(m)) roles.push('teacher');
    if (lineage.has(m)) roles.push('student');
    rows.push({
      model: m,
      roles,
      lineage: lineage.get(m) ?? null,
      cells,
      average: { accuracy: avg, over: accs.length, of: setNames.length, delta: avg !== null && baseAvg !== null && m !== base?.model ? avg - baseAvg : null },
      rgr: base && rl ? meanRgr(rgrs) : { value: null, over: 0, of: setNames.length },
    });
  }
  return {
    sets: setNames.map((name) => {
      const s = setInfo.get(name);
      const builtin = s?.source.startsWith('builtin:') ? BUILTIN_BENCHMARKS.find((b) => `builtin:${b.id}` === s.source) : undefined;
      return { name, label: builtin?.label ?? name, problems: s?.problem_count ?? 0 };
    }),
    base: base?.model ?? null,
    rl: rl?.model ?? null,
    settings: {
      confidence: metricOptions.confidence!,
      interval: 'percentile bootstrap over problems (paired for Δ)',
      resamples: metricOptions.resamples!,
      seed: metricOptions.seed!,
      longTokens: metricOptions.longTokens!,
    },
    rows,
    models: [...new Set(runs.map((r) => r.model))].sort(),
  };
}
