import OpenAI from 'openai';
import { W2sError } from '../errors';
import { NO_KEY, serverText } from '../untrusted-text';
import { parseRetryAfter } from './retry';
import { readSse, SseEventTooLong } from './sse';
import type { RenderedPrompt } from './templates';
import { timerDelay } from '../timers';

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
    timeout: timerDelay(o.timeoutMs),
    // The client logs unparsable stream chunks to the console; our errors carry that instead.
    logLevel: 'off',
    fetch: boundedFetch,
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
  /** Longest wait for the headers and, after them, between two pieces of text (ms). */
  readonly timeoutMs: number;
  /** Longest a whole request may take (ms); default `defaultDeadlineMs(timeoutMs, max_tokens)`. */
  readonly deadlineMs?: number;
}

export interface ChoiceText {
  readonly index: number;
  readonly content: string;
  /** `reasoning_content` / `reasoning` as sent by the server, before any `<think>` split. */
  readonly reasoningField: string | null;
  readonly finishReason: string | null;
  /** Why the client stopped reading this choice before the server finished it (finishReason is then `length`). */
  readonly cutReason?: string;
}

export interface CompletionResult {
  readonly choices: ChoiceText[];
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  /** Odd things the server sent that were skipped or stringified (each said once). */
  readonly warnings: string[];
}

export type FailureKind =
  /** Try again later: 429, 5xx, timeouts, dropped connections, malformed bodies. */
  | 'retryable'
  /** This request will never succeed as is (400, 413, 422): record it on the trace and go on. */
  | 'permanent'
  /** No request of this run can succeed (401, 403, 404): stop the run. */
  | 'fatal'
  /** The sampler itself cannot go on (a request worker died): stop the run, failed, with the reason. */
  | 'crash';

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

/** Characters one token can plausibly become: 8× the ~4 of a typical BPE token, so only a runaway server reaches it. */
export const MAX_CHARS_PER_TOKEN = 32;
/** The token budget assumed when a request sets no max_tokens (a long context window). */
const UNSET_MAX_TOKENS = 131_072;
/** An error body is read up to this size; the rest is dropped unread. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** The most a GET (the list of models) may send. */
const MAX_LIST_BYTES = 16 * 1024 * 1024;
/** The most model ids kept from a list. */
const MAX_MODELS = 10_000;

/**
 * Characters of text kept per choice. Past this the text is far longer than `max_tokens` tokens could
 * be: the client stops reading and stores what it has as truncated (finish_reason `length`).
 */
export function responseCharCap(maxTokens: number | undefined): number {
  return (maxTokens ?? UNSET_MAX_TOKENS) * MAX_CHARS_PER_TOKEN + 64 * 1024;
}

/**
 * The default deadline of one request, first byte to last: the idle timeout plus max_tokens at 4
 * tokens a second, slower than any server worth waiting for.
 */
export function defaultDeadlineMs(timeoutMs: number, maxTokens: number | undefined): number {
  return timeoutMs + (maxTokens ?? UNSET_MAX_TOKENS) * 250;
}

/**
 * fetch for the openai client: an error response's body is read up to MAX_ERROR_BODY_BYTES (the
 * client reads the whole of it into one string otherwise, whatever its size); success bodies are
 * read by requestCompletion with caps of their own.
 */
async function boundedFetch(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const res = await fetch(url, init);
  if (!res.body) return res;
  const meta = { status: res.status, statusText: res.statusText, headers: res.headers };
  if (!res.ok) return new Response((await readCapped(res.body, MAX_ERROR_BODY_BYTES)).bytes, meta);
  // GET /models is read whole by the client: a list bigger than any real one fails instead of growing
  if ((init?.method ?? 'GET').toUpperCase() === 'GET')
    return new Response(res.body.pipeThrough(byteLimit(MAX_LIST_BYTES, 'the list of models')), meta);
  return res;
}

/** A stream that errors once more than `limit` bytes went through it. */
function byteLimit(limit: number, what: string): TransformStream<Uint8Array, Uint8Array> {
  let size = 0;
  return new TransformStream({
    transform(chunk, ctl) {
      size += chunk.length;
      if (size > limit) ctl.error(new Error(`${what} is over ${limit / 1048576} MB: not read further`));
      else ctl.enqueue(chunk);
    },
  });
}

