import type { Store } from '../store/open';

/** One point of a curve. */
export type MetricPoint = readonly [step: number, value: number];
export type MetricSeries = Record<string, MetricPoint[]>;

/** Upserts one step's metrics (a replayed log writes the same values again, harmlessly). */
export function recordMetrics(
  store: Store,
  jobId: number,
  step: number,
  values: Record<string, number>,
  time: string,
): void {
  const stmt = store.db.prepare(
    'INSERT INTO job_metrics (job_id, step, name, value, time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_id, name, step) DO UPDATE SET value = excluded.value, time = excluded.time',
  );
  for (const [name, value] of Object.entries(values)) stmt.run(jobId, step, name, value, time);
}

/** Every curve of a job, by metric name, in step order. */
export function jobMetrics(store: Store, jobId: number): MetricSeries {
  const rows = store.db
    .prepare('SELECT name, step, value FROM job_metrics WHERE job_id = ? ORDER BY name, step')
    .all(jobId) as { name: string; step: number; value: number }[];
  const out: MetricSeries = {};
  for (const r of rows) (out[r.name] ??= []).push([r.step, r.value]);
  return out;
}

/** The last value of each metric. */
export function latestMetrics(store: Store, jobId: number): Record<string, { step: number; value: number }> {
  const rows = store.db
    .prepare(
      'SELECT m.name, m.step, m.value FROM job_metrics m JOIN (SELECT name, max(step) AS step FROM job_metrics WHERE job_id = ? GROUP BY name) last ON last.name = m.name AND last.step = m.step WHERE m.job_id = ?',
    )
    .all(jobId, jobId) as { name: string; step: number; value: number }[];
  return Object.fromEntries(rows.map((r) => [r.name, { step: r.step, value: r.value }]));
}
