import * as fs from 'node:fs';
import type { Store } from '../../src/core/store/open';
import { REAL_TRACES } from './tmp';

export interface RealTrace {
  problem_index: number;
  question: string;
  gold: string;
  sample: number;
  response: string;
  math_verify_correct: boolean;
  qwen_grader_correct: boolean;
}

/** The 400 real Qwen2.5-Math responses (50 MATH problems × 8) from the shared reference data. */
export function realTraces(): RealTrace[] {
  return fs
    .readFileSync(REAL_TRACES, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RealTrace);
}

/** Writes the real traces into a store as one problem set and one run, straight through SQL. */
export function seedRealTraces(store: Store, runName = 'qwen', limit?: number): { runId: number; traces: RealTrace[] } {
  const traces = realTraces().slice(0, limit);
  return { runId: seedTraces(store, runName, traces), traces };
}

/** Writes traces (one problem per `problem_index`) into a store as one set and one run; returns the run id. */
export function seedTraces(
  store: Store,
  runName: string,
  traces: Pick<RealTrace, 'problem_index' | 'question' | 'gold' | 'sample' | 'response'>[],
): number {
  const db = store.db;
  const setId = Number(
    db.prepare("INSERT INTO problem_sets (name, source, source_hash) VALUES (?, 'fixture', 'x')").run(`${runName}-set`)
      .lastInsertRowid,
  );
  const problemIds = new Map<number, number>();
  const insertProblem = db.prepare(
    "INSERT INTO problems (set_id, key, position, question, answer, answer_type) VALUES (?, ?, ?, ?, ?, 'math')",
  );
  const runId = Number(
    db
      .prepare("INSERT INTO runs (name, kind, set_id, model, status) VALUES (?, 'import', ?, 'qwen2.5-math', 'done')")
      .run(runName, setId).lastInsertRowid,
  );
  const insertTrace = db.prepare(
    'INSERT INTO traces (run_id, problem_id, sample_index, prompt, answer) VALUES (?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const t of traces) {
      if (!problemIds.has(t.problem_index)) {
        problemIds.set(
          t.problem_index,
          Number(
            insertProblem.run(setId, String(t.problem_index), t.problem_index, t.question, t.gold).lastInsertRowid,
          ),
        );
      }
      insertTrace.run(runId, problemIds.get(t.problem_index), t.sample, t.question, t.response);
    }
  })();
  return runId;
}

/**
 * Three traces whose verdict a reader decides at a glance, with that verdict written down (never
 * computed by our grader), so a grading regression fails the tests that store verdicts:
 * - real trace 0: gold 420, ends "… is \(\boxed{420}\)" → correct;
 * - real trace 138: gold 6290000 (6287215 to the nearest ten thousand), boxes 6287000 → incorrect;
 * - trace 0's question with a response cut off before any number or box → no-answer.
 */
export function tracesWithKnownVerdicts(): {
  trace: Pick<RealTrace, 'problem_index' | 'question' | 'gold' | 'sample' | 'response'>;
  verdict: string;
  extracted: string | null;
}[] {
  const all = realTraces();
  const right = all[0]!;
  const wrong = all[138]!;
  if (
    right.gold !== '420' ||
    !right.response.endsWith('\\(\\boxed{420}\\).') ||
    wrong.gold !== '6290000' ||
    !wrong.response.includes('\\boxed{6287000}')
  ) {
    throw new Error('the fixture changed: choose the known-verdict traces again');
  }
  const cut = {
    ...right,
    sample: 8,
    response: 'To find the value of the product to the nearest whole number, we can approximate each of the numbers to',
  };
  return [
    { trace: right, verdict: 'correct', extracted: '420' },
    { trace: wrong, verdict: 'incorrect', extracted: '6287000' },
    { trace: cut, verdict: 'no-answer', extracted: null },
  ];
}
