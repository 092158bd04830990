import { modelConfigForPlan } from '../../core/jobs/cluster-model-config';
import { requireRunnerDir } from '../../core/jobs/runner-files';
import { alternatives, modelShape, planMemory, type PlanRequest } from '../../core/jobs/memory-plan';
import { alternativeLines, planLines } from '../../core/jobs/memory-plan-text';
import { findRecipe } from '../../core/jobs/recipes';
import type { Command } from '../command';
import { ADDRESS_OPTION, clusterClient, clusterConfigured, runnerEnvironment } from '../cluster-connection';
import { UsageError } from '../usage-error';

function count(v: unknown, flag: string, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (!Number.isFinite(x) || x < min)
    throw new UsageError(`--${flag} must be a number >= ${min} (got "${String(v)}").`);
  return x;
}

const int = (v: unknown, flag: string, fallback: number): number => {
  const x = count(v, flag, fallback);
  if (!Number.isInteger(x)) throw new UsageError(`--${flag} must be an integer (got "${String(v)}").`);
  return x;
};

export const jobsPlanCommand: Command = {
  name: 'jobs plan',
  summary: 'estimate the per-GPU memory of an SFT job before submitting it (strategy, breakdown, whether it fits)',
  usage:
    '--base-model ID | --model-config config.json [--gpus 1] [--nodes 1] [--gpu-memory 80] [--cutoff 4096] [--micro-batch 2]\n' +
    '       [--lora] [--offload] [--no-checkpointing] [--recipe NAME] [--cluster] [--address URL] [--json]',
  details:
    "Reads the model's config.json (a file, a model folder, or a hub id in the local Hugging Face cache; else,\n" +
    "when a cluster is named (--address, $W2S_CLUSTER_ADDRESS), the cluster's copy, read by a small Ray job as\n" +
    "an SFT job there would resolve the model; --cluster reads the cluster's copy first), counts\n" +
    "the parameters from its layer shapes and estimates one GPU's memory for the strategy the runner would pick:\n" +
    'DDP when the model states (16 bytes per parameter: fp32 weights, gradients, AdamW m and v) fit in 60% of a\n' +
    'GPU, else FSDP full sharding (16 bytes / GPUs, ZeRO-3). Activations assume activation checkpointing (on by\n' +
    "default in the runner); logits count the bf16 logits and the loss's fp32 copy and gradient. When it does\n" +
    'not fit, the nearest settings that do are listed. --json: {fits, strategy, perGpuGiB, breakdownGiB, …}.',
  options: {
    'base-model': {
      type: 'string',
      description: "a model folder, or a hub id in the local Hugging Face cache (else the cluster's copy)",
      valueName: 'ID',
    },
    cluster: {
      type: 'boolean',
      description:
        "read --base-model's config.json on the cluster (as the job would) even when this machine has a copy",
    },
    ...ADDRESS_OPTION,
    'model-config': { type: 'string', description: "the model's config.json", valueName: 'FILE' },
    gpus: { type: 'string', description: 'GPUs per node (default 1)', valueName: 'N' },
    nodes: { type: 'string', description: 'nodes (default 1)', valueName: 'M' },
    'gpu-memory': { type: 'string', description: 'memory of one GPU in GiB (default 80)', valueName: 'GiB' },
    cutoff: { type: 'string', description: "tokens per example (default 4096, or the recipe's)", valueName: 'N' },
    'micro-batch': {
      type: 'string',
      description: "examples per GPU per step (default 2, or the recipe's)",
      valueName: 'N',
    },
    lora: { type: 'boolean', description: 'LoRA (r 32) instead of full fine-tuning' },
    offload: { type: 'boolean', description: 'FSDP with parameters and optimizer states on the CPU' },
    'no-checkpointing': { type: 'boolean', description: 'without activation checkpointing' },
    recipe: {
      type: 'string',
      description: 'take cutoff and micro-batch from a W2SR recipe (w2sr, w2sr-qwen2.5-math-7b, w2sr-qwen2.5-14b, …)',
      valueName: 'NAME',
    },
  },
  async run(v, _positionals, ctx) {
    if (v['base-model'] !== undefined && v['model-config'] !== undefined)
      throw new UsageError('give one of --base-model and --model-config.');
    const recipe = v.recipe !== undefined ? findRecipe(v.recipe as string) : undefined;
    if (v.cluster && v['base-model'] === undefined)
      throw new UsageError('--cluster reads the config.json of --base-model ID on the cluster: give --base-model.');
    const client =
      v['base-model'] !== undefined && (v.cluster || clusterConfigured(ctx, v.address))
        ? clusterClient(ctx, v.address as string | undefined)
        : undefined;
    const found = await modelConfigForPlan({
      baseModel: v['base-model'] as string | undefined,
      modelConfig: v['model-config'] as string | undefined,
      cwd: ctx.cwd,
      env: ctx.env,
      preferCluster: Boolean(v.cluster),
      ...(client
        ? {
            cluster: {
              client,
              runnerDir: requireRunnerDir(),
              environment: runnerEnvironment(ctx, undefined),
              signal: ctx.signal,
              onProgress: (m: string) => ctx.warn(m),
            },
          }
        : {}),
    });
    const req: PlanRequest = {
      shape: modelShape(found.config, found.path),
      gpus: int(v.gpus, 'gpus', 1),
      nodes: int(v.nodes, 'nodes', 1),
      gpuMemoryGiB: count(v['gpu-memory'], 'gpu-memory', 80),
      cutoff: int(v.cutoff, 'cutoff', (recipe?.settings.cutoff_len as number | undefined) ?? 4096),
      microBatch: int(
        v['micro-batch'],
        'micro-batch',
        (recipe?.settings.per_device_batch_size as number | undefined) ?? 2,
      ),
      lora: Boolean(v.lora),
      offload: Boolean(v.offload),
      activationCheckpointing: !v['no-checkpointing'],
    };
    const plan = planMemory(req);
    const alts = plan.fits ? [] : alternatives(req);
    for (const line of planLines(plan, found.path)) ctx.print(line);
    for (const line of alternativeLines(alts)) ctx.print(`  ${line}`);
    if (!plan.fits && alts.length === 0) ctx.print('  nothing nearby fits: more nodes, or a GPU with more memory');
    return {
      json: {
        ...plan,
        config: found.path,
        alternatives: alts.map((a) => ({ change: a.change, perGpuGiB: a.plan.perGpuGiB, strategy: a.plan.strategy })),
      },
      exitCode: 0,
    };
  },
};
