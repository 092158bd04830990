import { W2sError } from '../errors';
import { accuracy, verdictCountsByRun } from '../grading/counts';
import { findRun } from '../runs/runs';
import type { Store } from '../store/open';

/** Which teacher traces a student model was fine-tuned on. */
export interface Lineage {
  readonly snapshot: string;
  /** W2SR's three datasets, read off the snapshot's own verdicts (whatever filter made it). */
  readonly preset: 'all (W2SR)' | 'correct only (W2SR-P)' | 'incorrect only' | 'ungraded';
  readonly traces: number;
  readonly teachers: readonly TeacherRun[];
  /** the SFT job that trained the model, when this store submitted it (its output folder is the model) */
  readonly job: string | null;
}

export interface TeacherRun {
  readonly run: string;
  readonly model: string;
  readonly set: string;
  /** traces of this run in the snapshot */
  readonly traces: number;
  /** the teacher's own accuracy: pass@1 over every graded trace of its run */
  readonly accuracy: number | null;
}

/**
 * Links a model (or the model of a run) to the dataset snapshot it was trained on. The SFT job that trains
 * on a snapshot can record the same link; by hand it is `w2s results link`.
 */
export function linkModel(
  store: Store,
  target: { model?: string; run?: string },
  snapshot: string,
): { model: string; snapshot: string } {
  let model = target.model;
  if (target.run !== undefined) {
    const run = findRun(store, target.run);
    if (!run) throw new W2sError(`No run named "${target.run}" (w2s runs lists them).`, 'NO_RUN');
    model = run.model;
  }
  if (!model) throw new W2sError('Name the student: a run (--run NAME) or a model (--model ID).', 'BAD_PARAM');
  const ds = store.db.prepare('SELECT id FROM datasets WHERE name = ?').get(snapshot) as { id: number } | undefined;
  if (!ds) {
    const names = (store.db.prepare('SELECT name FROM datasets ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
    throw new W2sError(
      `No dataset snapshot named "${snapshot}"${names.length ? ` (snapshots: ${names.join(', ')})` : ' (none yet: snapshot a filter of teacher traces first)'}.`,
      'NO_SNAPSHOT',
    );
  }
  store.db
    .prepare(
      `INSERT INTO model_lineage (model, dataset_id) VALUES (?, ?) ON CONFLICT (model) DO UPDATE SET dataset_id = excluded.dataset_id, created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
    )
    .run(model, ds.id);
  return { model, snapshot };
}

/** Removes a model's link; false when it had none. */
export function unlinkModel(store: Store, model: string): boolean {
  return store.db.prepare('DELETE FROM model_lineage WHERE model = ?').run(model).changes > 0;
}

/**
 * SQL for the SFT job that trained `model` (an SQL expression), or NULL: the latest succeeded SFT job whose
 * output folder is the model, since the runner writes the final model to the job's output_dir
 * (runner/w2s_runner/sft.py) and that path is the model's name.
 */
export function sftJobOf(model: string): string {
  return `(SELECT name FROM jobs WHERE kind = 'sft' AND status = 'succeeded' AND json_extract(spec, '$.job.output_dir') = ${model} ORDER BY id DESC LIMIT 1)`;
}

/** Lineage of every linked model. */
export function lineageByModel(store: Store): Map<string, Lineage> {
  const links = store.db
    .prepare('SELECT l.model, d.id, d.name FROM model_lineage l JOIN datasets d ON d.id = l.dataset_id')
    .all() as { model: string; id: number; name: string }[];
  const out = new Map<string, Lineage>();
  if (links.length === 0) return out;
  const counts = verdictCountsByRun(store);
  const perRun = store.db.prepare(
    `SELECT r.id, r.name, r.model, s.name AS set_name, count(*) AS n FROM dataset_traces dt JOIN traces t ON t.id = dt.trace_id
     JOIN runs r ON r.id = t.run_id JOIN problem_sets s ON s.id = r.set_id WHERE dt.dataset_id = ? GROUP BY r.id ORDER BY n DESC, r.name`,
  );
  const jobOf = store.db.prepare(`SELECT ${sftJobOf('?')}`).pluck();
  const verdicts = store.db.prepare(
    `SELECT coalesce(g.verdict, 'ungraded') AS v, count(*) AS n FROM dataset_traces dt LEFT JOIN grades g ON g.trace_id = dt.trace_id
     WHERE dt.dataset_id = ? GROUP BY coalesce(g.verdict, 'ungraded')`,
  );
  for (const l of links) {
    const runs = perRun.all(l.id) as { id: number; name: string; model: string; set_name: string; n: number }[];
    const v = new Map((verdicts.all(l.id) as { v: string; n: number }[]).map((r) => [r.v, r.n]));
    const total = [...v.values()].reduce((a, b) => a + b, 0);
    const correct = v.get('correct') ?? 0;
    const ungraded = v.get('ungraded') ?? 0;
    const preset: Lineage['preset'] =
      total === 0 || ungraded === total
        ? 'ungraded'
        : correct === total - ungraded
          ? 'correct only (W2SR-P)'
          : correct === 0
            ? 'incorrect only'
            : 'all (W2SR)';
    out.set(l.model, {
      job: (jobOf.get(l.model) as string | undefined) ?? null,
      snapshot: l.name,
      preset,
      traces: total,
      teachers: runs.map((r) => {
        const c = counts.get(r.id);
        return { run: r.name, model: r.model, set: r.set_name, traces: r.n, accuracy: c ? accuracy(c) : null };
      }),
    });
  }
  return out;
}
