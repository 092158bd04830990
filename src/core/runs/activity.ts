import type { Store } from '../store/open';
import { effectiveStatus, type RunKind, type RunRow } from './runs';

/** Job states after which nothing more happens (Ray's, OpenAI fine-tuning's and ours, in any case). */
const JOB_DONE = new Set(['succeeded', 'failed', 'stopped', 'cancelled', 'canceled', 'done', 'error', 'deleted']);

export interface RunningWork {
  /** runs being sampled now by any live process (this window, a terminal, another window) */
  readonly runs: { readonly name: string; readonly kind: RunKind; readonly owner: string | null }[];
  /** cluster jobs not finished yet */
  readonly jobs: { readonly name: string; readonly kind: string; readonly status: string }[];
}

/** What is going on in the store right now: cheap (reads only running runs and unfinished jobs). */
export function runningWork(store: Store): RunningWork {
  const rows = store.db
    .prepare("SELECT id, name, kind, status, owner, heartbeat_at FROM runs WHERE status = 'running'")
    .all() as {
    id: number;
    name: string;
    kind: RunKind;
    status: 'running';
    owner: string | null;
    heartbeat_at: string | null;
  }[];
  const runs = rows
    .filter(
      (r) =>
        effectiveStatus({ id: r.id, status: r.status, owner: r.owner, heartbeatAt: r.heartbeat_at } as RunRow) ===
        'running',
    )
    .map((r) => ({ name: r.name, kind: r.kind, owner: r.owner }));
  const jobs = (
    store.db.prepare('SELECT name, kind, status FROM jobs ORDER BY id').all() as {
      name: string;
      kind: string;
      status: string;
    }[]
  ).filter((j) => !JOB_DONE.has(j.status.toLowerCase()));
  return { runs, jobs };
}
