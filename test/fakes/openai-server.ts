/**
 * A local OpenAI-compatible server that follows the real wire format, with fault injection.
 *
 * Shapes (field names checked against the `openai` package's own types, node_modules/openai/resources):
 * - `chat.completion` and `chat.completion.chunk`: OpenAI API reference, "Chat Completions" — the
 *   response object and the streaming chunk object (resources/chat/completions/completions.d.ts,
 *   `ChatCompletion`, `ChatCompletionChunk`); the first chunk's delta carries `role`, the last carries
 *   `finish_reason`, and with `stream_options.include_usage` one more chunk has `choices: []` and `usage`.
 * - `text_completion`: OpenAI API reference, "Completions (legacy)" (resources/completions.d.ts,
 *   `Completion`); streamed chunks are the same object with partial `text`.
 * - Server-sent events: each event is `data: <json>\n\n`; the stream ends with `data: [DONE]`
 *   (OpenAI API reference, "Streaming"; the client's core/streaming.js stops on `[DONE]`).
 * - Errors: `{ "error": { "message", "type", "param", "code" } }` with the HTTP status (OpenAI API
 *   reference, "Error codes"); 429 with `Retry-After` as rate limiters send it (RFC 9110 §10.2.3).
 * - Reasoning: `delta.reasoning_content` / `message.reasoning_content` as vLLM's reasoning parsers
 *   (docs.vllm.ai, "Reasoning Outputs") and DeepSeek (api-docs.deepseek.com, "Reasoning Model
 *   (deepseek-reasoner)") send it; `delta.reasoning` as OpenRouter (openrouter.ai/docs, "Reasoning
 *   Tokens") and newer vLLM send it; `<think>…</think>` inline as a model served without a reasoning
 *   parser writes it; only `</think>` when the chat template already opened the block (DeepSeek-R1
 *   distills, QwQ).
 *
 * Hostile servers (the faults after `length`) keep that wire format but abuse it the way broken or
 * malicious servers do: a stream that never ends or runs to hundreds of MB, keep-alive events
 * (`choices: []`, the shape of the usage chunk) or SSE comments (`: ping`, which the spec allows as
 * keep-alive) and nothing else, an error that echoes the API key, an HTML error page with terminal
 * escapes as a proxy in front of the model would send, and chunks whose fields have the wrong types.
 *
 * Run standalone: node --import tsx test/fakes/openai-server.ts --port 8000 [--reasoning think]
 *   [--chars 2000] [--chunk-chars 16] [--models a,b] [--latency-ms 0] [--no-n] [--api-key KEY]
 *   [--fault endless|huge|keepalive|comments|echo-key|html|odd-chunks]
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ReasoningStyle = 'none' | 'think' | 'think-close' | 'reasoning_content' | 'reasoning';

export type Fault =
  /** Answer with this HTTP status and an OpenAI error body (optionally a Retry-After header). */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string; readonly message?: string }
  /** Stream this many chunks, then destroy the connection (no finish_reason, no [DONE]). */
  | { readonly kind: 'drop'; readonly afterChunks?: number }
  /** A 200 whose body (or one SSE event) is not JSON. */
  | { readonly kind: 'malformed' }
  /** Wait this long before the response headers. */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** Stream a few chunks, then go silent this long before the rest. */
  | { readonly kind: 'stall'; readonly afterChunks?: number; readonly delayMs: number }
  /** Cut the generation short with finish_reason "length". */
  | { readonly kind: 'length' }
  /** Stream text deltas of `chars` characters forever (every `delayMs`, or as fast as the client reads). */
  | { readonly kind: 'endless'; readonly chars?: number; readonly delayMs?: number }
  /** Stream `megabytes` of text, then a normal finish; `oneEvent` sends it all as one SSE event (one line). */
  | { readonly kind: 'huge'; readonly megabytes: number; readonly oneEvent?: boolean }
  /** Headers, then only keep-alive forever: empty events (`choices: []`) or SSE comments, every `intervalMs`. */
  | { readonly kind: 'keepalive'; readonly style: 'empty' | 'comment'; readonly intervalMs?: number }
  /** An error (default 500) whose message echoes the request's Authorization header and other keys. */
  | { readonly kind: 'echo-key'; readonly status?: number }
  /** An HTML error page of about `kilobytes` (default 112) with terminal escapes in it, as a proxy sends. */
  | { readonly kind: 'html'; readonly status?: number; readonly kilobytes?: number }
  /** Chunks with out-of-range and negative indices, non-string content, a non-string finish_reason and usage, then the normal stream. */
  | { readonly kind: 'odd-chunks' };

