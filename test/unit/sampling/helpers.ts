import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importProblemSet } from '../../../src/core/problems/import';
import { openStore, type Store } from '../../../src/core/store/open';

/** A fresh store in a temp folder with a set of `count` problems named `name`. */
export async function storeWithSet(
  count: number,
  name = 'tiny',
): Promise<{ store: Store; dir: string; questions: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-sampling-'));
  const store = openStore(path.join(dir, 'w2s.db'));
  const questions = Array.from({ length: count }, (_, i) => `What is ${i} + ${i}? (problem ${i})`);
  const file = path.join(dir, `${name}.jsonl`);
  fs.writeFileSync(
    file,
    questions.map((q, i) => JSON.stringify({ id: `p${i}`, problem: q, answer: String(2 * i) })).join('\n'),
  );
  await importProblemSet(store, { file, name });
  return { store, dir, questions };
}

export type TraceRow = {
  problem_id: number;
  key: string;
  sample_index: number;
  prompt: string;
  reasoning: string | null;
  answer: string | null;
  finish_reason: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  attempts: number;
  error: string | null;
};

export function traces(store: Store, run: string): TraceRow[] {
  return store.db
    .prepare(
      `SELECT t.problem_id, p.key, t.sample_index, t.prompt, t.reasoning, t.answer, t.finish_reason, t.prompt_tokens, t.completion_tokens, t.attempts, t.error
       FROM traces t JOIN runs r ON r.id = t.run_id JOIN problems p ON p.id = t.problem_id WHERE r.name = ? ORDER BY p.position, t.sample_index`,
    )
    .all(run) as TraceRow[];
}

export function cleanup(store: Store, dir: string): void {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
