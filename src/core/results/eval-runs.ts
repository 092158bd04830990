import type { AnswerType, Verdict } from '../grader/types';
import { effectiveStatus, findRun, type RunKind, type RunRow, type RunStatus } from '../runs/runs';
import type { Store } from '../store/open';
import type { ProblemOutcome, SampleOutcome } from './outcomes';

/** Runs whose traces are benchmark results: evaluations (endpoint or cluster job) and imported results. */
export const RESULT_KINDS: readonly RunKind[] = ['eval', 'import'];

/** An evaluation as the results see it: its run, and the re-runs layered over some of its problems. */
export interface EvalRun {
  readonly id: number;
  readonly name: string;
  readonly kind: RunKind;
  readonly model: string;
  readonly setName: string;
  readonly samplesPerProblem: number;
  readonly status: RunStatus;
  readonly endpoint: string | null;
  readonly jobId: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** re-run runs, oldest first */
  readonly reruns: readonly { readonly id: number; readonly name: string; readonly status: RunStatus }[];
}

type Raw = {
  id: number;
  name: string;
  kind: RunKind;
  model: string;
  set_name: string;
  samples_per_problem: number;
  status: RunStatus;
  endpoint: string | null;
  job_id: number | null;
  created_at: string;
  updated_at: string;
  owner: string | null;
  heartbeat_at: string | null;
  rerun_of: number | null;
};

/** Every evaluation (not its re-runs), oldest first. */
export function listEvalRuns(store: Store): EvalRun[] {
  const rows = store.db
    .prepare(
      `SELECT r.id, r.name, r.kind, r.model, s.name AS set_name, r.samples_per_problem, r.status, r.endpoint, r.job_id, r.created_at,
       r.updated_at, r.owner, r.heartbeat_at, rr.rerun_of
       FROM runs r JOIN problem_sets s ON s.id = r.set_id LEFT JOIN run_reruns rr ON rr.run_id = r.id
       WHERE r.kind IN (${RESULT_KINDS.map(() => '?').join(',')}) ORDER BY r.id`,
    )
    .all(...RESULT_KINDS) as Raw[];
  const status = (r: Raw) =>
    effectiveStatus({ id: r.id, status: r.status, owner: r.owner, heartbeatAt: r.heartbeat_at } as RunRow);
  const reruns = new Map<number, { id: number; name: string; status: RunStatus }[]>();
  for (const r of rows) {
    if (r.rerun_of === null) continue;
    let list = reruns.get(r.rerun_of);
    if (!list) reruns.set(r.rerun_of, (list = []));
    list.push({ id: r.id, name: r.name, status: status(r) });
  }
  return rows
    .filter((r) => r.rerun_of === null)
    .map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      model: r.model,
      setName: r.set_name,
      samplesPerProblem: r.samples_per_problem,
      status: status(r),
      endpoint: r.endpoint,
      jobId: r.job_id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      reruns: reruns.get(r.id) ?? [],
    }));
}

/** The evaluation a run belongs to: itself, or the run it re-runs. */
export function evalRunOf(store: Store, runName: string): EvalRun | undefined {
  const run = findRun(store, runName);
  if (!run) return undefined;
  const origin = store.db.prepare('SELECT rerun_of FROM run_reruns WHERE run_id = ?').get(run.id) as
    { rerun_of: number } | undefined;
  const id = origin?.rerun_of ?? run.id;
  return listEvalRuns(store).find((r) => r.id === id);
}

/** Records that `rerunId` re-samples some problems of `originId` (before any of its traces is stored). */
export function recordRerun(store: Store, rerunId: number, originId: number): void {
  store.db.prepare('INSERT OR IGNORE INTO run_reruns (run_id, rerun_of) VALUES (?, ?)').run(rerunId, originId);
}

/**
 * A cheap fingerprint of everything the evaluation's metrics depend on (its traces and grades and those of
 * its re-runs): a view recomputes an evaluation only when this changes.
 */
export function evalFingerprint(store: Store, run: EvalRun): string {
  const ids = [run.id, ...run.reruns.map((r) => r.id)];
  const r = store.db
    .prepare(
      `SELECT count(*) AS n, coalesce(max(t.id), 0) AS last, count(g.trace_id) AS graded, coalesce(max(g.graded_at), '') AS at,
       coalesce(sum(t.error IS NOT NULL), 0) AS failed
       FROM traces t LEFT JOIN grades g ON g.trace_id = t.id WHERE t.run_id IN (${ids.map(() => '?').join(',')})`,
    )
    .get(...ids) as { n: number; last: number; graded: number; at: string; failed: number };
  return `${ids.join(',')}|${r.n}|${r.last}|${r.graded}|${r.at}|${r.failed}`;
}

type TraceRaw = {
  run_id: number;
  trace_id: number;
  problem_id: number;
  sample_index: number;
  error: string | null;
  finish_reason: string | null;
  completion_tokens: number | null;
  verdict: Verdict | null;
  extracted: string | null;
};

/**
 * The evaluation's outcome per problem, in set order. Where a re-run stored a generation for a problem, the
 * latest such re-run's samples stand for that problem (a re-run whose requests all failed replaces nothing).
 */
export function loadOutcomes(store: Store, run: EvalRun): ProblemOutcome[] {
  const order = [run.id, ...run.reruns.map((r) => r.id)];
  // Problems once (their metadata can be long: GSM8K keeps its worked solution), then the slim trace rows.
  const problems = new Map(
    (
      store.db
        .prepare(
          'SELECT p.id, p.key, p.position, p.metadata, p.answer_type FROM problems p JOIN runs r ON r.set_id = p.set_id WHERE r.id = ?',
        )
        .all(run.id) as { id: number; key: string; position: number; metadata: string; answer_type: AnswerType }[]
    ).map((p) => [p.id, p]),
  );
  const rows = store.db
    .prepare(
      `SELECT t.run_id, t.id AS trace_id, t.problem_id, t.sample_index, t.error, t.finish_reason, t.completion_tokens, g.verdict, g.extracted
       FROM traces t LEFT JOIN grades g ON g.trace_id = t.id WHERE t.run_id IN (${order.map(() => '?').join(',')})`,
    )
    .all(...order) as TraceRaw[];
  type Layer = { samples: SampleOutcome[]; failed: number };
  const byProblem = new Map<number, Map<number, Layer>>();
  for (const r of rows) {
    let layers = byProblem.get(r.problem_id);
    if (!layers) byProblem.set(r.problem_id, (layers = new Map()));
    let layer = layers.get(r.run_id);
    if (!layer) layers.set(r.run_id, (layer = { samples: [], failed: 0 }));
    if (r.error !== null) layer.failed++;
    else {
      layer.samples.push({
        traceId: r.trace_id,
        index: r.sample_index,
        verdict: r.verdict,
        extracted: r.extracted,
        tokens: r.completion_tokens,
        truncated: r.finish_reason === 'length',
      });
    }
  }
  const out: ProblemOutcome[] = [];
  for (const [problemId, layers] of byProblem) {
    const p = problems.get(problemId);
    if (!p) continue;
    let chosen: Layer | undefined;
    for (const id of order) {
      const layer = layers.get(id);
      if (layer && (layer.samples.length > 0 || !chosen)) chosen = layer;
    }
    chosen!.samples.sort((a, b) => a.index - b.index);
    out.push({
      key: p.key,
      position: p.position,
      metadata: JSON.parse(p.metadata) as Record<string, unknown>,
      answerType: p.answer_type,
      samples: chosen!.samples,
      failed: chosen!.failed,
    });
  }
  out.sort((a, b) => a.position - b.position);
  return out;
}