/** Reads a body up to `limit` bytes; `over` tells whether there was more (left unread, the stream cancelled). */
async function readCapped(
  body: ReadableStream<Uint8Array>,
  limit: number,
  onChunk?: () => void,
): Promise<{ bytes: Uint8Array; over: boolean }> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk?.();
      if (size + value.length > limit) {
        parts.push(value.subarray(0, limit - size));
        size = limit;
        await reader.cancel().catch(() => undefined);
        return { bytes: concat(parts, size), over: true };
      }
      parts.push(value);
      size += value.length;
    }
  } finally {
    reader.releaseLock();
  }
  return { bytes: concat(parts, size), over: false };
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** What is kept of one choice while it streams. */
type Acc = { content: string[]; reasoning: string[]; chars: number; finish: string | null; cut: string | undefined };

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function safeJson(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Collects the choices of one response — streamed deltas or a whole message — enforcing the per-choice
 * cap and reading each field defensively: a server's odd values are skipped or stringified with a
 * warning, never passed on to the store as they came.
 */
class Collector {
  readonly acc = new Map<number, Acc>();
  readonly warnings = new Set<string>();
  usage: { prompt: number | null; completion: number | null } | undefined;
  private anyCut = false;

  constructor(
    private readonly n: number,
    private readonly cap: number,
    private readonly chat: boolean,
    private readonly maxTokens: number | undefined,
  ) {}

  warn(message: string): void {
    if (this.warnings.size < 20) this.warnings.add(message);
  }

  /** Takes one chunk (streamed) or the whole response; returns whether it carried text or a finish. */
  take(value: unknown, streamed: boolean): boolean {
    if (!isObject(value)) {
      this.warn(`skipped a response chunk that is ${describe(value)}, not an object`);
      return false;
    }
    if (value.usage !== undefined && value.usage !== null) this.takeUsage(value.usage);
    const choices = value.choices;
    if (choices === undefined || choices === null) return false;
    if (!Array.isArray(choices)) {
      this.warn(`skipped "choices" that is ${describe(choices)}, not an array`);
      return false;
    }
    let progress = false;
    for (const c of choices) if (this.takeChoice(c, streamed)) progress = true;
    return progress;
  }

  private takeUsage(u: unknown): void {
    if (!isObject(u)) return this.warn(`ignored "usage" that is ${describe(u)}`);
    const count = (k: string): number | null => {
      const v = u[k];
      if (v === undefined || v === null) return null;
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
      this.warn(`ignored usage.${k} that is ${describe(v)}, not a token count`);
      return null;
    };
    this.usage = { prompt: count('prompt_tokens'), completion: count('completion_tokens') };
  }

  private takeChoice(c: unknown, streamed: boolean): boolean {
    if (!isObject(c)) {
      this.warn(`skipped a choice that is ${describe(c)}, not an object`);
      return false;
    }
    const index = c.index ?? 0;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= this.n) {
      this.warn(
        `skipped a choice with index ${(safeJson(index) ?? '?').slice(0, 40)} (asked for ${this.n === 1 ? 'index 0' : `indices 0 to ${this.n - 1}`})`,
      );
      return false;
    }
    let a = this.acc.get(index);
    if (!a) this.acc.set(index, (a = { content: [], reasoning: [], chars: 0, finish: null, cut: undefined }));
    let progress = false;
    const fields = this.chat ? (streamed ? c.delta : c.message) : { content: c.text };
    if (fields !== undefined && fields !== null) {
      if (!isObject(fields))
        this.warn(`skipped choice ${index}'s ${streamed ? 'delta' : 'message'} that is ${describe(fields)}`);
      else {
        if (this.text(a, 'content', fields.content, index)) progress = true;
        const r = fields.reasoning_content ?? fields.reasoning;
        if (this.text(a, 'reasoning', r, index)) progress = true;
      }
    }
    const f = c.finish_reason;
    if (f !== undefined && f !== null && f !== '') {
      let finish: string;
      if (typeof f === 'string') finish = f.slice(0, 64);
      else {
        finish = (Array.isArray(f) || isObject(f) ? (safeJson(f) ?? 'unreadable') : String(f)).slice(0, 64);
        this.warn(`choice ${index}'s finish_reason is ${describe(f)}; stored as ${finish}`);
      }
      if (a.cut === undefined) a.finish = finish;
      progress = true;
    }
    return progress;
  }

  /** Appends text to a choice up to the cap; returns whether any text was taken. */
  private text(a: Acc, field: 'content' | 'reasoning', v: unknown, index: number): boolean {
    if (v === undefined || v === null || v === '' || a.cut !== undefined) return false;
    let s: string;
    if (typeof v === 'string') s = v;
    else {
      try {
        s = JSON.stringify(v);
      } catch {
        s = ''; // nested too deep to write back out: nothing worth keeping
      }
      this.warn(
        `choice ${index}'s ${field === 'content' ? 'content' : 'reasoning'} is ${describe(v)}, not text; stored as JSON text`,
      );
    }
    if (a.chars + s.length > this.cap) {
      s = s.slice(0, this.cap - a.chars);
      a.cut =
        `the server sent more than ${this.cap} characters for ${this.maxTokens === undefined ? 'a request without max_tokens' : `max_tokens ${this.maxTokens}`}, ` +
        `far more than that many tokens can be: stopped reading and stored the text so far as truncated`;
      a.finish = 'length';
      this.anyCut = true;
    }
    (field === 'content' ? a.content : a.reasoning).push(s);
    a.chars += s.length;
    return s.length > 0;
  }

  /** True once a choice was cut at the cap and every choice seen so far is finished: nothing more is worth reading. */
  get settled(): boolean {
    if (!this.anyCut) return false;
    for (const a of this.acc.values()) if (a.finish === null) return false;
    return true;
  }
}

