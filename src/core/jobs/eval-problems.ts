import { W2sError } from '../errors';
import { renderPrompt, type PromptTemplate } from '../sampling/templates';
import type { Store } from '../store/open';

export interface EvalProblems {
  /** problems.jsonl for the runner: {key, messages | prompt, indices}. */
  readonly jsonl: string;
  readonly problems: number;
  /** Generations asked for (samples already stored in the run are not asked again). */
  readonly samples: number;
}

/**
 * The eval job's problems: each problem of the set through the template (chat messages, or a raw
 * prompt for completions templates), with the sample indices still missing from the eval run — so a
 * job submitted again for the same run generates only what it lacks.
 */
export function evalProblemsFile(
  store: Store,
  setName: string,
  template: PromptTemplate,
  n: number,
  runId?: number,
  limit?: number,
  keys?: readonly string[],
): EvalProblems {
  const set = store.db.prepare('SELECT id FROM problem_sets WHERE name = ?').get(setName) as { id: number } | undefined;
  if (!set)
    throw new W2sError(
      `No problem set named "${setName}". Import it first: w2s import FILE --set ${setName}, or w2s import --builtin math500.`,
      'NO_SET',
    );
  let rows = store.db
    .prepare('SELECT id, key, question FROM problems WHERE set_id = ? ORDER BY position')
    .all(set.id) as { id: number; key: string; question: string }[];
  if (limit !== undefined) rows = rows.slice(0, limit);
  if (keys !== undefined) {
    const wanted = new Set(keys);
    const present = new Set(rows.map((r) => r.key));
    const unknown = [...wanted].filter((k) => !present.has(k));
    if (unknown.length)
      throw new W2sError(
        `Problem set "${setName}" has no problem ${unknown
          .slice(0, 5)
          .map((k) => `"${k}"`)
          .join(', ')}${unknown.length > 5 ? ', …' : ''}.`,
        'NO_PROBLEM',
      );
    rows = rows.filter((r) => wanted.has(r.key));
  }
  const done = new Map<number, Set<number>>();
  if (runId !== undefined) {
    for (const t of store.db
      .prepare('SELECT problem_id, sample_index FROM traces WHERE run_id = ? AND error IS NULL')
      .all(runId) as { problem_id: number; sample_index: number }[]) {
      (done.get(t.problem_id) ?? done.set(t.problem_id, new Set()).get(t.problem_id)!).add(t.sample_index);
    }
  }
  const lines: string[] = [];
  let samples = 0;
  for (const p of rows) {
    const have = done.get(p.id);
    const indices = Array.from({ length: n }, (_, i) => i).filter((i) => !have?.has(i));
    if (!indices.length) continue;
    samples += indices.length;
    const r = renderPrompt(template, p.question);
    lines.push(
      JSON.stringify(
        r.api === 'chat' ? { key: p.key, messages: r.messages, indices } : { key: p.key, prompt: r.prompt, indices },
      ),
    );
  }
  return { jsonl: lines.length ? `${lines.join('\n')}\n` : '', problems: lines.length, samples };
}
