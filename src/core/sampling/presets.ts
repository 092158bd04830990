import type { SamplingParams } from './client';

/** W2SR's teacher sampling (the paper's code): one greedy trace per problem, 4096 tokens. */
export const SAMPLING_DEFAULTS = {
  n: 1,
  temperature: 0,
  top_p: 0.95,
  max_tokens: 4096,
  concurrency: 32,
  timeoutSeconds: 600,
} as const;

export interface SamplingPreset {
  readonly id: string;
  readonly label: string;
  readonly detail: string;
  readonly n: number;
  readonly params: SamplingParams;
}

/** The presets offered by "Sample Traces…"; the CLI's defaults are the first. */
export const SAMPLING_PRESETS: readonly SamplingPreset[] = [
  {
    id: 'w2sr-teacher',
    label: 'W2SR teacher (greedy, 4096 tokens)',
    detail: "n=1, temperature 0, top_p 0.95, max_tokens 4096 — the paper's teacher sampling",
    n: SAMPLING_DEFAULTS.n,
    params: {
      temperature: SAMPLING_DEFAULTS.temperature,
      top_p: SAMPLING_DEFAULTS.top_p,
      max_tokens: SAMPLING_DEFAULTS.max_tokens,
    },
  },
  {
    id: 'eval',
    label: 'Eval (t=0.6, top_p 0.95)',
    detail: "n=1, temperature 0.6, top_p 0.95, max_tokens 4096, seed 0 — the paper's evaluation",
    n: 1,
    params: { temperature: 0.6, top_p: 0.95, max_tokens: 4096, seed: 0 },
  },
  {
    id: 'eval-4',
    label: 'Eval, 4 samples (pass@k / maj@k)',
    detail: 'n=4, temperature 0.6, top_p 0.95, max_tokens 4096, seed 0',
    n: 4,
    params: { temperature: 0.6, top_p: 0.95, max_tokens: 4096, seed: 0 },
  },
];

/**
 * W2SR's evaluation (eval/eval.sh of the paper's code): temperature 0.6, top_p 0.95, seed 0, one sample
 * (pass@1), the qwen-base template, and max_tokens 32768, i.e. as long as the model's context allows.
 * max_tokens is therefore not sent by default: vLLM then generates up to the context length, where a fixed
 * 32768 would be refused by a server whose context is shorter.
 */
export const EVAL_DEFAULTS = {
  n: 1,
  temperature: 0.6,
  top_p: 0.95,
  seed: 0,
  template: 'qwen-base',
  sets: ['math500', 'aime24', 'amc23'],
} as const;

/** The presets offered by "Evaluate Endpoint Model…". */
export const EVAL_PRESETS: readonly SamplingPreset[] = [
  {
    id: 'w2sr-eval',
    label: 'W2SR eval (t=0.6, top_p 0.95, seed 0)',
    detail: "n=1 (pass@1), up to the model's context — the paper's evaluation",
    n: 1,
    params: { temperature: EVAL_DEFAULTS.temperature, top_p: EVAL_DEFAULTS.top_p, seed: EVAL_DEFAULTS.seed },
  },
  {
    id: 'w2sr-eval-4',
    label: 'W2SR eval, 4 samples (pass@k, maj@k)',
    detail: 'n=4, t=0.6, top_p 0.95, seed 0',
    n: 4,
    params: { temperature: EVAL_DEFAULTS.temperature, top_p: EVAL_DEFAULTS.top_p, seed: EVAL_DEFAULTS.seed },
  },
  {
    id: 'w2sr-eval-16',
    label: 'W2SR eval, 16 samples (pass@16, maj@16)',
    detail: 'n=16, t=0.6, top_p 0.95, seed 0',
    n: 16,
    params: { temperature: EVAL_DEFAULTS.temperature, top_p: EVAL_DEFAULTS.top_p, seed: EVAL_DEFAULTS.seed },
  },
];
