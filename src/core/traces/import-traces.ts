import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';
import { splitReasoning } from './reasoning-split';
import { checkRunName } from '../runs/names';
import { recordMissingSignals } from '../signals/record';
import { findRun, type RunRow } from '../runs/runs';
import { parseJsonLossless } from '../problems/lossless-json';
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
}

const ID_FIELDS = ['id', 'problem_id', 'unique_id', 'idx', 'problem_index'];
const QUESTION_FIELDS = ['question', 'problem', 'input'];
const RESPONSE_FIELDS = ['response', 'output', 'completion', 'generated_text', 'answer_text'];

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
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function readRecords(file: string, display: string): { line: number; value: Record<string, unknown> }[] {
  let raw: string;
  try {
    raw = decodeUtf8(display, fs.readFileSync(file));
  } catch (e) {
    if (e instanceof W2sError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new W2sError(
      code === 'ENOENT' ? `${file}: no such file.` : code === 'EISDIR' ? `${file}: is a folder, not a file.` : `${file}: cannot read (${(e as Error).message}).`,
      'READ_FAILED',
    );
  }
  const deep = (where: string, v: unknown) => {
    if (nestedDeeperThan(v)) throw new W2sError(`${where}: the JSON is nested more than ${MAX_JSON_DEPTH} levels deep; a trace record is a few levels deep at most.`, 'JSON_TOO_DEEP');
  };
  const out: { line: number; value: Record<string, unknown> }[] = [];
  if (raw.trimStart().startsWith('[')) {
    let arr: unknown;
    try {
      arr = parseJsonLossless(raw);
    } catch (e) {
      throw new W2sError(`${display}: not valid JSON (${(e as Error).message}). Use a JSON array or one JSON object per line.`, 'BAD_FILE');
    }
    (arr as unknown[]).forEach((v, i) => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new W2sError(`${display}: record ${i + 1} is not an object.`, 'BAD_FILE');
      deep(`${display}: record ${i + 1}`, v);
      out.push({ line: i + 1, value: v as Record<string, unknown> });
    });
    return out;
  }
  const lines = raw.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim();
    if (!text) continue;
    let v: unknown;
    try {
      v = parseJsonLossless(text);
    } catch (e) {
      throw new W2sError(`${display}:${i + 1}: not valid JSON (${(e as Error).message}). Fix or remove the line; nothing was imported.`, 'BAD_FILE');
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new W2sError(`${display}:${i + 1}: expected a JSON object; nothing was imported.`, 'BAD_FILE');
    deep(`${display}:${i + 1}`, v);
    out.push({ line: i + 1, value: v as Record<string, unknown> });
  }
  return out;
}

function parseRecord(display: string, line: number, v: Record<string, unknown>): { layout: TraceLayout; traces: ParsedTrace[] } {
  const where = `${display}:${line}`;
  const id = ID_FIELDS.map((f) => str(v[f])).find((x) => x !== null) ?? null;
  if (Array.isArray(v.messages)) {
    const msgs = v.messages as { role?: unknown; content?: unknown; reasoning_content?: unknown; reasoning?: unknown }[];
    const lastAssistant = msgs.map((m) => m?.role).lastIndexOf('assistant');
    if (lastAssistant < 0) throw new W2sError(`${where}: a chat record needs an assistant message (the trace); none found.`, 'BAD_RECORD');
    const before = msgs.slice(0, lastAssistant);
    const user = [...before].reverse().find((m) => m?.role === 'user');
    const question = str(user?.content);
    if (question === null) throw new W2sError(`${where}: a chat record needs a user message with text content before the assistant's.`, 'BAD_RECORD');
    const a = msgs[lastAssistant]!;
    const text = str(a.content) ?? '';
    return {
      layout: 'openai-chat',
      traces: [{ line, id, question, prompt: JSON.stringify(before), sample: null, text, reasoningField: str(a.reasoning_content) ?? str(a.reasoning), finishReason: null, completionTokens: null }],
    };
  }
  const question = QUESTION_FIELDS.map((f) => str(v[f])).find((x) => x !== null);
  if (question === undefined) {
    throw new W2sError(`${where}: no question (looked for ${QUESTION_FIELDS.join(', ')}, or chat "messages"); fields: ${Object.keys(v).join(', ')}.`, 'BAD_RECORD');
  }
  const prompt = str(v.prompt) ?? question;
  if (Array.isArray(v.response)) {
    return {
      layout: 'w2sr',
      traces: (v.response as unknown[]).map((r, i) => {
        const text = str(r);
        if (text === null) throw new W2sError(`${where}: response[${i}] is not text.`, 'BAD_RECORD');
        return { line, id, question, prompt, sample: i, text, reasoningField: null, finishReason: null, completionTokens: null };
      }),
    };
  }
  const field = RESPONSE_FIELDS.find((f) => typeof v[f] === 'string');
  if (!field) throw new W2sError(`${where}: no trace text (looked for ${RESPONSE_FIELDS.join(', ')}, a "response" list, or chat "messages").`, 'BAD_RECORD');
  const sampleRaw = v.sample ?? v.sample_index;
  if (sampleRaw !== undefined && !(Number.isInteger(sampleRaw) && (sampleRaw as number) >= 0)) {
    throw new W2sError(`${where}: "sample" must be a non-negative integer.`, 'BAD_RECORD');
  }
  const usage = v.usage as { completion_tokens?: unknown } | undefined;
  return {
    layout: 'trace-per-line',
    traces: [{
      line, id, question, prompt, sample: (sampleRaw as number | undefined) ?? null, text: v[field] as string,
      reasoningField: str(v.reasoning_content) ?? str(v.reasoning), finishReason: str(v.finish_reason),
      completionTokens: typeof usage?.completion_tokens === 'number' ? usage.completion_tokens : null,
    }],
  };
}

