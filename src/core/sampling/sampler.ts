import { setMaxListeners } from 'node:events';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { W2sError } from '../errors';
import {
  claimRun,
  finishRun,
  heartbeat,
  HEARTBEAT_MS,
  openRun,
  type RunKind,
  type RunRow,
  type RunSpec,
  type RunStatus,
} from '../runs/runs';
import type { Store } from '../store/open';
import { storeFailure, withStoreErrors } from '../store/store-errors';
import { createSignalRecorder } from '../signals/record';
import { createTraceWriter, type NewTrace, type TraceWriter } from '../traces/trace-writer';
import { runUnit, type AttemptContext, type Unit } from './attempts';
import { endpointError, type RequestFailure, type SamplingParams } from './client';
import { probeEndpoint } from './probe';
import { createRequestRunner, type RequestRunner } from './request-pool';
import { planWork } from './resume';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import type { PromptTemplate } from './templates';

export interface SampleOptions {
  readonly runName: string;
  /** `eval` for benchmark evaluations (w2s eval, the Testing view); default `sample` (teacher traces). */
  readonly kind?: Extract<RunKind, 'sample' | 'eval'>;
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
  /** Per request: longest wait for headers and, after them, between two pieces of text (ms). */
  readonly timeoutMs: number;
  /** Per request: longest it may take in all (ms); default the idle timeout plus max_tokens at 4 tokens a second. */
  readonly deadlineMs?: number;
  readonly retry?: RetryPolicy;
  /**
   * The problems of the set to sample: the first N (file order), null for all, undefined to keep what
   * the run has (a new run then covers all). Stored with the run; a later call may only extend it.
   */
  readonly problemLimit?: number | null;
  /** Sample only these problems (by key); unknown keys are refused before anything is stored. */
  readonly problemKeys?: readonly string[];
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
  /** The request worker's script (tests); default the bundled sampling worker. */
  readonly requestWorker?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SampleProgress) => void;
  /** Called after each commit with the ids of traces just stored with text (the grader's hook). */
  readonly onTracesStored?: (traceIds: number[]) => void;
  readonly onLog?: (level: 'info' | 'warn', message: string) => void;
  /** Called once the run exists (created or found), before it is claimed and before any trace is stored. */
  readonly onRunOpened?: (run: RunRow) => void;
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

/** What makes the run (its name, set, model, template, parameters and selection), as `openRun` takes it. */
function runSpec(o: SampleOptions): RunSpec {
  return {
    name: o.runName,
    kind: o.kind ?? 'sample',
    setName: o.setName,
    model: o.model,
    endpoint: o.baseUrl,
    template: { name: o.template.name, api: o.template.api, system: o.template.system ?? null, user: o.template.user },
    params: { ...o.params, extra_body: o.extraBody && Object.keys(o.extraBody).length ? o.extraBody : undefined },
    samplesPerProblem: o.samplesPerProblem,
    problemLimit: o.problemLimit,
  };
}

/**
 * Validates the set and the run's settings first, then the endpoint, and only then creates (or
 * reopens) the run and claims it: a wrong URL or model leaves nothing behind.
 */
async function openAndClaim(store: Store, o: SampleOptions): Promise<{ run: RunRow; keys: Set<string> | undefined }> {
  if (!(o.samplesPerProblem >= 1)) throw new W2sError('Samples per problem (n) must be at least 1.', 'BAD_PARAM');
  if (!(o.concurrency >= 1)) throw new W2sError('Concurrency must be at least 1.', 'BAD_PARAM');
  const spec = runSpec(o);
  openRun(store, spec, { create: false });
  const keys = o.problemKeys ? checkProblemKeys(store, o.setName, o.problemKeys) : undefined;
  if (o.preflight !== false)
    await probeEndpoint({
      baseUrl: o.baseUrl,
      apiKey: o.apiKey,
      timeoutMs: o.timeoutMs,
      signal: o.signal,
      requireModel: o.model,
    });
  if (o.signal?.aborted) throw new W2sError('Sampling cancelled before it started; nothing changed.', 'CANCELLED');
  const run = withStoreErrors(store.file, () => {
    const r = openRun(store, spec);
    o.onRunOpened?.(r);
    claimRun(store, r.id);
    return r;
  });
  return { run, keys };
}

