import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError, errorMessage } from '../../core/errors';
import type { DatasetSource } from '../../core/jobs/dataset-source';
import type { JobRow } from '../../core/jobs/job-store';
import { modelConfigForPlan } from '../../core/jobs/cluster-model-config';
import { modelShape, planSftJob } from '../../core/jobs/memory-plan';
import { planSummary } from '../../core/jobs/memory-plan-text';
import { RECIPES, findRecipe } from '../../core/jobs/recipes';
import { requireRunnerDir, runnerDefaults } from '../../core/jobs/runner-files';
import { submitJob, type EvalRequest, type SftRequest } from '../../core/jobs/submit';
import { importProblemSet } from '../../core/problems/import';
import { requireTemplate } from '../../core/sampling/templates';
import type { Command, CliContext, OptionSpec } from '../command';
import {
  ADDRESS_OPTION,
  ENVIRONMENT_OPTIONS,
  checkpointRoot,
  clusterClient,
  clusterConfigured,
  runnerEnvironment,
} from '../cluster-connection';
import { UsageError } from '../usage-error';
import { followInCli, jobJson } from './jobs-follow';

const COMMON: Record<string, OptionSpec> = {
  ...ADDRESS_OPTION,
  ...ENVIRONMENT_OPTIONS,
  name: { type: 'string', description: 'job name (default: KIND-WHAT-DATE)', valueName: 'NAME' },
  gpus: {
    type: 'string',
    description: 'GPUs for the job (entrypoint_num_gpus; default 1; more than 1 trains with torchrun)',
    valueName: 'N',
  },
  param: {
    type: 'string',
    multiple: true,
    description: 'any other job.json field, KEY=VALUE (VALUE as JSON, else a string), e.g. --param lora={}',
    valueName: 'KEY=VALUE',
  },
  detach: { type: 'boolean', description: 'submit and return; follow later with w2s jobs logs -f NAME' },
  log: { type: 'boolean', description: "print the job's whole log while following (default: its status lines)" },
};

function readJobFile(ctx: CliContext, file: string): { job: Record<string, unknown>; dir: string } {
  const abs = path.resolve(ctx.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch {
    throw new W2sError(`Cannot read the job file ${abs}.`, 'BAD_JOB');
  }
  try {
    const job = JSON.parse(text) as unknown;
    if (!job || typeof job !== 'object' || Array.isArray(job)) throw new Error('not an object');
    return { job: job as Record<string, unknown>, dir: path.dirname(abs) };
  } catch (e) {
    throw new W2sError(`${abs}: not a JSON object (${(e as Error).message}).`, 'BAD_JOB');
  }
}

function params(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of (v.param as string[] | undefined) ?? []) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`--param needs KEY=VALUE, got "${p}".`);
    const raw = p.slice(i + 1);
    try {
      out[p.slice(0, i)] = JSON.parse(raw) as unknown;
    } catch {
      out[p.slice(0, i)] = raw;
    }
  }
  return out;
}

function num(v: unknown, flag: string, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || (integer && !Number.isInteger(x)))
    throw new UsageError(`--${flag} must be ${integer ? 'an integer' : 'a number'} (got "${String(v)}").`);
  return x;
}

async function submitAndFollow(
  ctx: CliContext,
  v: Record<string, unknown>,
  req: SftRequest | EvalRequest,
): Promise<{ json: unknown; exitCode?: number }> {
  const store = ctx.store();
  const client = clusterClient(ctx, v.address as string | undefined);
  const progress = ctx.progress(`submit ${req.kind}`);
  let job: JobRow;
  try {
    const environment = runnerEnvironment(ctx, v.runtime as string | undefined);
    job = await submitJob(
      {
        store,
        client,
        runnerDir: requireRunnerDir(),
        cwd: ctx.cwd,
        signal: ctx.signal,
        onProgress: (m) => progress.log(m),
        environment,
      },
      req,
    );
  } finally {
    progress.done();
  }
  ctx.warn(`submitted ${job.name} to ${client.address} (${job.submissionId}), ${job.status}`);
  if (v.detach) {
    ctx.print(`${job.name}: ${job.status}. Follow it: w2s jobs logs -f ${job.name}`);
    return { json: jobJson(store, job) };
  }
  const final = await followInCli(ctx, store, client, job, { printLog: Boolean(v.log), grade: !v['no-grade'] });
  return {
    json: jobJson(store, final),
    exitCode: final.status === 'succeeded' ? 0 : final.status === 'running' || final.status === 'pending' ? 0 : 1,
  };
}

