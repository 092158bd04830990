import * as http from 'node:http';
import * as https from 'node:https';
import { W2sError } from '../errors';
import { serverText } from '../untrusted-text';
import { timerDelay } from '../timers';
import { rayHttpError, rayNetworkError, type RayOperation } from './ray-errors';

/**
 * One HTTP exchange with a Ray dashboard, over node:http / node:https — never the global fetch:
 * undici adds `Sec-Fetch-Mode: cors` to every request and a caller cannot remove it, and Ray's browser
 * guard (python/ray/_private/browser_request_middleware.py, RAY-JOBS.md "Browser guard") answers such a
 * request 405 for anything but GET/HEAD/OPTIONS. Node's http client adds only Host, Connection and,
 * with a body, Content-Length: no User-Agent, no Origin, no Referer, no Accept-Encoding (so no gzip
 * for us to inflate: a compressed answer stays a capped run of bytes).
 *
 * Every answer is read through one capped reader, and one deadline covers connecting, the headers and
 * the body: an address that streams forever costs at most `maxBytes` and `timeoutMs`.
 */

export interface RayHttpRequest {
  readonly op: RayOperation;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: Buffer;
  readonly contentType?: string;
  readonly timeoutMs: number;
  /** The most of a successful answer's body that is read (an error's body: ERROR_BODY_BYTES). */
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
  /** Job id, for messages. */
  readonly subject?: string;
}

export interface RayHttpAnswer {
  readonly status: number;
  readonly text: string;
}

/** What is read of an error's body: Ray's are tracebacks (a few KB); a proxy's page is cut here. */
export const ERROR_BODY_BYTES = 64 * 1024;

/** Bytes of `res`, stopping at `limit` (the rest is never read: the socket is closed). */
export function readCapped(res: http.IncomingMessage, limit: number): Promise<{ bytes: Buffer; over: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (over: boolean) => {
      if (done) return;
      done = true;
      res.removeAllListeners('data');
      if (over) res.destroy();
      resolve({ bytes: Buffer.concat(chunks, Math.min(size, limit)), over });
    };
    res.on('data', (c: Buffer) => {
      if (done) return;
      const room = limit - size;
      if (c.length > room) {
        chunks.push(c.subarray(0, room));
        size = limit;
        finish(true);
        return;
      }
      chunks.push(c);
      size += c.length;
    });
    res.on('end', () => finish(false));
    res.on('error', (e) => (done ? undefined : ((done = true), reject(e))));
    res.on('aborted', () =>
      done
        ? undefined
        : ((done = true), reject(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' }))),
    );
  });
}

export interface RayTransport {
  readonly base: string;
  /** Authorization only: the headers of every request and of the log WebSocket's upgrade. */
  headers(): Record<string, string>;
  /** `text` with the token, and anything after Bearer, masked; terminal controls removed. */
  redact(text: string, max?: number): string;
  send(req: RayHttpRequest): Promise<RayHttpAnswer>;
}

export function createRayTransport(address: string, token: string | undefined): RayTransport {
  const base = address.replace(/\/+$/, '');
  const headers = (): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});
  const redact = (text: string, max = 4000) => serverText(text, token, max);
  const lib = base.startsWith('https:') ? https : http;

  function exchange(req: RayHttpRequest): Promise<{ res: http.IncomingMessage; text: string; over: boolean }> {
    return new Promise((resolve, reject) => {
      const h: Record<string, string> = { ...headers(), Accept: 'application/json' };
      if (req.body) {
        h['Content-Type'] = req.contentType ?? 'application/octet-stream';
        h['Content-Length'] = String(req.body.length);
      }
      let settled = false;
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(e);
      };
      const r = lib.request(`${base}${req.path}`, { method: req.method, headers: h, agent: false });
      const timer = setTimeout(() => {
        const e = Object.assign(new Error(`no complete answer within ${req.timeoutMs} ms`), { name: 'TimeoutError' });
        fail(e);
        r.destroy(e);
      }, timerDelay(req.timeoutMs));
      const onAbort = () => {
        fail(req.signal!.reason ?? Object.assign(new Error('cancelled'), { name: 'AbortError' }));
        r.destroy();
      };
      const cleanup = () => {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
      };
      // before anything can destroy it: a destroyed request emits 'error', which without a listener ends the process
      r.on('error', fail);
      if (req.signal?.aborted) return onAbort();
      req.signal?.addEventListener('abort', onAbort, { once: true });
      r.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const limit = status >= 200 && status < 300 ? req.maxBytes : ERROR_BODY_BYTES;
        readCapped(res, limit).then(({ bytes, over }) => {
          if (settled) return;
          settled = true;
          cleanup();
          resolve({ res, text: bytes.toString('utf8'), over });
        }, fail);
      });
      r.end(req.body);
    });
  }

  async function send(req: RayHttpRequest): Promise<RayHttpAnswer> {
    let got: { res: http.IncomingMessage; text: string; over: boolean };
    try {
      got = await exchange(req);
    } catch (e) {
      if (req.signal?.aborted) throw req.signal.reason ?? e;
      throw rayNetworkError(base, req.op, e, req.timeoutMs, redact);
    }
    const { res, text, over } = got;
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400) {
      throw new W2sError(
        `The Ray cluster at ${base} redirected ${req.method} ${req.path} to ${redact(String(res.headers.location ?? '?'), 300)} (${status}): a proxy asking to log in? Give the dashboard address itself, or the proxy's headers.`,
        'RAY_REDIRECT',
      );
    }
    if (status >= 400 || status < 200) throw rayHttpError(base, req.op, status, text, req.subject, redact);
    if (over) {
      throw new W2sError(
        `The Ray cluster at ${base} answered ${req.method} ${req.path} with more than ${formatBytes(req.maxBytes)}, far more than Ray sends there: stopped reading. Is the address a Ray dashboard (port 8265), and not something else?`,
        'RAY_PROTOCOL',
      );
    }
    return { status, text };
  }

  return { base, headers, redact, send };
}

export function formatBytes(n: number): string {
  return n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(n % 2 ** 20 ? 1 : 0)} MiB` : `${Math.round(n / 1024)} KiB`;
}
