import type { SamplingParams } from './client';

/** W2SR's teacher sampling (the paper's code): one greedy trace per problem, 4096 tokens. */
export const SAMPLING_DEFAULTS = { n: 1, temperature: 0, top_p: 0.95, max_tokens: 4096, concurrency: 32, timeoutSeconds: 600 } as const;

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
    id: 'w2sr-teacher', label: 'W2SR teacher (greedy, 4096 tokens)', detail: "n=1, temperature 0, top_p 0.95, max_tokens 4096 — the paper's teacher sampling",
    n: SAMPLING_DEFAULTS.n, params: { temperature: SAMPLING_DEFAULTS.temperature, top_p: SAMPLING_DEFAULTS.top_p, max_tokens: SAMPLING_DEFAULTS.max_tokens },
  },
  {
    id: 'eval', label: 'Eval (t=0.6, top_p 0.95)', detail: "n=1, temperature 0.6, top_p 0.95, max_tokens 4096, seed 0 — the paper's evaluation",
    n: 1, params: { temperature: 0.6, top_p: 0.95, max_tokens: 4096, seed: 0 },
  },
  {
    id: 'eval-4', label: 'Eval, 4 samples (pass@k / maj@k)', detail: 'n=4, temperature 0.6, top_p 0.95, max_tokens 4096, seed 0',
    n: 4, params: { temperature: 0.6, top_p: 0.95, max_tokens: 4096, seed: 0 },
  },
];