export interface FaultContext {
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** The last user message (chat) or the prompt (completions). */
  readonly promptText: string;
  /** 1 for the first request with this prompt (and seed), 2 for the next… */
  readonly attempt: number;
  /** 1-based over the server's life. */
  readonly requestNumber: number;
}

export interface FakeServerOptions {
  readonly port?: number;
  readonly models?: string[];
  /** When set, requests must send `Authorization: Bearer <apiKey>` (else 401). */
  readonly apiKey?: string;
  /** Honour `n` (vLLM, OpenAI); when false, return a single choice whatever `n` says (Ollama, llama.cpp). */
  readonly supportsN?: boolean;
  readonly reasoning?: ReasoningStyle;
  /** Length of each generated completion (reasoning + answer), in characters. */
  readonly completionChars?: number;
  /** Characters per streamed delta. */
  readonly chunkChars?: number;
  /** Added before the headers of every completion response. */
  readonly latencyMs?: number;
  /** Added before the answer to GET /models (a slow endpoint check). */
  readonly modelsLatencyMs?: number;
  /** A 401 (wrong key) echoes the Authorization header it got, as some servers do. */
  readonly echoKeyOn401?: boolean;
  /** Delay between streamed chunks. */
  readonly chunkDelayMs?: number;
  readonly fault?: (ctx: FaultContext) => Fault | undefined;
  /** The boxed answer of choice `index` (default `fakeAnswer(promptText)` for every choice). */
  readonly answer?: (promptText: string, index: number) => string;
}

export interface LoggedRequest {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly status: number;
  readonly fault?: Fault['kind'];
  /** The usage the server reported for this request (when it answered one). */
  readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number };
}

export interface FakeServer {
  readonly url: string;
  readonly port: number;
  readonly requests: LoggedRequest[];
  /**
   * Empties `requests` for the next test. A request received before is never logged after it, even when
   * it ends later (an aborted stream is only noticed at its next chunk), so one test's stragglers never
   * count in the next.
   */
  clearRequests(): void;
  options: FakeServerOptions;
  close(): Promise<void>;
}

/** The deterministic answer the fake model gives for a prompt: tests can check what was stored. */
export function fakeAnswer(promptText: string): string {
  let h = 0;
  for (let i = 0; i < promptText.length; i++) h = (h * 31 + promptText.charCodeAt(i)) >>> 0;
  return String(h % 1000);
}

const tokensOf = (s: string) => Math.ceil(s.length / 4);

function generate(o: FakeServerOptions, promptText: string, index: number): { reasoning: string; answer: string } {
  const size = o.completionChars ?? 240;
  const answer = `The answer is \\boxed{${o.answer ? o.answer(promptText, index) : fakeAnswer(promptText)}}.`;
  const seedLine = `Sample ${index}. Let me think about "${promptText.slice(0, 40).replace(/\s+/g, ' ')}" step by step. `;
  let reasoning = seedLine;
  while (reasoning.length + answer.length < size) reasoning += 'We compute carefully and check each step again. ';
  return { reasoning: reasoning.slice(0, Math.max(seedLine.length, size - answer.length)).trimEnd(), answer };
}

interface ChoicePlan {
  index: number;
  reasoningField: string | null;
  content: string;
  finish: 'stop' | 'length';
}

function planChoice(
  o: FakeServerOptions,
  promptText: string,
  index: number,
  maxTokens: number | undefined,
  forceLength: boolean,
): ChoicePlan {
  const { reasoning, answer } = generate(o, promptText, index);
  const style = o.reasoning ?? 'none';
  let field: string | null = null;
  let content: string;
  if (style === 'reasoning_content' || style === 'reasoning') {
    field = reasoning;
    content = answer;
  } else if (style === 'think') content = `<think>\n${reasoning}\n</think>\n\n${answer}`;
  else if (style === 'think-close') content = `${reasoning}\n</think>\n\n${answer}`;
  else content = `${reasoning}\n${answer}`;
  let finish: 'stop' | 'length' = 'stop';
  const limitChars = forceLength
    ? Math.floor((field ?? '').length + content.length / 2)
    : maxTokens !== undefined
      ? maxTokens * 4
      : Infinity;
  const fieldLen = field?.length ?? 0;
  if (fieldLen + content.length > limitChars) {
    finish = 'length';
    if (field !== null && fieldLen >= limitChars) {
      field = field.slice(0, limitChars);
      content = '';
    } else content = content.slice(0, limitChars - fieldLen);
  }
  return { index, reasoningField: field, content, finish };
}

