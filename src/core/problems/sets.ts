import type { Store } from '../store/open';
import type { AnswerType } from './answer-type';

export interface ProblemSetSummary {
  readonly id: number;
  readonly name: string;
  readonly source: string;
  readonly problems: number;
  readonly answerTypes: Partial<Record<AnswerType, number>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function listProblemSets(store: Store): ProblemSetSummary[] {
  const sets = store.db
    .prepare('SELECT id, name, source, problem_count, created_at, updated_at FROM problem_sets ORDER BY name')
    .all() as {
    id: number;
    name: string;
    source: string;
    problem_count: number;
    created_at: string;
    updated_at: string;
  }[];
  const types = store.db
    .prepare('SELECT set_id, answer_type, count(*) AS n FROM problems GROUP BY set_id, answer_type')
    .all() as { set_id: number; answer_type: AnswerType; n: number }[];
  return sets.map((s) => ({
    id: s.id,
    name: s.name,
    source: s.source,
    problems: s.problem_count,
    answerTypes: Object.fromEntries(types.filter((t) => t.set_id === s.id).map((t) => [t.answer_type, t.n])),
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  }));
}

export interface ProblemRow {
  readonly id: number;
  readonly key: string;
  readonly position: number;
  readonly question: string;
  readonly answer: string;
  readonly answerType: AnswerType;
  readonly choices: string[] | null;
  readonly metadata: Record<string, unknown>;
}

interface RawProblem {
  id: number;
  key: string;
  position: number;
  question: string;
  answer: string;
  answer_type: AnswerType;
  choices: string | null;
  metadata: string;
}

const COLUMNS = 'p.id, p.key, p.position, p.question, p.answer, p.answer_type, p.choices, p.metadata';

function toRow(r: RawProblem): ProblemRow {
  return {
    id: r.id,
    key: r.key,
    position: r.position,
    question: r.question,
    answer: r.answer,
    answerType: r.answer_type,
    choices: r.choices ? (JSON.parse(r.choices) as string[]) : null,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
  };
}

/** One page of a set's problems, in file order. */
export function listProblems(store: Store, setName: string, offset = 0, limit = 100): ProblemRow[] {
  return searchProblems(store, setName, { offset, limit }).problems;
}

/**
 * A page of a set's problems in file order, optionally filtered by a case-insensitive substring of the
 * question or the answer (or an exact id), with the number of matches (for a webview's paging).
 */
export function searchProblems(
  store: Store,
  setName: string,
  options: { offset: number; limit: number; query?: string },
): { problems: ProblemRow[]; matched: number } {
  const q = options.query?.trim();
  const from = 'FROM problems p JOIN problem_sets s ON s.id = p.set_id';
  let where = 's.name = ?';
  const args: unknown[] = [setName];
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where += " AND (p.question LIKE ? ESCAPE '\\' OR p.answer LIKE ? ESCAPE '\\' OR p.key = ?)";
    args.push(like, like, q);
  }
  const matched = (store.db.prepare(`SELECT count(*) AS n ${from} WHERE ${where}`).get(...args) as { n: number }).n;
  const rows = store.db
    .prepare(`SELECT ${COLUMNS} ${from} WHERE ${where} ORDER BY p.position LIMIT ? OFFSET ?`)
    .all(...args, options.limit, options.offset) as RawProblem[];
  return { problems: rows.map(toRow), matched };
}
