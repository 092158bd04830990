import * as fs from 'node:fs';
import * as os from 'node:os';
import { W2sError } from '../errors';
import type { Store } from '../store/open';
import { checkRunName } from './names';

export type RunKind = 'sample' | 'eval' | 'import';
export type RunStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

/** What makes a run: two runs with the same spec are the same experiment. */
export interface RunSpec {
  readonly name: string;
  readonly kind: RunKind;
  readonly setName: string;
  readonly model: string;
  readonly endpoint: string | null;
  /** The template's content (JSON), not just its name: editing a template changes the experiment. */
  readonly template: unknown;
  readonly params: Record<string, unknown>;
  readonly samplesPerProblem: number;
  /** Sample only the first N problems of the set (file order); undefined or null: all of them. */
  readonly problemLimit?: number | null;
}

export interface RunRow {
  readonly id: number;
  readonly name: string;
  readonly kind: RunKind;
  readonly setId: number;
  readonly setName: string;
  readonly model: string;
  readonly endpoint: string | null;
  readonly template: unknown;
  readonly params: Record<string, unknown>;
  readonly samplesPerProblem: number;
  /** The first N problems of the set (file order), or null for the whole set. */
  readonly problemLimit: number | null;
  /** Problems in the run's set (more than the run covers when it is limited). */
  readonly setProblems: number;
  /** As stored; see `effectiveStatus` for a run whose sampler died. */
  readonly status: RunStatus;
  readonly error: string | null;
  readonly owner: string | null;
  readonly heartbeatAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface RunSummary extends Omit<RunRow, 'template' | 'params'> {
  readonly template: unknown;
  readonly params: Record<string, unknown>;
  /** problems the run covers: the whole set, or its first `problemLimit` */
  readonly problems: number;
  /** problems × samples per problem */
  readonly total: number;
  /** traces stored with text */
  readonly done: number;
  /** traces whose last attempt failed (retried by a resume) */
  readonly failed: number;
  readonly truncated: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /**
   * An import run: what its last import found in its file. An import covers the problems its traces
   * answer, so its `problems` and `total` count what was imported, never the whole set × samples.
   */
  readonly imported: { readonly fileTraces: number; readonly matched: number; readonly unmatched: number } | null;
}

/** A heartbeat older than this marks a run on another machine as interrupted. */
export const STALE_HEARTBEAT_MS = 30_000;
export const HEARTBEAT_MS = 5_000;

/** Runs this process is sampling right now (an owner with our pid but not in here died with its sampler). */
const active = new Set<number>();

export function thisOwner(): string {
  return `${os.hostname()}:${process.pid}`;
}

const SELECT = `SELECT r.id, r.name, r.kind, r.set_id, s.name AS set_name, r.model, r.endpoint, r.template, r.params,
  r.samples_per_problem, r.problem_limit, r.status, r.error, r.owner, r.heartbeat_at, r.created_at, r.updated_at, s.problem_count
  FROM runs r JOIN problem_sets s ON s.id = r.set_id`;

type Raw = {
  id: number;
  name: string;
  kind: RunKind;
  set_id: number;
  set_name: string;
  model: string;
  endpoint: string | null;
  template: string | null;
  params: string;
  samples_per_problem: number;
  problem_limit: number | null;
  status: RunStatus;
  error: string | null;
  owner: string | null;
  heartbeat_at: string | null;
  created_at: string;
  updated_at: string;
  problem_count: number;
};

function toRow(r: Raw): RunRow {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    setId: r.set_id,
    setName: r.set_name,
    model: r.model,
    endpoint: r.endpoint,
    template: r.template ? (JSON.parse(r.template) as unknown) : null,
    params: JSON.parse(r.params) as Record<string, unknown>,
    samplesPerProblem: r.samples_per_problem,
    problemLimit: r.problem_limit,
    setProblems: r.problem_count,
    status: r.status,
    error: r.error,
    owner: r.owner,
    heartbeatAt: r.heartbeat_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Run names, newest first (pickers, completion). */
export function listRunNames(store: Store): string[] {
  return (store.db.prepare('SELECT name FROM runs ORDER BY id DESC').all() as { name: string }[]).map((r) => r.name);
}

export function findRun(store: Store, name: string): RunRow | undefined {
  const r = store.db.prepare(`${SELECT} WHERE r.name = ?`).get(name) as Raw | undefined;
  return r && toRow(r);
}

/** Whether the process that claimed a run still runs it. */
export function ownerAlive(row: Pick<RunRow, 'id' | 'owner' | 'heartbeatAt'>, now = Date.now()): boolean {
  if (!row.owner) return false;
  const i = row.owner.lastIndexOf(':');
  const host = row.owner.slice(0, i);
  const pid = Number(row.owner.slice(i + 1));
  if (host === os.hostname() && Number.isInteger(pid)) {
    if (pid === process.pid) return active.has(row.id);
    if (!processRuns(pid)) return false;
  }
  // Same host and alive (the pid may have been reused: the heartbeat decides), or another host.
  const beat = row.heartbeatAt ? Date.parse(row.heartbeatAt) : NaN;
  return Number.isFinite(beat) && now - beat < STALE_HEARTBEAT_MS;
}

/**
 * Whether a process of this host still runs. A pid that exists may be a zombie — dead, waiting for a
 * parent that reaps slowly (a container's init) — which `kill(pid, 0)` cannot tell apart: on Linux its
 * state in /proc/PID/stat (proc(5): Z zombie, X dead) decides.
 */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // no procfs (macOS, Windows): the pid exists, which is all we can know
  }
  // "pid (comm) state …": comm may hold spaces and parentheses, so the state follows the last ')'
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X' && state !== 'x';
}