/** Validates the whole file first, then writes in one transaction: a bad line imports nothing. */
export function importTraces(store: Store, o: ImportTracesOptions): ImportTracesResult {
  checkRunName(o.runName);
  if (!o.model.trim()) throw new W2sError('Name the model that made the traces (--model NAME).', 'BAD_MODEL');
  const file = path.resolve(o.file);
  const display = path.basename(file);
  const db = store.db;
  const set = db.prepare('SELECT id FROM problem_sets WHERE name = ?').get(o.setName) as { id: number } | undefined;
  if (!set) throw new W2sError(`No problem set named "${o.setName}". Import the problems first (w2s import FILE --set ${o.setName}), then the traces.`, 'NO_SET');
  const existing: RunRow | undefined = findRun(store, o.runName);
  if (existing && (existing.kind !== 'import' || existing.setId !== set.id || existing.model !== o.model)) {
    throw new W2sError(
      `Run "${o.runName}" already exists (${existing.kind} run of ${existing.model} on ${existing.setName}). Choose another --run name, ` +
        `or repeat the same --set and --model to add to it.`,
      'RUN_MISMATCH',
    );
  }

  const records = readRecords(file, display);
  if (records.length === 0) throw new W2sError(`${display}: the file holds no traces.`, 'EMPTY_FILE');
  const problems = db.prepare('SELECT id, key, question FROM problems WHERE set_id = ?').all(set.id) as { id: number; key: string; question: string }[];
  const byKey = new Map(problems.map((p) => [p.key, p.id]));
  const byQuestion = new Map<string, number>();
  for (const p of problems) if (!byQuestion.has(p.question.trim())) byQuestion.set(p.question.trim(), p.id);

  const layouts: Partial<Record<TraceLayout, number>> = {};
  const unmatchedExamples: UnmatchedRecord[] = [];
  let unmatched = 0;
  let matchedById = 0;
  let matchedByQuestion = 0;
  let duplicates = 0;
  let traceCount = 0;
  const nextSample = new Map<number, number>();
  const seen = new Set<string>();
  const rows: { problemId: number; sample: number; t: ParsedTrace }[] = [];
  for (const r of records) {
    const { layout, traces } = parseRecord(display, r.line, r.value);
    layouts[layout] = (layouts[layout] ?? 0) + 1;
    for (const t of traces) {
      traceCount++;
      let problemId = t.id !== null ? byKey.get(t.id) : undefined;
      if (problemId !== undefined) matchedById++;
      else {
        problemId = byQuestion.get(t.question.trim());
        if (problemId !== undefined) matchedByQuestion++;
      }
      if (problemId === undefined) {
        unmatched++;
        if (unmatchedExamples.length < 10) unmatchedExamples.push({ line: t.line, id: t.id, question: t.question.slice(0, 80) });
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
  }

  const perProblem = Math.max(1, ...[...nextSample.values()]);
  let imported = 0;
  const write = writeTransaction(db, () => {
    let runId: number;
    if (existing) {
      runId = existing.id;
      db.prepare(`UPDATE runs SET samples_per_problem = max(samples_per_problem, ?), status = 'done', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`).run(perProblem, runId);
    } else {
      runId = Number(
        db.prepare(`INSERT INTO runs (name, kind, set_id, model, endpoint, template, params, samples_per_problem, status) VALUES (?, 'import', ?, ?, NULL, NULL, ?, ?, 'done')`)
          .run(o.runName, set.id, o.model, JSON.stringify({ source: file }), perProblem).lastInsertRowid,
      );
    }
    const insert = db.prepare(
      `INSERT INTO traces (run_id, problem_id, sample_index, prompt, reasoning, answer, finish_reason, completion_tokens, attempts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (run_id, problem_id, sample_index) DO NOTHING`,
    );
    for (const { problemId, sample, t } of rows) {
      const s = splitReasoning(t.text, t.reasoningField);
      imported += insert.run(runId, problemId, sample, t.prompt, s.reasoning, s.answer, t.finishReason, t.completionTokens).changes;
    }
    return runId;
  });
  const runId = withStoreErrors(store.file, write);
  // The browser sees a trace once its signals are stored; an import computes them for its run at once.
  recordMissingSignals(store, [runId]);
  return {
    run: o.runName, set: o.setName, file, layouts, records: records.length, traces: traceCount, imported,
    alreadyPresent: rows.length - imported, matchedById, matchedByQuestion, unmatched, unmatchedExamples, duplicates,
  };
}
