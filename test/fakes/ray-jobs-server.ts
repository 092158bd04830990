// A local stand-in for a Ray cluster's Jobs REST API (the dashboard on port 8265), for tests and demos
// where no Ray can be installed. It follows shared/design/RAY-JOBS.md route by route, and each shape,
// status code and text below names the file of ray-project/ray it comes from:
//   job_head.py (routes, 404/400/500 texts), job_agent.py, job_manager.py (submit, stop, delete),
//   job_supervisor.py (entrypoint, env, stop signals, exit codes, failure messages), common.py (JobInfo
//   messages, JobSubmitRequest checks), pydantic_models.py (JobDetails), version.py, utils.py
//   (file_tail_iterator, parse_and_validate_request), job_log_storage_client.py (log file, last lines),
//   runtime_env/packaging.py (package store, unzip), _private/authentication/http_token_authentication.py.
//
// It really runs the entrypoint (`/bin/sh -c`, in the unzipped working_dir, with runtime_env.env_vars),
// so `python -m w2s_runner …` runs the real runner — which, without torch on this machine, ends FAILED
// with its missing-packages error. With `replay`, an entrypoint of the runner plays back a log the runner
// printed on a GPU (test/fixtures/runner-replay) through replay-player.mjs, a real child process.
//
//   const ray = await startRayJobsServer({ token: 'secret' });   // ray.url = http://127.0.0.1:PORT
//   node --import tsx test/fakes/ray-jobs-server.ts --port 8265 [--token T] [--replay DIR] [--line-delay-ms N]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { WebSocketServer, type WebSocket } from 'ws';
import { seededRandom } from '../../src/core/seeded-random';

type Status = 'PENDING' | 'RUNNING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED';

export interface RayJobsServerOptions {
  port?: number;
  /** Token auth (RAY_AUTH_MODE=token): every request but the public paths needs it. */
  token?: string;
  /** GPUs of the fake cluster: a job asking for more stays PENDING (then fails after startTimeoutMs). */
  gpus?: number;
  /** RAY_JOB_START_TIMEOUT_SECONDS (default 900 s). */
  startTimeoutMs?: number;
  /** How long a job stays PENDING while its runtime env is "set up" (default 100 ms). */
  pendingMs?: number;
  /** RAY_JOB_STOP_WAIT_TIME_S: SIGTERM, then SIGKILL after this (default 3000 ms). */
  stopWaitMs?: number;
  /** Folder with sft.log / eval.log fixtures; the runner's entrypoints replay them instead of running. */
  replay?: string;
  /** replay-player.mjs, when this file is bundled away from it (the extension-host tests) */
  player?: string;
  /** Pace of a replay, per line (default 20 ms). */
  lineDelayMs?: number;
  /** A pace per job instead (e.g. slower for jobs whose metadata.w2s_job says so). */
  paceFor?: (job: { metadata: Record<string, string> | null; entrypoint: string }) => number | undefined;
  /** Hold a job's replay after some lines until a file exists (the test opens the gate when it has looked). */
  gateFor?: (job: {
    metadata: Record<string, string> | null;
    entrypoint: string;
  }) => { afterLines: number; file: string } | undefined;
  /** How often the log tail looks for new output (Ray: 1 s; default 50 ms). */
  tailPollMs?: number;
  /** Cut each WebSocket connection abruptly after this many frames (a flaky network). */
  dropSocketAfterFrames?: number;
  /**
   * Cut the first N WebSocket connections right after the upgrade, before any frame (close 1006): a proxy
   * or load balancer that drops upgraded connections.
   */
  dropSocketsBeforeData?: number;
  /** Answer the WebSocket upgrade with 400, as a proxy without WebSocket support does. */
  noWebSocket?: boolean;
  /** Package size cap (packaging.py GCS_STORAGE_MAX_SIZE, 512 MiB in current Ray). */
  maxPackageBytes?: number;
  /** Seed of the frame cuts. */
  seed?: number;
  /** Serve https (and wss) with this key and certificate, as a TLS proxy in front of the dashboard would. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * The ray_version /api/version reports (default CURRENT_RAY, 2.53.0); it picks the browser guard: before
   * 2.53 the user-agent rule on POST/PUT, from 2.53 the header rule on all but GET/HEAD/OPTIONS.
   */
  rayVersion?: string;
  /** aiohttp client_max_size (ray_constants.DASHBOARD_CLIENT_MAX_SIZE, 100 MiB). */
  maxBodyBytes?: number;
  /** job_log_storage_client.py JOB_LOG_MAX_READ_BYTES (RAY_JOB_LOG_MAX_READ_BYTES, 16 MiB). */
  logMaxReadBytes?: number;
  /** A hostile proxy in front of the dashboard: 401/403/500 bodies echo the Authorization header sent. */
  echoToken?: boolean;
  /** A hostile tail: instead of the log, frames of this many bytes with no newline, until the client goes. */
  endlessFramesBytes?: number;
}