/** Keeps the run's heartbeat fresh while it samples, so other processes see it alive; returns the stop. */
function keepHeartbeat(store: Store, runId: number): () => void {
  const beat = setInterval(() => {
    try {
      heartbeat(store, runId);
    } catch {
      // a busy store delays one heartbeat; the next one comes in a few seconds
    }
  }, HEARTBEAT_MS);
  beat.unref();
  return () => clearInterval(beat);
}

/** What this session stored, counted from the writer's commits. */
interface Tally {
  stored: number;
  failed: number;
  tokens: number;
  truncated: number;
}

function countCommitted(tally: Tally, batch: readonly NewTrace[]): void {
  for (const r of batch) {
    if (r.error === null) {
      tally.stored++;
      tally.tokens += r.completionTokens ?? 0;
      if (r.finishReason === 'length') tally.truncated++;
    } else tally.failed++;
  }
}

/** How the run ended, and why, from what stopped it (the store, a fatal answer, a cancel) or what failed. */
function outcome(
  store: Store,
  runId: number,
  o: SampleOptions,
  why: { writer: TraceWriter; fatal: RequestFailure | undefined; attempts: Pick<AttemptContext, 'lastError'> },
): { status: SampleResult['status']; error: string | null } {
  const { writer, fatal, attempts } = why;
  if (writer.failure) {
    const known = storeFailure(writer.failure, store.file);
    return {
      status: 'failed',
      error: `${known ? known.message : `Cannot write to the store: ${writer.failure.message}.`} ${writer.pending} finished trace(s) were not saved; run again to sample them.`,
    };
  }
  if (fatal?.kind === 'crash') {
    return {
      status: 'failed',
      error: `Sampling stopped: ${fatal.message}. The traces stored so far are kept; run again to resume (if it happens again, lower the concurrency or check what the server sends).`,
    };
  }
  if (fatal) return { status: 'failed', error: endpointError(o.baseUrl, fatal).message };
  if (o.signal?.aborted) return { status: 'cancelled', error: null };
  // the attempts each failed trace really had (a 400 is not retried; a resume adds to the count)
  const failed = store.db
    .prepare(
      'SELECT count(*) AS n, min(attempts) AS lo, max(attempts) AS hi FROM traces WHERE run_id = ? AND error IS NOT NULL',
    )
    .get(runId) as { n: number; lo: number; hi: number };
  if (failed.n > 0) {
    const tries =
      failed.lo === failed.hi
        ? `${failed.lo} attempt${failed.lo === 1 ? '' : 's'}`
        : `${failed.lo} to ${failed.hi} attempts`;
    return {
      status: 'failed',
      error: `${failed.n} trace(s) failed after ${tries}${attempts.lastError ? ` (last: ${attempts.lastError})` : ''}; run again to retry them.`,
    };
  }
  return { status: 'done', error: null };
}

/**
 * Samples every missing (problem, sample index) of a run into the store, committing each trace as it
 * arrives. Starting it again with the same run name samples only what is still missing (or failed).
 */
