import { W2sError } from '../errors';

/**
 * Where checkpoints go on the cluster, and whether every node sees it. A job's output folder and a
 * later eval's model must be on storage both nodes reach: a root under `~` or /tmp is each node's own
 * disk, so a multi-node job, or an eval that may land on another node, cannot use it. An s3:// or
 * gs:// URI is passed through (transformers and Ray Train read and write it through fsspec).
 */
export type RootLocality = 'shared' | 'node-local' | 'unknown';

const NODE_LOCAL = /^(~|\/tmp(\/|$)|\/var\/tmp(\/|$)|\/dev\/shm(\/|$)|\/root(\/|$))/;

export const isUriRoot = (root: string): boolean => /^(s3|gs|gcs|abfss?|hdfs):\/\//i.test(root);

/** What is known of a root: the probe's finding wins, else the path's shape. */
export function rootLocality(root: string, probeShared?: boolean | null): RootLocality {
  if (isUriRoot(root)) return 'shared';
  if (probeShared === true) return 'shared';
  if (probeShared === false) return 'node-local';
  if (!root.startsWith('/') || NODE_LOCAL.test(root)) return 'node-local';
  return 'unknown';
}

export function checkCheckpointRoot(raw: string, where: string): string {
  const root = raw.trim().replace(/\/+$/, '');
  if (!root)
    throw new W2sError(
      `${where} is empty: give a folder every node shares (e.g. /shared/w2s-checkpoints) or an s3:// or gs:// URI.`,
      'BAD_CHECKPOINT_ROOT',
    );
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(root) && !isUriRoot(root)) {
    throw new W2sError(
      `${where} "${root}": only s3://, gs:// (and abfs://, hdfs://) URIs are passed through; give one of those or an absolute path.`,
      'BAD_CHECKPOINT_ROOT',
    );
  }
  if (!isUriRoot(root) && !root.startsWith('/') && !root.startsWith('~'))
    throw new W2sError(
      `${where} "${root}" must be an absolute path on the cluster (or start with ~), or an s3:// / gs:// URI.`,
      'BAD_CHECKPOINT_ROOT',
    );
  return root;
}

const FIX =
  'Set a checkpoint root every node shares: --checkpoint-root /shared/PATH (or s3://BUCKET/PATH; $W2S_CHECKPOINT_ROOT, or the w2s.cluster.checkpointDir setting in VS Code).';

/** A multi-node SFT job writes from every node: its output folder must be shared. */
export function checkSftStorage(outputDir: string, nodes: number, probeShared?: boolean | null): void {
  if (nodes > 1 && rootLocality(outputDir, probeShared) === 'node-local') {
    throw new W2sError(
      `The job trains on ${nodes} nodes, but its output folder ${outputDir} is on each node's own disk: the nodes would each write part of the checkpoints and none would have them all. ${FIX}`,
      'NODE_LOCAL_ROOT',
    );
  }
}

/**
 * An eval reads a checkpoint where a training job left it. On a cluster of several nodes Ray may place
 * the eval on another node than the one that wrote it: a node-local folder is then not there.
 */
export function checkEvalStorage(model: string, clusterNodes: number | undefined, probeShared?: boolean | null): void {
  const looksLikePath = model.startsWith('/') || model.startsWith('~');
  if (looksLikePath && (clusterNodes ?? 1) > 1 && rootLocality(model, probeShared) === 'node-local') {
    throw new W2sError(
      `The cluster has ${clusterNodes} nodes and the model ${model} is on one node's own disk: the eval may run on another node, where it is not. Copy it to shared storage, or ${FIX[0]!.toLowerCase()}${FIX.slice(1)}`,
      'NODE_LOCAL_ROOT',
    );
  }
}
