/** The memory plan in words: the same lines for `w2s jobs plan`, `w2s jobs sft` and Start SFT Job…. */
import type { Alternative, MemoryPlan } from './memory-plan';

const gib = (x: number) => `${x.toFixed(1)} GiB`;

/** One line: strategy, GPUs, the per-GPU figure and whether it fits. */
export function planSummary(plan: MemoryPlan): string {
  return `${plan.strategy} over ${plan.worldSize} GPU(s)${plan.offload ? ' with CPU offload' : ''}: ${gib(plan.perGpuGiB)} per GPU of ${plan.gpuMemoryGiB} GiB, ${plan.fits ? 'fits' : 'does NOT fit'}`;
}

/** The whole plan: the model, why this strategy, the breakdown per GPU, the total. */
export function planLines(plan: MemoryPlan, where: string): string[] {
  const b = plan.breakdownGiB;
  return [
    `${where}: ${(plan.parameters / 1e9).toFixed(2)}B parameters${plan.lora ? ` (${(plan.trainableParameters / 1e6).toFixed(1)}M trainable, LoRA)` : ''}`,
    `strategy ${plan.strategy} over ${plan.worldSize} GPU(s)${plan.offload ? ', CPU offload' : ''}: ${plan.reason}`,
    `per GPU: parameters ${gib(b.parameters)} + gradients ${gib(b.gradients)} + optimizer states ${gib(b.optimizerStates)}` +
      ` + bf16 compute copies ${gib(b.gatheredForCompute)} + activations ${gib(b.activations)} + logits ${gib(b.logits)} + overhead ${gib(b.overhead)}`,
    `= ${gib(plan.perGpuGiB)} of ${plan.gpuMemoryGiB} GiB: ${plan.fits ? 'fits' : 'does NOT fit'}`,
  ];
}

/** What would fit instead, one line each ("" when nothing nearby does). */
export function alternativeLines(alternatives: readonly Alternative[]): string[] {
  return alternatives.map((a) => `fits with ${a.change}: ${gib(a.plan.perGpuGiB)} per GPU (${a.plan.strategy})`);
}
