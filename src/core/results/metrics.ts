import { majorityVote, mean, passAtK, reportedKs } from './estimators';
import { bootstrapMeanInterval, type BootstrapOptions, type Interval } from './interval';
import { gradedSamples, problemScore, type ProblemOutcome } from './outcomes';

/** W2SR's average length leaves out generations of 5,000 tokens or more (eval_passk.py: `if i < 5000`). */
export const DEFAULT_LONG_TOKENS = 5000;

export interface MetricOptions extends BootstrapOptions {
  /** Generations of this many completion tokens or more are left out of the average length. */
  readonly longTokens?: number;
}

export interface KValue {
  readonly k: number;
  readonly value: number;
}

export interface BreakdownRow {
  readonly value: string;
  readonly problems: number;
  readonly accuracy: number;
}

export interface Metrics {
  /** problems with at least one graded sample */
  readonly problems: number;
  /** problems with a stored generation that is not yet graded, and none graded */
  readonly ungradedProblems: number;
  readonly samples: number;
  readonly gradedSamples: number;
  /** traces whose request failed (no generation) */
  readonly failedSamples: number;
  /** pass@1 averaged over samples, then over problems; null when nothing is graded */
  readonly accuracy: number | null;
  readonly correctSamples: number;
  readonly interval: Interval | null;
  /** pass@k (unbiased) for k = 1, 2, 4 … n, when problems have more than one graded sample */
  readonly passAtK: KValue[];
  /** maj@k over the first k graded samples, for the same k > 1 */
  readonly majAtK: KValue[];
  /** mean completion tokens over generations shorter than `longTokens` */
  readonly avgLength: number | null;
  readonly longIgnored: number;
  readonly longTokens: number;
  /** share of generations that stopped at max_tokens */
  readonly truncationRate: number | null;
  readonly truncated: number;
  /** accuracy by metadata field (subject, level) where the set's problems carry it */
  readonly breakdowns: Record<string, BreakdownRow[]>;
}

/** Metadata fields read as a problem's subject and level, in order of preference. */
const BREAKDOWN_FIELDS: Record<string, readonly string[]> = {
  subject: ['subject', 'type', 'category', 'subfield', 'topic'],
  level: ['level', 'difficulty'],
};

/** Per-run metrics from the run's problem outcomes (one evaluation of one model on one set). */
export function computeMetrics(outcomes: readonly ProblemOutcome[], options: MetricOptions = {}): Metrics {
  const longTokens = options.longTokens ?? DEFAULT_LONG_TOKENS;
  const scored: { p: ProblemOutcome; score: number; graded: number; correct: number }[] = [];
  let samples = 0;
  let graded = 0;
  let correct = 0;
  let failed = 0;
  let truncated = 0;
  let ungradedProblems = 0;
  let lengthSum = 0;
  let lengthCount = 0;
  let longIgnored = 0;
  for (const p of outcomes) {
    failed += p.failed;
    samples += p.samples.length;
    for (const s of p.samples) {
      if (s.truncated) truncated++;
      if (s.tokens !== null) {
        if (s.tokens >= longTokens) longIgnored++;
        else {
          lengthSum += s.tokens;
          lengthCount++;
        }
      }
    }
    const g = gradedSamples(p);
    if (g.length === 0) {
      if (p.samples.length) ungradedProblems++;
      continue;
    }
    const c = g.filter((s) => s.verdict === 'correct').length;
    graded += g.length;
    correct += c;
    scored.push({ p, score: c / g.length, graded: g.length, correct: c });
  }
  const scores = scored.map((s) => s.score);
  const minGraded = scored.length ? Math.min(...scored.map((s) => s.graded)) : 0;
  const ks = minGraded > 1 ? reportedKs(minGraded) : [];
  return {
    problems: scored.length,
    ungradedProblems,
    samples,
    gradedSamples: graded,
    failedSamples: failed,
    accuracy: scored.length ? mean(scores) : null,
    correctSamples: correct,
    interval: bootstrapMeanInterval(scores, options) ?? null,
    passAtK: ks.map((k) => ({ k, value: mean(scored.map((s) => passAtK(s.graded, s.correct, k))) })),
    majAtK: ks
      .filter((k) => k > 1)
      .map((k) => ({
        k,
        value: mean(scored.map((s) => (majorityVote(gradedSamples(s.p).map((x) => ({ answer: x.extracted, correct: x.verdict === 'correct' })), k).correct ? 1 : 0))),
      })),
    avgLength: lengthCount ? lengthSum / lengthCount : null,
    longIgnored,
    longTokens,
    truncationRate: samples ? truncated / samples : null,
    truncated,
    breakdowns: breakdowns(scored),
  };
}

function breakdowns(scored: readonly { p: ProblemOutcome; score: number }[]): Record<string, BreakdownRow[]> {
  const out: Record<string, BreakdownRow[]> = {};
  for (const [name, fields] of Object.entries(BREAKDOWN_FIELDS)) {
    const field = fields.find((f) => scored.some((s) => isCategory(s.p.metadata[f])));
    if (!field) continue;
    const groups = new Map<string, number[]>();
    for (const s of scored) {
      const v = s.p.metadata[field];
      const key = isCategory(v) ? String(v) : '(none)';
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(s.score);
    }
    // A field with a distinct value per problem is an id, not a category.
    if (groups.size > Math.max(30, scored.length / 2)) continue;
    out[name] = [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([value, xs]) => ({ value, problems: xs.length, accuracy: mean(xs) }));
  }
  return out;
}

function isCategory(v: unknown): v is string | number {
  return (typeof v === 'string' && v.length > 0 && v.length <= 80) || (typeof v === 'number' && Number.isFinite(v));
}

/** Per-problem scores by key, for paired comparisons (Δ against the base on the problems both solved). */
export function scoresByKey(outcomes: readonly ProblemOutcome[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of outcomes) {
    const s = problemScore(p);
    if (s !== null) m.set(p.key, s);
  }
  return m;
}

/** Δ = student − base over the problems both were graded on, with its paired bootstrap interval. */
export function pairedDelta(student: ReadonlyMap<string, number>, base: ReadonlyMap<string, number>, options: BootstrapOptions = {}): { value: number; interval: Interval; common: number } | null {
  const diffs: number[] = [];
  for (const [k, s] of student) {
    const b = base.get(k);
    if (b !== undefined) diffs.push(s - b);
  }
  if (diffs.length === 0) return null;
  return { value: mean(diffs), interval: bootstrapMeanInterval(diffs, options)!, common: diffs.length };
}