/** The ray_version a fake reports by default: one with the current browser guard. */
export const CURRENT_RAY = '2.53.0';

const versionAtLeast = (v: string, major: number, minor: number): boolean => {
  const [a = 0, b = 0] = v.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return a > major || (a === major && b >= minor);
};

/**
 * Ray's browser guard, as the version reports it. Runs after token auth (the middleware order in
 * python/ray/dashboard/http_server_head.py: metrics, token auth, path clean, browser guard), so a valid
 * token does not help. Undefined when the request may pass.
 * - Ray < 2.53: http_server_head.py browsers_no_post_put_middleware with
 *   python/ray/dashboard/optional_utils.py is_browser_request: `User-Agent` starts with "Mozilla", and
 *   only POST and PUT are refused, with "Method Not Allowed for browser traffic." (405);
 *   /api/authenticate is allowed.
 * - Ray >= 2.53 (late 2025): python/ray/_private/browser_request_middleware.py is_browser_request:
 *   "Mozilla" user agent OR any of Referer, Origin, Sec-Fetch-Mode/-Dest/-Site/-User,
 *   Access-Control-Request-Method/-Headers; get_browser_request_middleware with allowed methods
 *   GET/HEAD/OPTIONS refuses the rest with "'<METHOD>' method not allowed for browser traffic." (405).
 *   (Which release first shipped the header rule is our reading of the history; the fake takes 2.53.)
 */
export function rayBrowserGuard(
  req: http.IncomingMessage,
  rayVersion: string,
  pathname: string,
): [number, string] | undefined {
  if (pathname === '/api/authenticate') return undefined;
  const method = req.method ?? 'GET';
  const mozilla = (req.headers['user-agent'] ?? '').startsWith('Mozilla');
  if (!versionAtLeast(rayVersion, 2, 53)) {
    return mozilla && (method === 'POST' || method === 'PUT')
      ? [405, 'Method Not Allowed for browser traffic.']
      : undefined;
  }
  const marker = [
    'referer',
    'origin',
    'sec-fetch-mode',
    'sec-fetch-dest',
    'sec-fetch-site',
    'sec-fetch-user',
    'access-control-request-method',
    'access-control-request-headers',
  ].some((h) => h in req.headers);
  if (!(mozilla || marker)) return undefined;
  return ['GET', 'HEAD', 'OPTIONS'].includes(method)
    ? undefined
    : [405, `'${method}' method not allowed for browser traffic.`];
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  upgrade: boolean;
}

interface Job {
  submissionId: string;
  entrypoint: string;
  status: Status;
  message: string | null;
  errorType: string | null;
  startTime: number;
  endTime: number | null;
  metadata: Record<string, string> | null;
  runtimeEnv: Record<string, unknown> | null;
  numGpus: number;
  driverExitCode: number | null;
  driverAgent: string | null;
  driverNode: string | null;
  logFile: string;
  process?: ChildProcess;
  stopping?: boolean;
  workingDir?: string;
  env?: Record<string, string>;
}

export interface RayJobsServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly packages: Map<string, Buffer>;
  /** The environment a job's entrypoint ran with, and where its working_dir was unpacked. */
  jobRun(submissionId: string): { env?: Record<string, string>; workingDir?: string; pid?: number } | undefined;
  /**
   * The dashboard goes away behind its proxy for a while: the next requests (HTTP and WebSocket upgrades
   * alike), one per status given, are answered with those statuses and the proxy's page instead of
   * reaching Ray; then Ray answers again. See OUTAGE_PAGES for what each status means there.
   */
  outage(statuses: readonly number[]): void;
  /** Statuses of the outage still to be answered. */
  readonly outageLeft: number;
  close(): Promise<void>;
}

/**
 * What a reverse proxy in front of a restarting dashboard answers (nginx's built-in error pages,
 * src/http/ngx_http_special_response.c: ngx_http_error_502_page, _503_page, _504_page): 502 when the
 * dashboard refuses the connection (restarting), 504 when it does not answer in time (head node busy or
 * paused), 503 when the proxy has no healthy upstream (a load balancer during a rollout). Ray itself
 * never sees these requests.
 */