/** The bounds of one request in flight: its abort controller, the idle timer and the overall deadline. */
interface RequestLimits {
  readonly controller: AbortController;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  /** (Re-)arms the idle timer: called when the headers come and whenever text (or a finish) does. */
  arm(): void;
  /** Why the request was stopped (cancel, idle, deadline), as the error to throw; undefined when it was not. */
  stopped(): RequestFailure | Cancelled | undefined;
  dispose(): void;
}

function requestLimits(spec: RequestSpec, signal: AbortSignal): RequestLimits {
  const controller = new AbortController();
  // clamped: a delay past Node's timer range would fire at once (timers.ts)
  const timeoutMs = timerDelay(spec.timeoutMs);
  const deadlineMs = timerDelay(
    spec.deadlineMs ?? defaultDeadlineMs(spec.timeoutMs, spec.params.max_tokens ?? undefined),
  );
  let why: 'idle' | 'deadline' | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = (reason: NonNullable<typeof why>) => {
    why ??= reason;
    controller.abort();
  };
  const deadline = setTimeout(() => stop('deadline'), deadlineMs);
  const onAbort = () => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const limits: RequestLimits = {
    controller,
    timeoutMs,
    deadlineMs,
    arm() {
      if (timer) timer.refresh();
      else timer = setTimeout(() => stop('idle'), timeoutMs);
    },
    stopped() {
      if (signal.aborted) return new Cancelled();
      if (why === 'idle') return new RequestFailure(`no response within ${timeoutMs / 1000} s (timeout)`, 'retryable');
      if (why === 'deadline')
        return new RequestFailure(
          `the response did not finish within ${Math.round(deadlineMs / 100) / 10} s (the per-request deadline)`,
          'retryable',
        );
      return undefined;
    },
    dispose() {
      clearTimeout(timer);
      clearTimeout(deadline);
      signal.removeEventListener('abort', onAbort);
    },
  };
  limits.arm();
  return limits;
}

