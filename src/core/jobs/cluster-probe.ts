import { randomBytes } from 'node:crypto';
import { W2sError } from '../errors';
import { timerDelay } from '../timers';
import { buildBundle } from './bundle';
import { isTerminal, type RayJobDetails } from './ray-api';
import type { RayClient } from './ray-client';
import { RECORD_PREFIX } from './records';
import { runnerEntries } from './runner-files';
import { describeEnvironment, runtimeEnvFor, type RunnerEnvironment } from './runner-environment';

/** One node as runner/w2s_runner/probe.py reports it (fields it could not read are null). */
export interface ProbeNode {
  readonly host?: string;
  readonly ip?: string | null;
  readonly python?: string;
  readonly torch?: string | null;
  readonly transformers?: string | null;
  readonly accelerate?: string | null;
  readonly peft?: string | null;
  readonly vllm?: string | null;
  readonly cuda?: string | null;
  readonly cuda_available?: boolean;
  readonly gpus?: readonly { readonly name: string; readonly memory_gib: number }[];
  readonly checkpoint_root?: {
    readonly path?: string | null;
    readonly free_gib?: number;
    readonly exists?: boolean;
    readonly sees_marker?: boolean;
    readonly uri?: boolean;
    readonly error?: string;
  };
  readonly error?: string;
}

export interface ProbeReport {
  readonly ok: boolean;
  readonly submissionId: string;
  /** Ray's status of the probe job, and its message when it failed (a pip install that failed…). */
  readonly rayStatus: string;
  readonly message?: string;
  readonly environment: string;
  readonly nodes: readonly ProbeNode[];
  readonly checkpointRoot: { readonly path: string | null; readonly shared: boolean | null };
  readonly note?: string;
}

export interface ProbeOptions {
  readonly runnerDir: string;
  readonly environment: RunnerEnvironment;
  readonly checkpointRoot?: string;
  readonly signal?: AbortSignal;
  /** How long the probe job may take, its environment's install included (default 15 min). */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  readonly onProgress?: (message: string) => void;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, timerDelay(ms));
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** The probe's record in a job log: `@@w2s {"type":"probe",…}` (probe.py's own type). */
export function findProbeRecord(
  log: string,
):
  | { nodes: ProbeNode[]; checkpoint_root?: { path?: string | null; shared?: boolean | null }; note?: string }
  | undefined {
  for (const line of log.split('\n').reverse()) {
    const at = line.indexOf(RECORD_PREFIX);
    if (at < 0) continue;
    try {
      const rec = JSON.parse(line.slice(at + RECORD_PREFIX.length)) as { type?: unknown; nodes?: unknown };
      if (rec.type === 'probe' && Array.isArray(rec.nodes)) return rec as never;
    } catch {
      // another line that only looks like a record
    }
  }
  return undefined;
}

/**
 * Runs runner/w2s_runner/probe.py as a Ray job in the environment jobs will get, waits for it, and
 * reads its report from the log. The probe job is deleted afterwards (best effort).
 */
export async function probeCluster(client: RayClient, opts: ProbeOptions): Promise<ProbeReport> {
  const bundle = buildBundle(runnerEntries(opts.runnerDir));
  if (!(await client.packageExists(bundle.name, opts.signal)))
    await client.uploadPackage(bundle.name, bundle.zip, opts.signal);
  const submissionId = `w2s-probe-${randomBytes(4).toString('hex')}`;
  const root = opts.checkpointRoot;
  opts.onProgress?.(`probe job ${submissionId} (${describeEnvironment(opts.environment)})`);
  await client.submit(
    {
      entrypoint: `python -m w2s_runner.probe${root ? ` --checkpoint-root ${shellQuote(root)}` : ''}`,
      submission_id: submissionId,
      runtime_env: {
        working_dir: bundle.uri,
        env_vars: { PYTHONUNBUFFERED: '1' },
        ...runtimeEnvFor(opts.environment, opts.runnerDir),
      },
      metadata: { w2s_kind: 'probe' },
    },
    opts.signal,
  );
  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  let details: RayJobDetails;
  for (;;) {
    details = await client.job(submissionId, opts.signal);
    if (isTerminal(details.status)) break;
    if (opts.signal?.aborted)
      throw new W2sError(`The probe job ${submissionId} was left running (cancelled).`, 'CANCELLED');
    if (Date.now() > deadline) {
      await client.stop(submissionId).catch(() => undefined);
      throw new W2sError(
        `The probe job ${submissionId} did not finish within ${Math.round((opts.timeoutMs ?? 900_000) / 60_000)} min (Ray: ${details.status}, ${details.message ?? 'no message'}): stopped it. ` +
          'A first pip install of torch takes minutes; if it waits for resources, the cluster has no free CPU.',
        'PROBE_TIMEOUT',
      );
    }
    await sleep(opts.pollMs ?? 1000, opts.signal);
  }
  const log = await client.logs(submissionId, opts.signal).catch(() => '');
  await client.delete(submissionId).catch(() => undefined);
  const rec = findProbeRecord(log);
  const failed = details.status !== 'SUCCEEDED' || !rec;
  return {
    ok: !failed,
    submissionId,
    rayStatus: details.status,
    ...(failed ? { message: details.message ?? (rec ? undefined : 'the probe printed no report') } : {}),
    environment: describeEnvironment(opts.environment),
    nodes: rec?.nodes ?? [],
    checkpointRoot: { path: rec?.checkpoint_root?.path ?? root ?? null, shared: rec?.checkpoint_root?.shared ?? null },
    ...(rec?.note ? { note: rec.note } : {}),
  };
}

export const shellQuote = (s: string): string => (/^[\w@%+=:,./~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** One line per node, for a terminal or a tooltip. */
export function probeLines(report: ProbeReport): string[] {
  const v = (x: string | null | undefined) => x ?? 'missing';
  const out = report.nodes.map((n) => {
    if (n.error) return `node ?: ${n.error}`;
    const gpus = n.gpus?.length ? n.gpus.map((g) => `${g.name} ${g.memory_gib} GiB`).join(', ') : 'no GPU';
    const root = n.checkpoint_root?.uri
      ? 'URI root'
      : n.checkpoint_root?.free_gib !== undefined
        ? `${n.checkpoint_root.free_gib} GiB free at the checkpoint root`
        : 'checkpoint root not checked';
    return `${n.host ?? '?'} (${n.ip ?? '?'}): Python ${v(n.python)}, torch ${v(n.torch)} (CUDA ${v(n.cuda)}), ${gpus}; transformers ${v(n.transformers)}, accelerate ${v(n.accelerate)}, vLLM ${v(n.vllm)}; ${root}`;
  });
  const r = report.checkpointRoot;
  if (r.path)
    out.push(
      `checkpoint root ${r.path}: ${r.shared === true ? 'shared by every node' : r.shared === false ? 'NOT the same storage on every node (node-local)' : 'sharing not known'}`,
    );
  return out;
}
