import { W2sError } from '../errors';
import { checkRunName } from '../runs/names';
import { findRun, type RunRow } from '../runs/runs';
import type { SamplingParams } from '../sampling/client';
import { sampleRun, type SampleOptions, type SampleResult } from '../sampling/sampler';
import type { PromptTemplate } from '../sampling/templates';
import type { Store } from '../store/open';
import { recordRerun } from './eval-runs';

/** What a caller supplies to sample: the server side of SampleOptions (settings come from the evaluation). */
export type RerunRuntime = Pick<
  SampleOptions,
  | 'apiKey'
  | 'concurrency'
  | 'timeoutMs'
  | 'retry'
  | 'threads'
  | 'signal'
  | 'onProgress'
  | 'onTracesStored'
  | 'onLog'
  | 'preflight'
  | 'stream'
  | 'nMode'
> & { readonly baseUrl?: string };

/**
 * Evaluates some problems of an evaluation again, with its own settings. Problems it never sampled (or whose
 * requests failed) are sampled into the evaluation itself, as a resume would; problems it already has are
 * re-sampled into a new run `<evaluation>@rerun-<k>`, recorded as a re-run of it, so the stored traces stay
 * and the results read the newest generation of each problem.
 */
export async function evaluateProblems(
  store: Store,
  evaluation: string,
  keys: readonly string[],
  runtime: RerunRuntime,
): Promise<SampleResult[]> {
  const run = findRun(store, evaluation);
  if (!run) throw new W2sError(`No run named "${evaluation}".`, 'NO_RUN');
  if (run.kind !== 'eval')
    throw new W2sError(
      `Run "${evaluation}" is an ${run.kind} run; only evaluations from an endpoint can be sampled again.`,
      'RUN_KIND',
    );
  const baseUrl = runtime.baseUrl ?? run.endpoint;
  if (!baseUrl || !run.template) {
    throw new W2sError(
      `Evaluation "${evaluation}" has no endpoint to sample from (it came from a cluster job); evaluate it again there.`,
      'NO_ENDPOINT',
    );
  }
  if (keys.length === 0) return [];
  const have = new Set(
    (
      store.db
        .prepare(
          `SELECT p.key FROM traces t JOIN problems p ON p.id = t.problem_id WHERE t.run_id = ? AND t.error IS NULL
           GROUP BY p.id HAVING count(*) >= ?`,
        )
        .all(run.id, run.samplesPerProblem) as { key: string }[]
    ).map((r) => r.key),
  );
  const missing = keys.filter((k) => !have.has(k));
  const again = keys.filter((k) => have.has(k));
  const { extra_body: extraBody, ...params } = run.params as SamplingParams & { extra_body?: Record<string, unknown> };
  const common = {
    ...runtime,
    kind: 'eval' as const,
    setName: run.setName,
    model: run.model,
    baseUrl,
    extraBody,
    template: run.template as PromptTemplate,
    params,
    samplesPerProblem: run.samplesPerProblem,
    concurrency: runtime.concurrency,
  };
  const results: SampleResult[] = [];
  // A limited evaluation (the first N problems) grows to cover the problems asked for: its stored
  // selection stays "the first N", now with N past the last of them.
  if (missing.length)
    results.push(
      await sampleRun(store, {
        ...common,
        runName: run.name,
        problemKeys: missing,
        problemLimit: coveringLimit(store, run, missing),
      }),
    );
  if (again.length && !runtime.signal?.aborted) {
    const name = nextRerunName(store, run);
    results.push(
      await sampleRun(store, {
        ...common,
        runName: name,
        problemKeys: again,
        problemLimit: coveringLimit(store, run, again),
        onRunOpened: (r) => recordRerun(store, r.id, run.id),
      }),
    );
  }
  return results;
}

/** The name of an evaluation's next re-run: `<evaluation>@rerun-<k>`. */
export function nextRerunName(store: Store, run: Pick<RunRow, 'id' | 'name'>): string {
  const count = (
    store.db.prepare('SELECT count(*) AS n FROM run_reruns WHERE rerun_of = ?').get(run.id) as { n: number }
  ).n;
  let k = count + 1;
  while (findRun(store, `${run.name}@rerun-${k}`)) k++;
  const name = `${run.name}@rerun-${k}`;
  checkRunName(name);
  return name;
}

/** The run's limit grown so the first N problems of its set include `keys` (undefined: the run covers the whole set). */
function coveringLimit(store: Store, run: RunRow, keys: readonly string[]): number | undefined {
  if (run.problemLimit === null) return undefined;
  const rank = (
    store.db
      .prepare(
        `SELECT count(*) AS n FROM problems WHERE set_id = @set AND position <=
         (SELECT max(position) FROM problems WHERE set_id = @set AND key IN (SELECT value FROM json_each(@keys)))`,
      )
      .get({ set: run.setId, keys: JSON.stringify(keys) }) as { n: number }
  ).n;
  return Math.max(run.problemLimit, rank);
}
