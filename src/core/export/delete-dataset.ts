import { inWriteTransaction } from '../runs/delete-run';
import type { Store } from '../store/open';
import { requireDataset } from './snapshots';

export interface DatasetDeletionPlan {
  readonly dataset: string;
  /** trace ids the snapshot froze (the traces themselves stay) */
  readonly traces: number;
  /** the files it wrote: left on disk */
  readonly file: string | null;
  /** models recorded as fine-tuned on it: their results lose that lineage */
  readonly models: readonly string[];
}

function describe(store: Store, name: string): DatasetDeletionPlan & { id: number } {
  const d = requireDataset(store, name);
  const models = (
    store.db.prepare('SELECT model FROM model_lineage WHERE dataset_id = ? ORDER BY model').all(d.id) as {
      model: string;
    }[]
  ).map((r) => r.model);
  return { id: d.id, dataset: d.name, traces: d.counts.train + d.counts.val, file: d.file, models };
}

/** What `deleteDataset` would remove. */
export function planDatasetDeletion(store: Store, name: string): DatasetDeletionPlan {
  const { id: _id, ...plan } = describe(store, name);
  return plan;
}

/**
 * Deletes a dataset snapshot: its frozen list of trace ids and its model lineage links. The traces and
 * the files it wrote stay; their runs can then be deleted.
 */
export function deleteDataset(store: Store, name: string): DatasetDeletionPlan {
  return inWriteTransaction(store, () => {
    const { id, ...plan } = describe(store, name);
    store.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
    return plan;
  });
}