export async function sampleRun(store: Store, o: SampleOptions): Promise<SampleResult> {
  const { run, keys } = await openAndClaim(store, o);
  const retry = o.retry ?? DEFAULT_RETRY;
  const log = o.onLog ?? (() => undefined);
  const started = performance.now();
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // one listener per request in flight, by design
  const onOuterAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const stopHeartbeat = keepHeartbeat(store, run.id);

  const tally: Tally = { stored: 0, failed: 0, tokens: 0, truncated: 0 };
  let fatal: RequestFailure | undefined;
  let plan: ReturnType<typeof planWork> | undefined;
  let runner: RequestRunner | undefined;
  // (a slot is cleared once its unit is taken, so finished work can be collected)
  const queue: (Unit | undefined)[] = [];
  let head = 0;

  // Signals of new traces are computed in small batches on a timer, never inside the writer's commit.
  const signals = createSignalRecorder(store);
  const writer = createTraceWriter(store, run.id, (batch, ids) => {
    countCommitted(tally, batch);
    if (ids.length) {
      signals.enqueue(ids);
      o.onTracesStored?.(ids);
    }
    o.onProgress?.(progress());
  });
  // What every attempt shares; the request runner joins it once the plan is made (it starts worker threads).
  const shared: Omit<AttemptContext, 'runner'> = {
    writer,
    model: o.model,
    baseUrl: o.baseUrl,
    template: o.template,
    params: o.params,
    extraBody: o.extraBody,
    stream: o.stream ?? true,
    timeoutMs: o.timeoutMs,
    deadlineMs: o.deadlineMs,
    retry,
    signal: stop.signal,
    log,
    serverN: o.nMode === 'server' ? true : o.nMode === 'separate' ? false : undefined,
    inFlight: 0,
    lastError: null,
    enqueue: (units) => void queue.push(...units),
    onFatal: (f) => {
      fatal ??= f;
      stop.abort();
    },
  };

  const progress = (): SampleProgress => {
    const elapsedMs = performance.now() - started;
    const total = plan?.total ?? 0;
    const done = (plan?.alreadyDone ?? 0) + tally.stored;
    const rate = tally.stored / Math.max(1, elapsedMs);
    const remaining = total - done - tally.failed;
    return {
      runId: run.id,
      total,
      done,
      failed: tally.failed,
      storedThisSession: tally.stored,
      inFlight: shared.inFlight,
      completionTokens: tally.tokens,
      tokensPerSecond: tally.tokens / Math.max(0.001, elapsedMs / 1000),
      elapsedMs,
      etaMs: tally.stored > 0 && remaining > 0 ? remaining / rate : undefined,
    };
  };

  try {
    plan = planWork(store, run.id, run.setId, o.samplesPerProblem, run.problemLimit ?? undefined, keys);
    if (plan.retrying) log('info', `${run.name}: retrying ${plan.retrying} trace(s) that failed before`);
    for (const item of plan.items) {
      if (shared.serverN === false || item.sampleIndices.length === 1)
        for (const i of item.sampleIndices) queue.push({ item, indices: [i] });
      else queue.push({ item, indices: item.sampleIndices });
    }
    o.onProgress?.(progress());
    runner = createRequestRunner(
      { baseUrl: o.baseUrl, apiKey: o.apiKey, timeoutMs: o.timeoutMs },
      o.threads ?? defaultThreads(),
      o.requestWorker,
    );
    const attempts: AttemptContext = Object.assign(shared, { runner });
    const worker = async () => {
      while (!stop.signal.aborted && head < queue.length) {
        const u = queue[head]!;
        queue[head++] = undefined;
        await runUnit(attempts, u);
        if (writer.failure) stop.abort();
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, Math.max(1, queue.length)) }, worker));
  } finally {
    stopHeartbeat();
    runner?.close();
    o.signal?.removeEventListener('abort', onOuterAbort);
    writer.flush();
    signals.drain();
  }

  const { status, error } = outcome(store, run.id, o, { writer, fatal, attempts: shared });
  withStoreErrors(store.file, () => finishRun(store, run.id, status, error));
  return {
    ...progress(),
    runName: run.name,
    status,
    error,
    alreadyDone: plan?.alreadyDone ?? 0,
    truncated: tally.truncated,
    serverN: shared.serverN,
  };
}

/** The keys as a set, refusing any the set does not hold (a stale selection must not sample nothing silently). */
function checkProblemKeys(store: Store, setName: string, keys: readonly string[]): Set<string> {
  const known = new Set(
    (
      store.db
        .prepare('SELECT p.key FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = ?')
        .all(setName) as { key: string }[]
    ).map((r) => r.key),
  );
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length) {
    throw new W2sError(
      `Problem set "${setName}" has no problem with id ${unknown
        .slice(0, 5)
        .map((k) => `"${k}"`)
        .join(', ')}${unknown.length > 5 ? ', …' : ''}.`,
      'NO_PROBLEM',
    );
  }
  return new Set(keys);
}

function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.cpus().length - 1));
}
