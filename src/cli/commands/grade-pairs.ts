import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { gradePair, type AnswerType } from '../../core/grader';
import { W2sError } from '../../core/errors';
import type { Command } from '../command';

const TYPES: readonly AnswerType[] = ['math', 'number', 'choice', 'text'];

interface Pair {
  line: number;
  input: Record<string, unknown> | null;
  error?: string;
}

export const gradePairsCommand: Command = {
  name: 'grade-pairs',
  summary: 'grade gold/prediction pairs from JSONL (a file or stdin), one output line per input line',
  usage: '[FILE | -]',
  positionals: { min: 0, max: 1 },
  details:
    'Each input line is {"gold": …, "pred": …, "type"?: "math"|"number"|"choice"|"text"}. "pred" may be a whole\n' +
    'response or a bare answer; "gold" may be a bare answer or a reference solution with \\boxed{}. Each\n' +
    'output line repeats the input fields and adds "extracted", "verdict" and "equal", in input order. A bad\n' +
    'line gives an output line with "verdict": "error" and an "error" naming the line, and exit code 1.\n' +
    'With --json the output is one JSON array instead.',
  options: {},
  async run(_v, positionals, ctx) {
    const source = positionals[0] ?? '-';
    const name = source === '-' ? 'stdin' : path.basename(source);
    let input: NodeJS.ReadableStream;
    if (source === '-') input = process.stdin;
    else {
      const file = path.resolve(ctx.cwd, source);
      if (!fs.existsSync(file)) throw new W2sError(`${file}: no such file.`, 'READ_FAILED');
      input = fs.createReadStream(file);
    }
    const all: unknown[] = [];
    let bad = 0;
    let count = 0;
    const emit = (o: unknown) => {
      if (ctx.json) all.push(o);
      else process.stdout.write(`${JSON.stringify(o)}\n`);
    };
    const flush = (batch: Pair[]) => {
      const ok = batch.filter((p) => !p.error);
      // In this process: gradePair has its own per-answer time cap, and stdin is read in order anyway.
      const results = ok.map((p) => gradePair({ gold: String(p.input!.gold), pred: String(p.input!.pred), type: p.input!.type as AnswerType | undefined }));
      let k = 0;
      for (const p of batch) {
        if (p.error) {
          bad++;
          ctx.warn(`w2s grade-pairs: ${name}:${p.line}: ${p.error}`);
          emit({ ...(p.input ?? {}), extracted: null, verdict: 'error', equal: false, error: `${name}:${p.line}: ${p.error}` });
          continue;
        }
        const r = results[k++]!;
        emit({ ...p.input, extracted: r.extracted, verdict: r.verdict, equal: r.equal, ...(r.detail ? { detail: r.detail } : {}) });
      }
      count += batch.length;
    };
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    let batch: Pair[] = [];
    let line = 0;
    for await (const raw of rl) {
      line++;
      if (raw.trim() === '') continue;
      batch.push(parsePair(raw, line));
      if (batch.length >= 256) {
        flush(batch);
        batch = [];
      }
    }
    flush(batch);
    if (ctx.json) return { json: all, exitCode: bad ? 1 : 0 };
    ctx.warn(`graded ${count - bad} pair(s)${bad ? `, ${bad} bad line(s)` : ''}`);
    return { json: undefined, exitCode: bad ? 1 : 0 };
  },
};

function parsePair(raw: string, line: number): Pair {
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch (e) {
    return { line, input: null, error: `not valid JSON (${(e as Error).message})` };
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { line, input: null, error: 'expected a JSON object {"gold", "pred"}' };
  const o = input as Record<string, unknown>;
  for (const f of ['gold', 'pred']) {
    if (o[f] === undefined || o[f] === null) return { line, input: o, error: `the "${f}" field is missing` };
    if (typeof o[f] !== 'string' && typeof o[f] !== 'number') return { line, input: o, error: `"${f}" must be a string or a number` };
  }
  if (o.type !== undefined && !TYPES.includes(o.type as AnswerType)) return { line, input: o, error: `"type" must be one of ${TYPES.join(', ')}` };
  return { line, input: o };
}
