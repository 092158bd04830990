import type { Worker } from 'node:worker_threads';
import { serverText } from '../untrusted-text';
import { startWorkerFile, WORKER_ENTRIES, workerPath } from '../workers/start-worker';
import {
  Cancelled,
  createClient,
  RequestFailure,
  requestCompletion,
  type ClientOptions,
  type CompletionResult,
  type RequestSpec,
} from './client';
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
function startWorker(file = workerPath(WORKER_ENTRIES.sampling)): Worker | undefined {
  return file ? startWorkerFile(file) : undefined;
}

/** Why a worker is gone, in words: out of memory, an uncaught error, or an exit. */
function deathReason(e: Error | number): string {
  if (typeof e === 'number') return `a request worker exited unexpectedly (exit code ${e})`;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'a request worker ran out of memory (ERR_WORKER_OUT_OF_MEMORY)';
  return `a request worker crashed: ${serverText(e.message)}`;
}

/**
 * Spreads requests over worker threads: parsing thousands of streamed chunks a second is the
 * sampler's main CPU cost, and off the main thread it neither stalls the extension host nor competes
 * with the store writes. Falls back to the main thread when no worker script is available. A worker
 * that dies (out of memory, a crash) fails its requests with a `crash` failure, which stops the run:
 * repeating them on the main thread could take the whole process down the same way.
 */
export function createRequestRunner(options: ClientOptions, threads: number, workerFile?: string): RequestRunner {
  const first = threads > 0 ? startWorker(workerFile) : undefined;
  if (!first) return inThreadRunner(options);
  let nextId = 1;
  let turn = 0;
  let closing = false;
  let death: string | undefined;
  type Pending = { resolve: (r: CompletionResult) => void; reject: (e: Error) => void; worker: Worker };
  const pending = new Map<number, Pending>();
  const workers: Worker[] = [];
  // Idle workers never keep the process alive; busy ones must, or a worker that dies would leave the
  // event loop empty before its exit is seen, and the process would end without a word.
  const holdWhileBusy = () => {
    for (const w of workers) {
      if (pending.size) w.ref();
      else w.unref();
    }
  };
  for (let i = 0; i < threads; i++) {
    const w = i === 0 ? first : startWorker(workerFile)!;
    w.unref();
    w.on('message', (m: RequestWorkerOut) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) holdWhileBusy();
      if ('result' in m) p.resolve(m.result);
      else if ('cancelled' in m) p.reject(new Cancelled());
      else p.reject(new RequestFailure(m.failure.message, m.failure.kind, m.failure.status, m.failure.retryAfterMs));
    });
    const die = (why: Error | number) => {
      const i = workers.indexOf(w);
      if (i >= 0) workers.splice(i, 1);
      if (closing) return;
      death ??= deathReason(why);
      for (const [id, p] of pending) {
        if (p.worker !== w) continue;
        pending.delete(id);
        p.reject(new RequestFailure(death, 'crash'));
      }
      holdWhileBusy();
    };
    w.on('error', (e) => die(e));
    w.on('exit', (code) => die(code));
    workers.push(w);
  }
  return {
    threads,
    request(spec, signal) {
      if (signal.aborted) return Promise.reject(new Cancelled());
      if (death !== undefined || workers.length === 0)
        return Promise.reject(new RequestFailure(death ?? 'the request workers are gone', 'crash'));
      const worker = workers[turn++ % workers.length]!;
      const id = nextId++;
      return new Promise<CompletionResult>((resolve, reject) => {
        const send = (m: RequestWorkerIn) => worker.postMessage(m);
        const onAbort = () => send({ type: 'cancel', id });
        signal.addEventListener('abort', onAbort, { once: true });
        const done = () => signal.removeEventListener('abort', onAbort);
        pending.set(id, { resolve: (r) => (done(), resolve(r)), reject: (e) => (done(), reject(e)), worker });
        if (pending.size === 1) holdWhileBusy();
        send({ type: 'request', id, client: options, spec });
      });
    },
    close() {
      closing = true;
      for (const w of workers) void w.terminate();
      workers.length = 0;
    },
  };
}
