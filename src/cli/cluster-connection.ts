import { W2sError } from '../core/errors';
import { checkCheckpointRoot } from '../core/jobs/checkpoint-root';
import { normalizeClusterAddress } from '../core/jobs/cluster';
import { parseEnvironment, type RunnerEnvironment } from '../core/jobs/runner-environment';
import { createRayClient, type RayClient } from '../core/jobs/ray-client';
import type { CliContext } from './command';

/**
 * The cluster a command talks to: --address, else $W2S_CLUSTER_ADDRESS, else $RAY_ADDRESS when it is
 * a dashboard URL (what `ray job submit` reads), else the address a job was submitted to. The token
 * comes only from $W2S_CLUSTER_TOKEN: never a flag (it would land in shell history), never stored.
 */
export function clusterClient(ctx: CliContext, explicit: string | undefined, fallback?: string): RayClient {
  const env = ctx.env;
  const rayAddress = env.RAY_ADDRESS && /^https?:\/\//.test(env.RAY_ADDRESS) ? env.RAY_ADDRESS : undefined;
  const raw = explicit || env.W2S_CLUSTER_ADDRESS || fallback || rayAddress;
  if (!raw) {
    throw new W2sError(
      'No cluster address: give --address http://HEAD:8265 or set W2S_CLUSTER_ADDRESS (the Ray dashboard, port 8265).',
      'NO_CLUSTER',
    );
  }
  const where = explicit
    ? '--address'
    : env.W2S_CLUSTER_ADDRESS && !fallback
      ? 'W2S_CLUSTER_ADDRESS'
      : fallback
        ? "the job's cluster"
        : 'RAY_ADDRESS';
  return createRayClient({
    address: normalizeClusterAddress(raw, where),
    token: env.W2S_CLUSTER_TOKEN || undefined,
    timeoutMs: clusterTimeoutMs(env),
  });
}

/** Whether a cluster is named at all (clusterClient's sources, the job's own cluster aside). */
export function clusterConfigured(ctx: CliContext, explicit: unknown): boolean {
  const ray = ctx.env.RAY_ADDRESS;
  return Boolean(explicit || ctx.env.W2S_CLUSTER_ADDRESS || (ray && /^https?:\/\//.test(ray)));
}

/** Per request: $W2S_CLUSTER_TIMEOUT seconds (default 30; uploads get ten times that). */
function clusterTimeoutMs(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.W2S_CLUSTER_TIMEOUT;
  if (!raw) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new W2sError(`W2S_CLUSTER_TIMEOUT must be a whole number of seconds (got "${raw}").`, 'BAD_TIMEOUT');
  return Number(raw) * 1000;
}

/** The runner environment: --runtime, else $W2S_CLUSTER_RUNTIME, else pip (pinned). */
export function runnerEnvironment(ctx: CliContext, explicit: string | undefined): RunnerEnvironment {
  return explicit !== undefined
    ? parseEnvironment(explicit, '--runtime')
    : parseEnvironment(ctx.env.W2S_CLUSTER_RUNTIME, 'W2S_CLUSTER_RUNTIME');
}

/** The checkpoint root: --checkpoint-root, else $W2S_CHECKPOINT_ROOT; undefined when neither is set. */
export function checkpointRoot(ctx: CliContext, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) return checkCheckpointRoot(explicit, '--checkpoint-root');
  return ctx.env.W2S_CHECKPOINT_ROOT
    ? checkCheckpointRoot(ctx.env.W2S_CHECKPOINT_ROOT, 'W2S_CHECKPOINT_ROOT')
    : undefined;
}

export const ENVIRONMENT_OPTIONS = {
  runtime: {
    type: 'string',
    description:
      "how the runner's packages reach the nodes: pip (default, pinned), uv, image:URI, preinstalled ($W2S_CLUSTER_RUNTIME)",
    valueName: 'KIND',
  },
  'checkpoint-root': {
    type: 'string',
    description: 'folder every node shares, or s3:// / gs:// URI, for checkpoints ($W2S_CHECKPOINT_ROOT)',
    valueName: 'PATH',
  },
} as const;

export const ADDRESS_OPTION = {
  address: {
    type: 'string',
    description: 'Ray dashboard, e.g. http://10.0.0.5:8265 (default $W2S_CLUSTER_ADDRESS); token: $W2S_CLUSTER_TOKEN',
    valueName: 'URL',
  },
} as const;
