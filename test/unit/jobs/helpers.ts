import * as fs from 'node:fs';
import * as path from 'node:path';
import { importProblemSet } from '../../../src/core/problems/import';
import { openStore, type Store } from '../../../src/core/store/open';
import { REPO_ROOT, tempDir } from '../../support/tmp';

export const REPLAY_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'runner-replay');
export const RUNNER_DIR = path.join(REPO_ROOT, 'runner');

/** The replay log the fake server plays for `kind`: what the runner printed on a GPU. */
export function replayLog(kind: 'sft' | 'eval'): { file: string; lines: string[] } {
  const file = path.join(REPLAY_DIR, `${kind}.log`);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return { file, lines };
}

export function freshStore(): { store: Store; dir: string } {
  const dir = tempDir('w2s-jobs-');
  return { store: openStore(path.join(dir, 'w2s.db')), dir };
}

/** A small SFT file in OpenAI chat format. */
export function writeDataset(dir: string, n = 5, name = 'train.jsonl'): string {
  const file = path.join(dir, name);
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `What is ${i}+1?` },
        { role: 'assistant', content: `\\boxed{${i + 1}}` },
      ],
    }),
  );
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The replay fixture's held-out sums, imported as the set `sums-heldout`. */
export async function importSums(store: Store): Promise<void> {
  await importProblemSet(store, { file: path.join(REPLAY_DIR, 'problems.jsonl'), name: 'sums-heldout' });
}

export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