/**
 * The memory plan before an SFT job is submitted (src/core/jobs/memory-plan.ts), from the model's
 * config.json here (a folder, or the Hugging Face cache), else the cluster's copy (a small Ray job,
 * core/jobs/cluster-model-config.ts): printed, and a job that would not fit is refused unless --force,
 * with the settings that would fit. Without a config anywhere the plan is skipped with the reason.
 */
async function checkMemoryPlan(
  ctx: CliContext,
  v: Record<string, unknown>,
  baseModel: string,
  settings: Record<string, unknown>,
  gpus: number,
): Promise<void> {
  let found;
  try {
    found = await modelConfigForPlan({
      baseModel,
      cwd: ctx.cwd,
      env: ctx.env,
      ...(clusterConfigured(ctx, v.address)
        ? {
            cluster: {
              client: clusterClient(ctx, v.address as string | undefined),
              runnerDir: requireRunnerDir(),
              environment: runnerEnvironment(ctx, v.runtime as string | undefined),
              signal: ctx.signal,
              onProgress: (m: string) => ctx.warn(m),
            },
          }
        : {}),
    });
  } catch (e) {
    ctx.warn(`memory plan skipped: ${errorMessage(e)}`);
    return;
  }
  const gpuMemory = num(v['gpu-memory'], 'gpu-memory') ?? 80;
  const { plan, alternatives } = planSftJob(
    modelShape(found.config, found.path),
    settings,
    runnerDefaults(requireRunnerDir()).sft,
    gpus,
    gpuMemory,
  );
  ctx.warn(`memory plan: ${planSummary(plan)}`);
  if (plan.fits || v.force) return;
  const fixes = alternatives.map((a) => `${a.change} (${a.plan.perGpuGiB} GiB)`).join('; ');
  throw new W2sError(
    `${baseModel} would need ${plan.perGpuGiB} GiB per GPU (${plan.strategy} over ${plan.worldSize}) of ${gpuMemory}: ` +
      `${fixes ? `it fits with ${fixes}` : 'nothing nearby fits'}. Submit anyway with --force; see w2s jobs plan --base-model ${baseModel}.`,
    'WOULD_NOT_FIT',
  );
}

