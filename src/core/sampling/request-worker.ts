/**
 * Worker-thread entry: sends requests and parses their streams off the main thread (the extension
 * host's, or the CLI's, which keeps the store writes). Built as dist/sampling-worker.js; run from
 * source under tsx in tests. Messages: see request-pool.ts.
 */
import type OpenAI from 'openai';
import { parentPort } from 'node:worker_threads';
import { Cancelled, classify, createClient, RequestFailure, requestCompletion, type ClientOptions, type RequestSpec } from './client';

type In = { type: 'request'; id: number; client: ClientOptions; spec: RequestSpec } | { type: 'cancel'; id: number };

const port = parentPort;
if (port) {
  const clients = new Map<string, OpenAI>();
  const inflight = new Map<number, AbortController>();
  port.on('message', (m: In) => {
    if (m.type === 'cancel') {
      inflight.get(m.id)?.abort();
      return;
    }
    const key = `${m.client.baseUrl}\u0000${m.client.apiKey ?? ''}\u0000${m.client.timeoutMs}`;
    let client = clients.get(key);
    if (!client) clients.set(key, (client = createClient(m.client)));
    const ac = new AbortController();
    inflight.set(m.id, ac);
    requestCompletion(client, m.spec, ac.signal).then(
      (result) => port.postMessage({ id: m.id, result }),
      (e: unknown) => {
        if (e instanceof Cancelled) return port.postMessage({ id: m.id, cancelled: true });
        const f = e instanceof RequestFailure ? e : classify(e);
        port.postMessage({ id: m.id, failure: { message: f.message, kind: f.kind, status: f.status, retryAfterMs: f.retryAfterMs } });
      },
    ).finally(() => inflight.delete(m.id));
  });
}
