import { W2sError } from '../errors';
import { redactSecrets } from '../untrusted-text';
import type { RayJobDetails, RayJobSubmitRequest, RayJobSubmitResponse, RayVersion } from './ray-api';
import type { RayOperation } from './ray-errors';
import { createRayTransport, type RayHttpRequest, type RayTransport } from './ray-http';

/** Where the cluster is and how to prove who we are. The token is sent, never stored or logged. */
export interface ClusterConnection {
  /** Normalized dashboard address, e.g. http://10.0.0.5:8265 (cluster.ts normalizeClusterAddress). */
  readonly address: string;
  readonly token?: string;
  /** Per request (default 30 s; uploads get ten times that). */
  readonly timeoutMs?: number;
}

export interface RayClient {
  readonly address: string;
  /** Headers of every request, the WebSocket upgrade included. */
  headers(): Record<string, string>;
  /** Masks the token (and anything after Bearer) and terminal controls in text from the cluster, before it is shown or stored. */
  redact(text: string): string;
  version(signal?: AbortSignal): Promise<RayVersion>;
  /** "token" | "disabled", or undefined when the cluster predates the endpoint. */
  authenticationMode(signal?: AbortSignal): Promise<string | undefined>;
  packageExists(name: string, signal?: AbortSignal): Promise<boolean>;
  uploadPackage(name: string, zip: Buffer, signal?: AbortSignal): Promise<void>;
  submit(request: RayJobSubmitRequest, signal?: AbortSignal): Promise<RayJobSubmitResponse>;
  job(submissionId: string, signal?: AbortSignal): Promise<RayJobDetails>;
  list(signal?: AbortSignal): Promise<RayJobDetails[]>;
  logs(submissionId: string, signal?: AbortSignal): Promise<string>;
  stop(submissionId: string, signal?: AbortSignal): Promise<boolean>;
  delete(submissionId: string, signal?: AbortSignal): Promise<boolean>;
  /** ws:// or wss:// URL of the log tail. */
  tailUrl(submissionId: string): string;
}

/** The most of each kind of answer that is read (Ray's own answers are far smaller, but for logs). */
export const ANSWER_CAPS = {
  /** version, job details, submit/stop/delete answers. */
  small: 1024 * 1024,
  /** GET /api/jobs/: every job the cluster remembers. */
  list: 32 * 1024 * 1024,
  /** GET …/logs: Ray sends at most the last 16 MiB of a log (RAY_JOB_LOG_MAX_READ_BYTES), JSON-escaped. */
  logs: 48 * 1024 * 1024,
} as const;

/** Parses a JSON answer, or says (with a redacted excerpt) that the address is not answering like Ray. */
function decodeJson<T>(transport: RayTransport, text: string, path: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new W2sError(
      `The Ray cluster at ${transport.base} answered ${path} with something that is not JSON ("${transport.redact(text.slice(0, 200), 120)}"): is the address a Ray dashboard, or a proxy's page?`,
      'RAY_PROTOCOL',
    );
  }
}

type Call = <T>(
  op: RayOperation,
  method: RayHttpRequest['method'],
  path: string,
  init?: {
    body?: Buffer;
    json?: unknown;
    signal?: AbortSignal;
    timeoutMs?: number;
    subject?: string;
    maxBytes?: number;
  },
) => Promise<T>;

/** A request whose answer is JSON (or nothing, for the package calls). */
function jsonCall(transport: RayTransport, timeoutMs: number): Call {
  return async (op, method, path, init = {}) => {
    const body = init.json !== undefined ? Buffer.from(JSON.stringify(init.json), 'utf8') : init.body;
    const { text } = await transport.send({
      op,
      method,
      path,
      body,
      contentType: init.json !== undefined ? 'application/json' : 'application/zip',
      signal: init.signal,
      timeoutMs: init.timeoutMs ?? timeoutMs,
      maxBytes: init.maxBytes ?? ANSWER_CAPS.small,
      subject: init.subject,
    });
    return (
      text === '' && (op === 'package-check' || op === 'package-upload') ? undefined : decodeJson(transport, text, path)
    ) as never;
  };
}

