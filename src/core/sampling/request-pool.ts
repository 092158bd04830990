import type { Worker } from 'node:worker_threads';
import { startWorkerFile, WORKER_ENTRIES, workerPath } from '../workers/start-worker';
import { Cancelled, createClient, RequestFailure, requestCompletion, type ClientOptions, type CompletionResult, type RequestSpec } from './client';
import type { RequestWorkerIn, RequestWorkerOut } from './request-messages';

/** Sends one request; rejects with RequestFailure or Cancelled. */
export interface RequestRunner {
  request(spec: RequestSpec, signal: AbortSignal): Promise<CompletionResult>;
  readonly threads: number;
  close(): void;
}

export function inThreadRunner(options: ClientOptions): RequestRunner {
  const client = createClient(options);
  return { request: (spec, signal) => requestCompletion(client, spec, signal), threads: 0, close: () => undefined };
}

/** A request worker (dist/sampling-worker.js, or its source under tsx); undefined when neither can run. */
function startWorker(): Worker | undefined {
  const file = workerPath(WORKER_ENTRIES.sampling);
  return file ? startWorkerFile(file) : undefined;
}

/**
 * Spreads requests over worker threads: parsing thousands of streamed chunks a second is the
 * sampler's main CPU cost, and off the main thread it neither stalls the extension host nor competes
 * with the store writes. Falls back to the main thread when no worker script is available or a
 * worker dies.
 */
export function createRequestRunner(options: ClientOptions, threads: number): RequestRunner {
  const first = threads > 0 ? startWorker() : undefined;
  if (!first) return inThreadRunner(options);
  let fallback: RequestRunner | undefined;
  const inThread = () => (fallback ??= inThreadRunner(options));
  let nextId = 1;
  let turn = 0;
  type Pending = { resolve: (r: CompletionResult) => void; reject: (e: Error) => void; worker: Worker; spec: RequestSpec; signal: AbortSignal };
  const pending = new Map<number, Pending>();
  const workers: Worker[] = [];
  for (let i = 0; i < threads; i++) {
    const w = i === 0 ? first : startWorker()!;
    w.unref();
    w.on('message', (m: RequestWorkerOut) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if ('result' in m) p.resolve(m.result);
      else if ('cancelled' in m) p.reject(new Cancelled());
      else p.reject(new RequestFailure(m.failure.message, m.failure.kind, m.failure.status, m.failure.retryAfterMs));
    });
    const die = (_why: string) => {
      const i = workers.indexOf(w);
      if (i >= 0) workers.splice(i, 1);
      for (const [id, p] of pending) {
        if (p.worker !== w) continue;
        pending.delete(id);
        // a worker that cannot start or dies hands its requests to the main thread: no attempt is lost
        inThread().request(p.spec, p.signal).then(p.resolve, p.reject);
      }
    };
    w.on('error', (e) => die(e.message));
    w.on('exit', (code) => die(`exit ${code}`));
    workers.push(w);
  }
  return {
    threads,
    request(spec, signal) {
      if (signal.aborted) return Promise.reject(new Cancelled());
      if (workers.length === 0) return inThread().request(spec, signal);
      const worker = workers[turn++ % workers.length]!;
      const id = nextId++;
      return new Promise<CompletionResult>((resolve, reject) => {
        const send = (m: RequestWorkerIn) => worker.postMessage(m);
        const onAbort = () => send({ type: 'cancel', id });
        signal.addEventListener('abort', onAbort, { once: true });
        const done = () => signal.removeEventListener('abort', onAbort);
        pending.set(id, { resolve: (r) => (done(), resolve(r)), reject: (e) => (done(), reject(e)), worker, spec, signal });
        send({ type: 'request', id, client: options, spec });
      });
    },
    close() {
      for (const w of workers) void w.terminate();
      workers.length = 0;
    },
  };
}
