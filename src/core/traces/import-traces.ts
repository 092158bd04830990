import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';
import { splitReasoning } from './reasoning-split';
import { checkRunName } from '../runs/names';
import { recordMissingSignals } from '../signals/record';
import { findRun, type RunRow } from '../runs/runs';
import { parseJsonLossless } from '../problems/lossless-json';
import { inferAnswerType, type AnswerType } from '../problems/answer-type';
import { checkSetName } from '../problems/import';
import { decodeUtf8, MAX_JSON_DEPTH, nestedDeeperThan } from '../problems/text-file';
import type { Store } from '../store/open';
import { withStoreErrors } from '../store/store-errors';
import { writeTransaction } from '../store/write-transaction';

/**
 * Imports traces made elsewhere as a run of kind `import`. Three layouts, told apart per record:
 * - W2SR: `{prompt, question, response: [...], gt_answer}` — one record per problem, sample i = response[i];
 * - one trace per line: `{question|problem, response|output|completion, sample?, id|problem_index?…}`
 *   (e.g. shared/data/traces/qwen25-math-cot-sample.jsonl);
 * - OpenAI chat JSONL: `{messages: [system?, user, assistant]}` (the SFT/fine-tuning layout), the
 *   assistant's `reasoning_content`/`reasoning` kept when present.
 * Records are matched to the set's problems by id (the problem's key) or else by exact question text.
 */
export type TraceLayout = 'w2sr' | 'trace-per-line' | 'openai-chat';

export interface ImportTracesOptions {
  readonly file: string;
  readonly setName: string;
  readonly runName: string;
  readonly model: string;
  /**
   * Make the set `setName` from the traces' own questions and gold answers (W2SR's `gt_answer`, `gold`,
   * `answer`), one problem per distinct question, in the same transaction as the traces. A set of that
   * name made from the same file is reused; any other set of that name is refused.
   */
  readonly createSet?: boolean;
}

/** The set `createSet` made (or found made from the same file). */
export interface CreatedSet {
  readonly name: string;
  readonly problems: number;
  readonly outcome: 'created' | 'unchanged';
  /** the field the problem keys came from, or null when numbered in file order */
  readonly idField: string | null;
  readonly answerTypes: Record<string, number>;
}

export interface UnmatchedRecord {
  readonly line: number;
  readonly id: string | null;
  readonly question: string;
}

export interface ImportTracesResult {
  readonly run: string;
  readonly set: string;
  readonly file: string;
  readonly layouts: Partial<Record<TraceLayout, number>>;
  readonly records: number;
  readonly traces: number;
  readonly imported: number;
  /** already in the run (same problem and sample index): left as they were */
  readonly alreadyPresent: number;
  readonly matchedById: number;
  readonly matchedByQuestion: number;
  readonly unmatched: number;
  /** the first unmatched records, to show */
  readonly unmatchedExamples: UnmatchedRecord[];
  /** traces for a (problem, sample) already seen earlier in the same file: skipped */
  readonly duplicates: number;
  readonly createdSet?: CreatedSet;
}

const ID_FIELDS = ['id', 'problem_id', 'unique_id', 'idx', 'problem_index'];
const QUESTION_FIELDS = ['question', 'problem', 'input'];
const RESPONSE_FIELDS = ['response', 'output', 'completion', 'generated_text', 'answer_text'];
/** Where a trace record keeps the problem's gold answer (W2SR: gt_answer; Qwen2.5-Math's examples: gold). */
export const GOLD_FIELDS = ['gt_answer', 'gold', 'answer'];
/** Fields of one trace, not of its problem: never copied into a created problem's metadata. */
const TRACE_FIELDS = new Set([
  ...ID_FIELDS,
  ...QUESTION_FIELDS,
  ...RESPONSE_FIELDS,
  ...GOLD_FIELDS,
  'prompt',
  'sample',
  'sample_index',
  'usage',
  'finish_reason',
  'reasoning',
  'reasoning_content',
  'messages',
  'model',
]);

