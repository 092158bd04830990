import type { Store } from '../store/open';

/** One problem and the sample indices it still needs. */
export interface WorkItem {
  readonly problemId: number;
  readonly key: string;
  readonly question: string;
  readonly sampleIndices: number[];
}

export interface Plan {
  readonly items: WorkItem[];
  /** (problem, sample) pairs in scope */
  readonly total: number;
  /** pairs already stored with text: never sampled again */
  readonly alreadyDone: number;
  /** pairs whose stored attempt failed: sampled again */
  readonly retrying: number;
}

/**
 * What a (re)started run still has to sample: every (problem, sample index) in scope without a stored
 * trace, plus those whose stored row records a failure. The UNIQUE(run, problem, sample) constraint
 * and the writer's upsert make this the only place that decides, so a resume never duplicates.
 */
export function planWork(
  store: Store,
  runId: number,
  setId: number,
  samplesPerProblem: number,
  limit?: number,
  keys?: ReadonlySet<string>,
): Plan {
  let problems = store.db
    .prepare(`SELECT id, key, question FROM problems WHERE set_id = ? ORDER BY position LIMIT ?`)
    .all(setId, limit ?? -1) as { id: number; key: string; question: string }[];
  // A subset (the Testing view runs the problems it has selected): the rest of the set is out of scope.
  if (keys) problems = problems.filter((p) => keys.has(p.key));
  const rows = store.db
    .prepare('SELECT problem_id, sample_index, error IS NOT NULL AS failed FROM traces WHERE run_id = ?')
    .all(runId) as {
    problem_id: number;
    sample_index: number;
    failed: number;
  }[];
  const stored = new Map<number, Map<number, boolean>>();
  for (const r of rows) {
    let m = stored.get(r.problem_id);
    if (!m) stored.set(r.problem_id, (m = new Map()));
    m.set(r.sample_index, r.failed === 1);
  }
  const items: WorkItem[] = [];
  let alreadyDone = 0;
  let retrying = 0;
  for (const p of problems) {
    const have = stored.get(p.id);
    const need: number[] = [];
    for (let i = 0; i < samplesPerProblem; i++) {
      const failed = have?.get(i);
      if (failed === false) alreadyDone++;
      else {
        if (failed === true) retrying++;
        need.push(i);
      }
    }
    if (need.length) items.push({ problemId: p.id, key: p.key, question: p.question, sampleIndices: need });
  }
  return { items, total: problems.length * samplesPerProblem, alreadyDone, retrying };
}
