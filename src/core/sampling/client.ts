import OpenAI from 'openai';
import { W2sError } from '../errors';
import { NO_KEY, redact } from './endpoint';
import { parseRetryAfter } from './retry';
import { readSse } from './sse';
import type { RenderedPrompt } from './templates';

/** Sampling parameters sent with every request (OpenAI names; null/undefined ones are left out). */
export interface SamplingParams {
  readonly temperature?: number;
  readonly top_p?: number;
  readonly max_tokens?: number;
  readonly seed?: number;
  readonly stop?: string[];
}

export interface ClientOptions {
  readonly baseUrl: string;
  readonly apiKey?: string;
  /** Longest wait for the response headers and, once streaming, between two chunks (ms). */
  readonly timeoutMs: number;
}

export function createClient(o: ClientOptions): OpenAI {
  return new OpenAI({
    baseURL: o.baseUrl,
    apiKey: o.apiKey || NO_KEY,
    // We retry ourselves (retry.ts): the client's own retries would hide attempts and ignore cancel.
    maxRetries: 0,
    timeout: o.timeoutMs,
    // The client logs unparsable stream chunks to the console; our errors carry that instead.
    logLevel: 'off',
  });
}

export interface RequestSpec {
  readonly model: string;
  readonly prompt: RenderedPrompt;
  readonly n: number;
  readonly params: SamplingParams;
  readonly extraBody?: Record<string, unknown>;
  /** Stream the response (default): long generations then never sit silent long enough to time out. */
  readonly stream: boolean;
  readonly timeoutMs: number;
}

export interface ChoiceText {
  readonly index: number;
  readonly content: string;
  /** `reasoning_content` / `reasoning` as sent by the server, before any `<think>` split. */
  readonly reasoningField: string | null;
  readonly finishReason: string | null;
}

export interface CompletionResult {
  readonly choices: ChoiceText[];
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
}

export type FailureKind =
  /** Try again later: 429, 5xx, timeouts, dropped connections, malformed bodies. */
  | 'retryable'
  /** This request will never succeed as is (400, 413, 422): record it on the trace and go on. */
  | 'permanent'
  /** No request of this run can succeed (401, 403, 404): stop the run. */
  | 'fatal';

export class RequestFailure extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RequestFailure';
  }
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

type Acc = { content: string[]; reasoning: string[]; finish: string | null };

