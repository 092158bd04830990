import { performance } from 'node:perf_hooks';
import type { NewTrace, TraceWriter } from '../traces/trace-writer';
import { Cancelled, classify, RequestFailure, type SamplingParams } from './client';
import { splitReasoning } from '../traces/reasoning-split';
import type { RequestRunner } from './request-pool';
import type { WorkItem } from './resume';
import { backoffDelay, sleep, type RetryPolicy } from './retry';
import { renderPrompt, type PromptTemplate } from './templates';

/** One request's worth of work: a problem and the sample indices asked for in that request. */
export interface Unit {
  readonly item: WorkItem;
  readonly indices: number[];
}

/** What every unit of a run shares; `serverN` is learnt from the first multi-sample answer. */
export interface AttemptContext {
  runner: RequestRunner;
  readonly writer: TraceWriter;
  readonly model: string;
  readonly baseUrl: string;
  readonly template: PromptTemplate;
  readonly params: SamplingParams;
  readonly extraBody?: Record<string, unknown>;
  readonly stream: boolean;
  readonly timeoutMs: number;
  /** Longest one request may take, first byte to last (ms); undefined: derived from max_tokens. */
  readonly deadlineMs: number | undefined;
  readonly retry: RetryPolicy;
  /** Aborted on cancel and on a fatal failure. */
  readonly signal: AbortSignal;
  readonly log: (level: 'info' | 'warn', message: string) => void;
  /** Whether the server honours `n`: undefined until known. */
  serverN: boolean | undefined;
  inFlight: number;
  lastError: string | null;
  /** Queues more units (samples a server did not return, or a unit split into single requests). */
  enqueue(units: Unit[]): void;
  /** A failure no request of the run can get past (401, 403, 404, a request worker that died): stop the run. */
  onFatal(f: RequestFailure): void;
}

function singles(u: Unit, indices: number[]): Unit[] {
  return indices.map((i) => ({ item: u.item, indices: [i] }));
}

/**
 * Sends one unit with retries until its traces are handed to the writer: stored with text, or as a
 * failure that a resume retries. Learns on the way whether the server honours `n` and falls back to
 * one request per sample when it does not.
 */
export async function runUnit(ctx: AttemptContext, u: Unit): Promise<void> {
  if (u.indices.length > 1 && ctx.serverN === false) return ctx.enqueue(singles(u, u.indices));
  const prompt = renderPrompt(ctx.template, u.item.question);
  // Separate requests for the samples of one problem must not share a seed (they would be identical).
  const params =
    ctx.params.seed === undefined || ctx.params.seed === null
      ? ctx.params
      : { ...ctx.params, seed: ctx.params.seed + u.indices[0]! };
  for (let attempt = 1; ; attempt++) {
    const t0 = performance.now();
    ctx.inFlight++;
    try {
      const res = await ctx.runner.request(
        {
          model: ctx.model,
          prompt,
          n: u.indices.length,
          params,
          extraBody: ctx.extraBody,
          stream: ctx.stream,
          timeoutMs: ctx.timeoutMs,
          deadlineMs: ctx.deadlineMs,
        },
        ctx.signal,
      );
      const latencyMs = Math.round(performance.now() - t0);
      for (const w of res.warnings) ctx.log('warn', `${u.item.key} #${u.indices.join(',')}: ${w}`);
      const got = res.choices.filter((c) => c.index < u.indices.length);
      if (u.indices.length > 1) {
        const ok = got.length === u.indices.length;
        if (!ok && ctx.serverN !== false)
          ctx.log(
            'warn',
            `${ctx.baseUrl} ignores n (asked ${u.indices.length}, got ${got.length}): sending one request per sample`,
          );
        ctx.serverN = ok;
        if (!ok)
          ctx.enqueue(
            singles(
              u,
              u.indices.filter((_, k) => !got.some((c) => c.index === k)),
            ),
          );
      }
      const split = splitTokens(
        res.completionTokens,
        got.map((c) => c.content.length + (c.reasoningField?.length ?? 0)),
      );
      got.forEach((c, k) => {
        if (c.cutReason) ctx.log('warn', `${u.item.key} #${u.indices[c.index]}: ${c.cutReason}`);
        const text = splitReasoning(c.content, c.reasoningField);
        ctx.writer.add({
          problemId: u.item.problemId,
          sampleIndex: u.indices[c.index]!,
          prompt: prompt.stored,
          reasoning: text.reasoning,
          answer: text.answer,
          finishReason: c.finishReason,
          promptTokens: res.promptTokens,
          completionTokens: split[k] ?? null,
          latencyMs,
          attempts: attempt,
          error: null,
        });
      });
      return;
    } catch (e) {
      if (e instanceof Cancelled || ctx.signal.aborted) return;
      const f = e instanceof RequestFailure ? e : classify(e);
      if (f.kind === 'fatal' || f.kind === 'crash') return ctx.onFatal(f);
      if (f.kind === 'permanent' && u.indices.length > 1 && /\bn\b|best_of|choices/i.test(f.message)) {
        ctx.log('warn', `${ctx.baseUrl} rejects n > 1 (${f.message}): sending one request per sample`);
        ctx.serverN = false;
        return ctx.enqueue(singles(u, u.indices));
      }
      if (f.kind === 'permanent' || attempt >= ctx.retry.maxAttempts) {
        ctx.lastError = f.message;
        ctx.log('warn', `${u.item.key} #${u.indices.join(',')}: failed after ${attempt} attempt(s): ${f.message}`);
        for (const i of u.indices) ctx.writer.add(failedRecord(u.item.problemId, i, prompt.stored, attempt, f.message));
        return;
      }
      try {
        await sleep(backoffDelay(attempt, ctx.retry, f.retryAfterMs), ctx.signal);
      } catch {
        return;
      }
    } finally {
      ctx.inFlight--;
    }
  }
}

function failedRecord(
  problemId: number,
  sampleIndex: number,
  prompt: string,
  attempts: number,
  error: string,
): NewTrace {
  return {
    problemId,
    sampleIndex,
    prompt,
    reasoning: null,
    answer: null,
    finishReason: null,
    promptTokens: null,
    completionTokens: null,
    latencyMs: null,
    attempts,
    error,
  };
}

/**
 * Usage covers all n choices of a request; each trace gets a share proportional to its text length
 * (exact when n = 1), rounded so the shares add up to the reported total.
 */
export function splitTokens(total: number | null, lengths: number[]): (number | null)[] {
  if (total === null) return lengths.map(() => null);
  if (lengths.length === 1) return [total];
  const sum = lengths.reduce((a, b) => a + b, 0);
  const shares = lengths.map((l) => (sum > 0 ? Math.floor((total * l) / sum) : Math.floor(total / lengths.length)));
  let rest = total - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % shares.length, rest--) shares[i]!++;
  return shares;
}
