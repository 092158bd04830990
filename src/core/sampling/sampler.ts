import { setMaxListeners } from 'node:events';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { W2sError } from '../errors';
import type { Store } from '../store/open';
import { Cancelled, classify, createClient, endpointError, listModels, RequestFailure, type SamplingParams } from './client';
import { createRequestRunner, type RequestRunner } from './request-pool';
import { splitReasoning } from './reasoning-split';
import { planWork, type WorkItem } from './resume';
import { backoffDelay, DEFAULT_RETRY, sleep, type RetryPolicy } from './retry';
import { claimRun, finishRun, heartbeat, HEARTBEAT_MS, openRun, type RunStatus } from './runs';
import { renderPrompt, type PromptTemplate } from './templates';
import { createTraceWriter, type TraceRecord } from './trace-writer';

export interface SampleOptions {
  readonly runName: string;
  readonly setName: string;
  readonly model: string;
  readonly baseUrl: string;
  /** Never stored, never logged. */
  readonly apiKey?: string;
  readonly extraBody?: Record<string, unknown>;
  readonly template: PromptTemplate;
  readonly params: SamplingParams;
  readonly samplesPerProblem: number;
  readonly concurrency: number;
  /** Per request: longest wait for headers and between two streamed chunks (ms). */
  readonly timeoutMs: number;
  readonly retry?: RetryPolicy;
  /** Sample only the first N problems of the set (in file order). */
  readonly limit?: number;
  /** `auto`: ask for n choices in one request and fall back to separate requests if the server ignores or rejects `n`. */
  readonly nMode?: 'auto' | 'server' | 'separate';
  readonly stream?: boolean;
  /**
   * Worker threads that send requests and parse streams (default: up to 4, one less than the cores);
   * 0 keeps everything on the calling thread.
   */
  readonly threads?: number;
  /** Check the endpoint and model before claiming the run (GET /models). */
  readonly preflight?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SampleProgress) => void;
  /** Called after each commit with the ids of traces just stored with text (the grader's hook). */
  readonly onStored?: (traceIds: number[]) => void;
  readonly onLog?: (level: 'info' | 'warn', message: string) => void;
}

export interface SampleProgress {
  readonly runId: number;
  readonly total: number;
  /** stored with text, including those from earlier sessions of this run */
  readonly done: number;
  /** failed after all retries in this session */
  readonly failed: number;
  readonly storedThisSession: number;
  readonly inFlight: number;
  readonly completionTokens: number;
  readonly tokensPerSecond: number;
  readonly elapsedMs: number;
  /** undefined until there is a rate to go by */
  readonly etaMs: number | undefined;
}

export interface SampleResult extends SampleProgress {
  readonly runName: string;
  readonly status: Exclude<RunStatus, 'pending' | 'running'>;
  readonly error: string | null;
  readonly alreadyDone: number;
  readonly truncated: number;
  /** Whether the server honoured `n` (undefined when never asked). */
  readonly serverN: boolean | undefined;
}

interface Unit {
  readonly item: WorkItem;
  readonly indices: number[];
}

/** Checks that the server answers and offers the model; a clear error otherwise. */
export async function preflightEndpoint(baseUrl: string, apiKey: string | undefined, model: string, timeoutMs: number, signal?: AbortSignal): Promise<string[] | undefined> {
  const client = createClient({ baseUrl, apiKey, timeoutMs: Math.min(timeoutMs, 30_000) });
  let models: string[] | undefined;
  try {
    models = await listModels(client, signal);
  } catch (e) {
    throw endpointError(baseUrl, e instanceof RequestFailure ? e : classify(e));
  }
  if (models && models.length && !models.includes(model)) {
    throw new W2sError(
      `${baseUrl} does not serve the model "${model}". It offers: ${models.slice(0, 20).join(', ')}${models.length > 20 ? ', …' : ''}.`,
      'NO_MODEL',
    );
  }
  return models;
}

/**
 * Samples every missing (problem, sample index) of a run into the store, committing each trace as it
 * arrives. Starting it again with the same run name samples only what is still missing (or failed).
 */
