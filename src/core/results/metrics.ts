import { answersEqual } from '../grader/equivalence';
import { majorityVote, mean, passAtK, reportedKs } from './estimators';
import { accuracyInterval, type BootstrapOptions, type Interval, type IntervalMethod } from './interval';
import { gradedSamples, problemScore, type ProblemOutcome, type SampleOutcome } from './outcomes';

/** W2SR's average length leaves out generations of 5,000 tokens or more (eval_passk.py: `if i < 5000`). */
export const DEFAULT_LONG_TOKENS = 5000;

export interface MetricOptions extends BootstrapOptions {
  /** Generations of this many completion tokens or more are left out of the average length. */
  readonly longTokens?: number;
  /** samples the evaluation asked for per problem: the k of pass@k and maj@k go up to it */
  readonly samplesPerProblem?: number;
  /** maj@k groups answers by exact text (W2SR's way, the default) or by equivalence as the grader judges it */
  readonly majVote?: MajVote;
}

export type MajVote = 'exact' | 'equivalent';
export const MAJ_VOTES: readonly MajVote[] = ['exact', 'equivalent'];

export interface KValue {
  readonly k: number;
  readonly value: number;
  /** problems with at least k graded samples: the ones this value is the mean over */
  readonly problems: number;
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
  /** the bootstrap over problems, or Wilson's where that degenerates (see accuracyInterval) */
  readonly interval: (Interval & { readonly method: IntervalMethod }) | null;
  /** pass@k (unbiased) for k = 1, 2, 4 … n, each over the problems with at least k graded samples */
  readonly passAtK: KValue[];
  /** maj@k over the first k graded samples, for the same k > 1 */
  readonly majAtK: KValue[];
  readonly majVote: MajVote;
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
  const most = scored.reduce((a, s) => Math.max(a, s.graded), 0);
  // k goes up to the samples asked for: a problem with a failed sample is left out of pass@n (and counted),
  // rather than every problem's pass@n silently becoming pass@(n−1).
  const n = Math.max(options.samplesPerProblem ?? 0, most);
  const ks = n > 1 ? reportedKs(n) : [];
  const majVote = options.majVote ?? 'exact';
  const over = (k: number) => scored.filter((s) => s.graded >= k);
  const perK = (k: number, f: (s: (typeof scored)[number]) => number): KValue[] => {
    const xs = over(k);
    return xs.length ? [{ k, value: mean(xs.map(f)), problems: xs.length }] : [];
  };
  return {
    problems: scored.length,
    ungradedProblems,
    samples,
    gradedSamples: graded,
    failedSamples: failed,
    accuracy: scored.length ? mean(scores) : null,
    correctSamples: correct,
    interval: accuracyInterval(scores, options) ?? null,
    passAtK: ks.flatMap((k) => perK(k, (s) => passAtK(s.graded, s.correct, k))),
    majAtK: ks.filter((k) => k > 1).flatMap((k) => perK(k, (s) => (majorityCorrect(s.p, k, majVote) ? 1 : 0))),
    majVote,
    avgLength: lengthCount ? lengthSum / lengthCount : null,
    longIgnored,
    longTokens,
    truncationRate: samples ? truncated / samples : null,
    truncated,
    breakdowns: breakdowns(scored),
  };
}

/** Time the grader gets to decide whether two voted answers are one (the table waits on every pair). */
const EQUIVALENCE_MS = 250;

/** Whether the majority answer among a problem's first k graded samples is correct. */
function majorityCorrect(p: ProblemOutcome, k: number, vote: MajVote): boolean {
  const votes = gradedSamples(p).map((x: SampleOutcome) => ({ answer: x.extracted, correct: x.verdict === 'correct' }));
  const type = p.answerType ?? 'math';
  // An equivalence the grader cannot settle in its time (GradingTimeout) keeps the two answers apart.
  const same =
    vote === 'equivalent'
      ? (a: string, b: string) => {
          try {
            return answersEqual(a, b, type, Date.now() + EQUIVALENCE_MS);
          } catch {
            return false;
          }
        }
      : undefined;
  return majorityVote(votes, k, same).correct;
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
