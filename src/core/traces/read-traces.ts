import type { Verdict } from '../grader/types';
import type { Store } from '../store/open';

/** One stored trace with everything a reader needs to judge it. */
export interface StoredTrace {
  readonly id: number;
  readonly run: string;
  readonly runKind: string;
  readonly model: string;
  readonly set: string;
  readonly problemKey: string;
  readonly question: string;
  readonly gold: string;
  readonly sampleIndex: number;
  readonly prompt: string;
  readonly reasoning: string | null;
  readonly answer: string | null;
  readonly finishReason: string | null;
  readonly completionTokens: number | null;
  readonly error: string | null;
  readonly verdict: Verdict | null;
  readonly extracted: string | null;
}

const SELECT = `SELECT t.id, r.name AS run, r.kind AS run_kind, r.model, s.name AS set_name, p.key, p.question, p.answer AS gold, t.sample_index,
  t.prompt, t.reasoning, t.answer, t.finish_reason, t.completion_tokens, t.error, g.verdict, g.extracted
  FROM traces t JOIN runs r ON r.id = t.run_id JOIN problems p ON p.id = t.problem_id JOIN problem_sets s ON s.id = p.set_id
  LEFT JOIN grades g ON g.trace_id = t.id`;

type Raw = {
  id: number;
  run: string;
  run_kind: string;
  model: string;
  set_name: string;
  key: string;
  question: string;
  gold: string;
  sample_index: number;
  prompt: string;
  reasoning: string | null;
  answer: string | null;
  finish_reason: string | null;
  completion_tokens: number | null;
  error: string | null;
  verdict: Verdict | null;
  extracted: string | null;
};

const toRecord = (r: Raw): StoredTrace => ({
  id: r.id,
  run: r.run,
  runKind: r.run_kind,
  model: r.model,
  set: r.set_name,
  problemKey: r.key,
  question: r.question,
  gold: r.gold,
  sampleIndex: r.sample_index,
  prompt: r.prompt,
  reasoning: r.reasoning,
  answer: r.answer,
  finishReason: r.finish_reason,
  completionTokens: r.completion_tokens,
  error: r.error,
  verdict: r.verdict,
  extracted: r.extracted,
});

export function findStoredTrace(store: Store, id: number): StoredTrace | undefined {
  const r = store.db.prepare(`${SELECT} WHERE t.id = ?`).get(id) as Raw | undefined;
  return r && toRecord(r);
}

/** Every trace of one problem, across runs (teachers, evaluations, imports), by run then sample. */
export function problemTraces(store: Store, setName: string, problemKey: string, limit = 200): StoredTrace[] {
  return (
    store.db
      .prepare(`${SELECT} WHERE s.name = ? AND p.key = ? ORDER BY r.id, t.sample_index LIMIT ?`)
      .all(setName, problemKey, limit) as Raw[]
  ).map(toRecord);
}

/** A trace as plain text for a read-only editor: what was asked, what came back, how it was graded. */
export function traceAsText(t: StoredTrace): string {
  const lines = [
    `# ${t.run} · ${t.set}/${t.problemKey} · sample ${t.sampleIndex}`,
    '',
    `model: ${t.model} (${t.runKind} run)`,
    `verdict: ${t.verdict ?? (t.error ? 'request failed' : 'not graded')}`,
    `gold answer: ${t.gold}`,
    `extracted answer: ${t.extracted ?? '(none)'}`,
    `finish reason: ${t.finishReason ?? '–'}${t.completionTokens !== null ? ` · ${t.completionTokens} completion tokens` : ''}`,
  ];
  if (t.error) lines.push(`error: ${t.error}`);
  lines.push('', '## Prompt', '', t.prompt);
  if (t.reasoning) lines.push('', '## Reasoning', '', t.reasoning);
  lines.push('', '## Answer', '', t.answer ?? '(none)', '');
  return lines.join('\n');
}
