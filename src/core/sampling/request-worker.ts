/**
 * Worker-thread entry: sends requests and parses their streams off the main thread (the extension
 * host's, or the CLI's, which keeps the store writes). Built as dist/sampling-worker.js; run from
 * source under tsx in tests. Messages: request-messages.ts.
 */
import type OpenAI from 'openai';
import { parentPort } from 'node:worker_threads';
import { Cancelled, classify, createClient, RequestFailure, requestCompletion } from './client';
import type { RequestWorkerIn, RequestWorkerOut } from './request-messages';

const port = parentPort;
if (port) {
  const clients = new Map<string, OpenAI>();
  const inflight = new Map<number, AbortController>();
  const post = (m: RequestWorkerOut) => port.postMessage(m);
  port.on('message', (m: RequestWorkerIn) => {
    if (m.type === 'cancel') {
      inflight.get(m.id)?.abort();
      return;
    }
    const key = `${m.client.baseUrl}\u0000${m.client.apiKey ?? ''}\u0000${m.client.timeoutMs}`;
    let client = clients.get(key);
    if (!client) clients.set(key, (client = createClient(m.client)));
    const ac = new AbortController();
    inflight.set(m.id, ac);
    requestCompletion(client, m.spec, ac.signal)
      .then(
        (result) => post({ id: m.id, result }),
        (e: unknown) => {
          if (e instanceof Cancelled) return post({ id: m.id, cancelled: true });
          const f = e instanceof RequestFailure ? e : classify(e, m.client.apiKey);
          post({
            id: m.id,
            failure: { message: f.message, kind: f.kind, status: f.status, retryAfterMs: f.retryAfterMs },
          });
        },
      )
      .finally(() => inflight.delete(m.id));
  });
}