export async function sampleRun(store: Store, o: SampleOptions): Promise<SampleResult> {
  if (!(o.samplesPerProblem >= 1)) throw new W2sError('Samples per problem (n) must be at least 1.', 'BAD_PARAM');
  if (!(o.concurrency >= 1)) throw new W2sError('Concurrency must be at least 1.', 'BAD_PARAM');
  const retry = o.retry ?? DEFAULT_RETRY;
  const log = o.onLog ?? (() => undefined);
  const spec = {
    name: o.runName,
    kind: 'sample' as const,
    setName: o.setName,
    model: o.model,
    endpoint: o.baseUrl,
    template: { name: o.template.name, api: o.template.api, system: o.template.system ?? null, user: o.template.user },
    params: { ...o.params, extra_body: o.extraBody && Object.keys(o.extraBody).length ? o.extraBody : undefined },
    samplesPerProblem: o.samplesPerProblem,
  };
  // Validate the set and the run's settings first, then the endpoint, and only then create the run:
  // a wrong URL or model leaves nothing behind.
  openRun(store, spec, { create: false });
  if (o.preflight !== false) await preflightEndpoint(o.baseUrl, o.apiKey, o.model, o.timeoutMs, o.signal);
  if (o.signal?.aborted) throw new W2sError('Sampling cancelled before it started; nothing changed.', 'CANCELLED');
  const run = openRun(store, spec);
  claimRun(store, run.id);

  const started = performance.now();
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // one listener per request in flight, by design
  const onOuterAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const beat = setInterval(() => {
    try {
      heartbeat(store, run.id);
    } catch {
      // a busy store delays one heartbeat; the next one comes in a few seconds
    }
  }, HEARTBEAT_MS);
  beat.unref();

  let runner: RequestRunner | undefined;
  let failedThisSession = 0;
  let stored = 0;
  let tokens = 0;
  let truncated = 0;
  let inFlight = 0;
  let fatal: RequestFailure | undefined;
  let lastError: string | null = null;
  let plan: ReturnType<typeof planWork> | undefined;
  let serverN: boolean | undefined = o.nMode === 'server' ? true : o.nMode === 'separate' ? false : undefined;

  const progress = (): SampleProgress => {
    const elapsedMs = performance.now() - started;
    const total = plan?.total ?? 0;
    const done = (plan?.alreadyDone ?? 0) + stored;
    const rate = stored / Math.max(1, elapsedMs);
    const remaining = total - done - failedThisSession;
    return {
      runId: run.id, total, done, failed: failedThisSession, storedThisSession: stored, inFlight, completionTokens: tokens,
      tokensPerSecond: tokens / Math.max(0.001, elapsedMs / 1000), elapsedMs,
      etaMs: stored > 0 && remaining > 0 ? remaining / rate : undefined,
    };
  };

  const writer = createTraceWriter(store, run.id, (batch, ids) => {
    for (const r of batch) {
      if (r.error === null) {
        stored++;
        tokens += r.completionTokens ?? 0;
        if (r.finishReason === 'length') truncated++;
      } else failedThisSession++;
    }
    if (ids.length) o.onStored?.(ids);
    o.onProgress?.(progress());
  });

  try {
    plan = planWork(store, run.id, run.setId, o.samplesPerProblem, o.limit);
    if (plan.retrying) log('info', `${run.name}: retrying ${plan.retrying} trace(s) that failed before`);
    const queue: Unit[] = [];
    for (const item of plan.items) {
      if (serverN === false || item.sampleIndices.length === 1) for (const i of item.sampleIndices) queue.push({ item, indices: [i] });
      else queue.push({ item, indices: item.sampleIndices });
    }
    let head = 0;
    const singles = (u: Unit, indices: number[]) => {
      for (const i of indices) queue.push({ item: u.item, indices: [i] });
    };
    o.onProgress?.(progress());

    const runUnit = async (u: Unit): Promise<void> => {
      if (u.indices.length > 1 && serverN === false) return singles(u, u.indices);
      const prompt = renderPrompt(o.template, u.item.question);
      // Separate requests for the samples of one problem must not share a seed (they would be identical).
      const params = o.params.seed === undefined || o.params.seed === null ? o.params : { ...o.params, seed: o.params.seed + u.indices[0]! };
      for (let attempt = 1; ; attempt++) {
        const t0 = performance.now();
        inFlight++;
        try {
          const res = await runner!.request(
            { model: o.model, prompt, n: u.indices.length, params, extraBody: o.extraBody, stream: o.stream ?? true, timeoutMs: o.timeoutMs },
            stop.signal,
          );
          const latencyMs = Math.round(performance.now() - t0);
          const got = res.choices.filter((c) => c.index < u.indices.length);
          if (u.indices.length > 1) {
            const ok = got.length === u.indices.length;
            if (!ok && serverN !== false) log('warn', `${o.baseUrl} ignores n (asked ${u.indices.length}, got ${got.length}): sending one request per sample`);
            serverN = ok;
            if (!ok) singles(u, u.indices.filter((_, k) => !got.some((c) => c.index === k)));
          }
          const lengths = got.map((c) => c.content.length + (c.reasoningField?.length ?? 0));
          const split = splitTokens(res.completionTokens, lengths);
          got.forEach((c, k) => {
            const text = splitReasoning(c.content, c.reasoningField);
            writer.add({
              problemId: u.item.problemId, sampleIndex: u.indices[c.index]!, prompt: prompt.stored, reasoning: text.reasoning, answer: text.answer,
              finishReason: c.finishReason, promptTokens: res.promptTokens, completionTokens: split[k] ?? null, latencyMs, attempts: attempt, error: null,
            });
          });
          return;
        } catch (e) {
          if (e instanceof Cancelled || stop.signal.aborted) return;
          const f = e instanceof RequestFailure ? e : classify(e);
          if (f.kind === 'fatal') {
            fatal ??= f;
            stop.abort();
            return;
          }
          if (f.kind === 'permanent' && u.indices.length > 1 && /\bn\b|best_of|choices/i.test(f.message)) {
            log('warn', `${o.baseUrl} rejects n > 1 (${f.message}): sending one request per sample`);
            serverN = false;
            return singles(u, u.indices);
          }
          if (f.kind === 'permanent' || attempt >= retry.maxAttempts) {
            lastError = f.message;
            log('warn', `${u.item.key} #${u.indices.join(',')}: failed after ${attempt} attempt(s): ${f.message}`);
            for (const i of u.indices) writer.add(failedRecord(u.item.problemId, i, prompt.stored, attempt, f.message));
            return;
          }
          try {
            await sleep(backoffDelay(attempt, retry, f.retryAfterMs), stop.signal);
          } catch {
            return;
          }
        } finally {
          inFlight--;
        }
      }
    };

    runner = createRequestRunner({ baseUrl: o.baseUrl, apiKey: o.apiKey, timeoutMs: o.timeoutMs }, o.threads ?? defaultThreads());
    const worker = async () => {
      while (!stop.signal.aborted && head < queue.length) {
        const u = queue[head]!;
        queue[head++] = undefined as unknown as Unit; // let finished work be collected
        await runUnit(u);
        if (writer.failure) stop.abort();
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, Math.max(1, queue.length)) }, worker));
  } finally {
    clearInterval(beat);
    runner?.close();
    o.signal?.removeEventListener('abort', onOuterAbort);
    writer.flush();
  }

  const failedRows = (store.db.prepare('SELECT count(*) AS n FROM traces WHERE run_id = ? AND error IS NOT NULL').get(run.id) as { n: number }).n;
  let status: SampleResult['status'];
  let error: string | null = null;
  if (writer.failure) {
    status = 'failed';
    error = `Cannot write to the store: ${writer.failure.message}. ${writer.pending} finished trace(s) were not saved; run again to sample them.`;
  } else if (fatal) {
    status = 'failed';
    error = endpointError(o.baseUrl, fatal).message;
  } else if (o.signal?.aborted) {
    status = 'cancelled';
  } else if (failedRows > 0) {
    status = 'failed';
    error = `${failedRows} trace(s) failed after ${retry.maxAttempts} attempts${lastError ? ` (last: ${lastError})` : ''}; run again to retry them.`;
  } else status = 'done';
  finishRun(store, run.id, status, error);
  return { ...progress(), runName: run.name, status, error, alreadyDone: plan?.alreadyDone ?? 0, truncated, serverN };
}

function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.cpus().length - 1));
}

function failedRecord(problemId: number, sampleIndex: number, prompt: string, attempts: number, error: string): TraceRecord {
  return {
    problemId, sampleIndex, prompt, reasoning: null, answer: null, finishReason: null, promptTokens: null,
    completionTokens: null, latencyMs: null, attempts, error,
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
