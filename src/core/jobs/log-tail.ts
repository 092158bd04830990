import WebSocket from 'ws';
import { isTerminal } from './ray-api';
import type { RayClient } from './ray-client';
import { rayHttpError } from './ray-errors';
import { MAX_LOG_LINE, TRUNCATED_LOG, createLineSplitter, truncatedSizes } from './log-lines';
import { ERROR_BODY_BYTES, formatBytes, readCapped } from './ray-http';
import { timerDelay } from '../timers';

/** The largest WebSocket frame taken (Ray's are batches of at most 10 lines: far smaller); a bigger one closes the socket (1009). */
export const MAX_TAIL_FRAME = 16 * 1024 * 1024;

/** One line of the job's log and its 0-based position in it. */
export interface LogLine {
  readonly index: number;
  readonly text: string;
}

export type TailMode = 'websocket' | 'polling';

export interface TailOptions {
  readonly client: RayClient;
  readonly submissionId: string;
  /** Lines already handled (a re-attach starts after them: the tail replays from the start). */
  readonly fromLine: number;
  readonly signal?: AbortSignal;
  /** New lines, in order, each exactly once. Awaited before more are read. */
  onLines(lines: LogLine[]): void | Promise<void>;
  onMode?(mode: TailMode, reason: string): void;
  /** Something the user should know about the log (a line cut at MAX_LOG_LINE, a truncated log's gap). */
  onWarning?(message: string): void;
  /** Seconds between polls of GET …/logs when the WebSocket cannot be used (default 2). */
  readonly pollMs?: number;
  /** Attempts at the WebSocket before polling instead (default 3). */
  readonly maxSocketFailures?: number;
  /** How long the cluster may be unreachable or unavailable (503) before following gives up (default 10 min). */
  readonly maxOutageMs?: number;
}

const TRANSIENT = new Set(['RAY_UNREACHABLE', 'RAY_UNAVAILABLE']);

export interface TailResult {
  /** Lines handled in all (fromLine + new ones). */
  readonly lines: number;
  readonly mode: TailMode;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, timerDelay(ms));
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Follows a job's log until the job ends: the WebSocket tail when it works (every (re)connect replays
 * the log from its first line, so lines before `fromLine` and lines already seen are skipped), else
 * polling GET …/logs. When the job is over, one last GET …/logs picks up what the socket may have
 * missed, including a last line without a newline. Resolves with the number of lines handled.
 */
export async function tailJobLog(opts: TailOptions): Promise<TailResult> {
  const { client, submissionId, signal } = opts;
  let handled = opts.fromLine;
  let mode: TailMode = 'websocket';
  let failures = 0;
  const maxFailures = opts.maxSocketFailures ?? 3;
  // Delivery is serialized: frames may arrive faster than the store takes them.
  let chain: Promise<void> = Promise.resolve();
  // The last lines delivered: where a truncated log's tail picks up (its line numbers are unknown).
  let recent: string[] = [];
  const deliver = (lines: LogLine[]) => {
    const fresh = lines.filter((l) => l.index >= handled).map((l) => ({ index: l.index, text: client.redact(l.text) }));
    if (!fresh.length) return;
    handled = fresh.at(-1)!.index + 1;
    recent = [...recent, ...fresh.slice(-RECENT).map((l) => l.text)].slice(-RECENT);
    chain = chain.then(() => opts.onLines(fresh));
  };
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    opts.onWarning?.(message);
  };
  const onLongLine = (head: string) =>
    warnOnce(
      'long-line',
      `a line of the job's log is longer than ${formatBytes(MAX_LOG_LINE)}: kept its first 2000 characters (it begins "${client.redact(head.slice(0, 80))}…"); any such line is cut the same way.`,
    );

  // A cluster that is briefly away (a restarting proxy, a VPN blip, Ray's 503 for logs it cannot read
  // yet) is waited for; only a long outage, or a real error, ends the follow.
  let outageSince: number | undefined;
  const patiently = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const v = await fn();
        outageSince = undefined;
        return v;
      } catch (e) {
        const code = (e as { code?: string }).code ?? '';
        if (signal?.aborted || !TRANSIENT.has(code)) throw e;
        outageSince ??= Date.now();
        if (Date.now() - outageSince > (opts.maxOutageMs ?? 600_000)) throw e;
        await sleep(Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)), signal);
      }
    }
  };

  const fetchRest = async (final: boolean): Promise<void> => {
    const text = await patiently(() => client.logs(submissionId, signal));
    const header = TRUNCATED_LOG.exec(text)?.[0];
    const splitter = createLineSplitter({ onLongLine });
    const lines = splitter.push(header ? text.slice(header.length) : text);
    const rest = splitter.rest();
    if (final && rest) lines.push(rest);
    if (!header) return deliver(lines.map((t, i) => ({ index: i, text: t })));
    // Only the tail of a huge log (Ray's 16 MiB cap): carry on after the last line already handled
    // when the tail still holds it, else from the tail's start, counting what could not be read.
    const at = findAfter(
      lines.map((l) => client.redact(l)),
      recent,
    );
    if (at < 0) {
      const sizes = truncatedSizes(header);
      warnOnce(
        `gap-${handled}`,
        `the cluster returned only the end of the job's log (${header.trim().replace(/^\[|\]$/g, '')}): ` +
          `the lines between line ${handled} and that end${sizes ? ` (about ${formatBytes(Math.max(0, sizes.totalBytes - sizes.shownBytes))} of log)` : ''} could not be read; following on from there.`,
      );
    }
    deliver(lines.slice(at < 0 ? 0 : at).map((t, i) => ({ index: handled + i, text: t })));
  };

  while (!signal?.aborted) {
    if (mode === 'websocket') {
      const outcome = await tailOnce(opts, deliver, onLongLine);
      await chain;
      if (signal?.aborted) break;
      if (outcome.kind === 'fatal') throw outcome.error;
      if (outcome.kind === 'closed' && outcome.gotData) failures = 0;
      else failures++;
      const job = await patiently(() => client.job(submissionId, signal));
      if (isTerminal(job.status)) {
        await fetchRest(true);
        await chain;
        return { lines: handled, mode };
      }
      if (outcome.kind === 'unsupported' || failures >= maxFailures) {
        mode = 'polling';
        opts.onMode?.(
          'polling',
          outcome.kind === 'unsupported'
            ? outcome.reason
            : `the log WebSocket failed ${failures} times (${outcome.reason})`,
        );
        continue;
      }
      await sleep(Math.min(10_000, 500 * 2 ** failures), signal);
    } else {
      const job = await patiently(() => client.job(submissionId, signal));
      const over = isTerminal(job.status);
      await fetchRest(over);
      await chain;
      if (over) return { lines: handled, mode };
      await sleep(opts.pollMs ?? 2000, signal);
    }
  }
  await chain;
  return { lines: handled, mode };
}

