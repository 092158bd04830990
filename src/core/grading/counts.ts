import type { Store } from '../store/open';

export interface VerdictCounts {
  correct: number;
  incorrect: number;
  'no-answer': number;
  error: number;
  /** Traces with text that have no grade yet. */
  ungraded: number;
}

/** Verdict counts per run id, for the Runs view and `w2s runs`. */
export function verdictCountsByRun(store: Store): Map<number, VerdictCounts> {
  const rows = store.db
    .prepare(
      `SELECT t.run_id AS run, coalesce(g.verdict, 'ungraded') AS verdict, count(*) AS n
       FROM traces t LEFT JOIN grades g ON g.trace_id = t.id WHERE t.error IS NULL GROUP BY t.run_id, coalesce(g.verdict, 'ungraded')`,
    )
    .all() as { run: number; verdict: keyof VerdictCounts; n: number }[];
  const out = new Map<number, VerdictCounts>();
  for (const r of rows) {
    let c = out.get(r.run);
    if (!c) out.set(r.run, (c = { correct: 0, incorrect: 0, 'no-answer': 0, error: 0, ungraded: 0 }));
    c[r.verdict] = r.n;
  }
  return out;
}

/** pass@1 over graded traces: correct / (graded), or null when nothing is graded. */
export function accuracy(c: VerdictCounts): number | null {
  const graded = c.correct + c.incorrect + c['no-answer'] + c.error;
  return graded ? c.correct / graded : null;
}
