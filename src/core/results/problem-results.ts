import type { Store } from '../store/open';
import { listEvalRuns, loadOutcomes, type EvalRun } from './eval-runs';
import type { ProblemOutcome } from './outcomes';

/** Every model's latest evaluation of one set, and the teacher runs sampled on it, per problem key. */
export interface SetResults {
  readonly set: string;
  readonly gold: ReadonlyMap<string, string>;
  readonly evaluations: readonly {
    readonly model: string;
    readonly run: EvalRun;
    readonly byKey: ReadonlyMap<string, ProblemOutcome>;
    /** problems graded of the set's: a partial evaluation is marked as such wherever it is shown */
    readonly coverage: EvaluationCoverage;
  }[];
  /** sampling runs (teacher traces) on this set: correct and graded traces per problem */
  readonly teachers: readonly {
    readonly run: string;
    readonly model: string;
    readonly byKey: ReadonlyMap<string, { correct: number; graded: number }>;
  }[];
}

export interface EvaluationCoverage {
  readonly graded: number;
  readonly of: number;
  readonly partial: boolean;
}

/** How much of a set of `of` problems an evaluation's outcomes cover (problems with a graded sample). */
export function coverageOf(outcomes: Iterable<ProblemOutcome>, of: number): EvaluationCoverage {
  let graded = 0;
  for (const o of outcomes) if (o.samples.some((s) => s.verdict !== null)) graded++;
  return { graded, of, partial: graded < of };
}

/** Problems in a set (0 for no such set). */
export function setProblemCount(store: Store, setName: string): number {
  return (
    (
      store.db.prepare('SELECT problem_count AS n FROM problem_sets WHERE name = ?').get(setName) as
        { n: number } | undefined
    )?.n ?? 0
  );
}

/** "partial: 4 of 500 problems graded", or '' for an evaluation that covers its set. */
export function partialText(c: EvaluationCoverage): string {
  return c.partial ? `partial: ${c.graded} of ${c.of} problems graded` : '';
}

export function setResults(store: Store, setName: string): SetResults {
  const gold = new Map(
    (
      store.db
        .prepare('SELECT p.key, p.answer FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = ?')
        .all(setName) as { key: string; answer: string }[]
    ).map((r) => [r.key, r.answer]),
  );
  const latest = new Map<string, EvalRun>();
  for (const r of listEvalRuns(store)) if (r.setName === setName) latest.set(r.model, r);
  const evaluations = [...latest.values()]
    .sort((a, b) => a.model.localeCompare(b.model))
    .map((run) => {
      const byKey = new Map(loadOutcomes(store, run).map((o) => [o.key, o]));
      return { model: run.model, run, byKey, coverage: coverageOf(byKey.values(), gold.size) };
    });
  const rows = store.db
    .prepare(
      `SELECT r.name AS run, r.model, p.key, sum(g.verdict = 'correct') AS correct, count(g.trace_id) AS graded
       FROM runs r JOIN problem_sets s ON s.id = r.set_id JOIN traces t ON t.run_id = r.id JOIN problems p ON p.id = t.problem_id
       JOIN grades g ON g.trace_id = t.id WHERE s.name = ? AND r.kind = 'sample' GROUP BY r.id, p.id ORDER BY r.id`,
    )
    .all(setName) as { run: string; model: string; key: string; correct: number; graded: number }[];
  const teachers = new Map<
    string,
    { run: string; model: string; byKey: Map<string, { correct: number; graded: number }> }
  >();
  for (const r of rows) {
    let t = teachers.get(r.run);
    if (!t) teachers.set(r.run, (t = { run: r.run, model: r.model, byKey: new Map() }));
    t.byKey.set(r.key, { correct: r.correct, graded: r.graded });
  }
  return { set: setName, gold, evaluations, teachers: [...teachers.values()] };
}
