/**
 * The per-GPU memory of an SFT job, estimated from the model's config.json before anything is submitted,
 * for the strategy the runner would pick (runner/w2s_runner/sft_plan.py: the same 16 bytes per parameter
 * and the same 60% DDP threshold, so the plan and the runner agree).
 *
 * Model states (the ZeRO paper's arithmetic, Rajbhandari et al. 2020, §3.1): mixed-precision AdamW keeps
 * K = 12 bytes of fp32 optimizer state per parameter plus 2 + 2 for 16-bit weights and gradients, 16Ψ in
 * all; the runner keeps fp32 master weights and fp32 gradients instead (4 + 4 + 8), also 16Ψ. DDP holds
 * all of it on every GPU; FSDP full sharding (ZeRO stage 3) holds 16Ψ / N.
 * Activations (Korthikanti et al. 2022, "Reducing Activation Recomputation"): with full activation
 * checkpointing each layer keeps its 16-bit input, 2·s·b·h bytes, and one layer is recomputed at a time;
 * its working set is counted without the attention-score term (SDPA / flex attention never materialize
 * it) and with a SwiGLU MLP's three intermediate tensors.
 * Logits: s·b·V in bf16 plus the fp32 copy the loss upcasts to and its fp32 gradient (10 bytes each).
 */
import { W2sError } from '../errors';

export const GIB = 2 ** 30;
/** fp32 weights 4 + fp32 gradients 4 + AdamW m 4 + v 4. */
export const FULL_FT_BYTES_PER_PARAM = 16;
/** DDP only when model states fit in this share of one GPU (sft_plan.DDP_STATE_SHARE). */
export const DDP_STATE_SHARE = 0.6;
/** CUDA context, cuBLAS / NCCL workspaces: an assumption, checked against measured peaks by runner/scripts/gpu_check.py. */
export const FIXED_OVERHEAD_BYTES = 1 * GIB;
/** The caching allocator's fragmentation on top of live tensors. */
export const FRAGMENTATION = 0.05;

export interface ModelShape {
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly tiedEmbeddings: boolean;
  readonly qkvBias: boolean;
  readonly modelType: string;
}

function positiveInt(config: Record<string, unknown>, key: string, where: string, fallback?: number): number {
  const v = config[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new W2sError(
      `${where}: ${key} must be a positive integer in a decoder model's config.json, got ${JSON.stringify(config[key])}.`,
      'BAD_MODEL_CONFIG',
    );
  }
  return v;
}

/** The layer shapes of a Llama / Qwen2 / Mistral-style decoder (what W2SR's students and teachers are). */
export function modelShape(config: unknown, where = 'config.json'): ModelShape {
  if (!config || typeof config !== 'object' || Array.isArray(config))
    throw new W2sError(`${where}: not a JSON object.`, 'BAD_MODEL_CONFIG');
  const c =
    (config as { text_config?: unknown }).text_config &&
    typeof (config as { text_config?: unknown }).text_config === 'object'
      ? (config as { text_config: Record<string, unknown> }).text_config
      : (config as Record<string, unknown>);
  const hiddenSize = positiveInt(c, 'hidden_size', where);
  const heads = positiveInt(c, 'num_attention_heads', where);
  const modelType = typeof c.model_type === 'string' ? c.model_type : 'unknown';
  return {
    hiddenSize,
    intermediateSize: positiveInt(c, 'intermediate_size', where),
    layers: positiveInt(c, 'num_hidden_layers', where),
    heads,
    kvHeads: positiveInt(c, 'num_key_value_heads', where, heads),
    headDim: positiveInt(c, 'head_dim', where, Math.floor(hiddenSize / heads)),
    vocabSize: positiveInt(c, 'vocab_size', where),
    tiedEmbeddings: c.tie_word_embeddings === true,
    // Qwen2 always has q/k/v biases (no config key); Llama-style models say so in attention_bias.
    qkvBias: modelType === 'qwen2' || c.attention_bias === true,
    modelType,
  };
}

export interface ParameterCount {
  readonly perLayer: number;
  readonly embedding: number;
  readonly lmHead: number;
  readonly total: number;
}

/** Parameters from the layer shapes: attention (q, k, v, o), SwiGLU MLP (gate, up, down), two RMSNorms. */
export function countParameters(s: ModelShape): ParameterCount {
  const q = s.hiddenSize * s.heads * s.headDim;
  const kv = s.hiddenSize * s.kvHeads * s.headDim;
  const o = s.heads * s.headDim * s.hiddenSize;
  const bias = s.qkvBias ? s.heads * s.headDim + 2 * s.kvHeads * s.headDim : 0;
  const mlp = 3 * s.hiddenSize * s.intermediateSize;
  const perLayer = q + 2 * kv + o + bias + mlp + 2 * s.hiddenSize;
  const embedding = s.vocabSize * s.hiddenSize;
  const lmHead = s.tiedEmbeddings ? 0 : embedding;
  return { perLayer, embedding, lmHead, total: perLayer * s.layers + embedding + lmHead + s.hiddenSize };
}

