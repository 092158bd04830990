import { W2sError } from '../errors';
import { serverText } from '../untrusted-text';

/**
 * Every way the Ray Jobs API can fail, as a message that says what happened and what to do. Ray's own
 * error bodies are Python tracebacks (job_head.py answers `traceback.format_exc()` with 400 or 500);
 * the last line is the exception and usually all a user needs.
 */

export type RayOperation =
  | 'version'
  | 'auth-mode'
  | 'package-check'
  | 'package-upload'
  | 'submit'
  | 'status'
  | 'list'
  | 'logs'
  | 'tail'
  | 'stop'
  | 'delete';

const OP_TEXT: Record<RayOperation, string> = {
  version: 'asking for its version (GET /api/version)',
  'auth-mode': 'asking for its authentication mode',
  'package-check': 'checking for the job bundle (GET /api/packages/gcs/…)',
  'package-upload': 'uploading the job bundle (PUT /api/packages/gcs/…)',
  submit: 'submitting the job (POST /api/jobs/)',
  status: 'reading the job status',
  list: 'listing jobs',
  logs: 'reading the job log',
  tail: 'following the job log (WebSocket …/logs/tail)',
  stop: 'stopping the job',
  delete: 'deleting the job',
};

const TOKEN_HELP =
  'Set it with "W2S: Connect to Cluster…" (VS Code) or the W2S_CLUSTER_TOKEN environment variable (CLI); on the head node, `ray get-auth-token` prints it.';

/** The last meaningful line of a Python traceback (the exception), or the text itself. */
export function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^\^+$/.test(l));
  const line = lines.at(-1) ?? '';
  // The head wraps the agent's answer: "RuntimeError: Request failed with status code 400: Traceback …"
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

/** Masks the cluster token (and anything after Bearer) in text from the cluster: every message goes through it. */
export type Redact = (text: string, max?: number) => string;
const ANONYMOUS: Redact = (text, max) => serverText(text, undefined, max);

export function rayHttpError(
  address: string,
  op: RayOperation,
  status: number,
  body: string,
  subject?: string,
  redact: Redact = ANONYMOUS,
): W2sError {
  const where = `the Ray cluster at ${address}`;
  const doing = OP_TEXT[op];
  // Ray's own error bodies are tracebacks; a proxy's is a page. Either may echo the token.
  const text = redact(body, 16_000).trim();
  if (status === 401) {
    return new W2sError(
      `${where} requires a token (401 ${lastLine(text) || 'Unauthorized'}) while ${doing}. ${TOKEN_HELP}`,
      'RAY_AUTH',
    );
  }
  if (status === 403) {
    return new W2sError(
      `${where} refused the token (403 ${lastLine(text) || 'Forbidden'}) while ${doing}. Check the token: ${TOKEN_HELP}`,
      'RAY_AUTH',
    );
  }
  if (status === 404) {
    if (op === 'version') {
      return new W2sError(
        `${address} answered 404 to GET /api/version: it is not a Ray dashboard with the Jobs API (give the dashboard address, port 8265 by default).`,
        'RAY_NOT_RAY',
      );
    }
    if (op === 'package-check') return new W2sError(`package not found: ${text}`, 'RAY_PACKAGE_MISSING');
    return new W2sError(
      `${subject ? `Job ${subject}` : 'The job'} does not exist on ${where} (404 while ${doing}). Ray keeps jobs only while its head node runs: ` +
        'the cluster may have restarted, or the job was deleted.',
      'RAY_NOT_FOUND',
    );
  }
  if (status === 413 || /Maximum request body size \d+ exceeded/.test(text)) {
    // aiohttp's HTTPRequestEntityTooLarge text, raised by request.read() past the dashboard's
    // client_max_size (ray_constants.DASHBOARD_CLIENT_MAX_SIZE, 100 MiB; http_server_head.py): a 413
    // outside a handler, a 500 traceback inside upload_package (job_head.py).
    return new W2sError(
      `${where} (or a proxy in front of it) refused the upload as too large (${status}${/Maximum request body size/.test(text) ? `: ${lastLine(text)}` : ''}) while ${doing}. ` +
        'Ray takes at most 100 MiB per request: put large data on storage every node shares and give its path (--cluster-dataset PATH, or "A path on the cluster…" in VS Code).',
      'RAY_TOO_LARGE',
    );
  }
  if (status === 405 && /browser traffic/i.test(text)) {
    // python/ray/_private/browser_request_middleware.py (and the older browsers_no_post_put_middleware in
    // dashboard/http_server_head.py): a request that looks like a browser's may not change anything.
    return new W2sError(
      `${where} refused the request as browser traffic (405 ${lastLine(text)}) while ${doing}: something between here and the dashboard adds a ` +
        'browser header (User-Agent "Mozilla…", Origin, Referer or Sec-Fetch-*). Reach the dashboard directly or have the proxy drop those headers.',
      'RAY_BROWSER_GUARD',
    );
  }
  if (status === 503 || status === 502 || status === 504) {
    return new W2sError(
      `${where} is temporarily unavailable (${status}) while ${doing}: ${lastLine(text) || 'no details'}. Try again in a moment.`,
      'RAY_UNAVAILABLE',
    );
  }
  const reason = lastLine(text);
  if (/already exists/.test(text)) {
    return new W2sError(
      `${where} already has a job with this submission id (${reason}). Choose another job name.`,
      'RAY_DUPLICATE',
    );
  }
  if (/non-terminal state/.test(text)) {
    return new W2sError(
      `${where} cannot delete ${subject ?? 'the job'} while it runs (${reason}). Stop it first, then delete it.`,
      'RAY_NOT_TERMINAL',
    );
  }
  if (/exceeds the maximum size|size .* exceeds/i.test(text)) {
    return new W2sError(
      `${where} refused the job bundle as too large (${reason}). Put large data on storage the cluster shares and give its path.`,
      'RAY_TOO_LARGE',
    );
  }
  if (status === 400) {
    return new W2sError(
      `${where} rejected the request (400) while ${doing}: ${reason || 'no details'}.`,
      'RAY_BAD_REQUEST',
    );
  }
  return new W2sError(`${where} failed (${status}) while ${doing}: ${reason || 'no details'}.`, 'RAY_SERVER');
}

