import { findBoxes } from '../grader/latex';
import type * as M from '../../model/traces';
import type { SignalName } from '../signals/definitions';
import type { Store } from '../store/open';
import { fromMarked, mergeRanges, substringHits, CLOSE_MARK, OPEN_MARK } from './highlight';
import { ROW_SELECT, toTraceRow } from './query';
import { parseSearch, splitSearch } from './search';

type Range = readonly [number, number];

/** Everything the detail panel shows about one trace (the shape lives in src/model). */
export type TraceDetail = M.TraceDetail<SignalName>;

interface DetailRaw {
  full_question: string;
  prompt: string;
  reasoning: string | null;
  answer: string | null;
  answer_type: string;
  choices: string | null;
  metadata: string;
  detail: string | null;
  grader_version: string | null;
  attempts: number;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  created_at: string;
}

/** One trace in full, or undefined when no trace with text (and signals) has that id. */
export function findTraceDetail(store: Store, id: number, options: { text?: string } = {}): TraceDetail | undefined {
  const row = store.db.prepare(`${ROW_SELECT} WHERE s.trace_id = ?`).get(id) as
    Parameters<typeof toTraceRow>[0] | undefined;
  if (!row) return undefined;
  const extra = store.db
    .prepare(
      `SELECT p.question AS full_question, t.prompt, t.reasoning, t.answer, p.answer_type, p.choices, p.metadata, g.detail, g.grader_version,
         t.attempts, t.prompt_tokens, t.completion_tokens, t.created_at
       FROM traces t JOIN problems p ON p.id = t.problem_id LEFT JOIN grades g ON g.trace_id = t.id WHERE t.id = ?`,
    )
    .get(id) as DetailRaw;
  const base = toTraceRow(row);
  const detail: TraceDetail = {
    ...base,
    question: extra.full_question,
    prompt: extra.prompt,
    reasoning: extra.reasoning,
    answer: extra.answer,
    answerType: extra.answer_type,
    choices: extra.choices ? (JSON.parse(extra.choices) as string[]) : null,
    metadata: JSON.parse(extra.metadata) as Record<string, unknown>,
    gradeDetail: extra.detail,
    graderVersion: extra.grader_version,
    attempts: extra.attempts,
    promptTokens: extra.prompt_tokens,
    completionTokens: extra.completion_tokens,
    createdAt: extra.created_at,
    extractedAt: locateExtracted(extra.answer, extra.reasoning, base.extracted),
  };
  return options.text?.trim()
    ? { ...detail, hits: searchHits(store, id, options.text, extra.reasoning, extra.answer) }
    : detail;
}

/**
 * Where the grader found its answer: the content of the last box of the answer (the grader reads the
 * last box first), else the last occurrence of the extracted text in the answer, then in the reasoning.
 */
export function locateExtracted(
  answer: string | null,
  reasoning: string | null,
  extracted: string | null,
): TraceDetail['extractedAt'] {
  if (extracted === null || extracted === '') return null;
  if (answer) {
    const last = findBoxes(answer).pop();
    if (last) {
      // the content ends just before the closing brace (or at the end of `\boxed 5`)
      const start = answer.lastIndexOf(last.content, last.end);
      return { field: 'answer', start, end: start + last.content.length };
    }
    const i = answer.lastIndexOf(extracted);
    if (i >= 0) return { field: 'answer', start: i, end: i + extracted.length };
  }
  if (reasoning) {
    const i = reasoning.lastIndexOf(extracted);
    if (i >= 0) return { field: 'reasoning', start: i, end: i + extracted.length };
  }
  return null;
}

function searchHits(
  store: Store,
  id: number,
  text: string,
  reasoning: string | null,
  answer: string | null,
): NonNullable<TraceDetail['hits']> {
  const split = splitSearch(parseSearch(text));
  let r: Range[] = [];
  let a: Range[] = [];
  if (split.fts) {
    const row = store.db
      .prepare(
        `SELECT highlight(traces_fts, 0, '${OPEN_MARK}', '${CLOSE_MARK}') AS r, highlight(traces_fts, 1, '${OPEN_MARK}', '${CLOSE_MARK}') AS a
         FROM traces_fts WHERE traces_fts MATCH ? AND rowid = ?`,
      )
      .get(split.fts, id) as { r: string | null; a: string | null } | undefined;
    // FTS5 marks the tokens of every matched phrase; a trace that matches only through OR still gets its hits
    if (row) {
      r = row.r !== null ? [...fromMarked(row.r).hits] : [];
      a = row.a !== null ? [...fromMarked(row.a).hits] : [];
    }
  }
  const needles = split.substringGroups.flat();
  if (needles.length) {
    if (reasoning) r = mergeRanges([...r, ...substringHits(reasoning, needles)]);
    if (answer) a = mergeRanges([...a, ...substringHits(answer, needles)]);
  }
  return { reasoning: r, answer: a };
}

export type ProblemSamples = M.ProblemSamples<SignalName>;

/** Every sample of one problem across runs, with each run's pass rate (for the side-by-side view). */
export function problemSamples(store: Store, problemId: number): ProblemSamples | undefined {
  const p = store.db
    .prepare(
      'SELECT p.id, p.key, s.name AS set_name, p.question, p.answer, p.metadata FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE p.id = ?',
    )
    .get(problemId) as
    { id: number; key: string; set_name: string; question: string; answer: string; metadata: string } | undefined;
  if (!p) return undefined;
  const raw = store.db
    .prepare(`${ROW_SELECT} WHERE s.problem_id = ? ORDER BY r.name, s.sample_index`)
    .all(problemId) as Parameters<typeof toTraceRow>[0][];
  const traces = raw.map(toTraceRow);
  const runs = new Map<string, { run: string; model: string; samples: number; correct: number; graded: number }>();
  for (const t of traces) {
    let r = runs.get(t.run);
    if (!r) runs.set(t.run, (r = { run: t.run, model: t.model, samples: 0, correct: 0, graded: 0 }));
    r.samples++;
    if (t.verdict !== 'ungraded') r.graded++;
    if (t.verdict === 'correct') r.correct++;
  }
  return {
    problemId: p.id,
    key: p.key,
    set: p.set_name,
    question: p.question,
    gold: p.answer,
    metadata: JSON.parse(p.metadata) as Record<string, unknown>,
    runs: [...runs.values()].map((r) => ({ ...r, passRate: r.graded ? r.correct / r.graded : null })),
    traces,
  };
}