interface ParsedTrace {
  readonly line: number;
  readonly id: string | null;
  readonly question: string;
  readonly prompt: string;
  readonly sample: number | null;
  readonly text: string;
  readonly reasoningField: string | null;
  readonly finishReason: string | null;
  readonly completionTokens: number | null;
  /** the id field's name, when the record has one */
  readonly idField: string | null;
  /** the gold answer the record carries, or null */
  readonly gold: string | null;
  /** the record's other scalar fields (a problem's metadata when the set is made from the traces) */
  readonly meta: Record<string, unknown>;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

/** What a set made from traces records as its source hash: the same file makes the same set. */
function hashOf(text: string): string {
  return createHash('sha256').update('w2s-set-from-traces-v1\u0000').update(text).digest('hex');
}

function readRecords(
  file: string,
  display: string,
): { records: { line: number; value: Record<string, unknown> }[]; hash: string } {
  let raw: string;
  try {
    raw = decodeUtf8(display, fs.readFileSync(file));
  } catch (e) {
    if (e instanceof W2sError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new W2sError(
      code === 'ENOENT'
        ? `${file}: no such file.`
        : code === 'EISDIR'
          ? `${file}: is a folder, not a file.`
          : `${file}: cannot read (${(e as Error).message}).`,
      'READ_FAILED',
    );
  }
  const deep = (where: string, v: unknown) => {
    if (nestedDeeperThan(v))
      throw new W2sError(
        `${where}: the JSON is nested more than ${MAX_JSON_DEPTH} levels deep; a trace record is a few levels deep at most.`,
        'JSON_TOO_DEEP',
      );
  };
  const out: { line: number; value: Record<string, unknown> }[] = [];
  if (raw.trimStart().startsWith('[')) {
    let arr: unknown;
    try {
      arr = parseJsonLossless(raw);
    } catch (e) {
      throw new W2sError(
        `${display}: not valid JSON (${(e as Error).message}). Use a JSON array or one JSON object per line.`,
        'BAD_FILE',
      );
    }
    (arr as unknown[]).forEach((v, i) => {
      if (!v || typeof v !== 'object' || Array.isArray(v))
        throw new W2sError(`${display}: record ${i + 1} is not an object.`, 'BAD_FILE');
      deep(`${display}: record ${i + 1}`, v);
      out.push({ line: i + 1, value: v as Record<string, unknown> });
    });
    return { records: out, hash: hashOf(raw) };
  }
  const lines = raw.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim();
    if (!text) continue;
    let v: unknown;
    try {
      v = parseJsonLossless(text);
    } catch (e) {
      throw new W2sError(
        `${display}:${i + 1}: not valid JSON (${(e as Error).message}). Fix or remove the line; nothing was imported.`,
        'BAD_FILE',
      );
    }
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new W2sError(`${display}:${i + 1}: expected a JSON object; nothing was imported.`, 'BAD_FILE');
    deep(`${display}:${i + 1}`, v);
    out.push({ line: i + 1, value: v as Record<string, unknown> });
  }
  return { records: out, hash: hashOf(raw) };
}

function parseRecord(
  display: string,
  line: number,
  v: Record<string, unknown>,
): { layout: TraceLayout; traces: ParsedTrace[] } {
  const where = `${display}:${line}`;
  const idField = ID_FIELDS.find((f) => str(v[f]) !== null) ?? null;
  const id = idField === null ? null : str(v[idField]);
  const goldField = GOLD_FIELDS.find((f) => str(v[f]) !== null);
  const gold = goldField === undefined ? null : str(v[goldField])!.trim() || null;
  const meta: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    if (!TRACE_FIELDS.has(k) && (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) meta[k] = x;
  const common = { idField, gold, meta };
  if (Array.isArray(v.messages)) {
    const msgs = v.messages as {
      role?: unknown;
      content?: unknown;
      reasoning_content?: unknown;
      reasoning?: unknown;
    }[];
    const lastAssistant = msgs.map((m) => m?.role).lastIndexOf('assistant');
    if (lastAssistant < 0)
      throw new W2sError(`${where}: a chat record needs an assistant message (the trace); none found.`, 'BAD_RECORD');
    const before = msgs.slice(0, lastAssistant);
    const user = [...before].reverse().find((m) => m?.role === 'user');
    const question = str(user?.content);
    if (question === null)
      throw new W2sError(
        `${where}: a chat record needs a user message with text content before the assistant's.`,
        'BAD_RECORD',
      );
    const a = msgs[lastAssistant]!;
    const text = str(a.content) ?? '';
    return {
      layout: 'openai-chat',
      traces: [
        {
          line,
          id,
          question,
          prompt: JSON.stringify(before),
          sample: null,
          text,
          reasoningField: str(a.reasoning_content) ?? str(a.reasoning),
          finishReason: null,
          completionTokens: null,
          ...common,
        },
      ],
    };
  }
  const question = QUESTION_FIELDS.map((f) => str(v[f])).find((x) => x !== null);
  if (question === undefined) {
    throw new W2sError(
      `${where}: no question (looked for ${QUESTION_FIELDS.join(', ')}, or chat "messages"); fields: ${Object.keys(v).join(', ')}.`,
      'BAD_RECORD',
    );
  }
  const prompt = str(v.prompt) ?? question;
  if (Array.isArray(v.response)) {
    return {
      layout: 'w2sr',
      traces: (v.response as unknown[]).map((r, i) => {
        const text = str(r);
        if (text === null) throw new W2sError(`${where}: response[${i}] is not text.`, 'BAD_RECORD');
        return {
          line,
          id,
          question,
          prompt,
          sample: i,
          text,
          reasoningField: null,
          finishReason: null,
          completionTokens: null,
          ...common,
        };
      }),
    };
  }
  const field = RESPONSE_FIELDS.find((f) => typeof v[f] === 'string');
  if (!field)
    throw new W2sError(
      `${where}: no trace text (looked for ${RESPONSE_FIELDS.join(', ')}, a "response" list, or chat "messages").`,
      'BAD_RECORD',
    );
  const sampleRaw = v.sample ?? v.sample_index;
  if (sampleRaw !== undefined && !(Number.isInteger(sampleRaw) && (sampleRaw as number) >= 0)) {
    throw new W2sError(`${where}: "sample" must be a non-negative integer.`, 'BAD_RECORD');
  }
  const usage = v.usage as { completion_tokens?: unknown } | undefined;
  return {
    layout: 'trace-per-line',
    traces: [
      {
        line,
        id,
        question,
        prompt,
        sample: (sampleRaw as number | undefined) ?? null,
        text: v[field] as string,
        reasoningField: str(v.reasoning_content) ?? str(v.reasoning),
        finishReason: str(v.finish_reason),
        completionTokens: typeof usage?.completion_tokens === 'number' ? usage.completion_tokens : null,
        ...common,
      },
    ],
  };
}

/** A problem made from the traces of one distinct question. */
interface PlannedProblem {
  readonly key: string;
  readonly question: string;
  readonly answer: string;
  readonly answerType: AnswerType;
  readonly metadata: Record<string, unknown>;
}

/**
 * One problem per distinct question (trimmed), in the order questions first appear, its gold answer from
 * the traces (all of them must agree). Keyed by the records' id when each question has one id of its own,
 * else numbered 1, 2, … in file order. Metadata: the scalar fields that never differ between two traces of
 * one question (MATH's level stays; a per-trace verdict column that happens to agree on one question does not).
 */
function planSetFromTraces(
  display: string,
  traces: readonly ParsedTrace[],
): { problems: PlannedProblem[]; idField: string | null } {
  const byQuestion = new Map<
    string,
    { first: ParsedTrace; gold: ParsedTrace | null; ids: Set<string>; meta: Record<string, unknown> }
  >();
  // a field that differs between two traces of one question describes traces, not problems: left out of every problem
  const perTrace = new Set<string>();
  for (const t of traces) {
    const q = t.question.trim();
    if (!q)
      throw new W2sError(
        `${display}:${t.line}: the question is empty; a problem set cannot be made from it.`,
        'BAD_RECORD',
      );
    let g = byQuestion.get(q);
    if (!g) byQuestion.set(q, (g = { first: t, gold: null, ids: new Set(), meta: { ...t.meta } }));
    if (t.id !== null) g.ids.add(t.id);
    for (const k of new Set([...Object.keys(g.meta), ...Object.keys(t.meta)]))
      if (t.meta[k] !== g.meta[k]) perTrace.add(k);
    if (t.gold === null) continue;
    if (g.gold === null) g.gold = t;
    else if (g.gold.gold !== t.gold) {
      throw new W2sError(
        `${display}:${t.line}: gold answer ${JSON.stringify(t.gold)} differs from ${JSON.stringify(g.gold.gold)} on line ${g.gold.line} for the same question; ` +
          'a problem has one gold answer. Fix the file, or import the problems separately (w2s import) and the traces with --set.',
        'GOLD_MISMATCH',
      );
    }
  }
  const groups = [...byQuestion.values()];
  const missing = groups.find((g) => g.gold === null);
  if (missing) {
    throw new W2sError(
      `${display}:${missing.first.line}: no gold answer for this question (looked for ${GOLD_FIELDS.join(', ')}); a problem set made from traces needs one per question. ` +
        'Import the problems with their answers first (w2s import FILE --set NAME), then the traces with --set NAME.',
      'MISSING_GOLD',
    );
  }
  // the records' ids key the problems only if they name questions one to one
  const ids = groups.map((g) => (g.ids.size === 1 ? [...g.ids][0]! : null));
  const byIds = ids.every((x) => x !== null) && new Set(ids).size === ids.length;
  const problems = groups.map((g, i) => ({
    key: byIds ? ids[i]! : String(i + 1),
    question: g.first.question,
    answer: g.gold!.gold!,
    answerType: inferAnswerType(g.gold!.gold!, false),
    metadata: Object.fromEntries(Object.entries(g.meta).filter(([k]) => !perTrace.has(k))),
  }));
  return { problems, idField: byIds ? groups[0]!.first.idField : null };
}

/** Creates the set (or finds the one made from the same content), inside the caller's transaction. */
function createSetRows(
  store: Store,
  name: string,
  source: string,
  hash: string,
  planned: { problems: PlannedProblem[]; idField: string | null },
): { id: number; created: CreatedSet } {
  const db = store.db;
  const types: Record<string, number> = {};
  for (const p of planned.problems) types[p.answerType] = (types[p.answerType] ?? 0) + 1;
  const created = (outcome: CreatedSet['outcome']): CreatedSet => ({
    name,
    problems: planned.problems.length,
    outcome,
    idField: planned.idField,
    answerTypes: types,
  });
  const existing = db.prepare('SELECT id, source_hash FROM problem_sets WHERE name = ?').get(name) as
    { id: number; source_hash: string } | undefined;
  if (existing) {
    if (existing.source_hash === hash) return { id: existing.id, created: created('unchanged') };
    throw new W2sError(
      `A problem set named "${name}" already exists (not made from this file). Import the traces into it with --set ${name}, or choose another --create-set name.`,
      'SET_EXISTS',
    );
  }
  const id = Number(
    db
      .prepare('INSERT INTO problem_sets (name, source, source_hash, options, problem_count) VALUES (?, ?, ?, ?, ?)')
      .run(
        name,
        source,
        hash,
        JSON.stringify({ format: 'jsonl', fromTraces: true, ...(planned.idField ? { idField: planned.idField } : {}) }),
        planned.problems.length,
      ).lastInsertRowid,
  );
  const insert = db.prepare(
    'INSERT INTO problems (set_id, key, position, question, answer, answer_type, choices, metadata) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)',
  );
  planned.problems.forEach((p, i) =>
    insert.run(id, p.key, i, p.question, p.answer, p.answerType, JSON.stringify(p.metadata)),
  );
  return { id, created: created('created') };
}

/** Validates the whole file first, then writes in one transaction: a bad line imports nothing. */
export function importTraces(store: Store, o: ImportTracesOptions): ImportTracesResult {
  checkRunName(o.runName);
  if (o.createSet) checkSetName(o.setName);
  if (!o.model.trim()) throw new W2sError('Name the model that made the traces (--model NAME).', 'BAD_MODEL');
  const file = path.resolve(o.file);
  const display = path.basename(file);
  const db = store.db;
  const set = db.prepare('SELECT id FROM problem_sets WHERE name = ?').get(o.setName) as { id: number } | undefined;
  if (!set && !o.createSet) {
    throw new W2sError(
      `No problem set named "${o.setName}". Import the problems first (w2s import FILE --set ${o.setName}), then the traces; or make the set from the traces' own questions and gold answers: --create-set ${o.setName}.`,
      'NO_SET',
    );
  }
  const existing: RunRow | undefined = findRun(store, o.runName);
  if (existing && (existing.kind !== 'import' || existing.setName !== o.setName || existing.model !== o.model)) {
    throw new W2sError(
      `Run "${o.runName}" already exists (${existing.kind} run of ${existing.model} on ${existing.setName}). Choose another --run name, ` +
        `or repeat the same --set and --model to add to it.`,
      'RUN_MISMATCH',
    );
  }

  const { records, hash } = readRecords(file, display);
  if (records.length === 0) throw new W2sError(`${display}: the file holds no traces.`, 'EMPTY_FILE');
  const layouts: Partial<Record<TraceLayout, number>> = {};
  const parsed: ParsedTrace[] = [];
  for (const r of records) {
    const { layout, traces } = parseRecord(display, r.line, r.value);
    layouts[layout] = (layouts[layout] ?? 0) + 1;
    parsed.push(...traces);
  }
  const planned = o.createSet ? planSetFromTraces(display, parsed) : undefined;

  let imported = 0;
  let createdSet: CreatedSet | undefined;
  const unmatchedExamples: UnmatchedRecord[] = [];
  let unmatched = 0;
  let matchedById = 0;
  let matchedByQuestion = 0;
  let duplicates = 0;
  const write = writeTransaction(db, () => {
    let setId = set?.id;
    if (planned) {
      const made = createSetRows(store, o.setName, file, hash, planned);
      setId = made.id;
      createdSet = made.created;
    }
    const problems = db.prepare('SELECT id, key, question FROM problems WHERE set_id = ?').all(setId) as {
      id: number;
      key: string;
      question: string;
    }[];
    const byKey = new Map(problems.map((p) => [p.key, p.id]));
    const byQuestion = new Map<string, number>();
    for (const p of problems) if (!byQuestion.has(p.question.trim())) byQuestion.set(p.question.trim(), p.id);

    const nextSample = new Map<number, number>();
    const seen = new Set<string>();
    const rows: { problemId: number; sample: number; t: ParsedTrace }[] = [];
    for (const t of parsed) {
      // a set made from this file is matched by question: its keys may be positions, not the records' ids
      let problemId = t.id !== null && !(planned && planned.idField === null) ? byKey.get(t.id) : undefined;
      if (problemId !== undefined) matchedById++;
      else {
        problemId = byQuestion.get(t.question.trim());
        if (problemId !== undefined) matchedByQuestion++;
      }
      if (problemId === undefined) {
        unmatched++;
        if (unmatchedExamples.length < 10)
          unmatchedExamples.push({ line: t.line, id: t.id, question: t.question.slice(0, 80) });
        continue;
      }
      const sample = t.sample ?? nextSample.get(problemId) ?? 0;
      nextSample.set(problemId, Math.max(nextSample.get(problemId) ?? 0, sample + 1));
      const k = `${problemId}#${sample}`;
      if (seen.has(k)) {
        duplicates++;
        continue;
      }
      seen.add(k);
      rows.push({ problemId, sample, t });
    }

    const perProblem = Math.max(1, ...[...nextSample.values()]);
    // what the last import of this run found in its file: the Runs view shows imported / in the file
    const params = JSON.stringify({
      source: file,
      fileTraces: parsed.length,
      matched: parsed.length - unmatched,
      unmatched,
    });
    let runId: number;
    if (existing) {
      runId = existing.id;
      db.prepare(
        `UPDATE runs SET samples_per_problem = max(samples_per_problem, ?), params = ?, status = 'done', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
      ).run(perProblem, params, runId);
    } else {
      runId = Number(
        db
          .prepare(
            `INSERT INTO runs (name, kind, set_id, model, endpoint, template, params, samples_per_problem, status) VALUES (?, 'import', ?, ?, NULL, NULL, ?, ?, 'done')`,
          )
          .run(o.runName, setId, o.model, params, perProblem).lastInsertRowid,
      );
    }
    const insert = db.prepare(
      `INSERT INTO traces (run_id, problem_id, sample_index, prompt, reasoning, answer, finish_reason, completion_tokens, attempts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (run_id, problem_id, sample_index) DO NOTHING`,
    );
    for (const { problemId, sample, t } of rows) {
      const sp = splitReasoning(t.text, t.reasoningField);
      imported += insert.run(
        runId,
        problemId,
        sample,
        t.prompt,
        sp.reasoning,
        sp.answer,
        t.finishReason,
        t.completionTokens,
      ).changes;
    }
    return { runId, kept: rows.length };
  });
  // BEGIN IMMEDIATE: waits out a writer beside it (a sampler) instead of failing on its first write
  const { runId, kept } = withStoreErrors(store.file, () => write());
  // The browser sees a trace once its signals are stored; an import computes them for its run at once.
  recordMissingSignals(store, [runId]);
  return {
    run: o.runName,
    set: o.setName,
    file,
    layouts,
    records: records.length,
    traces: parsed.length,
    imported,
    alreadyPresent: kept - imported,
    matchedById,
    matchedByQuestion,
    unmatched,
    unmatchedExamples,
    duplicates,
    ...(createdSet ? { createdSet } : {}),
  };
}