export const OUTAGE_PAGES: Record<number, string> = {
  502: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  503: '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  504: '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
};

// common.py JobInfo.__post_init__: the default message of each status.
function defaultMessage(job: Pick<Job, 'status' | 'numGpus' | 'runtimeEnv'>): string {
  switch (job.status) {
    case 'PENDING': {
      let m = 'Job has not started yet.';
      if (job.numGpus > 0)
        m += ' It may be waiting for resources (CPUs, GPUs, memory, custom resources) to become available.';
      if (job.runtimeEnv && Object.keys(job.runtimeEnv).length)
        m += ' It may be waiting for the runtime environment to be set up.';
      return m;
    }
    case 'RUNNING':
      return 'Job is currently running.';
    case 'STOPPED':
      return 'Job was intentionally stopped.';
    case 'SUCCEEDED':
      return 'Job finished successfully.';
    default:
      return 'Job failed.';
  }
}

/** A Python traceback as aiohttp's handlers return it (`traceback.format_exc()`). */
function traceback(where: string, exc: string): string {
  return `Traceback (most recent call last):\n  File "${where}", line 1, in <module>\n${exc}\n`;
}

const PUBLIC_PATHS = new Set(['/', '/api/authentication_mode', '/api/authenticate']);

export async function startRayJobsServer(options: RayJobsServerOptions = {}): Promise<RayJobsServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-fake-ray-'));
  const logsDir = path.join(root, 'logs');
  const pkgDir = path.join(root, 'runtime_resources', 'working_dir_files');
  const shimDir = path.join(root, 'bin');
  fs.mkdirSync(logsDir, { recursive: true });
  fs.mkdirSync(pkgDir, { recursive: true });
  fs.mkdirSync(shimDir, { recursive: true });
  // A Ray node's Python environment has `python`; Debian has python3 only.
  fs.writeFileSync(path.join(shimDir, 'python'), '#!/bin/sh\nexec python3 "$@"\n', { mode: 0o755 });
  const sessionName = `session_${new Date().toISOString().replace(/[-:T]/g, '_').slice(0, 19)}_${process.pid}`;
  const jobs = new Map<string, Job>();
  const packages = new Map<string, Buffer>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const gpus = options.gpus ?? 8;
  const rayVersion = options.rayVersion ?? CURRENT_RAY;
  const startTimeoutMs = options.startTimeoutMs ?? 900_000;
  const random = seededRandom(options.seed ?? 7);
  let port = 0;
  let closing = false;

  const later = (ms: number, fn: () => void) => {
    if (closing) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  // http_token_authentication.py: Authorization, then X-Ray-Authorization, then the cookie.
  function authError(req: http.IncomingMessage, pathname: string): [number, string] | undefined {
    const denied = tokenError(req, pathname);
    // A hostile proxy's error page that quotes what it was sent (what a real Ray never does).
    return denied && options.echoToken
      ? [denied[0], `${denied[1]}: Incorrect API key provided: ${req.headers.authorization ?? ''}`]
      : denied;
  }
  function tokenError(req: http.IncomingMessage, pathname: string): [number, string] | undefined {
    if (!options.token || PUBLIC_PATHS.has(pathname)) return undefined;
    let header = (req.headers.authorization as string | undefined) ?? '';
    if (!header) header = (req.headers['x-ray-authorization'] as string | undefined) ?? '';
    if (!header) {
      const cookie = /(?:^|;\s*)ray-authentication-token=([^;]+)/.exec(req.headers.cookie ?? '');
      if (cookie) header = `Bearer ${cookie[1]}`;
    }
    if (!header) return [401, 'Unauthorized: Missing authentication token'];
    if (header !== `Bearer ${options.token}`) return [403, 'Forbidden: Invalid authentication token'];
    return undefined;
  }

  // pydantic_models.py JobDetails (a submission job whose driver never called ray.init: no job_id, no driver_info).
  const details = (j: Job) => ({
    type: 'SUBMISSION',
    job_id: null,
    submission_id: j.submissionId,
    driver_info: null,
    status: j.status,
    entrypoint: j.entrypoint,
    message: j.message,
    error_type: j.errorType,
    start_time: j.startTime,
    end_time: j.endTime,
    metadata: j.metadata,
    runtime_env: j.runtimeEnv,
    driver_agent_http_address: j.driverAgent,
    driver_node_id: j.driverNode,
    driver_exit_code: j.driverExitCode,
  });

  function setStatus(
    j: Job,
    status: Status,
    extra: { message?: string; errorType?: string; exitCode?: number | null } = {},
  ): void {
    // common.py put_status: a terminal status never changes; the end time is set on entering one.
    if (['STOPPED', 'SUCCEEDED', 'FAILED'].includes(j.status)) return;
    j.status = status;
    j.message = extra.message ?? defaultMessage(j);
    if (extra.errorType) j.errorType = extra.errorType;
    if (extra.exitCode !== undefined) j.driverExitCode = extra.exitCode;
    if (['STOPPED', 'SUCCEEDED', 'FAILED'].includes(status)) j.endTime = Date.now();
  }

  const appendLog = (j: Job, text: string) => fs.appendFileSync(j.logFile, text);
  // ray_constants.LOGGER_FORMAT, as job_manager's driver logger writes into the driver log.
  const logLine = (msg: string) =>
    `${new Date().toISOString().replace('T', ' ').replace('Z', '')}\tINFO job_manager.py:612 -- ${msg}\n`;

  function unpack(j: Job): string {
    const wd = j.runtimeEnv?.working_dir;
    if (typeof wd !== 'string') return root;
    const m = /^gcs:\/\/(.+)$/.exec(wd);
    if (!m || !packages.has(m[1]!))
      throw new Error(
        `RuntimeEnvSetupError: Failed to set up runtime environment: the package ${wd} was not found in the GCS (upload it first: PUT /api/packages/gcs/...)`,
      );
    const dir = path.join(pkgDir, m[1]!.replace(/\.zip$/, ''));
    if (!fs.existsSync(dir)) {
      const zipFile = path.join(pkgDir, m[1]!);
      fs.writeFileSync(zipFile, packages.get(m[1]!)!);
      // packaging.py unzip_package: Python's zipfile extractall, no top-level folder removed for gcs:// packages.
      const r = spawnSync('python3', ['-m', 'zipfile', '-e', zipFile, dir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`RuntimeEnvSetupError: Failed to unpack ${wd}: ${r.stderr.trim()}`);
    }
    return dir;
  }

  function gateArgs(j: Job): string[] {
    const gate = options.gateFor?.(j);
    return gate ? [String(gate.afterLines), gate.file] : [];
  }

  function replayFixture(entrypoint: string): string | undefined {
    if (!options.replay) return undefined;
    const m = /^python3? -m w2s_runner (sft|eval) job\.json$/.exec(entrypoint.trim());
    if (!m) return undefined;
    // absolute: the player runs in the job's own folder, where a path relative to ours names nothing
    const f = path.resolve(options.replay, `${m[1]}.log`);
    return fs.existsSync(f) ? f : undefined;
  }

  function start(j: Job): void {
    if (j.status !== 'PENDING') return;
    if (j.numGpus > gpus) {
      // job_manager.py _monitor_job_internal: still PENDING after RAY_JOB_START_TIMEOUT_SECONDS fails the job.
      if (Date.now() - j.startTime > startTimeoutMs) {
        setStatus(j, 'FAILED', {
          errorType: 'JOB_SUPERVISOR_ACTOR_START_TIMEOUT',
          message:
            `Job supervisor actor failed to start within ${(startTimeoutMs / 1000).toFixed(1)} seconds. This timeout can be configured by setting the environment variable RAY_JOB_START_TIMEOUT_SECONDS. ` +
            "This may be because the job entrypoint's specified resources (entrypoint_num_cpus, entrypoint_num_gpus, entrypoint_resources, entrypoint_memory)aren't available on the cluster. " +
            "Try checking the cluster's available resources with `ray status` and specifying fewer resources for the job entrypoint.",
        });
      } else later(100, () => start(j));
      return;
    }
    let cwd: string;
    try {
      cwd = unpack(j);
    } catch (e) {
      // job_manager.py: runtime_env setup failures end the job FAILED with this prefix.
      const msg = `runtime_env setup failed: ${(e as Error).message}`;
      appendLog(j, msg);
      setStatus(j, 'FAILED', { message: msg, errorType: 'RUNTIME_ENV_SETUP_FAILURE' });
      return;
    }
    j.workingDir = cwd;
    j.driverAgent = `http://127.0.0.1:${port + 1}`;
    j.driverNode = randomBytes(28).toString('hex');
    setStatus(j, 'RUNNING');
    // job_supervisor.py _get_driver_env_vars + runtime_env env_vars; RAY_JOB_CONFIG_JSON_ENV_VAR carries the metadata.
    const envVars = (j.runtimeEnv?.env_vars ?? {}) as Record<string, string>;
    const env: Record<string, string> = {
      ...(Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('NODE_') && k !== 'W2S_CLUSTER_TOKEN'),
      ) as Record<string, string>),
      ...envVars,
      PATH: `${shimDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      RAY_ADDRESS: '127.0.0.1:6379',
      PYTHONUNBUFFERED: '1',
      RAY_JOB_CONFIG_JSON_ENV_VAR: JSON.stringify({
        runtime_env: j.runtimeEnv,
        metadata: { job_submission_id: j.submissionId, job_name: j.submissionId, ...(j.metadata ?? {}) },
      }),
    };
    j.env = env;
    // job_supervisor.py _exec_entrypoint: this line first, then the child's stdout and stderr, merged.
    appendLog(j, `Running entrypoint for job ${j.submissionId}: ${j.entrypoint}\n`);
    const fixture = replayFixture(j.entrypoint);
    const fd = fs.openSync(j.logFile, 'a');
    const child = fixture
      ? spawn(
          process.execPath,
          [
            options.player ?? path.join(__dirname, 'replay-player.mjs'),
            fixture,
            String(options.paceFor?.(j) ?? options.lineDelayMs ?? 20),
            ...gateArgs(j),
          ],
          { cwd, env, stdio: ['ignore', fd, fd], detached: true },
        )
      : spawn('/bin/sh', ['-c', j.entrypoint], { cwd, env, stdio: ['ignore', fd, fd], detached: true });
    fs.closeSync(fd);
    j.process = child;
    child.on('exit', (code, signal) => {
      j.process = undefined;
      if (closing) return;
      if (j.stopping) return; // stop() puts STOPPED once the whole process group is gone
      const rc = code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1);
      if (rc === 0) setStatus(j, 'SUCCEEDED', { exitCode: 0 });
      else {
        // job_supervisor.py: the message carries the last 10 lines (job_log_storage_client NUM_LOG_LINES_ON_ERROR).
        const tail = fs
          .readFileSync(j.logFile, 'utf8')
          .split('\n')
          .filter((l, i, a) => l !== '' || i < a.length - 1)
          .slice(-10)
          .join('\n');
        setStatus(j, 'FAILED', {
          exitCode: rc,
          errorType: 'JOB_ENTRYPOINT_COMMAND_ERROR',
          message: tail
            ? `Job entrypoint command failed with exit code ${rc}, last available logs (truncated to 20,000 chars):\n${tail}`
            : `Job entrypoint command failed with exit code ${rc}. No logs available.`,
        });
      }
    });
  }

  const groupAlive = (pgid: number) => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };

  function stop(j: Job): boolean {
    const child = j.process;
    if (!child || child.pid === undefined || j.stopping) return Boolean(j.stopping && child);
    j.stopping = true;
    const pgid = child.pid;
    const signalName = process.env.RAY_JOB_STOP_SIGNAL === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
    try {
      process.kill(-pgid, signalName);
    } catch {
      // already gone
    }
    // job_supervisor.py: signal the driver and its children, wait for all of them up to
    // RAY_JOB_STOP_WAIT_TIME_S (3 s), SIGKILL what is left, then put STOPPED.
    const deadline = Date.now() + (options.stopWaitMs ?? 3000);
    const poll = () => {
      if (!groupAlive(pgid)) return setStatus(j, 'STOPPED');
      if (Date.now() >= deadline) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
        return later(50, () => setStatus(j, 'STOPPED'));
      }
      later(25, poll);
    };
    later(25, poll);
    return true;
  }

  // job_log_storage_client.py get_logs: a log over JOB_LOG_MAX_READ_BYTES comes back as its last that many
  // bytes, from the first whole line on, behind a "[LOG TRUNCATED — showing last …]" line.
  const logCap = options.logMaxReadBytes ?? 16 * 1024 * 1024;
  function readLogs(file: string): string {
    if (!fs.existsSync(file)) return '';
    const size = fs.statSync(file).size;
    if (size <= logCap) return fs.readFileSync(file, 'utf8');
    const buf = Buffer.alloc(logCap);
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, buf, 0, logCap, size - logCap);
    fs.closeSync(fd);
    const tail = buf.subarray(buf.indexOf(10) + 1).toString('utf8');
    const total = size >= 2 ** 30 ? `${(size / 2 ** 30).toFixed(1)} GiB` : `${(size / 2 ** 20).toFixed(1)} MiB`;
    return `[LOG TRUNCATED — showing last ${(logCap / 2 ** 20).toFixed(0)} MiB of ${total} total]\n${tail}`;
  }

  const send = (res: http.ServerResponse, status: number, body: string | object, type = 'application/json') => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': typeof body === 'string' && type === 'application/json' ? 'text/plain; charset=utf-8' : type,
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const notFound = (res: http.ServerResponse, id: string) => send(res, 404, `Job ${id} does not exist`);
  // aiohttp web_request.read(): the body is read up to client_max_size
  // (ray_constants.DASHBOARD_CLIENT_MAX_SIZE = 100 * 1024**2, set in dashboard/http_server_head.py run());
  // past it, HTTPRequestEntityTooLarge (aiohttp/web_exceptions.py) with the text below.
  const maxBody = options.maxBodyBytes ?? 100 * 1024 * 1024;
  class TooLarge extends Error {}
  const readBody = (req: http.IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBody) {
          req.removeAllListeners('data');
          req.resume();
          reject(new TooLarge(`Maximum request body size ${maxBody} exceeded, actual body size ${size}`));
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  function validateSubmit(body: Record<string, unknown>): string | undefined {
    // common.py JobSubmitRequest + validate_request_type: unknown keys and wrong types are TypeErrors (400).
    const known = [
      'entrypoint',
      'submission_id',
      'job_id',
      'runtime_env',
      'metadata',
      'entrypoint_num_cpus',
      'entrypoint_num_gpus',
      'entrypoint_memory',
      'entrypoint_resources',
      'entrypoint_label_selector',
    ];
    for (const k of Object.keys(body))
      if (!known.includes(k)) return `TypeError: JobSubmitRequest.__init__() got an unexpected keyword argument '${k}'`;
    if (!('entrypoint' in body))
      return "TypeError: JobSubmitRequest.__init__() missing 1 required positional argument: 'entrypoint'";
    if (typeof body.entrypoint !== 'string')
      return `TypeError: entrypoint must be a string, got <class '${typeof body.entrypoint}'>`;
    if (body.submission_id !== undefined && typeof body.submission_id !== 'string')
      return 'TypeError: submission_id must be a string if provided';
    if (body.runtime_env !== undefined && (typeof body.runtime_env !== 'object' || Array.isArray(body.runtime_env)))
      return "TypeError: runtime_env must be a dict, got <class 'list'>";
    if (body.metadata !== undefined) {
      if (typeof body.metadata !== 'object' || Array.isArray(body.metadata))
        return 'TypeError: metadata must be a dict';
      for (const v of Object.values(body.metadata as object))
        if (typeof v !== 'string') return "TypeError: metadata values must be strings, got <class 'int'>";
    }
    for (const k of ['entrypoint_num_cpus', 'entrypoint_num_gpus'])
      if (body[k] !== undefined && typeof body[k] !== 'number')
        return `TypeError: ${k} must be a number, got <class 'str'>`;
    if (body.entrypoint_memory !== undefined && !Number.isInteger(body.entrypoint_memory))
      return 'TypeError: entrypoint_memory must be an integer';
    return undefined;
  }

  const outageQueue: number[] = [];
  let droppedBeforeData = 0;
  const sendPage = (res: http.ServerResponse, status: number, page: string) => {
    res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(page), Server: 'nginx' });
    res.end(page);
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    requests.push({ method: req.method ?? 'GET', path: p, headers: req.headers, upgrade: false });
    const down = outageQueue.shift();
    if (down !== undefined)
      return sendPage(res, down, OUTAGE_PAGES[down] ?? `${down} ${http.STATUS_CODES[down] ?? ''}`);
    const denied = authError(req, p) ?? rayBrowserGuard(req, rayVersion, p);
    if (denied) return send(res, denied[0], denied[1]);
    const method = req.method ?? 'GET';

    if (method === 'GET' && p === '/api/authentication_mode')
      return send(res, 200, { authentication_mode: options.token ? 'token' : 'disabled' });
    if (method === 'GET' && p === '/api/version')
      return send(res, 200, { version: '5', ray_version: rayVersion, ray_commit: 'fake', session_name: sessionName });

    let m = /^\/api\/packages\/(\w+)\/(.+)$/.exec(p);
    if (m) {
      const uri = `${m[1]}://${decodeURIComponent(m[2]!)}`;
      const name = decodeURIComponent(m[2]!);
      if (method === 'GET')
        return packages.has(name) ? send(res, 200, '', 'text/plain') : send(res, 404, `Package ${uri} does not exist`);
      if (method === 'PUT') {
        let body: Buffer;
        try {
          body = await readBody(req);
        } catch (e) {
          // job_head.py upload_package: `await req.read()` inside try/except → 500 with the traceback.
          if (e instanceof TooLarge)
            return send(
              res,
              500,
              traceback(
                'ray/dashboard/modules/job/job_head.py',
                `aiohttp.web_exceptions.HTTPRequestEntityTooLarge: ${e.message}`,
              ),
            );
          throw e;
        }
        const cap = options.maxPackageBytes ?? 512 * 1024 * 1024;
        if (body.length >= cap) {
          return send(
            res,
            500,
            traceback(
              'ray/_private/runtime_env/packaging.py',
              `ValueError: Package size (${(body.length / 2 ** 20).toFixed(2)}MiB) exceeds the maximum size of ${(cap / 2 ** 20).toFixed(2)}MiB.`,
            ),
          );
        }
        packages.set(name, body);
        return send(res, 200, '', 'text/plain');
      }
    }

    if (p === '/api/jobs/' && method === 'GET') return send(res, 200, [...jobs.values()].map(details));
    if (p === '/api/jobs/' && method === 'POST') {
      if (options.echoToken)
        return send(
          res,
          500,
          traceback(
            'proxy',
            `RuntimeError: upstream refused the job; request headers were Authorization: ${req.headers.authorization ?? ''}`,
          ),
        );
      let body: Record<string, unknown>;
      try {
        body = JSON.parse((await readBody(req)).toString('utf8')) as Record<string, unknown>;
      } catch (e) {
        // aiohttp answers an HTTPException raised outside a handler's own try with its status and text.
        if (e instanceof TooLarge) return send(res, 413, e.message);
        return send(res, 500, '500 Internal Server Error\n\nServer got itself in trouble');
      }
      // utils.py strip_keys_with_value_none, then the dataclass checks.
      body = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
      const bad = validateSubmit(body);
      if (bad) return send(res, 400, traceback('ray/dashboard/modules/job/utils.py', bad));
      const id =
        (body.submission_id as string | undefined) ??
        `raysubmit_${randomBytes(12)
          .toString('base64url')
          .replace(/[-_lIoO0]/g, 'x')
          .slice(0, 16)}`;
      if (jobs.has(id)) {
        // job_manager.py raises ValueError (the agent answers 400); the head wraps the agent's answer in a
        // RuntimeError and answers 500 (job_head.py submit_job, JobAgentSubmissionClient._raise_error).
        return send(
          res,
          500,
          traceback(
            'ray/dashboard/modules/job/job_head.py',
            `RuntimeError: Request failed with status code 400: ${traceback('ray/dashboard/modules/job/job_manager.py', `ValueError: Job with submission_id ${id} already exists. Please use a different submission_id.`)}.`,
          ),
        );
      }
      const job: Job = {
        submissionId: id,
        entrypoint: body.entrypoint as string,
        status: 'PENDING',
        message: null,
        errorType: null,
        startTime: Date.now(),
        endTime: null,
        metadata: (body.metadata as Record<string, string> | undefined) ?? null,
        runtimeEnv: (body.runtime_env as Record<string, unknown> | undefined) ?? null,
        numGpus: (body.entrypoint_num_gpus as number | undefined) ?? 0,
        driverExitCode: null,
        driverAgent: null,
        driverNode: null,
        logFile: path.join(logsDir, `job-driver-${id}.log`),
      };
      job.message = defaultMessage(job);
      jobs.set(id, job);
      fs.writeFileSync(job.logFile, logLine('Runtime env is setting up.'));
      later(options.pendingMs ?? 100, () => start(job));
      return send(res, 200, { job_id: id, submission_id: id });
    }

    m = /^\/api\/jobs\/([^/]+)(\/stop|\/logs|\/logs\/tail)?$/.exec(p);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      const j = jobs.get(id);
      const sub = m[2] ?? '';
      if (!j) return notFound(res, id);
      if (sub === '' && method === 'GET') return send(res, 200, details(j));
      if (sub === '' && method === 'DELETE') {
        if (!['STOPPED', 'SUCCEEDED', 'FAILED'].includes(j.status)) {
          return send(
            res,
            500,
            traceback(
              'ray/dashboard/modules/job/job_head.py',
              `RuntimeError: Request failed with status code 500: ${traceback('ray/dashboard/modules/job/job_manager.py', `RuntimeError: Attempted to delete job '${id}', but it is in a non-terminal state ${j.status}.`)}.`,
            ),
          );
        }
        jobs.delete(id);
        return send(res, 200, { deleted: true });
      }
      if (sub === '/stop' && method === 'POST') return send(res, 200, { stopped: stop(j) });
      if (sub === '/logs' && method === 'GET') return send(res, 200, { logs: readLogs(j.logFile) });
    }
    send(res, 404, '404: Not Found');
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((e) => send(res, 500, traceback('fake', `Exception: ${(e as Error).message}`)));
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : http.createServer(listener);
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();

  // job_head.py tail_job_logs: 404 before the upgrade for an unknown job; then frames of log text as
  // utils.file_tail_iterator batches them (not line-aligned), from the first line on every connection;
  // closed once the job is terminal and the log is read to its end.
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: 'GET', path: url.pathname, headers: req.headers, upgrade: true });
    const reject = (status: number, text: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
    };
    const down = outageQueue.shift();
    if (down !== undefined) return reject(down, OUTAGE_PAGES[down] ?? `${down} ${http.STATUS_CODES[down] ?? ''}`);
    const denied = authError(req, url.pathname) ?? rayBrowserGuard(req, rayVersion, url.pathname);
    if (denied) return reject(denied[0], denied[1]);
    const m = /^\/api\/jobs\/([^/]+)\/logs\/tail$/.exec(url.pathname);
    if (!m) return reject(404, '404: Not Found');
    const id = decodeURIComponent(m[1]!);
    const j = jobs.get(id);
    if (!j) return reject(404, `Job ${id} does not exist`);
    if (options.noWebSocket) return reject(400, 'Can "Upgrade" only to "WebSocket".');
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (droppedBeforeData < (options.dropSocketsBeforeData ?? 0)) {
        droppedBeforeData++;
        return ws.terminate();
      }
      sockets.add(ws);
      if (options.endlessFramesBytes) {
        const frame = 'x'.repeat(options.endlessFramesBytes);
        const pump = () => {
          if (ws.readyState !== ws.OPEN) return;
          ws.send(frame, () => setImmediate(pump));
        };
        ws.on('close', () => sockets.delete(ws));
        return pump();
      }
      const decoder = new StringDecoder('utf8');
      let offset = 0;
      let frames = 0;
      let closed = false;
      const tick = () => {
        if (closed) return;
        const terminal = ['STOPPED', 'SUCCEEDED', 'FAILED'].includes(j.status);
        let text = '';
        if (fs.existsSync(j.logFile)) {
          const size = fs.statSync(j.logFile).size;
          if (size > offset) {
            const fd = fs.openSync(j.logFile, 'r');
            const buf = Buffer.alloc(size - offset);
            fs.readSync(fd, buf, 0, buf.length, offset);
            fs.closeSync(fd);
            offset = size;
            text = decoder.write(buf);
          }
        }
        // Cut the new text into frames at arbitrary places (never inside a surrogate pair).
        while (text.length) {
          let cut = Math.max(1, Math.min(text.length, Math.floor(random() * 600)));
          if (cut < text.length && /[\uD800-\uDBFF]/.test(text[cut - 1]!)) cut++;
          ws.send(text.slice(0, cut));
          text = text.slice(cut);
          frames++;
          if (options.dropSocketAfterFrames && frames >= options.dropSocketAfterFrames) {
            closed = true;
            ws.terminate();
            return;
          }
        }
        if (terminal && !j.process) {
          closed = true;
          ws.close(1000);
          return;
        }
        later(options.tailPollMs ?? 50, tick);
      };
      ws.on('close', () => {
        closed = true;
        sockets.delete(ws);
      });
      tick();
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    url,
    port,
    requests,
    packages,
    jobRun: (id) => {
      const j = jobs.get(id);
      return j && { env: j.env, workingDir: j.workingDir, pid: j.process?.pid };
    },
    outage: (statuses) => void outageQueue.push(...statuses),
    get outageLeft() {
      return outageQueue.length;
    },
    async close() {
      closing = true;
      for (const t of timers) clearTimeout(t);
      for (const j of jobs.values()) {
        if (j.process?.pid) {
          try {
            process.kill(-j.process.pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      }
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

// node --import tsx test/fakes/ray-jobs-server.ts --port N [--token T] [--replay DIR] [--line-delay-ms N] [--gpus N]
if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  void startRayJobsServer({
    port: Number(opt('port') ?? 8265),
    token: opt('token'),
    replay: opt('replay'),
    lineDelayMs: opt('line-delay-ms') !== undefined ? Number(opt('line-delay-ms')) : undefined,
    gpus: opt('gpus') !== undefined ? Number(opt('gpus')) : undefined,
    stopWaitMs: opt('stop-wait-ms') !== undefined ? Number(opt('stop-wait-ms')) : undefined,
  }).then((s) => {
    process.stdout.write(`fake Ray Jobs API listening on ${s.url}\n`);
    const shutdown = () => void s.close().then(() => process.exit(0));
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