/** `running` whose sampler is gone (kill -9, crash, VS Code closed) reads as `interrupted`. */
export function effectiveStatus(row: RunRow): RunStatus {
  return row.status === 'running' && !ownerAlive(row) ? 'interrupted' : row.status;
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>)
            .filter(([, y]) => y !== undefined && y !== null)
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : x,
  );
}

/**
 * Finds the run of this name or creates it. An existing run must be the same experiment (set, model,
 * template, sampling parameters, samples per problem); the endpoint may change (a restarted server).
 */
export function openRun(store: Store, spec: RunSpec): RunRow;
export function openRun(store: Store, spec: RunSpec, options: { create: false }): RunRow | undefined;
export function openRun(
  store: Store,
  spec: RunSpec,
  options: { create: boolean } = { create: true },
): RunRow | undefined {
  checkRunName(spec.name);
  const set = store.db.prepare('SELECT id, problem_count FROM problem_sets WHERE name = ?').get(spec.setName) as
    { id: number } | undefined;
  if (!set) {
    const names = (store.db.prepare('SELECT name FROM problem_sets ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
    throw new W2sError(
      `No problem set named "${spec.setName}"${names.length ? ` (sets: ${names.join(', ')})` : ''}. Import it first: w2s import FILE --set ${spec.setName}, or w2s import --builtin math500.`,
      'NO_SET',
    );
  }
  let existing = findRun(store, spec.name);
  if (!existing) {
    if (!options.create) return undefined;
    // Another process may create the same run between the look-up and the insert: then its row stands,
    // and is compared like any existing run (claimRun then tells who samples it).
    const created = store.db
      .prepare(
        `INSERT INTO runs (name, kind, set_id, model, endpoint, template, params, samples_per_problem, problem_limit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO NOTHING`,
      )
      .run(
        spec.name,
        spec.kind,
        set.id,
        spec.model,
        spec.endpoint,
        spec.template === null ? null : canonical(spec.template),
        canonical(spec.params),
        spec.samplesPerProblem,
        spec.problemLimit ?? null,
      );
    existing = findRun(store, spec.name)!;
    if (created.changes === 1) return existing;
  }
  const diffs: string[] = [];
  if (existing.kind !== spec.kind) diffs.push(`kind ${existing.kind} ≠ ${spec.kind}`);
  if (existing.setId !== set.id) diffs.push(`set ${existing.setName} ≠ ${spec.setName}`);
  if (existing.model !== spec.model) diffs.push(`model ${existing.model} ≠ ${spec.model}`);
  if (canonical(existing.template) !== canonical(spec.template)) diffs.push('template differs');
  if (existing.samplesPerProblem !== spec.samplesPerProblem)
    diffs.push(`samples per problem ${existing.samplesPerProblem} ≠ ${spec.samplesPerProblem}`);
  const a = existing.params;
  const b = spec.params;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (canonical(a[k] ?? null) !== canonical(b[k] ?? null))
      diffs.push(`${k} ${canonical(a[k] ?? null)} ≠ ${canonical(b[k] ?? null)}`);
  }
  if (diffs.length) {
    throw new W2sError(
      `Run "${spec.name}" already exists with different settings (${diffs.join('; ')}). To resume it, repeat its settings ` +
        `(or give only --run ${spec.name}); to sample with the new settings, choose a new run name.`,
      'RUN_MISMATCH',
    );
  }
  // The selection may grow (sample more problems of the set), never shrink: fewer would hide stored traces.
  const limit = spec.problemLimit === undefined ? existing.problemLimit : spec.problemLimit;
  if (existing.problemLimit === null && limit !== null) {
    throw new W2sError(
      `Run "${spec.name}" already covers the whole set; a limit of ${limit} problems would hide some of its traces. Leave --limit out to resume it.`,
      'RUN_MISMATCH',
    );
  }
  if (existing.problemLimit !== null && limit !== null && limit < existing.problemLimit) {
    throw new W2sError(
      `Run "${spec.name}" already covers the first ${existing.problemLimit} problems; a limit of ${limit} would hide some of its traces. ` +
        `Give a larger limit to sample more, or leave it out to resume.`,
      'RUN_MISMATCH',
    );
  }
  if (!options.create) return existing;
  if (spec.endpoint !== existing.endpoint || limit !== existing.problemLimit) {
    store.db
      .prepare('UPDATE runs SET endpoint = ?, problem_limit = ? WHERE id = ?')
      .run(spec.endpoint, limit, existing.id);
  }
  return findRun(store, spec.name)!;
}

/** Marks the run as being sampled by this process; refuses a run another live process is sampling. */
export function claimRun(store: Store, runId: number): void {
  const db = store.db;
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = db.prepare(`${SELECT} WHERE r.id = ?`).get(runId) as Raw;
    const run = toRow(row);
    if (run.status === 'running' && ownerAlive(run)) {
      throw new W2sError(
        `Run "${run.name}" is being sampled right now by ${run.owner === thisOwner() ? 'this window' : `another process (${run.owner})`}. ` +
          `Wait for it, cancel it there, or choose another run name.`,
        'RUN_BUSY',
      );
    }
    db.prepare(
      `UPDATE runs SET status = 'running', error = NULL, owner = ?, heartbeat_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'),
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
    ).run(thisOwner(), runId);
    db.exec('COMMIT');
    active.add(runId);
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

export function heartbeat(store: Store, runId: number): void {
  store.db
    .prepare(`UPDATE runs SET heartbeat_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ? AND owner = ?`)
    .run(runId, thisOwner());
}

export function finishRun(
  store: Store,
  runId: number,
  status: Exclude<RunStatus, 'running' | 'pending'>,
  error: string | null,
): void {
  active.delete(runId);
  store.db
    .prepare(
      `UPDATE runs SET status = ?, error = ?, owner = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`,
    )
    .run(status, error, runId);
}

/** Every run with its counts, newest first; `status` is the effective one. */
export function listRuns(store: Store): RunSummary[] {
  const rows = store.db.prepare(`${SELECT} ORDER BY r.created_at DESC, r.id DESC`).all() as Raw[];
  const counts = store.db
    .prepare(
      `SELECT run_id, sum(error IS NULL) AS done, sum(error IS NOT NULL) AS failed, sum(error IS NULL AND finish_reason = 'length') AS truncated,
       coalesce(sum(prompt_tokens), 0) AS pt, coalesce(sum(completion_tokens), 0) AS ct, count(DISTINCT problem_id) AS problems FROM traces GROUP BY run_id`,
    )
    .all() as {
    run_id: number;
    done: number;
    failed: number;
    truncated: number;
    pt: number;
    ct: number;
    problems: number;
  }[];
  const byRun = new Map(counts.map((c) => [c.run_id, c]));
  return rows.map((r) => {
    const row = toRow(r);
    const c = byRun.get(r.id);
    const isImport = row.kind === 'import';
    const problems = isImport
      ? (c?.problems ?? 0)
      : row.problemLimit === null
        ? r.problem_count
        : Math.min(row.problemLimit, r.problem_count);
    const file = row.params as { fileTraces?: unknown; matched?: unknown; unmatched?: unknown };
    return {
      ...row,
      status: effectiveStatus(row),
      problems,
      total: isImport ? (c ? c.done + c.failed : 0) : problems * r.samples_per_problem,
      imported:
        isImport &&
        typeof file.fileTraces === 'number' &&
        typeof file.matched === 'number' &&
        typeof file.unmatched === 'number'
          ? { fileTraces: file.fileTraces, matched: file.matched, unmatched: file.unmatched }
          : null,
      done: c?.done ?? 0,
      failed: c?.failed ?? 0,
      truncated: c?.truncated ?? 0,
      promptTokens: c?.pt ?? 0,
      completionTokens: c?.ct ?? 0,
    };
  });
}
