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
  const db = store.db;
  const setId = Number(db.prepare("INSERT INTO problem_sets (name, source, source_hash) VALUES (?, 'fixture', 'x')").run(`${runName}-set`).lastInsertRowid);
  const problemIds = new Map<number, number>();
  const insertProblem = db.prepare("INSERT INTO problems (set_id, key, position, question, answer, answer_type) VALUES (?, ?, ?, ?, ?, 'math')");
  const runId = Number(db.prepare("INSERT INTO runs (name, kind, set_id, model, status) VALUES (?, 'import', ?, 'qwen2.5-math', 'done')").run(runName, setId).lastInsertRowid);
  const insertTrace = db.prepare('INSERT INTO traces (run_id, problem_id, sample_index, prompt, answer) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const t of traces) {
      if (!problemIds.has(t.problem_index)) {
        problemIds.set(t.problem_index, Number(insertProblem.run(setId, String(t.problem_index), t.problem_index, t.question, t.gold).lastInsertRowid));
      }
      insertTrace.run(runId, problemIds.get(t.problem_index), t.sample, t.question, t.response);
    }
  })();
  return { runId, traces };
}
