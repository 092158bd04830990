import type { Statement } from 'better-sqlite3';
import type { Verdict } from '../../model/verdicts';
import type { Store } from '../store/open';
import { sftJobOf } from './lineage';

/** A linked student whose training snapshot holds traces of one problem, with those traces. */
export interface ProblemLineage {
  readonly model: string;
  readonly snapshot: string;
  /** the SFT job that trained the model, when this store submitted it (see `lineageByModel`) */
  readonly job: string | null;
  /** the snapshot's traces of the problem, in teacher run, sample order */
  readonly traces: readonly LineageTrace[];
}

export interface LineageTrace {
  readonly id: number;
  readonly run: string;
  /** the teacher run's model */
  readonly teacher: string;
  /** the trace's grade now (the snapshot keeps trace ids, not verdicts) */
  readonly verdict: Verdict;
  readonly split: 'train' | 'val';
}

// One statement per store: the hover asks on every problem line the pointer rests on.
const statements = new WeakMap<Store, Statement>();

function statement(store: Store): Statement {
  let s = statements.get(store);
  if (!s) {
    // The problem by (set, key), its traces through traces_by_problem, the snapshots holding them through
    // dataset_traces_by_trace, and only snapshots some model is linked to.
    s = store.db.prepare(
      `WITH hits AS (
         SELECT dt.dataset_id, dt.trace_id, dt.split, t.run_id, t.sample_index
         FROM problem_sets s JOIN problems p ON p.set_id = s.id JOIN traces t ON t.problem_id = p.id
         JOIN dataset_traces dt ON dt.trace_id = t.id
         WHERE s.name = ? AND p.key = ?
       )
       SELECT l.model, d.name AS snapshot, ${sftJobOf('l.model')} AS job, h.trace_id AS id, h.split,
         r.name AS run, r.model AS teacher, coalesce(g.verdict, 'ungraded') AS verdict
       FROM hits h JOIN model_lineage l ON l.dataset_id = h.dataset_id JOIN datasets d ON d.id = h.dataset_id
       JOIN runs r ON r.id = h.run_id LEFT JOIN grades g ON g.trace_id = h.trace_id
       ORDER BY l.model, r.name, h.sample_index, h.trace_id`,
    );
    statements.set(store, s);
  }
  return s;
}

/**
 * Every linked student model trained on traces of one problem (a set's problem key): its snapshot, its
 * SFT job, and the snapshot's traces of that problem with their teacher run, verdict and split. Students
 * in model order; a student whose snapshot holds no trace of the problem is left out.
 */
export function problemLineage(store: Store, setName: string, problemKey: string): ProblemLineage[] {
  const rows = statement(store).all(setName, problemKey) as {
    model: string;
    snapshot: string;
    job: string | null;
    id: number;
    split: 'train' | 'val';
    run: string;
    teacher: string;
    verdict: Verdict;
  }[];
  const out: { model: string; snapshot: string; job: string | null; traces: LineageTrace[] }[] = [];
  for (const r of rows) {
    let last = out.at(-1);
    if (last?.model !== r.model) {
      last = { model: r.model, snapshot: r.snapshot, job: r.job, traces: [] };
      out.push(last);
    }
    last.traces.push({ id: r.id, run: r.run, teacher: r.teacher, verdict: r.verdict, split: r.split });
  }
  return out;
}