/** The request body: extra body first (so it cannot override what the run decides), then model, n, params, prompt. */
function requestBody(spec: RequestSpec): Record<string, unknown> {
  const body: Record<string, unknown> = { ...(spec.extraBody ?? {}), model: spec.model, n: spec.n };
  for (const [k, v] of Object.entries(spec.params)) if (v !== undefined && v !== null) body[k] = v;
  if (spec.n === 1) delete body.n; // servers without `n` (some proxies) reject even n=1
  if (spec.prompt.api === 'chat') body.messages = spec.prompt.messages;
  else body.prompt = spec.prompt.prompt;
  if (spec.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

/** Reads a streamed (SSE) body into the collector; one event holds at most a choice's whole text, JSON-escaped (6 characters per character at worst). */
async function readStreamed(
  body: ReadableStream<Uint8Array>,
  col: Collector,
  limits: RequestLimits,
  n: number,
  cap: number,
  key: string | undefined,
): Promise<void> {
  await readSse(
    // Node's web ReadableStream is async-iterable at run time; @types/node 20 does not declare it.
    body as unknown as AsyncIterable<Uint8Array>,
    (data) => {
      if (data === '[DONE]') {
        limits.arm();
        return false;
      }
      const chunk = JSON.parse(data) as unknown;
      // vLLM and others report an error that happens mid-stream as one more event
      if (isObject(chunk) && chunk.error !== undefined && chunk.error !== null) {
        throw new RequestFailure(
          `error in the response stream: ${serverText(errorText(chunk.error), key)}`,
          'retryable',
        );
      }
      if (col.take(chunk, true)) limits.arm();
      // nothing more worth reading: returning false closes the stream (and its connection)
      return !col.settled;
    },
    n * cap * 6 + 64 * 1024,
  );
}

/** Reads a whole (non-streamed) JSON body into the collector, refusing one larger than max_tokens could produce. */
async function readWhole(
  body: ReadableStream<Uint8Array>,
  col: Collector,
  limits: RequestLimits,
  n: number,
  cap: number,
  maxTokens: number | undefined,
): Promise<void> {
  const limit = n * cap * 6 + 1024 * 1024;
  const { bytes, over } = await readCapped(body, limit, () => limits.arm());
  if (over) {
    const max = maxTokens === undefined ? 'a request without max_tokens' : `max_tokens ${maxTokens}`;
    throw new RequestFailure(
      `the response is over ${(limit / 1048576).toFixed(1)} MB, far more than ${max} can produce: stopped reading it`,
      'permanent',
    );
  }
  col.take(JSON.parse(new TextDecoder().decode(bytes)) as unknown, false);
}

/** What replaces the configured API key inside a completion's text before it is stored. */
export const REDACTED_KEY = '[redacted API key]';

/**
 * The configured key, wherever it appears whole in the text (a server or model that echoes it back),
 * replaced by REDACTED_KEY before the text is stored or exported. Only that exact string: pieces of it,
 * encodings of it (base64, spaced out) and other secrets in model output are text like any other.
 */
export function redactKeyInText(text: string, key: string | undefined): { text: string; count: number } {
  if (!key || key === NO_KEY || key.length < 6 || !text.includes(key)) return { text, count: 0 };
  const parts = text.split(key);
  return { text: parts.join(REDACTED_KEY), count: parts.length - 1 };
}

/** The collected choices in index order, each finished, the key redacted from their text (with a warning). */
function finishedChoices(col: Collector, streamed: boolean, key: string | undefined): ChoiceText[] {
  const choices: ChoiceText[] = [];
  for (const [index, a] of [...col.acc.entries()].sort((x, y) => x[0] - y[0])) {
    // A stream that ends without a finish_reason was cut off (connection closed early): not a trace.
    if (streamed && a.finish === null)
      throw new RequestFailure('the response stream ended before the generation finished', 'retryable');
    const content = redactKeyInText(a.content.join(''), key);
    const reasoning = a.reasoning.length ? redactKeyInText(a.reasoning.join(''), key) : null;
    const count = content.count + (reasoning?.count ?? 0);
    // said whatever else was said (not subject to the cap on warnings)
    if (count)
      col.warnings.add(
        `the response contained the API key ${count === 1 ? 'once' : `${count} times`} (choice ${index}): replaced by "${REDACTED_KEY}" before storing`,
      );
    choices.push({
      index,
      content: content.text,
      reasoningField: reasoning ? reasoning.text : null,
      finishReason: a.finish,
      cutReason: a.cut,
    });
  }
  return choices;
}

/** Any error of a request as what the sampler acts on: why it was stopped first, then the failure itself. */
function requestError(e: unknown, limits: RequestLimits, key: string | undefined): Error {
  if (e instanceof Cancelled) return e;
  const s = limits.stopped();
  if (s) return s;
  if (e instanceof RequestFailure) return e;
  if (e instanceof SseEventTooLong) {
    return new RequestFailure(
      `the server sent one event of more than ${(e.limit / 1048576).toFixed(1)} MB without a line break: not a completion stream`,
      'retryable',
    );
  }
  return classify(e, key);
}

/**
 * Sends one request (n choices) and collects the text of every choice. Three bounds, so that no server
 * can hang a run or exhaust its memory: an idle timer that only text (or a finish) re-arms, keep-alive
 * events and comments do not; a per-choice cap derived from max_tokens; and an overall deadline.
 */
export async function requestCompletion(
  client: OpenAI,
  spec: RequestSpec,
  signal: AbortSignal,
): Promise<CompletionResult> {
  if (signal.aborted) throw new Cancelled();
  const key = client.apiKey ?? undefined;
  const limits = requestLimits(spec, signal);
  const maxTokens = spec.params.max_tokens ?? undefined;
  const cap = responseCharCap(maxTokens);
  const chat = spec.prompt.api === 'chat';
  const col = new Collector(spec.n, cap, chat, maxTokens);
  try {
    const body = requestBody(spec);
    const options = { signal: limits.controller.signal, timeout: limits.timeoutMs, maxRetries: 0 };
    const request = chat
      ? client.chat.completions.create(body as never, options)
      : client.completions.create(body as never, options);
    // The openai client builds and sends the request and maps HTTP errors; the body is read here, bounded.
    const response = await request.asResponse();
    limits.arm(); // the headers came: from now on only text counts as progress
    if (!response.body) throw new RequestFailure('the server sent an empty response', 'retryable');
    if (spec.stream) await readStreamed(response.body, col, limits, spec.n, cap, key);
    else await readWhole(response.body, col, limits, spec.n, cap, maxTokens);
    // The client ends an aborted stream quietly instead of throwing: tell the cases apart here.
    const s = limits.stopped();
    if (s) throw s;
    if (col.acc.size === 0) throw new RequestFailure('the server sent no choices', 'retryable');
    const choices = finishedChoices(col, spec.stream, key);
    return {
      choices,
      promptTokens: col.usage?.prompt ?? null,
      completionTokens: col.usage?.completion ?? null,
      warnings: [...col.warnings],
    };
  } catch (e) {
    throw requestError(e, limits, key);
  } finally {
    limits.dispose();
  }
}

function errorText(e: unknown): string {
  if (isObject(e) && typeof e.message === 'string') return e.message;
  return typeof e === 'string' ? e : (safeJson(e) ?? 'an unreadable error');
}

/** Maps a client error to what the sampler should do about it, with a message a person can act on. */
export function classify(e: unknown, key?: string): RequestFailure {
  if (e instanceof OpenAI.APIConnectionTimeoutError)
    return new RequestFailure('no response in time (timeout)', 'retryable');
  if (e instanceof OpenAI.APIConnectionError) {
    // fetch wraps the socket error: APIConnectionError → TypeError("fetch failed") → Error{code: ECONNREFUSED}
    let code: string | undefined;
    let detail = e.message;
    for (
      let c = e.cause as { code?: string; message?: string; cause?: unknown } | undefined, depth = 0;
      c && depth < 5;
      c = c.cause as typeof c, depth++
    ) {
      code ??= c.code;
      if (c.message) detail = c.message;
    }
    return new RequestFailure(`connection failed${code ? ` (${code})` : ''}: ${serverText(detail, key)}`, 'retryable');
  }
  if (e instanceof OpenAI.APIError) {
    const status = e.status;
    const detail = serverText(serverMessage(e), key);
    const retryAfter =
      parseRetryAfter(
        e.headers?.get?.('retry-after-ms') ? String(Number(e.headers.get('retry-after-ms')) / 1000) : null,
      ) ?? parseRetryAfter(e.headers?.get?.('retry-after'));
    if (status === undefined) return new RequestFailure(`error in the response stream: ${detail}`, 'retryable');
    if (status === 401 || status === 403) {
      return new RequestFailure(
        `HTTP ${status}: ${detail}. Check the API key (W2S: Set API Key…, or --api-key-env VAR).`,
        'fatal',
        status,
      );
    }
    if (status === 404) {
      return new RequestFailure(
        `HTTP 404: ${detail}. Check the base URL (it usually ends in /v1) and the model id (W2S: Test Endpoint lists them).`,
        'fatal',
        status,
      );
    }
    if (status === 400 || status === 413 || status === 422)
      return new RequestFailure(`HTTP ${status}: ${detail}`, 'permanent', status);
    return new RequestFailure(`HTTP ${status}: ${detail}`, 'retryable', status, retryAfter);
  }
  // JSON.parse quotes the text around the error: it is the server's, so it is cleaned like any other
  if (e instanceof SyntaxError)
    return new RequestFailure(`malformed response from the server: ${serverText(e.message, key, 300)}`, 'retryable');
  const msg = e instanceof Error ? e.message : String(e);
  return new RequestFailure(`request failed: ${serverText(msg, key)}`, 'retryable');
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
    for await (const m of client.models.list({ signal, maxRetries: 0 })) {
      // ids are the server's text: keep strings only, and only as many as a person could pick from
      if (typeof (m as { id?: unknown }).id === 'string' && ids.length < MAX_MODELS) ids.push(m.id);
    }
    return ids;
  } catch (e) {
    const f = classify(e, client.apiKey ?? undefined);
    if (f.status === 404 || f.status === 405 || f.status === 501) return undefined;
    throw f;
  }
}

/** A user-facing error for a server that cannot be used at all. */
export function endpointError(baseUrl: string, f: RequestFailure): W2sError {
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|connection failed/.test(f.message)) {
    return new W2sError(
      `Cannot reach ${baseUrl}: ${f.message}. Is the server running, and is the base URL right?`,
      'ENDPOINT_UNREACHABLE',
    );
  }
  return new W2sError(
    `${baseUrl}: ${f.message}`,
    f.status === 401 || f.status === 403 ? 'ENDPOINT_AUTH' : 'ENDPOINT_ERROR',
  );
}