/** GET /api/version and /api/authentication_mode: who the cluster is. */
function identityCalls(call: Call, base: string): Pick<RayClient, 'version' | 'authenticationMode'> {
  return {
    async version(signal) {
      const v = await call<RayVersion>('version', 'GET', '/api/version', { signal });
      if (!v || typeof v.ray_version !== 'string')
        throw new W2sError(
          `${base}/api/version did not answer like Ray (no ray_version): is this a Ray dashboard?`,
          'RAY_PROTOCOL',
        );
      return v;
    },
    async authenticationMode(signal) {
      try {
        const mode = (
          await call<{ authentication_mode?: unknown } | null>('auth-mode', 'GET', '/api/authentication_mode', {
            signal,
          })
        )?.authentication_mode;
        return typeof mode === 'string' ? mode : undefined;
      } catch (e) {
        if (e instanceof W2sError && e.code === 'RAY_NOT_FOUND') return undefined; // Ray before token auth
        throw e;
      }
    },
  };
}

/** GET/PUT /api/packages/gcs/…: the job bundle. */
function packageCalls(call: Call, timeoutMs: number): Pick<RayClient, 'packageExists' | 'uploadPackage'> {
  const enc = encodeURIComponent;
  return {
    async packageExists(name, signal) {
      try {
        await call('package-check', 'GET', `/api/packages/gcs/${enc(name)}`, { signal });
        return true;
      } catch (e) {
        if (e instanceof W2sError && e.code === 'RAY_PACKAGE_MISSING') return false;
        throw e;
      }
    },
    async uploadPackage(name, zip, signal) {
      await call('package-upload', 'PUT', `/api/packages/gcs/${enc(name)}`, {
        body: zip,
        signal,
        timeoutMs: timeoutMs * 10,
      });
    },
  };
}

/** /api/jobs/…: submit, read, stop, delete. Text the job wrote (message, logs) comes back redacted. */
function jobCalls(
  call: Call,
  t: RayTransport,
  redactLog: (text: string) => string,
): Omit<
  RayClient,
  'address' | 'headers' | 'redact' | 'version' | 'authenticationMode' | 'packageExists' | 'uploadPackage'
> {
  const jobPath = (id: string) => `/api/jobs/${encodeURIComponent(id)}`;
  const clean = (d: RayJobDetails): RayJobDetails =>
    d && typeof d.message === 'string' ? { ...d, message: t.redact(d.message, 30_000) } : d;
  return {
    async submit(req, signal) {
      const r = await call<RayJobSubmitResponse>('submit', 'POST', '/api/jobs/', { json: req, signal });
      if (typeof r?.submission_id !== 'string')
        throw new W2sError(
          `${t.base} accepted the job but returned no submission_id: ${t.redact(JSON.stringify(r), 200)}`,
          'RAY_PROTOCOL',
        );
      return r;
    },
    async job(id, signal) {
      return clean(await call<RayJobDetails>('status', 'GET', jobPath(id), { signal, subject: id }));
    },
    async list(signal) {
      const r = await call<RayJobDetails[]>('list', 'GET', '/api/jobs/', { signal, maxBytes: ANSWER_CAPS.list });
      if (!Array.isArray(r))
        throw new W2sError(
          `${t.base}/api/jobs/ did not return a list (Ray before 2.0 returns a dictionary; update Ray).`,
          'RAY_PROTOCOL',
        );
      return r.map(clean);
    },
    async logs(id, signal) {
      const r = await call<{ logs?: unknown } | null>('logs', 'GET', `${jobPath(id)}/logs`, {
        signal,
        subject: id,
        maxBytes: ANSWER_CAPS.logs,
      });
      return typeof r?.logs === 'string' ? redactLog(r.logs) : '';
    },
    async stop(id, signal) {
      return Boolean(
        (await call<{ stopped?: unknown } | null>('stop', 'POST', `${jobPath(id)}/stop`, { signal, subject: id }))
          ?.stopped,
      );
    },
    async delete(id, signal) {
      return Boolean(
        (await call<{ deleted?: unknown } | null>('delete', 'DELETE', jobPath(id), { signal, subject: id }))?.deleted,
      );
    },
    tailUrl(id) {
      return `${t.base.replace(/^http/, 'ws')}${jobPath(id)}/logs/tail`;
    },
  };
}

/** A client of Ray's Jobs REST API (ray-api.ts names the source of every shape; ray-http.ts how it is spoken). */
export function createRayClient(conn: ClusterConnection): RayClient {
  const transport = createRayTransport(conn.address, conn.token);
  const timeoutMs = conn.timeoutMs ?? 30_000;
  const call = jsonCall(transport, timeoutMs);
  // log lines keep their length (a sample record may be long); only secrets are masked
  const redact = (text: string) => redactSecrets(text, conn.token);
  return {
    address: transport.base,
    headers: transport.headers,
    redact,
    ...identityCalls(call, transport.base),
    ...packageCalls(call, timeoutMs),
    ...jobCalls(call, transport, redact),
  };
}
