/**
 * What the evaluation tests of results/ share: the "tiny" problem i asks "What is i + i? (problem i)",
 * and the fake OpenAI server answers it 2i (right) or 999 (wrong), as each test decides.
 */
import { BUILTIN_TEMPLATES } from '../../../src/core/sampling/templates';
import type { Store } from '../../../src/core/store/open';
import { importTraces } from '../../../src/core/traces/import-traces';
import type { FakeServer } from '../../fakes/openai-server';
import { writeFile } from '../../support/tmp';

export const qwenBase = BUILTIN_TEMPLATES.find((t) => t.name === 'qwen-base')!;

/** Two requests at once and no retry: a failure a test asks for stays a failure. */
export const oneTryRuntime = {
  concurrency: 2,
  timeoutMs: 5000,
  threads: 0,
  retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
};

/** The problem number a prompt asks about. */
export const problemOf = (prompt: string): number => Number(/\(problem (\d+)\)/.exec(prompt)![1]);

/**
 * The server answers problem i right iff `solved(i)`; requests for `failing` problems get a 400; `cut`
 * ones stop at max_tokens.
 */
export function serveTiny(
  server: FakeServer,
  solved: (i: number) => boolean,
  failing: (i: number) => boolean = () => false,
  cut: (i: number) => boolean = () => false,
  models: string[] = ['fake-model', 'teacher-model'],
): void {
  server.options = {
    models,
    answer: (prompt) => (solved(problemOf(prompt)) ? String(2 * problemOf(prompt)) : '999'),
    fault: (ctx) => {
      const i = problemOf(ctx.promptText);
      if (failing(i)) return { kind: 'status', status: 400, message: 'bad request' };
      if (cut(i)) return { kind: 'length' };
      return undefined;
    },
  };
}

/** An imported result run "paper" (model "paper-model") on `set`: one right trace for problem 0. */
export function importPaperRun(store: Store, dir: string, set: string): void {
  importTraces(store, {
    file: writeFile(
      dir,
      'paper.jsonl',
      JSON.stringify({ question: 'What is 0 + 0? (problem 0)', response: '\\boxed{0}' }),
    ),
    setName: set,
    runName: 'paper',
    model: 'paper-model',
  });
}
