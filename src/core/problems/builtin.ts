import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';

/** The evaluation sets W2SR reports on, shipped with W2S Studio (sources and licences: data/README.md). */
export interface BuiltinBenchmark {
  readonly id: string;
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

export function requireBuiltin(id: string): BuiltinBenchmark {
  const b = BUILTIN_BENCHMARKS.find((x) => x.id === id.toLowerCase());
  if (!b) {
    throw new W2sError(
      `No built-in benchmark "${id}". Available: ${BUILTIN_BENCHMARKS.map((x) => x.id).join(', ')}.`,
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
  return path.join(builtinDataDir(), b.file);
}
