/**
 * An experiment file (`*.w2s.yaml`) once read and checked: every field filled, defaults applied. The
 * defaults are the paper's main setting (shared/notes/w2sr-recipe.md): teachers sampled greedily on the
 * MATH level 3–5 training problems, W2SR and W2SR-P datasets, Qwen2.5-Math-7B fine-tuned with its recipe on
 * 4 GPUs, evaluated at temperature 0.6 on the bundled benchmarks, compared with the base and the
 * SimpleRL-Zoo RL model.
 */
import type { ExportPreset } from '../export/presets';

export interface ProblemsSpec {
  /** the problem set of the store (a built-in id or a file is imported under this name first) */
  readonly set: string;
  /** a problem file to import as `set` when the store has no set of that name (absolute) */
  readonly file: string | null;
  /** only the first N problems of the set (file order), as `w2s sample --limit` */
  readonly limit: number | null;
}

/**
 * A teacher's sampling, resolved: a preset (`sampling: w2sr-teacher`, src/core/sampling/presets.ts) is
 * written out into its values here, so a step key sees only values and a preset and the same values
 * written by hand are the same experiment.
 */
export interface SamplingSpec {
  readonly n: number;
  readonly temperature: number;
  readonly top_p: number;
  readonly max_tokens: number;
  readonly seed: number | null;
}

export interface DatasetSpec {
  /** short name, used in snapshot and job names */
  readonly name: string;
  readonly preset: ExportPreset | null;
  /** a saved view of the trace browser: its filter is read when the experiment is planned */
  readonly view: string | null;
  /** job.json settings for the students trained on this dataset, over the student's */
  readonly sft: Readonly<Record<string, unknown>>;
}

/**
 * Where a teacher is served: an OpenAI-compatible base URL written in the file, or the name of a profile
 * of the `w2s.endpoints` setting, looked up only when the teacher is sampled (the editor reads its
 * settings, the CLI the workspace's .vscode/settings.json). Neither is part of a step's key.
 */
export type TeacherEndpoint =
  { readonly kind: 'url'; readonly url: string } | { readonly kind: 'profile'; readonly profile: string };

export interface TeacherSpec {
  readonly name: string;
  readonly endpoint: TeacherEndpoint;
  readonly model: string;
  readonly template: string;
  readonly sampling: SamplingSpec;
  /** the environment variable holding the API key (never the key itself) */
  readonly apiKeyEnv: string | null;
  readonly concurrency: number;
  readonly datasets: readonly DatasetSpec[];
}

export interface StudentSpec {
  readonly baseModel: string;
  readonly recipe: string;
  /** job.json settings over the recipe's */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly gpus: number;
  /** the student's config.json for the memory plan (absolute), else the local Hugging Face cache is searched */
  readonly modelConfig: string | null;
  readonly gpuMemoryGiB: number;
}

export interface ClusterSpec {
  /** Ray dashboard URL; default $W2S_CLUSTER_ADDRESS */
  readonly address: string | null;
  /** where checkpoints go, shared by every node; default $W2S_CHECKPOINT_ROOT */
  readonly checkpointRoot: string | null;
  /** how the runner's packages reach the nodes; default $W2S_CLUSTER_RUNTIME, else pip */
  readonly runtime: string | null;
}

export interface EvalSetSpec {
  readonly set: string;
  readonly file: string | null;
}

export interface EvalSpec {
  readonly sets: readonly EvalSetSpec[];
  readonly template: string;
  readonly n: number;
  readonly temperature: number;
  readonly top_p: number;
  /** null: up to the model's context, as W2SR evaluated */
  readonly max_tokens: number | null;
  readonly seed: number;
  readonly gpus: number;
}

export interface CompareSpec {
  /** the student before training; evaluated when it has no results on a set (results imported first count) */
  readonly base: string | null;
  /** the RL-trained reference: RGR's denominator */
  readonly rl: string | null;
}

export interface ExperimentSpec {
  readonly name: string;
  /** the experiment file, absolute */
  readonly file: string;
  readonly problems: ProblemsSpec;
  readonly teachers: readonly TeacherSpec[];
  readonly student: StudentSpec;
  readonly cluster: ClusterSpec;
  readonly eval: EvalSpec;
  readonly compare: CompareSpec;
}

/** The paper's main setting, field by field (shared/notes/w2sr-recipe.md). */
export const EXPERIMENT_DEFAULTS = {
  problems: 'math-l3to5',
  teacherSampling: { n: 1, temperature: 0, top_p: 0.95, max_tokens: 4096, seed: null },
  template: 'qwen-base',
  concurrency: 32,
  datasets: ['w2sr', 'w2sr-p'] as const,
  student: 'Qwen/Qwen2.5-Math-7B',
  studentGpus: 4,
  gpuMemoryGiB: 80,
  evalSets: ['math500', 'aime24', 'amc23', 'minerva', 'olympiadbench'],
  eval: { n: 1, temperature: 0.6, top_p: 0.95, max_tokens: null, seed: 0, gpus: 1 },
  /** the RL reference W2SR compares Qwen2.5-Math-7B with */
  rlFor: { 'Qwen/Qwen2.5-Math-7B': 'hkust-nlp/Qwen-2.5-Math-7B-SimpleRL-Zoo' } as Record<string, string>,
} as const;

/** The file name an experiment is read from. */
export const EXPERIMENT_FILE = /\.w2s\.ya?ml$/i;
