import { W2sError } from '../errors';
import type { RayJobDetails, RayJobSubmitRequest, RayJobSubmitResponse, RayVersion } from './ray-api';
import { rayHttpError, rayNetworkError, type RayOperation } from './ray-errors';

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

/** A client of Ray's Jobs REST API (ray-api.ts names the source of every shape). */
export function createRayClient(conn: ClusterConnection): RayClient {
  const base = conn.address.replace(/\/+$/, '');
  const timeoutMs = conn.timeoutMs ?? 30_000;
  const headers = (): Record<string, string> => (conn.token ? { Authorization: `Bearer ${conn.token}` } : {});
  const enc = encodeURIComponent;

  async function request(op: RayOperation, method: string, path: string, init: { body?: Buffer | string; json?: unknown; signal?: AbortSignal; timeoutMs?: number; subject?: string } = {}): Promise<{ status: number; text: string }> {
    const limit = init.timeoutMs ?? timeoutMs;
    const signals = [AbortSignal.timeout(limit), ...(init.signal ? [init.signal] : [])];
    const h: Record<string, string> = { ...headers() };
    let body: Buffer | string | undefined = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      h['Content-Type'] = 'application/json';
    } else if (init.body !== undefined) h['Content-Type'] = 'application/zip';
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, headers: h, body, signal: AbortSignal.any(signals), redirect: 'manual' });
    } catch (e) {
      if (init.signal?.aborted) throw init.signal.reason ?? e;
      throw rayNetworkError(base, op, e, limit);
    }
    const text = await res.text();
    if (res.status >= 300 && res.status < 400) {
      throw new W2sError(`The Ray cluster at ${base} redirected ${method} ${path} to ${res.headers.get('location') ?? '?'} (${res.status}): a proxy asking to log in? Give the dashboard address itself, or the proxy's headers.`, 'RAY_REDIRECT');
    }
    if (res.status >= 400) throw rayHttpError(base, op, res.status, text, init.subject);
    return { status: res.status, text };
  }

  function json<T>(op: RayOperation, text: string, path: string): T {
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new W2sError(`The Ray cluster at ${base} answered ${path} with something that is not JSON ("${text.slice(0, 120)}"): is the address a Ray dashboard, or a proxy's page?`, 'RAY_PROTOCOL');
    }
  }

  const jobPath = (id: string) => `/api/jobs/${enc(id)}`;

  return {
    address: base,
    headers,
    async version(signal) {
      const { text } = await request('version', 'GET', '/api/version', { signal });
      const v = json<RayVersion>('version', text, '/api/version');
      if (!v || typeof v.ray_version !== 'string') throw new W2sError(`${base}/api/version did not answer like Ray (no ray_version): is this a Ray dashboard?`, 'RAY_PROTOCOL');
      return v;
    },
    async authenticationMode(signal) {
      try {
        const { text } = await request('auth-mode', 'GET', '/api/authentication_mode', { signal });
        const mode = (json<{ authentication_mode?: unknown }>('auth-mode', text, '/api/authentication_mode')).authentication_mode;
        return typeof mode === 'string' ? mode : undefined;
      } catch (e) {
        if (e instanceof W2sError && e.code === 'RAY_NOT_FOUND') return undefined; // Ray before token auth
        throw e;
      }
    },
    async packageExists(name, signal) {
      try {
        await request('package-check', 'GET', `/api/packages/gcs/${enc(name)}`, { signal });
        return true;
      } catch (e) {
        if (e instanceof W2sError && e.code === 'RAY_PACKAGE_MISSING') return false;
        throw e;
      }
    },
    async uploadPackage(name, zip, signal) {
      await request('package-upload', 'PUT', `/api/packages/gcs/${enc(name)}`, { body: zip, signal, timeoutMs: timeoutMs * 10 });
    },
    async submit(req, signal) {
      const { text } = await request('submit', 'POST', '/api/jobs/', { json: req, signal });
      const r = json<RayJobSubmitResponse>('submit', text, '/api/jobs/');
      if (typeof r?.submission_id !== 'string') throw new W2sError(`${base} accepted the job but returned no submission_id: ${text.slice(0, 200)}`, 'RAY_PROTOCOL');
      return r;
    },
    async job(id, signal) {
      const { text } = await request('status', 'GET', jobPath(id), { signal, subject: id });
      return json<RayJobDetails>('status', text, jobPath(id));
    },
    async list(signal) {
      const { text } = await request('list', 'GET', '/api/jobs/', { signal });
      const r = json<RayJobDetails[]>('list', text, '/api/jobs/');
      if (!Array.isArray(r)) throw new W2sError(`${base}/api/jobs/ did not return a list (Ray before 2.0 returns a dictionary; update Ray).`, 'RAY_PROTOCOL');
      return r;
    },
    async logs(id, signal) {
      const { text } = await request('logs', 'GET', `${jobPath(id)}/logs`, { signal, subject: id });
      const r = json<{ logs?: unknown }>('logs', text, `${jobPath(id)}/logs`);
      return typeof r.logs === 'string' ? r.logs : '';
    },
    async stop(id, signal) {
      const { text } = await request('stop', 'POST', `${jobPath(id)}/stop`, { signal, subject: id });
      return Boolean(json<{ stopped?: unknown }>('stop', text, `${jobPath(id)}/stop`).stopped);
    },
    async delete(id, signal) {
      const { text } = await request('delete', 'DELETE', jobPath(id), { signal, subject: id });
      return Boolean(json<{ deleted?: unknown }>('delete', text, jobPath(id)).deleted);
    },
    tailUrl(id) {
      return `${base.replace(/^http/, 'ws')}${jobPath(id)}/logs/tail`;
    },
  };
}