function promptTextOf(path: string, body: Record<string, unknown>): string {
  if (path.endsWith('/chat/completions')) {
    const msgs = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: unknown }[]) : [];
    const user = [...msgs].reverse().find((m) => m.role === 'user');
    return typeof user?.content === 'string' ? user.content : '';
  }
  return typeof body.prompt === 'string' ? body.prompt : '';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const requests: LoggedRequest[] = [];
  let logEpoch = 0;
  const attempts = new Map<string, number>();
  let count = 0;
  const state = { options };
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => res.destroy());
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 60_000;

  const sendError = (
    res: http.ServerResponse,
    status: number,
    message: string,
    type: string,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
    const o = state.options;
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const models = o.models ?? ['fake-model'];
    if (o.apiKey !== undefined && req.headers.authorization !== `Bearer ${o.apiKey}`) {
      requests.push({ path, body: {}, status: 401 });
      const echo = o.echoKeyOn401 ? ` You sent "Authorization: ${req.headers.authorization ?? ''}".` : '';
      return sendError(res, 401, `Incorrect API key provided.${echo}`, 'invalid_request_error');
    }
    if (req.method === 'GET' && path === '/v1/models') {
      if (o.modelsLatencyMs) await sleep(o.modelsLatencyMs);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: models.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'fake' })),
        }),
      );
      return;
    }
    const chat = path === '/v1/chat/completions';
    if (req.method !== 'POST' || (!chat && path !== '/v1/completions'))
      return sendError(res, 404, `Not found: ${req.method} ${path}`, 'not_found_error');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return sendError(res, 400, 'Request body is not JSON.', 'invalid_request_error');
    }
    const requestNumber = ++count;
    if (typeof body.model !== 'string' || !models.includes(body.model)) {
      requests.push({ path, body, status: 404 });
      return sendError(res, 404, `The model \`${String(body.model)}\` does not exist.`, 'NotFoundError');
    }
    const promptText = promptTextOf(path, body);
    const key = `${path}\u0000${promptText}\u0000${String(body.seed ?? '')}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const fault = o.fault?.({ path, body, promptText, attempt, requestNumber });
    const stream = body.stream === true;
    let reported: LoggedRequest['usage'];
    const epoch = logEpoch;
    const log = (status: number): void => {
      if (epoch === logEpoch)
        requests.push({
          path,
          body,
          status,
          fault: fault?.kind,
          get usage() {
            return reported;
          },
        });
    };

    if (o.latencyMs) await sleep(o.latencyMs);
    if (fault?.kind === 'slow') await sleep(fault.delayMs);
    if (res.destroyed) return log(0);
    if (fault?.kind === 'status') {
      log(fault.status);
      return sendError(
        res,
        fault.status,
        fault.message ?? `Injected HTTP ${fault.status}`,
        fault.status === 429 ? 'rate_limit_error' : 'server_error',
        fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {},
      );
    }
    if (fault?.kind === 'echo-key') {
      const status = fault.status ?? 500;
      log(status);
      const auth = req.headers.authorization ?? '';
      const key = auth.replace(/^Bearer\s+/i, '');
      return sendError(
        res,
        status,
        `Upstream rejected the request (headers: {"authorization": "${auth}"}; api_key=${key}; ` +
          `fallback keys gsk_${'G'.repeat(40)} hf_${'H'.repeat(34)} tgp_v1_${'T'.repeat(40)})`,
        'server_error',
      );
    }
    if (fault?.kind === 'html') {
      const status = fault.status ?? 502;
      log(status);
      res.writeHead(status, { 'content-type': 'text/html' });
      return void res.end(htmlErrorPage(status, fault.kilobytes ?? 112));
    }
    const n = o.supportsN === false ? 1 : Math.max(1, Number(body.n ?? 1));
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : undefined;
    const plans = Array.from({ length: n }, (_, i) =>
      planChoice(o, promptText, i, maxTokens, fault?.kind === 'length'),
    );
    const promptTokens = tokensOf(chat ? JSON.stringify(body.messages) : promptText);
    const completionTokens = plans.reduce((a, p) => a + tokensOf((p.reasoningField ?? '') + p.content), 0);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    const id = `${chat ? 'chatcmpl' : 'cmpl'}-${requestNumber}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model;
    const field = o.reasoning === 'reasoning' ? 'reasoning' : 'reasoning_content';
    log(200);

    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (fault?.kind === 'malformed') return void res.end('{"id": "broken", "choices": [');
      if (fault?.kind === 'drop') return void res.socket?.destroy();
      const choices = plans.map((p) =>
        chat
          ? {
              index: p.index,
              message: {
                role: 'assistant',
                content: p.content,
                ...(p.reasoningField !== null ? { [field]: p.reasoningField } : {}),
              },
              logprobs: null,
              finish_reason: p.finish,
            }
          : { index: p.index, text: p.content, logprobs: null, finish_reason: p.finish },
      );
      reported = usage;
      return void res.end(
        JSON.stringify({ id, object: chat ? 'chat.completion' : 'text_completion', created, model, choices, usage }),
      );
    }

    // SSE: one `data:` event per chunk; frames are written in batches so that "no artificial latency"
    // really means the server is not the bottleneck.
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    if (fault && (fault.kind === 'endless' || fault.kind === 'huge' || fault.kind === 'keepalive'))
      return hostileStream(res, fault, {
        id,
        object: chat ? 'chat.completion.chunk' : 'text_completion',
        created,
        model,
        chat,
      });
    const size = o.chunkChars ?? 16;
    const events: string[] = [];
    const object = chat ? 'chat.completion.chunk' : 'text_completion';
    const ev = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      events.push(`data: ${JSON.stringify({ id, object, created, model, choices, ...extra })}\n\n`);
    for (const p of plans) {
      if (chat)
        ev([{ index: p.index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
      if (p.reasoningField)
        for (let i = 0; i < p.reasoningField.length; i += size)
          ev([
            {
              index: p.index,
              delta: { [field]: p.reasoningField.slice(i, i + size) },
              logprobs: null,
              finish_reason: null,
            },
          ]);
      for (let i = 0; i < p.content.length; i += size) {
        const piece = p.content.slice(i, i + size);
        ev([
          chat
            ? { index: p.index, delta: { content: piece }, logprobs: null, finish_reason: null }
            : { index: p.index, text: piece, logprobs: null, finish_reason: null },
        ]);
      }
      ev([
        chat
          ? { index: p.index, delta: {}, logprobs: null, finish_reason: p.finish }
          : { index: p.index, text: '', logprobs: null, finish_reason: p.finish },
      ]);
    }
    const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage) ev([], { usage });
    events.push('data: [DONE]\n\n');
    reported = usage;
    if (fault?.kind === 'odd-chunks')
      events.splice(chat ? 1 : 0, 0, ...oddChunks({ id, object, created, model }, chat));

    if (fault?.kind === 'malformed') {
      res.write(events[0]!);
      res.write('data: {"id": "broken", "choices": [{"index": 0, "delta": {"content": "oops"\n\n');
      return void res.end();
    }
    if (fault?.kind === 'drop') {
      res.write(events.slice(0, fault.afterChunks ?? 3).join(''));
      await sleep(5);
      return void res.socket?.destroy();
    }
    if (fault?.kind === 'stall') {
      const k = fault.afterChunks ?? 2;
      res.write(events.slice(0, k).join(''));
      await sleep(fault.delayMs);
      if (res.destroyed) return;
      res.end(events.slice(k).join(''));
      return;
    }
    if (o.chunkDelayMs) {
      for (const e of events) {
        if (res.destroyed) return;
        res.write(e);
        await sleep(o.chunkDelayMs);
      }
      return void res.end();
    }
    res.end(events.join(''));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    clearRequests() {
      logEpoch++;
      requests.length = 0;
    },
    get options() {
      return state.options;
    },
    /** New behaviour for the next requests; attempt and request counters start again. */
    set options(v: FakeServerOptions) {
      state.options = v;
      attempts.clear();
      count = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A proxy's error page: a title, a big body, and terminal escapes (clear screen, set window title) in it. */
function htmlErrorPage(status: number, kilobytes: number): string {
  const head =
    `<!DOCTYPE html>\n<html><head><title>${status} Bad Gateway</title><style>body{font-family:sans-serif}</style></head>\n<body><h1>${status} Bad Gateway</h1>\n` +
    `<p>The upstream server is unavailable.\u001b[2J\u001b]0;pwned\u0007\u001b[31m</p>\n`;
  const filler = '<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.</p>\n';
  return (
    head +
    filler.repeat(Math.max(0, Math.ceil((kilobytes * 1024 - head.length) / filler.length))) +
    '<hr><center>nginx</center></body></html>\n'
  );
}

/** Chunks a careless or hostile server may send; a client must skip or stringify them, never crash. */
function oddChunks(base: Record<string, unknown>, chat: boolean): string[] {
  const choice = (index: unknown, content: unknown, extra: Record<string, unknown> = {}) =>
    chat
      ? { index, delta: { content }, logprobs: null, finish_reason: null, ...extra }
      : { index, text: content, logprobs: null, finish_reason: null, ...extra };
  const chunks: unknown[] = [
    { ...base, choices: [choice(7, 'from a choice that was never asked for ')] },
    { ...base, choices: [choice(-1, 'from a negative index ')] },
    { ...base, choices: [choice(0.5, 'from a fractional index ')] },
    { ...base, choices: [choice(0, { type: 'text', text: 'an object' })] },
    { ...base, choices: [choice(0, 42)] },
    { ...base, choices: [choice(0, ['an', 'array'])] },
    { ...base, choices: [{ ...choice(0, ''), finish_reason: { why: 'object' } }] },
    { ...base, choices: 'not a list' },
    { ...base, choices: [null, 5] },
    { ...base, choices: [], usage: { prompt_tokens: 'many', completion_tokens: { n: 1 } } },
  ];
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`);
}

/** The never-ending, huge and keep-alive-only streams; written with backpressure so the server itself stays small. */
async function hostileStream(
  res: http.ServerResponse,
  fault: Extract<Fault, { kind: 'endless' | 'huge' | 'keepalive' }>,
  base: { id: string; object: string; created: number; model: unknown; chat: boolean },
): Promise<void> {
  const { chat, ...head } = base;
  const delta = (text: string, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...head, choices: [chat ? { index: 0, delta: { content: text }, logprobs: null, finish_reason: finish } : { index: 0, text, logprobs: null, finish_reason: finish }] })}\n\n`;
  const write = async (s: string): Promise<boolean> => {
    if (res.destroyed || res.writableEnded) return false;
    if (!res.write(s)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
    return !res.destroyed;
  };
  if (fault.kind === 'keepalive') {
    const event = fault.style === 'comment' ? ': ping\n\n' : `data: ${JSON.stringify({ ...head, choices: [] })}\n\n`;
    while (await write(event)) await sleep(fault.intervalMs ?? 50);
    return;
  }
  if (fault.kind === 'endless') {
    const text = 'all work and no play makes a dull model '
      .repeat(Math.ceil((fault.chars ?? 4096) / 40))
      .slice(0, fault.chars ?? 4096);
    const event = delta(text);
    while (await write(event)) if (fault.delayMs) await sleep(fault.delayMs);
    return;
  }
  const total = fault.megabytes * 1024 * 1024;
  const piece = 'x'.repeat(64 * 1024);
  if (fault.oneEvent) {
    // one `data:` line of `megabytes`, with no newline until its end
    const [open, close] = delta('@@').split('@@') as [string, string];
    if (!(await write(open))) return;
    for (let sent = 0; sent < total; sent += piece.length) if (!(await write(piece))) return;
    if (!(await write(close))) return;
  } else {
    const event = delta(piece);
    for (let sent = 0; sent < total; sent += piece.length) if (!(await write(event))) return;
  }
  if (await write(delta('', 'stop'))) await write('data: [DONE]\n\n');
  res.end();
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `--fault NAME` for a standalone server: every completion request gets that fault. */
function faultByName(name: string | undefined): FakeServerOptions['fault'] {
  const faults: Record<string, Fault> = {
    endless: { kind: 'endless' },
    huge: { kind: 'huge', megabytes: 300 },
    keepalive: { kind: 'keepalive', style: 'empty' },
    comments: { kind: 'keepalive', style: 'comment' },
    'echo-key': { kind: 'echo-key' },
    html: { kind: 'html' },
    'odd-chunks': { kind: 'odd-chunks' },
  };
  if (name === undefined) return undefined;
  const f = faults[name];
  if (!f) throw new Error(`--fault must be one of ${Object.keys(faults).join(', ')}`);
  return () => f;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const num = (name: string) => (argValue(args, name) === undefined ? undefined : Number(argValue(args, name)));
  void startFakeServer({
    port: num('--port') ?? 8000,
    models: argValue(args, '--models')?.split(','),
    reasoning: argValue(args, '--reasoning') as ReasoningStyle | undefined,
    completionChars: num('--chars'),
    chunkChars: num('--chunk-chars'),
    latencyMs: num('--latency-ms'),
    chunkDelayMs: num('--chunk-delay-ms'),
    supportsN: !args.includes('--no-n'),
    apiKey: argValue(args, '--api-key'),
    fault: faultByName(argValue(args, '--fault')),
  }).then((s) => {
    process.stdout.write(`fake OpenAI-compatible server listening on ${s.url}\n`);
  });
}
