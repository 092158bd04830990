import { randomBytes } from 'node:crypto';
import { W2sError, errorMessage } from '../errors';
import { recordRerun } from '../results/eval-runs';
import { findRun, openRun } from '../runs/runs';
import type { PromptTemplate } from '../sampling/templates';
import type { Store } from '../store/open';
import { buildBundle } from './bundle';
import { checkEvalStorage, checkSftStorage } from './checkpoint-root';
import { DEFAULT_ENVIRONMENT, runtimeEnvFor, type RunnerEnvironment } from './runner-environment';
import { resolveDataset, type DatasetSource } from './dataset-source';
import { evalProblemsFile } from './eval-problems';
import { checkJobJson, type JobKind } from './job-spec';
import { createJob, defaultJobName, fromRayStatus, updateJob, type JobRow, type JobSpec } from './job-store';
import type { RayClient } from './ray-client';
import { runnerDefaults, runnerEntries } from './runner-files';
import type { ZipEntry } from './zip';

export interface SftRequest {
  readonly kind: 'sft';
  readonly name?: string;
  /** A model id the cluster's nodes can download, or a folder on the cluster. */
  readonly baseModel: string;
  readonly dataset: DatasetSource;
  /** On the cluster (shared storage when several nodes train). */
  readonly outputDir: string;
  /** Any other job.json field (epochs, learning_rate, lora, batching…); defaults: runner/w2s_runner/defaults.json. */
  readonly settings?: Record<string, unknown>;
  readonly gpus: number;
}

export interface EvalRequest {
  readonly kind: 'eval';
  readonly name?: string;
  /** A checkpoint folder on the cluster (e.g. a finished SFT job's output) or a model id. */
  readonly model: string;
  readonly setName: string;
  readonly template: PromptTemplate;
  readonly samplesPerProblem: number;
  /** max_tokens null: up to the model's context, as W2SR evaluated (the runner's default). */
  readonly params: {
    readonly temperature: number;
    readonly top_p: number;
    readonly max_tokens: number | null;
    readonly seed?: number;
  };
  readonly settings?: Record<string, unknown>;
  readonly gpus: number;
  /** Sample only the first N problems of the set. */
  readonly limit?: number;
  /** The eval run the samples go to (default: named like the job). An existing run gets only the samples it lacks. */
  readonly runName?: string;
  /** Only these problems of the set (by key). */
  readonly problemKeys?: readonly string[];
  /** The evaluation this run re-samples some problems of (results read the newest generation of each problem). */
  readonly rerunOf?: string;
}

export interface SubmitContext {
  readonly store: Store;
  readonly client: RayClient;
  readonly runnerDir: string;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string) => void;
  /** How the runner's packages get to the node (default pip, pinned). */
  readonly environment?: RunnerEnvironment;
  /** What the last probe found: the cluster's node count, and whether the checkpoint root is shared. */
  readonly clusterNodes?: number;
  readonly rootShared?: boolean | null;
}

export const entrypointFor = (kind: JobKind): string => `python -m w2s_runner ${kind} job.json`;

/**
 * GPUs the Ray job's driver asks for. One node: all of them (the driver runs torchrun on its node).
 * Several nodes: none, since Ray Train's workers take one GPU each and a driver holding GPUs would keep
 * them from the workers, so that `fit()` waits forever on a full cluster (runner/w2s_runner/ray_train.py).
 */
export function entrypointGpus(req: SftRequest | EvalRequest): number {
  const nodes = req.kind === 'sft' ? Number(req.settings?.nodes ?? 1) : 1;
  return nodes > 1 ? 0 : req.gpus;
}

/**
 * Creates the job in the store, zips the runner with job.json and the data (content-addressed, as the
 * Ray SDK names working_dir packages), uploads it unless the cluster has it, and submits the job with
 * its own submission id — stored before the POST, so a job accepted by a request whose answer was lost
 * is found again instead of submitted twice.
 */