/** The fields read from a `chat.completion(.chunk)` or `text_completion` object (plus the non-standard reasoning ones). */
type TextFields = { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
type StreamChoice = { index?: number; delta?: TextFields; message?: TextFields; text?: string; finish_reason?: string | null };
type StreamChunk = { choices?: StreamChoice[]; usage?: { prompt_tokens?: number; completion_tokens?: number } | null; error?: unknown };

function errorText(e: unknown): string {
  if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  return JSON.stringify(e);
}

/**
 * Sends one request (n choices) and collects the text of every choice. The idle timer is ours: the
 * client's `timeout` only covers the wait for headers, and a stream that stalls must also fail.
 */
export async function requestCompletion(client: OpenAI, spec: RequestSpec, signal: AbortSignal): Promise<CompletionResult> {
  if (signal.aborted) throw new Cancelled();
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (timer) timer.refresh();
    else
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, spec.timeoutMs);
  };
  const onAbort = () => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  arm();
  const body: Record<string, unknown> = { ...(spec.extraBody ?? {}), model: spec.model, n: spec.n };
  for (const [k, v] of Object.entries(spec.params)) if (v !== undefined && v !== null) body[k] = v;
  if (spec.n === 1) delete body.n; // servers without `n` (some proxies) reject even n=1
  if (spec.prompt.api === 'chat') body.messages = spec.prompt.messages;
  else body.prompt = spec.prompt.prompt;
  if (spec.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  const options = { signal: controller.signal, timeout: spec.timeoutMs, maxRetries: 0 };
  try {
    const acc = new Map<number, Acc>();
    const slot = (i: number): Acc => {
      let a = acc.get(i);
      if (!a) acc.set(i, (a = { content: [], reasoning: [], finish: null }));
      return a;
    };
    let usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined;
    let sawDone = false;
    const chat = spec.prompt.api === 'chat';
    const request = chat ? client.chat.completions.create(body as never, options) : client.completions.create(body as never, options);
    if (spec.stream) {
      // The openai client builds and sends the request and maps HTTP errors; the body is read by readSse.
      const response = await request.asResponse();
      if (!response.body) throw new RequestFailure('the server sent an empty response', 'retryable');
      await readSse(response.body as unknown as AsyncIterable<Uint8Array>, (data) => {
        arm();
        if (data === '[DONE]') {
          sawDone = true;
          return;
        }
        const chunk = JSON.parse(data) as StreamChunk;
        // vLLM and others report an error that happens mid-stream as one more event
        if (chunk.error) throw new RequestFailure(`error in the response stream: ${redact(errorText(chunk.error))}`, 'retryable');
        if (chunk.usage) usage = chunk.usage;
        const choices = chunk.choices;
        if (!choices) return;
        for (let i = 0; i < choices.length; i++) {
          const c = choices[i]!;
          const a = slot(c.index ?? 0);
          if (chat) {
            const d = c.delta;
            if (d) {
              if (d.content) a.content.push(d.content);
              const r = d.reasoning_content ?? d.reasoning;
              if (r) a.reasoning.push(r);
            }
          } else if (c.text) a.content.push(c.text);
          if (c.finish_reason) a.finish = c.finish_reason;
        }
      });
      sawDone = true;
    } else {
      const res = (await request) as unknown as { choices?: StreamChoice[]; usage?: StreamChunk['usage'] };
      usage = res.usage;
      for (const c of res.choices ?? []) {
        const a = slot(c.index ?? 0);
        const m = chat ? c.message : { content: c.text };
        if (m?.content) a.content.push(m.content);
        const r = m?.reasoning_content ?? m?.reasoning;
        if (r) a.reasoning.push(r);
        a.finish = c.finish_reason ?? null;
      }
      sawDone = true;
    }
    // The client ends an aborted stream quietly instead of throwing: tell the three cases apart here.
    if (signal.aborted) throw new Cancelled();
    if (timedOut) throw new RequestFailure(`no response within ${spec.timeoutMs / 1000} s (timeout)`, 'retryable');
    if (!sawDone || acc.size === 0) throw new RequestFailure('the server sent no choices', 'retryable');
    const choices: ChoiceText[] = [];
    for (const [index, a] of [...acc.entries()].sort((x, y) => x[0] - y[0])) {
      // A stream that ends without a finish_reason was cut off (connection closed early): not a trace.
      if (spec.stream && a.finish === null) throw new RequestFailure('the response stream ended before the generation finished', 'retryable');
      choices.push({ index, content: a.content.join(''), reasoningField: a.reasoning.length ? a.reasoning.join('') : null, finishReason: a.finish });
    }
    return { choices, promptTokens: usage?.prompt_tokens ?? null, completionTokens: usage?.completion_tokens ?? null };
  } catch (e) {
    if (e instanceof RequestFailure || e instanceof Cancelled) throw e;
    if (signal.aborted) throw new Cancelled();
    if (timedOut) throw new RequestFailure(`no response within ${spec.timeoutMs / 1000} s (timeout)`, 'retryable');
    throw classify(e);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** Maps a client error to what the sampler should do about it, with a message a person can act on. */
export function classify(e: unknown): RequestFailure {
  if (e instanceof OpenAI.APIConnectionTimeoutError) return new RequestFailure('no response in time (timeout)', 'retryable');
  if (e instanceof OpenAI.APIConnectionError) {
    // fetch wraps the socket error: APIConnectionError → TypeError("fetch failed") → Error{code: ECONNREFUSED}
    let code: string | undefined;
    let detail = e.message;
    for (let c = e.cause as { code?: string; message?: string; cause?: unknown } | undefined, depth = 0; c && depth < 5; c = c.cause as typeof c, depth++) {
      code ??= c.code;
      if (c.message) detail = c.message;
    }
    return new RequestFailure(`connection failed${code ? ` (${code})` : ''}: ${redact(detail)}`, 'retryable');
  }
  if (e instanceof OpenAI.APIError) {
    const status = e.status;
    const detail = redact(serverMessage(e));
    const retryAfter =
      parseRetryAfter(e.headers?.get?.('retry-after-ms') ? String(Number(e.headers.get('retry-after-ms')) / 1000) : null) ??
      parseRetryAfter(e.headers?.get?.('retry-after'));
    if (status === undefined) return new RequestFailure(`error in the response stream: ${detail}`, 'retryable');
    if (status === 401 || status === 403) {
      return new RequestFailure(`HTTP ${status}: ${detail}. Check the API key (W2S: Set API Key…, or --api-key-env VAR).`, 'fatal', status);
    }
    if (status === 404) {
      return new RequestFailure(`HTTP 404: ${detail}. Check the base URL (it usually ends in /v1) and the model id (W2S: Test Endpoint lists them).`, 'fatal', status);
    }
    if (status === 400 || status === 413 || status === 422) return new RequestFailure(`HTTP ${status}: ${detail}`, 'permanent', status);
    return new RequestFailure(`HTTP ${status}: ${detail}`, 'retryable', status, retryAfter);
  }
  if (e instanceof SyntaxError) return new RequestFailure(`malformed response from the server: ${e.message}`, 'retryable');
  const msg = e instanceof Error ? e.message : String(e);
  return new RequestFailure(`request failed: ${redact(msg)}`, 'retryable');
}

function serverMessage(e: InstanceType<typeof OpenAI.APIError>): string {
  const err = e.error as { message?: unknown } | undefined;
  if (err && typeof err.message === 'string' && err.message) return err.message;
  return e.message.replace(/^\d+\s+/, '') || 'no detail';
}

/** The model ids the server offers (`GET /models`); undefined when it does not implement the route. */
export async function listModels(client: OpenAI, signal?: AbortSignal): Promise<string[] | undefined> {
  try {
    const ids: string[] = [];
    for await (const m of client.models.list({ signal, maxRetries: 0 })) ids.push(m.id);
    return ids;
  } catch (e) {
    const f = classify(e);
    if (f.status === 404 || f.status === 405 || f.status === 501) return undefined;
    throw f;
  }
}

/** A user-facing error for a server that cannot be used at all. */
export function endpointError(baseUrl: string, f: RequestFailure): W2sError {
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|connection failed/.test(f.message)) {
    return new W2sError(`Cannot reach ${baseUrl}: ${f.message}. Is the server running, and is the base URL right?`, 'ENDPOINT_UNREACHABLE');
  }
  return new W2sError(`${baseUrl}: ${f.message}`, f.status === 401 || f.status === 403 ? 'ENDPOINT_AUTH' : 'ENDPOINT_ERROR');
}
