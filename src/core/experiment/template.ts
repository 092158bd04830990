/**
 * The commented experiment file for the paper's main setting: what `w2s experiment new` writes (and what
 * the editor's New Experiment… is to write). Every default is spelled out, so the file reads as the recipe.
 */
import * as path from 'node:path';
import { EXPERIMENT_DEFAULTS as D, EXPERIMENT_FILE } from './spec';

export function experimentTemplate(name: string): string {
  return `# W2S Studio experiment: the W2SR main setting (docs/experiments.md).
# Run it with: w2s experiment run ${name}.w2s.yaml --dry-run   (then without --dry-run)
name: ${name}

# The problems each teacher is sampled on: W2SR's training set, MATH levels 3-5 (built in).
problems: ${D.problems}
# problems: { set: my-problems, file: problems.jsonl, limit: 500 }

# The weak teachers: a reasoner (SimpleRL-Zoo) served by vLLM or any OpenAI-compatible server.
teachers:
  - name: zoo-1.5b
    endpoint: http://127.0.0.1:8000/v1   # or the name of a w2s.endpoints profile
    model: hkust-nlp/Qwen-2.5-1.5B-SimpleRL-Zoo
    template: ${D.template}
    # one greedy trace per problem, 4096 tokens: the preset w2sr-teacher (sampling: w2sr-teacher)
    sampling: { n: ${D.teacherSampling.n}, temperature: ${D.teacherSampling.temperature}, top_p: ${D.teacherSampling.top_p}, max_tokens: ${D.teacherSampling.max_tokens} }
    # w2sr: every trace; w2sr-p: correct only; incorrect; view:NAME (a saved view)
    datasets: [${D.datasets.join(', ')}]

# The strong student, fine-tuned with its W2SR recipe (full SFT, bf16, cosine, 10 epochs, batch 128).
student:
  base_model: ${D.student}
  recipe: w2sr-qwen2.5-math-7b
  gpus: ${D.studentGpus}
  # settings: { learning_rate: 2.0e-5 }   # job.json fields over the recipe's

# The Ray cluster (or set W2S_CLUSTER_ADDRESS and W2S_CHECKPOINT_ROOT; the token only in W2S_CLUSTER_TOKEN).
cluster:
  address: http://127.0.0.1:8265
  checkpoint_root: /shared/checkpoints

# W2SR's evaluation: temperature 0.6, top_p 0.95, seed 0, pass@1, up to the model's context.
eval:
  sets: [${D.evalSets.join(', ')}]
  temperature: ${D.eval.temperature}
  top_p: ${D.eval.top_p}
  n: ${D.eval.n}
  seed: ${D.eval.seed}

# RGR = (student - base) / (RL - base); a model with results already is not evaluated again.
compare:
  base: ${D.student}
  rl: ${D.rlFor[D.student]}
`;
}

/** The experiment's name for a file `NAME.w2s.yaml`: NAME, cut to the characters artefact names allow. */
export function experimentNameFor(file: string): string {
  return (
    path
      .basename(file)
      .replace(EXPERIMENT_FILE, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-') || 'experiment'
  );
}