export const jobsSftCommand: Command = {
  name: 'jobs sft',
  summary: 'fine-tune a model on the Ray cluster (SFT, W2SR defaults) and follow it',
  usage:
    '[JOB.json] [--base-model ID] [--dataset FILE | --snapshot NAME | --cluster-dataset PATH] [--output-dir DIR]\n' +
    '       [--recipe NAME] [--epochs N] [--learning-rate X] [--lora] [--param KEY=VALUE]… [--gpus 1] [--name NAME] [--detach] [--address URL]',
  positionals: { min: 0, max: 1 },
  details:
    'A job needs a base model (an id the cluster can download, or a folder on it), a dataset and an output\n' +
    'folder on the cluster; everything else has the W2SR defaults (runner/w2s_runner/defaults.json): full\n' +
    'fine-tuning in bf16, lr 1e-5, cosine, warmup 0.1, 10 epochs, global batch 128, cutoff 4096, a checkpoint\n' +
    'per epoch. A JOB.json may give all of it; flags override it. Its dataset is a file next to it (zipped\n' +
    'into the job) or an absolute path on the cluster. The job is followed until it ends (Ctrl-C detaches:\n' +
    'it keeps running); metrics and checkpoints go to the store.',
  options: {
    'base-model': { type: 'string', description: 'model id or folder on the cluster', valueName: 'ID' },
    dataset: {
      type: 'string',
      description: 'SFT data (JSONL: OpenAI chat messages, ShareGPT or Alpaca), zipped into the job',
      valueName: 'FILE',
    },
    snapshot: { type: 'string', description: 'a dataset snapshot of the store (trace browser)', valueName: 'NAME' },
    'cluster-dataset': {
      type: 'string',
      description: 'data already on storage the cluster shares (for data over 100 MiB, what Ray takes per upload)',
      valueName: 'PATH',
    },
    'output-dir': { type: 'string', description: 'where checkpoints go, on the cluster', valueName: 'DIR' },
    epochs: { type: 'string', description: 'epochs (default 10)', valueName: 'N' },
    'learning-rate': { type: 'string', description: 'learning rate (default 1e-5)', valueName: 'X' },
    lora: { type: 'boolean', description: 'LoRA (r 32, alpha 64) instead of full fine-tuning' },
    'gpu-memory': {
      type: 'string',
      description: 'GiB per GPU for the memory plan checked before submitting (default 80)',
      valueName: 'GiB',
    },
    force: { type: 'boolean', description: 'submit even when the memory plan says it will not fit' },
    recipe: {
      type: 'string',
      description: `W2SR settings for a student (${RECIPES.map((r) => r.name).join(', ')}); the job file and flags override it`,
      valueName: 'NAME',
    },
    ...COMMON,
  },
  async run(v, positionals, ctx) {
    const file = positionals[0] ? readJobFile(ctx, positionals[0]) : undefined;
    const fromFile = file?.job ?? {};
    // a W2SR recipe first; the job file and the flags override it
    const recipe = v.recipe !== undefined ? findRecipe(v.recipe as string).settings : {};
    const settings: Record<string, unknown> = { ...recipe, ...fromFile, ...params(v) };
    const baseModel = (v['base-model'] as string | undefined) ?? (settings.base_model as string | undefined);
    const root = checkpointRoot(ctx, v['checkpoint-root'] as string | undefined);
    const name = v.name as string | undefined;
    // with a checkpoint root, each job gets its own folder under it
    const outputDir =
      (v['output-dir'] as string | undefined) ??
      (settings.output_dir as string | undefined) ??
      (root ? `${root}/${name ?? `sft-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`}` : undefined);
    delete settings.base_model;
    delete settings.output_dir;
    const fileDataset = settings.dataset as string | undefined;
    delete settings.dataset;
    const given = ['dataset', 'snapshot', 'cluster-dataset'].filter((k) => v[k] !== undefined);
    if (given.length > 1) throw new UsageError('give one of --dataset, --snapshot and --cluster-dataset.');
    let dataset: DatasetSource | undefined;
    if (v.dataset !== undefined) dataset = { kind: 'file', path: path.resolve(ctx.cwd, v.dataset as string) };
    else if (v.snapshot !== undefined) dataset = { kind: 'snapshot', name: v.snapshot as string };
    else if (v['cluster-dataset'] !== undefined) dataset = { kind: 'cluster', path: v['cluster-dataset'] as string };
    else if (fileDataset !== undefined && file) {
      const local = path.resolve(file.dir, fileDataset);
      dataset = fs.existsSync(local)
        ? { kind: 'file', path: local }
        : path.isAbsolute(fileDataset)
          ? { kind: 'cluster', path: fileDataset }
          : undefined;
      if (!dataset)
        throw new W2sError(
          `${positionals[0]}: dataset ${fileDataset} is neither a file next to the job file nor an absolute path on the cluster.`,
          'BAD_JOB',
        );
    }
    if (!baseModel) throw new UsageError('give the base model: --base-model ID (or base_model in JOB.json).');
    if (!dataset)
      throw new UsageError(
        'give the data: --dataset FILE, --snapshot NAME or --cluster-dataset PATH (or dataset in JOB.json).',
      );
    if (!outputDir)
      throw new UsageError(
        'give the output folder on the cluster: --output-dir DIR, --checkpoint-root PATH (or output_dir in JOB.json).',
      );
    if (v.epochs !== undefined) settings.epochs = num(v.epochs, 'epochs');
    if (v['learning-rate'] !== undefined) settings.learning_rate = num(v['learning-rate'], 'learning-rate');
    if (v.lora) settings.lora = settings.lora ?? {};
    const gpus = num(v.gpus, 'gpus', true) ?? (typeof settings.gpus === 'number' ? settings.gpus : 1);
    await checkMemoryPlan(ctx, v, baseModel, settings, gpus);
    return submitAndFollow(ctx, v, { kind: 'sft', name, baseModel, dataset, outputDir, settings, gpus });
  },
};

