import { W2sError } from '../errors';
import { serverText } from '../untrusted-text';
import { classify, createClient, endpointError, listModels, RequestFailure, requestCompletion } from './client';
import type { ApiStyle } from './templates';

export interface ProbeOptions {
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Fail unless the server lists this model (servers that list none pass). */
  readonly requireModel?: string;
  /** Also send one short request, to this model or else the first one listed (default: none). */
  readonly ping?: { readonly model?: string; readonly api?: ApiStyle; readonly extraBody?: Record<string, unknown> };
}

export interface ProbeResult {
  /** What GET /models listed; undefined when the server has no such route. */
  readonly models: string[] | undefined;
  readonly ping?: {
    readonly model: string;
    readonly text: string;
    readonly finishReason: string | null;
    readonly latencyMs: number;
  };
}

/**
 * Asks an OpenAI-compatible server what it serves (and, when asked, for one short completion): the
 * one place where the sampler's preflight, the CLI and the editor's endpoint checks talk to a server
 * outside a run. Every failure is a W2sError that names the endpoint.
 */
export async function probeEndpoint(o: ProbeOptions): Promise<ProbeResult> {
  const timeoutMs = Math.min(o.timeoutMs ?? 30_000, 30_000);
  const client = createClient({ baseUrl: o.baseUrl, apiKey: o.apiKey, timeoutMs });
  const asEndpointError = (e: unknown) =>
    endpointError(o.baseUrl, e instanceof RequestFailure ? e : classify(e, o.apiKey));
  let models: string[] | undefined;
  try {
    models = await listModels(client, o.signal);
  } catch (e) {
    throw asEndpointError(e);
  }
  if (o.requireModel && models && models.length && !models.includes(o.requireModel)) {
    throw new W2sError(
      `${o.baseUrl} does not serve the model "${o.requireModel}". It offers: ${serverText(models.slice(0, 20).join(', '), o.apiKey)}${models.length > 20 ? ', …' : ''}.`,
      'NO_MODEL',
    );
  }
  const pingModel = o.ping?.model ?? models?.[0];
  if (!o.ping || !pingModel) return { models };
  const t0 = Date.now();
  const res = await requestCompletion(
    client,
    {
      model: pingModel,
      prompt:
        o.ping.api === 'completions'
          ? { api: 'completions', prompt: 'Say hello.', stored: '' }
          : { api: 'chat', messages: [{ role: 'user', content: 'Say hello.' }], stored: '' },
      n: 1,
      params: { max_tokens: 16, temperature: 0 },
      extraBody: o.ping.extraBody,
      stream: true,
      timeoutMs,
    },
    o.signal ?? new AbortController().signal,
  ).catch((e: unknown) => {
    throw asEndpointError(e);
  });
  const first = res.choices[0];
  return {
    models,
    ping: {
      model: pingModel,
      text: serverText((first?.content ?? '').replace(/\s+/g, ' ').trim(), o.apiKey, 200),
      finishReason: first?.finishReason ?? null,
      latencyMs: Date.now() - t0,
    },
  };
}