/** ZeRO's per-GPU model-state bytes: stage 0 (DDP), 1 (optimizer states), 2 (+ gradients), 3 (+ parameters). */
export function zeroModelStateBytes(params: number, gpus: number, stage: 0 | 1 | 2 | 3, k = 12): number {
  const [p, g, os] = [2 * params, 2 * params, k * params];
  if (stage === 0) return p + g + os;
  if (stage === 1) return p + g + os / gpus;
  if (stage === 2) return p + (g + os) / gpus;
  return (p + g + os) / gpus;
}

export type Strategy = 'single' | 'ddp' | 'fsdp';

export interface PlanRequest {
  readonly shape: ModelShape;
  readonly gpus: number;
  readonly nodes: number;
  readonly gpuMemoryGiB: number;
  readonly cutoff: number;
  readonly microBatch: number;
  readonly lora: boolean;
  readonly loraRank?: number;
  readonly offload: boolean;
  readonly activationCheckpointing: boolean;
}

export interface MemoryBreakdown {
  readonly parameters: number;
  readonly gradients: number;
  readonly optimizerStates: number;
  readonly gatheredForCompute: number;
  readonly activations: number;
  readonly logits: number;
  readonly overhead: number;
}

export interface MemoryPlan {
  readonly fits: boolean;
  readonly strategy: Strategy;
  readonly reason: string;
  readonly parameters: number;
  readonly trainableParameters: number;
  readonly worldSize: number;
  readonly perGpuGiB: number;
  readonly gpuMemoryGiB: number;
  /** GiB per part, per GPU. */
  readonly breakdownGiB: MemoryBreakdown;
  readonly offload: boolean;
  readonly lora: boolean;
}

/** LoRA on every linear layer of every decoder layer ("all-linear"): r·(in + out) each. */
function loraParameters(s: ModelShape, r: number): number {
  const qOut = s.heads * s.headDim;
  const kvOut = s.kvHeads * s.headDim;
  const perLayer =
    r *
    (s.hiddenSize +
      qOut +
      2 * (s.hiddenSize + kvOut) +
      (qOut + s.hiddenSize) +
      2 * (s.hiddenSize + s.intermediateSize) +
      (s.intermediateSize + s.hiddenSize));
  return perLayer * s.layers;
}

function chooseStrategy(req: PlanRequest, params: number, world: number): { strategy: Strategy; reason: string } {
  if (req.offload) return { strategy: 'fsdp', reason: 'CPU offload needs FSDP' };
  if (world <= 1) return { strategy: 'single', reason: 'one GPU' };
  if (req.lora) return { strategy: 'ddp', reason: 'LoRA: the frozen base fits where full fine-tuning would not' };
  const need = params * FULL_FT_BYTES_PER_PARAM;
  if (need <= DDP_STATE_SHARE * req.gpuMemoryGiB * GIB)
    return { strategy: 'ddp', reason: `model states ${(need / GIB).toFixed(1)} GiB fit on one GPU` };
  return {
    strategy: 'fsdp',
    reason: `model states ${(need / GIB).toFixed(1)} GiB do not fit on one GPU: sharded over ${world}`,
  };
}

