import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';

/** A problem set shipped with W2S Studio (sources and licences: data/README.md). */
export interface BuiltinBenchmark {
  readonly id: string;
  /** `eval`: a benchmark W2SR reports on (data/benchmarks); `train`: problems teachers are sampled on (data/train). */
  readonly purpose?: 'eval' | 'train';
  readonly label: string;
  readonly file: string;
  readonly problems: number;
  readonly description: string;
  readonly license: string;
}

export const BUILTIN_BENCHMARKS: readonly BuiltinBenchmark[] = [
  {
    id: 'math500',
    label: 'MATH500',
    file: 'math500.jsonl',
    problems: 500,
    description: 'MATH-500 subset of Hendrycks MATH (levels 1–5, seven subjects)',
    license: 'MIT',
  },
  {
    id: 'gsm8k',
    label: 'GSM8K',
    file: 'gsm8k.jsonl',
    problems: 1319,
    description: 'Grade-school maths word problems (test split)',
    license: 'MIT',
  },
  {
    id: 'aime24',
    label: 'AIME 2024',
    file: 'aime24.jsonl',
    problems: 30,
    description: 'American Invitational Mathematics Examination 2024',
    license: 'MAA problems, for research evaluation',
  },
  {
    id: 'amc23',
    label: 'AMC 2023',
    file: 'amc23.jsonl',
    problems: 40,
    description: 'American Mathematics Competitions 2023',
    license: 'MAA problems, for research evaluation',
  },
  {
    id: 'minerva',
    label: 'Minerva Math',
    file: 'minerva.jsonl',
    problems: 272,
    description: 'Undergraduate STEM problems (MIT OpenCourseWare)',
    license: 'MIT OCW material (CC BY-NC-SA 4.0)',
  },
  {
    id: 'olympiadbench',
    label: 'OlympiadBench',
    file: 'olympiadbench.jsonl',
    problems: 675,
    description: 'Olympiad maths, English, text-only',
    license: 'Apache-2.0',
  },
];

/**
 * The training problems W2SR samples its teachers on (shared/notes/w2sr-recipe.md): kept apart from the
 * benchmarks so that evaluation pickers never offer them as a test set.
 */
export const BUILTIN_TRAINING_SETS: readonly BuiltinBenchmark[] = [
  {
    id: 'math-l3to5',
    purpose: 'train',
    label: 'MATH levels 3–5 (train)',
    file: 'math-l3to5.jsonl',
    problems: 8521,
    description: "W2SR's training problems: MATH levels 3–5, the SimpleRL-Zoo training set",
    license: 'MIT',
  },
];

/** Every built-in set, benchmarks first. */
export const BUILTIN_SETS: readonly BuiltinBenchmark[] = [...BUILTIN_BENCHMARKS, ...BUILTIN_TRAINING_SETS];

/** A built-in set (benchmark or training set) by id, if there is one. */
export function findBuiltin(id: string): BuiltinBenchmark | undefined {
  return BUILTIN_SETS.find((x) => x.id === id.toLowerCase());
}

export function requireBuiltin(id: string): BuiltinBenchmark {
  const b = findBuiltin(id);
  if (!b) {
    throw new W2sError(
      `No built-in problem set "${id}". Available: ${BUILTIN_SETS.map((x) => x.id).join(', ')}.`,
      'NO_BUILTIN',
    );
  }
  return b;
}

/** data/benchmarks is found from the bundle (dist/), the sources (src/core/problems) or an installed extension. */
export function builtinDataDir(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'data', 'benchmarks');
    if (fs.existsSync(path.join(candidate, 'math500.jsonl'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new W2sError(
    `The built-in benchmark files were not found near ${from} (expected data/benchmarks). Reinstall W2S Studio.`,
    'NO_BUILTIN',
  );
}

export function builtinFile(b: BuiltinBenchmark): string {
  const benchmarks = builtinDataDir();
  // data/train sits beside data/benchmarks wherever the data is shipped (.vscodeignore keeps both)
  return b.purpose === 'train' ? path.join(path.dirname(benchmarks), 'train', b.file) : path.join(benchmarks, b.file);
}