export const jobsEvalCommand: Command = {
  name: 'jobs eval',
  summary: 'evaluate a model on the Ray cluster; its samples become a graded eval run',
  usage:
    '[JOB.json] [--model ID] [--problems SET|FILE] [--template qwen-base] [--n 1] [--temperature 0.6] [--top-p 0.95]\n' +
    '       [--max-tokens N] [--seed 0] [--limit N] [--run NAME] [--gpus 1] [--name NAME] [--no-grade] [--detach] [--address URL]',
  positionals: { min: 0, max: 1 },
  details:
    "The model is a checkpoint folder on the cluster (w2s jobs show NAME lists a job's checkpoints) or a model\n" +
    'id. Problems are a problem set of the store, or a problem file (imported as a set of its name first).\n' +
    "Sampling defaults are W2SR's eval settings. Generation uses vLLM when the cluster has it, else\n" +
    'transformers. Each sample is stored in an eval run (named like the job, or --run NAME) and graded as it\n' +
    'arrives; a job for an existing run (--run NAME) generates only the samples that run lacks.',
  options: {
    model: { type: 'string', description: 'checkpoint folder on the cluster or model id', valueName: 'ID' },
    problems: { type: 'string', description: 'problem set name, or a problem file to import', valueName: 'SET|FILE' },
    template: { type: 'string', description: 'prompt template (default qwen-base)', valueName: 'NAME' },
    n: { type: 'string', description: 'samples per problem (default 1)', valueName: 'N' },
    temperature: { type: 'string', description: 'sampling temperature (default 0.6)', valueName: 'T' },
    'top-p': { type: 'string', description: 'nucleus sampling (default 0.95)', valueName: 'P' },
    'max-tokens': {
      type: 'string',
      description: "longest answer (default: what the model's context leaves, as W2SR evaluated)",
      valueName: 'N',
    },
    seed: { type: 'string', description: 'sampling seed (default 0)', valueName: 'N' },
    limit: { type: 'string', description: 'only the first N problems', valueName: 'N' },
    run: {
      type: 'string',
      description: 'eval run to store the samples in (default: the job name); an existing run gets only what it lacks',
      valueName: 'NAME',
    },
    'no-grade': { type: 'boolean', description: 'do not grade samples as they arrive (w2s grade later)' },
    ...COMMON,
  },
  async run(v, positionals, ctx) {
    const file = positionals[0] ? readJobFile(ctx, positionals[0]) : undefined;
    const settings: Record<string, unknown> = { ...(file?.job ?? {}), ...params(v) };
    const defaults = runnerDefaults(requireRunnerDir()).eval;
    const take = <T>(flag: string, key: string, parse: (x: unknown) => T | undefined): T | undefined => {
      const val = v[flag] !== undefined ? parse(v[flag]) : (settings[key] as T | undefined);
      delete settings[key];
      return val;
    };
    const model = take('model', 'model', (x) => x as string);
    let problems = take('problems', 'problems', (x) => x as string);
    const n = take('n', 'n', (x) => num(x, 'n', true)) ?? (defaults.n as number);
    const temperature =
      take('temperature', 'temperature', (x) => num(x, 'temperature')) ?? (defaults.temperature as number);
    const topP = take('top-p', 'top_p', (x) => num(x, 'top-p')) ?? (defaults.top_p as number);
    const maxTokens =
      take('max-tokens', 'max_tokens', (x) => num(x, 'max-tokens', true)) ?? (defaults.max_tokens as number | null);
    const seed = take('seed', 'seed', (x) => num(x, 'seed', true)) ?? (defaults.seed as number);
    if (!model) throw new UsageError('give the model: --model ID_OR_CHECKPOINT (or model in JOB.json).');
    if (!problems)
      throw new UsageError('give the problems: --problems SET (a problem set of the store) or a problem FILE.');
    const store = ctx.store();
    const isSet = Boolean(store.db.prepare('SELECT 1 FROM problem_sets WHERE name = ?').get(problems));
    if (!isSet) {
      const fileBase = file ? file.dir : ctx.cwd;
      const f = path.resolve(fileBase, problems);
      if (!fs.existsSync(f))
        throw new W2sError(
          `No problem set named "${problems}" and no such file: import one (w2s import FILE --set NAME) or give a problem file.`,
          'NO_SET',
        );
      const name = path.basename(f).replace(/\.[^.]+$/, '');
      const r = await importProblemSet(store, { file: f, name });
      ctx.warn(`imported ${f} as problem set ${name} (${r.problems} problems)`);
      problems = name;
    }
    const template = requireTemplate(store, (v.template as string | undefined) ?? 'qwen-base');
    const gpus = num(v.gpus, 'gpus', true) ?? (typeof settings.gpus === 'number' ? settings.gpus : 1);
    return submitAndFollow(ctx, v, {
      kind: 'eval',
      name: v.name as string | undefined,
      model,
      setName: problems,
      template,
      samplesPerProblem: n,
      params: { temperature, top_p: topP, max_tokens: maxTokens, seed },
      settings,
      gpus,
      limit: num(v.limit, 'limit', true),
      runName: v.run as string | undefined,
    });
  },
};