export function planMemory(req: PlanRequest): MemoryPlan {
  const s = req.shape;
  const count = countParameters(s);
  const P = count.total;
  const world = req.gpus * req.nodes;
  const { strategy, reason } = chooseStrategy(req, P, world);
  const shards = strategy === 'fsdp' ? world : 1;
  const trainable = req.lora ? loraParameters(s, req.loraRank ?? 32) : P;
  let parameters: number;
  let gradients: number;
  let optimizerStates: number;
  let gathered: number;
  if (req.lora) {
    // frozen base in bf16 (whole, DDP), adapters with fp32 master weights, gradients and AdamW states
    parameters = 2 * P + 4 * trainable;
    gradients = 4 * trainable;
    optimizerStates = 8 * trainable;
    gathered = 0;
  } else if (req.offload) {
    // parameters, gradients and optimizer states live on the CPU; the GPU holds what it computes with
    parameters = gradients = optimizerStates = 0;
    gathered = 2 * (2 * count.perLayer + count.embedding + count.lmHead);
  } else {
    parameters = (4 * P) / shards;
    gradients = (4 * P) / shards;
    optimizerStates = (8 * P) / shards;
    // bf16 compute copies: FSDP gathers a layer (and prefetches the next) plus the root's embedding and
    // head; autocast under DDP / one GPU keeps a bf16 copy of every weight through the forward pass.
    gathered = strategy === 'fsdp' ? 2 * (2 * count.perLayer + count.embedding + count.lmHead) : 2 * P;
  }
  const tokens = req.microBatch * req.cutoff;
  const layerWorkingSet = tokens * (16 * s.hiddenSize + 6 * s.intermediateSize);
  const activations = req.activationCheckpointing
    ? s.layers * 2 * tokens * s.hiddenSize + layerWorkingSet
    : s.layers * layerWorkingSet;
  const logits = tokens * s.vocabSize * 10;
  const live = parameters + gradients + optimizerStates + gathered + activations + logits;
  const overhead = FIXED_OVERHEAD_BYTES + FRAGMENTATION * live;
  const total = live + overhead;
  const g = (x: number) => Math.round((x / GIB) * 100) / 100;
  const perGpuGiB = g(total);
  return {
    fits: total <= req.gpuMemoryGiB * GIB,
    strategy,
    reason,
    parameters: P,
    trainableParameters: trainable,
    worldSize: world,
    perGpuGiB,
    gpuMemoryGiB: req.gpuMemoryGiB,
    breakdownGiB: {
      parameters: g(parameters),
      gradients: g(gradients),
      optimizerStates: g(optimizerStates),
      gatheredForCompute: g(gathered),
      activations: g(activations),
      logits: g(logits),
      overhead: g(overhead),
    },
    offload: req.offload,
    lora: req.lora,
  };
}

export interface Alternative {
  readonly change: string;
  readonly plan: MemoryPlan;
}

/** When a plan does not fit: the nearest settings that do, in the order a user would try them. */
export function alternatives(req: PlanRequest, maxGpusPerNode = 8): Alternative[] {
  const out: Alternative[] = [];
  for (let gpus = req.gpus * 2; gpus <= maxGpusPerNode; gpus *= 2) {
    const plan = planMemory({ ...req, gpus });
    if (plan.fits) {
      out.push({ change: `--gpus ${gpus}`, plan });
      break;
    }
  }
  if (req.microBatch > 1) {
    const plan = planMemory({ ...req, microBatch: 1 });
    if (plan.fits) out.push({ change: '--micro-batch 1 (the global batch is kept by gradient accumulation)', plan });
  }
  if (!req.activationCheckpointing) {
    const plan = planMemory({ ...req, activationCheckpointing: true });
    if (plan.fits) out.push({ change: 'activation checkpointing on', plan });
  }
  if (!req.offload && !req.lora) {
    const plan = planMemory({ ...req, offload: true });
    if (plan.fits) out.push({ change: '--offload (parameters and optimizer states on the CPU: slower)', plan });
  }
  if (!req.lora) {
    const plan = planMemory({ ...req, lora: true });
    if (plan.fits) out.push({ change: '--lora (r 32; the W2SR recipe is full fine-tuning)', plan });
  }
  return out;
}

export interface SftJobPlan {
  readonly plan: MemoryPlan;
  readonly alternatives: readonly Alternative[];
  readonly request: PlanRequest;
}

/**
 * The plan of an SFT job as it would be submitted: its job.json settings (defaults where unset, as the
 * runner fills them) over the model's shape. What Start SFT Job… shows, and asks about when it does not fit.
 */
export function planSftJob(
  shape: ModelShape,
  settings: Record<string, unknown>,
  defaults: Record<string, unknown>,
  gpus: number,
  gpuMemoryGiB: number,
): SftJobPlan {
  const get = (k: string): unknown => (settings[k] !== undefined ? settings[k] : defaults[k]);
  const num = (k: string, fallback: number): number => (typeof get(k) === 'number' ? (get(k) as number) : fallback);
  const lora = get('lora');
  const request: PlanRequest = {
    shape,
    gpus: num('gpus', gpus),
    nodes: num('nodes', 1),
    gpuMemoryGiB,
    cutoff: num('cutoff_len', 4096),
    microBatch: num('per_device_batch_size', 2),
    lora: lora !== null && lora !== undefined,
    loraRank:
      lora && typeof lora === 'object' && typeof (lora as { r?: unknown }).r === 'number'
        ? (lora as { r: number }).r
        : 32,
    offload: get('cpu_offload') === true,
    activationCheckpointing: get('gradient_checkpointing') !== false,
  };
  const plan = planMemory(request);
  return { plan, alternatives: plan.fits ? [] : alternatives(request), request };
}