export async function submitJob(ctx: SubmitContext, req: SftRequest | EvalRequest): Promise<JobRow> {
  const { store, client, runnerDir } = ctx;
  const defaults = runnerDefaults(runnerDir);
  const files: ZipEntry[] = [];
  let job: Record<string, unknown>;
  let spec: Omit<JobSpec, 'job' | 'entrypoint' | 'gpus'>;
  let name: string;
  let runId: number | undefined;

  if (req.kind === 'sft') {
    const data = resolveDataset(store, req.dataset, ctx.cwd);
    if (data.entry) files.push(data.entry);
    job = checkJobJson(
      'sft',
      { ...(req.settings ?? {}), base_model: req.baseModel, dataset: data.jobPath, output_dir: req.outputDir },
      defaults,
      'the SFT job',
    );
    checkSftStorage(req.outputDir, Number(job.nodes ?? defaults.sft.nodes ?? 1), ctx.rootShared);
    name = req.name ?? defaultJobName('sft', data.label);
    spec = {
      source:
        req.dataset.kind === 'snapshot'
          ? `dataset snapshot ${data.label}`
          : req.dataset.kind === 'file'
            ? `dataset file ${req.dataset.path}`
            : `cluster path ${data.jobPath}`,
    };
  } else {
    checkEvalStorage(req.model, ctx.clusterNodes, ctx.rootShared);
    name =
      req.name ?? defaultJobName('eval', `${req.model.split('/').filter(Boolean).at(-1) ?? 'model'}-${req.setName}`);
    const runName = req.runName ?? name;
    const run = openRun(store, {
      name: runName,
      kind: 'eval',
      setName: req.setName,
      model: req.model,
      endpoint: client.address,
      template: req.template,
      params: { ...req.params },
      samplesPerProblem: req.samplesPerProblem,
    });
    runId = run.id;
    const problems = evalProblemsFile(
      store,
      req.setName,
      req.template,
      req.samplesPerProblem,
      run.id,
      req.limit,
      req.problemKeys,
    );
    if (req.rerunOf !== undefined) {
      const origin = findRun(store, req.rerunOf);
      if (!origin || origin.kind !== 'eval')
        throw new W2sError(`No evaluation named "${req.rerunOf}" to re-run.`, 'NO_RUN');
      recordRerun(store, run.id, origin.id);
    }
    if (problems.samples === 0)
      throw new W2sError(`Eval run "${runName}" already has every sample: nothing to generate.`, 'NOTHING_TO_DO');
    files.push({ path: 'data/problems.jsonl', data: Buffer.from(problems.jsonl, 'utf8') });
    job = checkJobJson(
      'eval',
      {
        ...(req.settings ?? {}),
        model: req.model,
        problems: 'data/problems.jsonl',
        n: req.samplesPerProblem,
        temperature: req.params.temperature,
        top_p: req.params.top_p,
        max_tokens: req.params.max_tokens,
        ...(req.params.seed !== undefined ? { seed: req.params.seed } : {}),
      },
      defaults,
      'the eval job',
    );
    spec = {
      source: `problem set ${req.setName} (${problems.problems} problems, ${problems.samples} samples)`,
      evalRun: runName,
      setName: req.setName,
      template: req.template,
    };
  }

  const entrypoint = entrypointFor(req.kind);
  const environment = ctx.environment ?? DEFAULT_ENVIRONMENT;
  let row = createJob(store, {
    name,
    kind: req.kind,
    cluster: client.address,
    spec: { ...spec, job, entrypoint, gpus: req.gpus, environment },
  });
  if (runId !== undefined) store.db.prepare('UPDATE runs SET job_id = ? WHERE id = ?').run(row.id, runId);
  try {
    files.push(...runnerEntries(runnerDir), {
      path: 'job.json',
      data: Buffer.from(`${JSON.stringify(job, null, 2)}\n`, 'utf8'),
    });
    const bundle = buildBundle(files);
    row = updateJob(store, row.id, {
      status: 'uploading',
      spec: { ...row.spec, bundle: { name: bundle.name, bytes: bundle.zip.length, files: bundle.files } },
    });
    ctx.onProgress?.(
      `bundle ${bundle.name} (${(bundle.zip.length / 1024).toFixed(0)} KiB, ${bundle.files.length} files)`,
    );
    if (await client.packageExists(bundle.name, ctx.signal)) ctx.onProgress?.('the cluster already has this bundle');
    else {
      ctx.onProgress?.(`uploading to ${client.address}`);
      await client.uploadPackage(bundle.name, bundle.zip, ctx.signal);
    }
    const submissionId = `w2s-${name}-${randomBytes(3).toString('hex')}`;
    row = updateJob(store, row.id, { submissionId });
    ctx.onProgress?.(`submitting ${submissionId}`);
    try {
      await client.submit(
        {
          entrypoint,
          submission_id: submissionId,
          runtime_env: {
            working_dir: bundle.uri,
            env_vars: { PYTHONUNBUFFERED: '1', W2S_JOB: name },
            ...runtimeEnvFor(environment, runnerDir),
          },
          metadata: { w2s_job: name, w2s_kind: req.kind },
          ...(entrypointGpus(req) > 0 ? { entrypoint_num_gpus: entrypointGpus(req) } : {}),
        },
        ctx.signal,
      );
    } catch (e) {
      // The answer may have been lost after the cluster took the job: ask for it by its id before failing.
      if (!(e instanceof W2sError) || e.code !== 'RAY_UNREACHABLE') throw e;
      const found = await client.job(submissionId, ctx.signal).catch(() => undefined);
      if (!found) throw e;
    }
    const details = await client.job(submissionId, ctx.signal).catch(() => undefined);
    return updateJob(store, row.id, {
      status: details ? fromRayStatus(details.status) : 'pending',
      output: details ? { rayStatus: details.status, rayMessage: details.message } : {},
    });
  } catch (e) {
    // messages from the cluster are redacted where they are made; this is the last gate before the store
    const error = client.redact(errorMessage(e));
    updateJob(store, row.id, { status: 'submit-failed', error });
    if (runId !== undefined)
      store.db.prepare("UPDATE runs SET status = 'failed', error = ? WHERE id = ?").run(error, runId);
    throw e;
  }
}
