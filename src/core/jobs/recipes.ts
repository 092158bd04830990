/**
 * W2SR's SFT settings per student, as its released code trains them (shared/notes/w2sr-recipe.md:
 * LLaMA-Factory 0.9.3, full fine-tuning, bf16, cosine, warmup 0.1, 10 epochs, global batch 128 as
 * 2 per device x accumulation, cutoff 4096, a checkpoint per epoch; learning rate 2e-5 for the main
 * Qwen2.5-Math-7B run, 8e-6 for the 14B student, 1e-5 otherwise). A recipe fills job.json fields; the
 * job's own settings and flags override it.
 */
import { W2sError } from '../errors';

export interface Recipe {
  readonly name: string;
  readonly student: string;
  readonly description: string;
  /** job.json fields (runner/w2s_runner/defaults.json names). */
  readonly settings: Readonly<Record<string, unknown>>;
}

const COMMON = {
  epochs: 10,
  lr_scheduler: 'cosine',
  warmup_ratio: 0.1,
  global_batch_size: 128,
  per_device_batch_size: 2,
  cutoff_len: 4096,
  bf16: true,
  lora: null,
  save: 'epoch',
} as const;

export const RECIPES: readonly Recipe[] = [
  {
    name: 'w2sr-qwen2.5-math-7b',
    student: 'Qwen/Qwen2.5-Math-7B',
    description: 'W2SR main run: Qwen2.5-Math-7B, lr 2e-5',
    settings: { ...COMMON, learning_rate: 2e-5 },
  },
  {
    name: 'w2sr-qwen2.5-14b',
    student: 'Qwen/Qwen2.5-14B',
    description: 'W2SR 14B student: lr 8e-6',
    settings: { ...COMMON, learning_rate: 8e-6 },
  },
  {
    name: 'w2sr-simplerl-zoo-7b',
    student: 'hkust-nlp/Qwen-2.5-Math-7B-SimpleRL-Zoo',
    description: 'W2SR on the RL-trained Math-7B: lr 1e-5',
    settings: { ...COMMON, learning_rate: 1e-5 },
  },
  {
    name: 'w2sr',
    student: '',
    description: 'W2SR defaults for any student: lr 1e-5',
    settings: { ...COMMON, learning_rate: 1e-5 },
  },
];

export function findRecipe(name: string): Recipe {
  const r = RECIPES.find((x) => x.name === name);
  if (!r)
    throw new W2sError(`No recipe named "${name}" (known: ${RECIPES.map((x) => x.name).join(', ')}).`, 'NO_RECIPE');
  return r;
}

/** The recipe made for this student, if any (by the model id's last part, so a local copy matches too). */
export function recipeForStudent(model: string): Recipe | undefined {
  const tail = (id: string) => id.split('/').filter(Boolean).at(-1)?.toLowerCase();
  return RECIPES.find((r) => r.student !== '' && tail(r.student) === tail(model));
}
