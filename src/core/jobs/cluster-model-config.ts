/**
 * A model's config.json as the cluster holds it, for the memory plan when this machine has no copy:
 * a small Ray job runs runner/w2s_runner/model_config.py, which resolves the model as an SFT job on
 * that cluster would (a folder there, its Hugging Face cache, else config.json alone from the Hub) and
 * prints the config between two marker lines; the job is followed to its end, its log read and the job
 * deleted. Only the standard library runs there, so no package is installed for it (a container image
 * is kept: the paths inside it are the ones a job sees).
 */
import { randomBytes } from 'node:crypto';
import { W2sError } from '../errors';
import { timerDelay } from '../timers';
import { buildBundle } from './bundle';
import { shellQuote } from './cluster-probe';
import { findModelConfig, type FoundConfig } from './model-config';
import { isTerminal, type RayJobDetails } from './ray-api';
import type { RayClient } from './ray-client';
import { runnerEntries } from './runner-files';
import { runtimeEnvFor, type RunnerEnvironment } from './runner-environment';

/** The marker lines of model_config.py (BEGIN, END, ERROR there). */
export const CONFIG_BEGIN = '@@w2s-model-config-begin';
export const CONFIG_END = '@@w2s-model-config-end';
export const CONFIG_ERROR = '@@w2s-model-config-error';

export interface ClusterConfigOptions {
  readonly runnerDir: string;
  readonly environment?: RunnerEnvironment;
  readonly signal?: AbortSignal;
  /** How long the job may take, a wait for a free CPU included (default 3 min). */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  readonly onProgress?: (message: string) => void;
}

/** What model_config.py printed: the config and where it was found, or its error line. */
export function parseConfigLog(log: string): { source: string; config: unknown } | { error: string } | undefined {
  const lines = log.split('\n');
  const begin = lines.findIndex((l) => l.startsWith(`${CONFIG_BEGIN} `));
  const end = lines.findIndex((l, i) => i > begin && l.trim() === CONFIG_END);
  if (begin >= 0 && end > begin) {
    try {
      return {
        source: lines[begin]!.slice(CONFIG_BEGIN.length + 1).trim(),
        config: JSON.parse(lines.slice(begin + 1, end).join('\n')) as unknown,
      };
    } catch {
      return undefined;
    }
  }
  const error = lines.find((l) => l.startsWith(`${CONFIG_ERROR} `));
  return error ? { error: error.slice(CONFIG_ERROR.length + 1).trim() } : undefined;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, timerDelay(ms));
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** Runs the job and returns the config with its source named `cluster ADDRESS: PATH-OR-URL`. */
export async function clusterModelConfig(
  client: RayClient,
  baseModel: string,
  opts: ClusterConfigOptions,
): Promise<FoundConfig> {
  const where = `${baseModel} on the cluster at ${client.address}`;
  const bundle = buildBundle(runnerEntries(opts.runnerDir));
  if (!(await client.packageExists(bundle.name, opts.signal)))
    await client.uploadPackage(bundle.name, bundle.zip, opts.signal);
  const submissionId = `w2s-model-config-${randomBytes(4).toString('hex')}`;
  opts.onProgress?.(`reading config.json of ${where} (job ${submissionId})`);
  const env = opts.environment?.kind === 'image' ? runtimeEnvFor(opts.environment, opts.runnerDir) : {};
  await client.submit(
    {
      entrypoint: `python -m w2s_runner.model_config ${shellQuote(baseModel)}`,
      submission_id: submissionId,
      runtime_env: { working_dir: bundle.uri, env_vars: { PYTHONUNBUFFERED: '1' }, ...env },
      metadata: { w2s_kind: 'model-config' },
    },
    opts.signal,
  );
  const timeoutMs = opts.timeoutMs ?? 3 * 60_000;
  const deadline = Date.now() + timeoutMs;
  let details: RayJobDetails;
  for (;;) {
    // polled without the signal: a cancel is seen between polls, and the job is stopped, not left behind
    details = await client.job(submissionId);
    if (isTerminal(details.status)) break;
    if (opts.signal?.aborted) {
      await client.stop(submissionId).catch(() => undefined);
      throw new W2sError(
        `Reading the config.json of ${where} was cancelled (job ${submissionId} stopped).`,
        'CANCELLED',
      );
    }
    if (Date.now() > deadline) {
      await client.stop(submissionId).catch(() => undefined);
      throw new W2sError(
        `Reading the config.json of ${where} did not finish within ${Math.round(timeoutMs / 1000)} s ` +
          `(Ray: ${details.status}${details.message ? `, ${details.message}` : ''}): stopped job ${submissionId}. ` +
          'Is a CPU free on the cluster? Or give the config with --model-config FILE.',
        'MODEL_CONFIG_TIMEOUT',
      );
    }
    await sleep(opts.pollMs ?? 500, opts.signal);
  }
  const log = await client.logs(submissionId, opts.signal).catch(() => '');
  await client.delete(submissionId).catch(() => undefined);
  const found = parseConfigLog(log);
  if (found && 'config' in found)
    return { path: `cluster ${client.address}: ${client.redact(found.source)}`, config: found.config };
  const reason = found
    ? client.redact(found.error)
    : `the job ended ${details.status} without printing the config (${client.redact(details.message ?? 'no message').slice(0, 500)})`;
  throw new W2sError(
    `No config.json for ${where}: ${reason}. Check the model id or folder the job would use as base_model, ` +
      "or give the model's config.json with --model-config FILE.",
    'MODEL_CONFIG_NOT_ON_CLUSTER',
  );
}

export interface PlanConfigOptions {
  readonly baseModel?: string;
  readonly modelConfig?: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The cluster to ask when this machine has no copy (or first, with `preferCluster`). */
  readonly cluster?: { readonly client: RayClient } & ClusterConfigOptions;
  readonly preferCluster?: boolean;
}

/**
 * The config.json a memory plan reads: a file given as such; else the base model here (a folder, or
 * the Hugging Face cache), else the cluster's copy when a cluster is given; `preferCluster` asks the
 * cluster first (what the job will load there, when this machine's copy may differ).
 */
export async function modelConfigForPlan(opts: PlanConfigOptions): Promise<FoundConfig> {
  const { cluster } = opts;
  if (opts.modelConfig || !opts.baseModel || !cluster) return findModelConfig(opts);
  if (opts.preferCluster) return clusterModelConfig(cluster.client, opts.baseModel, cluster);
  try {
    return findModelConfig(opts);
  } catch (e) {
    if (!(e instanceof W2sError) || e.code !== 'MODEL_CONFIG_NOT_FOUND') throw e;
    return clusterModelConfig(cluster.client, opts.baseModel, cluster);
  }
}
