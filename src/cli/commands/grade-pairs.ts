import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { createGraderPool, type AnswerType, type GradeInput, type GradeResult } from '../../core/grader';
import { W2sError } from '../../core/errors';
import type { Command } from '../command';
import { UsageError } from '../usage-error';

const TYPES: readonly AnswerType[] = ['math', 'number', 'choice', 'text'];
/** Lines graded per round trip to the workers (output is written after each, in input order). */
const CHUNK = 256;

interface Pair {
  line: number;
  input: Record<string, unknown> | null;
  error?: string;
}

export const gradePairsCommand: Command = {
  name: 'grade-pairs',
  summary: 'grade gold/prediction pairs from JSONL (a file or stdin), one output line per input line',
  usage: '[FILE | -] [--threads N] [--timeout SECONDS]',
  positionals: { min: 0, max: 1 },
  details:
    'Each input line is {"gold": …, "pred": …, "type"?: "math"|"number"|"choice"|"text"}. "pred" may be a whole\n' +
    'response or a bare answer; "gold" may be a bare answer or a reference solution with \\boxed{}. Each\n' +
    'output line repeats the input fields and adds "extracted", "verdict" and "equal", in input order. A bad\n' +
    'line gives an output line with "verdict": "error" and an "error" naming the line, and exit code 1.\n' +
    'Pairs are graded in worker threads with a hard cap per pair (as w2s grade): a pair that runs past it\n' +
    'gets "verdict": "error", "detail": "timeout", and the others are unaffected. Ctrl-C stops after\n' +
    'writing the lines already graded (exit code 1). With --json the output is one JSON array instead.',
  options: {
    threads: {
      type: 'string',
      description: `worker threads (default: ${os.availableParallelism()}, the cores)`,
      valueName: 'N',
    },
    timeout: { type: 'string', description: 'hard cap per pair in seconds (default 10)', valueName: 'SECONDS' },
  },
  async run(v, positionals, ctx) {
    const threads = v.threads === undefined ? undefined : Number(v.threads);
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1))
      throw new UsageError('--threads must be a positive integer.');
    const timeout = v.timeout === undefined ? undefined : Number(v.timeout);
    if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0))
      throw new UsageError('--timeout must be a positive number of seconds.');
    const source = positionals[0] ?? '-';
    const name = source === '-' ? 'stdin' : path.basename(source);
    let input: NodeJS.ReadableStream;
    if (source === '-') input = process.stdin;
    else {
      const file = path.resolve(ctx.cwd, source);
      if (!fs.existsSync(file)) throw new W2sError(`${file}: no such file.`, 'READ_FAILED');
      if (fs.statSync(file).isDirectory())
        throw new W2sError(`${file} is a folder; give a JSONL file of pairs.`, 'READ_FAILED');
      input = fs.createReadStream(file);
    }
    const pool = createGraderPool({ size: threads, ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}) });
    const rl = readline.createInterface({ input, crlfDelay: Infinity });
    const onAbort = (): void => {
      rl.close();
      void pool.close();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const all: unknown[] = [];
    let bad = 0;
    let count = 0;
    let interrupted = false;
    const emit = (o: unknown): void => {
      if (ctx.json) all.push(o);
      else process.stdout.write(`${JSON.stringify(o)}\n`);
    };
    const flush = async (batch: Pair[]): Promise<void> => {
      const ok = batch.filter((p) => !p.error);
      const items: GradeInput[] = ok.map((p) => ({
        gold: String(p.input!.gold),
        response: String(p.input!.pred),
        type: p.input!.type as AnswerType | undefined,
        mode: 'pair',
      }));
      const results: GradeResult[] = await pool.grade(items);
      let k = 0;
      for (const p of batch) {
        if (p.error) {
          bad++;
          ctx.warn(`w2s grade-pairs: ${name}:${p.line}: ${p.error}`);
          emit({
            ...(p.input ?? {}),
            extracted: null,
            verdict: 'error',
            equal: false,
            error: `${name}:${p.line}: ${p.error}`,
          });
          continue;
        }
        const r = results[k++]!;
        emit({
          ...p.input,
          extracted: r.extracted,
          verdict: r.verdict,
          equal: r.verdict === 'correct',
          ...(r.detail ? { detail: r.detail } : {}),
        });
      }
      count += batch.length;
    };
    try {
      // Lines are graded as they come, up to CHUNK at a time: a file streams through in big batches, and
      // a line typed or piped slowly is answered as soon as the input pauses. Reading pauses while many
      // lines wait, so memory stays bounded whatever the input's size.
      const pending: Pair[] = [];
      let ended = false;
      let wake: (() => void) | null = null;
      let line = 0;
      rl.on('line', (raw) => {
        line++;
        if (raw.trim() === '') return;
        pending.push(parsePair(raw, line));
        if (pending.length >= 4 * CHUNK) rl.pause();
        wake?.();
      });
      rl.on('close', () => {
        ended = true;
        wake?.();
      });
      for (;;) {
        if (ctx.signal.aborted) break;
        if (pending.length === 0) {
          if (ended) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          continue;
        }
        const batch = pending.splice(0, CHUNK);
        if (pending.length < CHUNK && !ended) rl.resume();
        await flush(batch);
      }
    } catch (e) {
      if (!ctx.signal.aborted) throw e;
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      rl.close();
      await pool.close();
    }
    if (ctx.signal.aborted) {
      interrupted = true;
      ctx.warn(`w2s grade-pairs: interrupted after ${count} line(s); the lines written so far are complete.`);
    }
    if (ctx.json) return { json: all, exitCode: bad || interrupted ? 1 : 0 };
    if (!interrupted) ctx.warn(`graded ${count - bad} pair(s)${bad ? `, ${bad} bad line(s)` : ''}`);
    return { json: undefined, exitCode: bad || interrupted ? 1 : 0 };
  },
};

function parsePair(raw: string, line: number): Pair {
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch (e) {
    return { line, input: null, error: `not valid JSON (${(e as Error).message})` };
  }
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return { line, input: null, error: 'expected a JSON object {"gold", "pred"}' };
  const o = input as Record<string, unknown>;
  for (const f of ['gold', 'pred']) {
    if (o[f] === undefined || o[f] === null) return { line, input: o, error: `the "${f}" field is missing` };
    if (typeof o[f] !== 'string' && typeof o[f] !== 'number')
      return { line, input: o, error: `"${f}" must be a string or a number` };
  }
  if (o.type !== undefined && !TYPES.includes(o.type as AnswerType))
    return { line, input: o, error: `"type" must be one of ${TYPES.join(', ')}` };
  return { line, input: o };
}