/** How many delivered lines are remembered to find the place in a truncated log's tail. */
const RECENT = 8;

/** Index just after the last occurrence of `recent` (as a run of lines) in `lines`; -1 when absent (or nothing was seen). */
function findAfter(lines: readonly string[], recent: readonly string[]): number {
  if (!recent.length) return -1;
  const n = recent.length;
  for (let i = lines.length - n; i >= 0; i--) {
    let j = 0;
    while (j < n && lines[i + j] === recent[j]) j++;
    if (j === n) return i + n;
  }
  return -1;
}

type Outcome =
  | { kind: 'closed'; gotData: boolean; reason: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'unsupported'; reason: string }
  | { kind: 'fatal'; error: Error };

/** One WebSocket session: resolves when it closes, for whatever reason. */
function tailOnce(
  opts: TailOptions,
  deliver: (lines: LogLine[]) => void,
  onLongLine: (head: string) => void,
): Promise<Outcome> {
  const { client, submissionId, signal } = opts;
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    let gotData = false;
    let index = 0;
    const splitter = createLineSplitter({ onLongLine });
    // The token goes on the upgrade request like on every other request (RAY-JOBS.md, Auth); ws sends
    // no Origin unless asked (RAY-JOBS.md, Browser guard), and no compression is offered, so a frame
    // is at most MAX_TAIL_FRAME bytes in memory.
    const ws = new WebSocket(client.tailUrl(submissionId), {
      headers: client.headers(),
      handshakeTimeout: 30_000,
      perMessageDeflate: false,
      maxPayload: MAX_TAIL_FRAME,
    });
    const finish = (o: Outcome) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const onAbort = () => {
      ws.terminate();
      finish({ kind: 'closed', gotData, reason: 'cancelled' });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    ws.on('message', (data: WebSocket.RawData) => {
      gotData = true;
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      const lines = splitter.push(text);
      if (lines.length) deliver(lines.map((t) => ({ index: index++, text: t })));
    });
    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      const settle = (body: string) => {
        ws.terminate();
        if (status === 401 || status === 403 || status === 404)
          finish({
            kind: 'fatal',
            error: rayHttpError(client.address, 'tail', status, body, submissionId, (t) =>
              client.redact(t).slice(0, 4000),
            ),
          });
        else
          finish({
            kind: 'unsupported',
            reason: `the log WebSocket upgrade was answered with HTTP ${status} (a proxy without WebSocket support?)`,
          });
      };
      readCapped(res, ERROR_BODY_BYTES).then(
        ({ bytes }) => settle(bytes.toString('utf8')),
        () => settle(''),
      );
    });
    ws.on('error', (e: Error) => finish({ kind: 'failed', reason: e.message }));
    ws.on('close', (code: number) =>
      finish(
        gotData || code === 1000
          ? { kind: 'closed', gotData, reason: `closed (${code})` }
          : { kind: 'failed', reason: `closed (${code}) before any log` },
      ),
    );
  });
}