/** A request that never got an HTTP answer: refused, unknown host, TLS, timeout. */
export function rayNetworkError(
  address: string,
  op: RayOperation,
  e: unknown,
  timeoutMs: number,
  redact: Redact = ANONYMOUS,
): W2sError {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? (err as { code?: string }).code ?? '';
  const detail = redact(err.cause?.message ?? err.message ?? String(e), 500);
  const doing = OP_TEXT[op];
  if (
    err.name === 'TimeoutError' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ETIMEDOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT'
  ) {
    return new W2sError(
      `The Ray cluster at ${address} did not answer within ${Math.round(timeoutMs / 1000)} s while ${doing}. Is the address right, and is port 8265 reachable from here (firewall, VPN, SSH tunnel)?`,
      'RAY_UNREACHABLE',
    );
  }
  if (code === 'ECONNREFUSED') {
    return new W2sError(
      `Cannot reach the Ray cluster at ${address}: connection refused while ${doing}. Is its dashboard running there ` +
        '(`ray start --head --dashboard-host=0.0.0.0`, port 8265) and reachable from this machine?',
      'RAY_UNREACHABLE',
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new W2sError(
      `Cannot reach the Ray cluster at ${address}: the host name does not resolve (${code}). Check the address.`,
      'RAY_UNREACHABLE',
    );
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code) || /certificate/i.test(detail)) {
    return new W2sError(
      `The TLS certificate of ${address} is not trusted (${code || detail}). Give Node your CA: start VS Code or w2s with NODE_EXTRA_CA_CERTS=/path/to/ca.pem.`,
      'RAY_TLS',
    );
  }
  if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(detail)) {
    return new W2sError(
      `${address} does not speak HTTPS (${detail}): use http:// for a dashboard without TLS.`,
      'RAY_TLS',
    );
  }
  if (/bad port/i.test(detail)) {
    return new W2sError(
      `Node's HTTP client refuses the port of ${address} (${detail}: browsers and fetch block it); serve the dashboard on another port, e.g. 8265.`,
      'RAY_UNREACHABLE',
    );
  }
  if (code.startsWith('HPE_')) {
    // node:http's parser: not HTTP, or a header line without end (llhttp caps headers at 16 KiB).
    return new W2sError(
      `${address} did not answer like an HTTP server while ${doing} (${code}): is it the Ray dashboard (port 8265)?`,
      'RAY_PROTOCOL',
    );
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') {
    return new W2sError(
      `The connection to the Ray cluster at ${address} was cut while ${doing} (${code}). Try again; if it persists, check proxies between here and the cluster.`,
      'RAY_UNREACHABLE',
    );
  }
  return new W2sError(
    `Cannot reach the Ray cluster at ${address} while ${doing}: ${detail}${code ? ` (${code})` : ''}.`,
    'RAY_UNREACHABLE',
  );
}
