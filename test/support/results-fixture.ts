// A synthetic results store with known answers (issue 22), written as files that the real import paths
// read: problem sets (`w2s import`) and one trace per line (`w2s import-traces`), graded by the real grader.
//
// Problem i of every set asks for 3·i. A model "solves" problem i when its response boxes 3·i; otherwise it
// boxes 999999. Each model covers some problems of a set (the others have no trace at all).
//
//   hundred (100 problems)  base: all 100, solves i < 20            → 20/50 on i < 50, 20/100 overall
//                           rl:   all 100, solves i < 40, 50 ≤ i < 62 → 40/50 on i < 50, 52/100 overall
//                           student: i < 50 only, solves i < 30     → 30/50
//                           worse: all 100, solves i < 10           → 10/100
//     student's RGR on the 50 common problems: (0.6 − 0.4) / (0.8 − 0.4) = 0.50;
//     mixing subsets (student on 50, base and RL on 100) gave (0.6 − 0.2) / (0.52 − 0.2) = 1.25.
//     worse: (0.1 − 0.2) / (0.52 − 0.2) = −0.3125 on all 100.
//   below (20 problems)     base solves 10 (0.50), rl 9 (0.45), student 8 (0.40)
//     RL below the base: RGR undefined; (0.40 − 0.50) / (0.45 − 0.50) = 2.00 would be wrong.
//   tiny (30 problems, AIME-sized)  base 3/30, rl 4/30, student 7/30
//     RL beats the base by one problem: RGR (7 − 3) / (4 − 3) = 4.0, unstable under the 5-problem threshold.
//
//   apart (10 problems)     base: i < 5 only, rl: all, student: i ≥ 5 only → no common problems: no Δ, no RGR, said so.
//
// The student's mean RGR (mean of ratios) leaves out "below" (undefined) and "tiny" (unstable): 0.50 over 1 of 3.
// Its Avg. Δ (macro mean of the paired per-set Δs): (+0.20 on 50 of 100, −0.10, +4/30) / 3.
import { writeFile } from './tmp';

export interface FixtureModel {
  readonly model: string;
  readonly set: string;
  /** problems this model has a trace for */
  readonly covers: (i: number) => boolean;
  readonly solves: (i: number) => boolean;
}

export const FIXTURE_SETS = { hundred: 100, below: 20, tiny: 30, apart: 10 } as const;

export const FIXTURE_MODELS: readonly FixtureModel[] = [
  { model: 'base', set: 'hundred', covers: () => true, solves: (i) => i < 20 },
  { model: 'rl', set: 'hundred', covers: () => true, solves: (i) => i < 40 || (i >= 50 && i < 62) },
  { model: 'student', set: 'hundred', covers: (i) => i < 50, solves: (i) => i < 30 },
  { model: 'worse', set: 'hundred', covers: () => true, solves: (i) => i < 10 },
  { model: 'base', set: 'below', covers: () => true, solves: (i) => i < 10 },
  { model: 'rl', set: 'below', covers: () => true, solves: (i) => i < 9 },
  { model: 'student', set: 'below', covers: () => true, solves: (i) => i < 8 },
  { model: 'base', set: 'tiny', covers: () => true, solves: (i) => i < 3 },
  { model: 'rl', set: 'tiny', covers: () => true, solves: (i) => i < 4 },
  { model: 'student', set: 'tiny', covers: () => true, solves: (i) => i < 7 },
  { model: 'base', set: 'apart', covers: (i) => i < 5, solves: () => true },
  { model: 'rl', set: 'apart', covers: () => true, solves: () => true },
  { model: 'student', set: 'apart', covers: (i) => i >= 5, solves: () => true },
];

const question = (i: number) => `Compute ${i} * 3. (#${i})`;

/** Writes `<set>.jsonl` per set and `<model>-<set>.jsonl` per model; returns the file names. */
export function writeResultsFixture(dir: string): {
  sets: { name: string; file: string }[];
  traces: { model: string; set: string; run: string; file: string }[];
} {
  const sets = Object.entries(FIXTURE_SETS).map(([name, count]) => ({
    name,
    file: writeFile(
      dir,
      `${name}.jsonl`,
      Array.from({ length: count }, (_, i) =>
        JSON.stringify({ id: `q${i}`, problem: question(i), answer: String(3 * i) }),
      ).join('\n') + '\n',
    ),
  }));
  const traces = FIXTURE_MODELS.map((m) => {
    const lines: string[] = [];
    for (let i = 0; i < FIXTURE_SETS[m.set as keyof typeof FIXTURE_SETS]; i++) {
      if (m.covers(i))
        lines.push(
          JSON.stringify({
            id: `q${i}`,
            question: question(i),
            response: `The answer is \\boxed{${m.solves(i) ? 3 * i : 999999}}.`,
          }),
        );
    }
    return {
      model: m.model,
      set: m.set,
      run: `${m.model}-${m.set}`,
      file: writeFile(dir, `${m.model}-${m.set}.jsonl`, lines.join('\n') + '\n'),
    };
  });
  return { sets, traces };
}
