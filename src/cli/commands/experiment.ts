import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { W2sError } from '../../core/errors';
import { sftMemoryCheck } from '../../core/experiment/memory';
import { readExperiment } from '../../core/experiment/parse';
import { experimentStatus, runExperiment, type PlannedStep } from '../../core/experiment/run';
import type { StepContext } from '../../core/experiment/run-step';
import { statusText } from '../../core/experiment/status-text';
import { EXPERIMENT_FILE, type ExperimentSpec, type TeacherSpec } from '../../core/experiment/spec';
import { envApiKey, findProfile, fromProfile, type ResolvedEndpoint } from '../../core/experiment/teacher-endpoint';
import { experimentNameFor, experimentTemplate } from '../../core/experiment/template';
import { createGraderPool, type GraderPool } from '../../core/grader/pool';
import { parseEnvironment } from '../../core/jobs/runner-environment';
import { checkCheckpointRoot } from '../../core/jobs/checkpoint-root';
import { requireRunnerDir, runnerDefaults } from '../../core/jobs/runner-files';
import type { Command, CliContext } from '../command';
import { checkpointRoot, clusterClient, runnerEnvironment } from '../cluster-connection';
import { UsageError } from '../usage-error';
import { workspaceEndpoints } from '../workspace-endpoints';

const DETAILS =
  'FILE is an experiment (*.w2s.yaml, docs/experiments.md): the problems, teachers and their datasets, the student,\n' +
  'the cluster, the evaluation and the comparison. It expands into steps (import, sample per teacher, grade, export\n' +
  'per dataset, SFT per teacher x dataset, eval per student and for base/RL where they have no results, results),\n' +
  'each keyed by a hash of its inputs: a step is done when the store holds its run, snapshot or job under that\n' +
  'key, stale when it holds one under an older key. Running again does only what is missing or changed; an\n' +
  'interrupted step resumes as its own command does. Ctrl-C leaves cluster jobs running; the next run follows them.\n' +
  "A teacher's endpoint is a URL or the name of a profile of w2s.endpoints in the workspace's .vscode/settings.json\n" +
  "(the nearest at or above the file's folder; VS Code's user settings are not read). The API key of a teacher\n" +
  'comes from its api_key_env or $OPENAI_API_KEY, never from a file; the cluster token from $W2S_CLUSTER_TOKEN.';

/**
 * A teacher's endpoint from a terminal: its URL, or its profile in the workspace's .vscode/settings.json
 * (VS Code's user settings are out of a terminal's reach); the key from the environment only, never a file.
 */
function teacherEndpoint(spec: ExperimentSpec, t: TeacherSpec, env: CliContext['env']): ResolvedEndpoint {
  const apiKey = envApiKey(env, t, spec.file);
  if (t.endpoint.kind === 'url') return { baseUrl: t.endpoint.url, ...(apiKey ? { apiKey } : {}) };
  const dir = path.dirname(spec.file);
  const ws = workspaceEndpoints(dir);
  const profile = findProfile(spec.file, t, ws.profiles, {
    where: ws.file,
    notFound: `no .vscode/settings.json at or above ${dir} sets w2s.endpoints (${ws.looked.length ? `read: ${ws.looked.join(', ')}` : 'none found'}; the CLI cannot read VS Code's user settings)`,
    fix: `Write the teacher's endpoint as a URL (http://HOST:PORT/v1), or add the profile to the workspace's .vscode/settings.json: "w2s.endpoints": [{ "name": "${t.endpoint.profile}", "baseUrl": "http://HOST:PORT/v1" }]. Its API key comes from ${t.apiKeyEnv ? `$${t.apiKeyEnv}` : "$OPENAI_API_KEY or the teacher's api_key_env"}.`,
  });
  return fromProfile(profile, apiKey);
}

/** As `w2s jobs sft` does before submitting: a student that would not fit is refused, with what would fit. */
function checkMemory(spec: ExperimentSpec, steps: PlannedStep[], ctx: CliContext): void {
  const sftDefaults = () => runnerDefaults(requireRunnerDir()).sft;
  const { tooBig, skipped } = sftMemoryCheck(spec, steps, sftDefaults, { cwd: ctx.cwd, env: ctx.env });
  for (const s of skipped) ctx.warn(`w2s experiment: ${s}`);
  if (tooBig) throw new W2sError(`${tooBig} Run anyway with --force.`, 'WOULD_NOT_FIT');
}

function load(positionals: string[], ctx: CliContext): ExperimentSpec {
  return readExperiment(path.resolve(ctx.cwd, positionals[0]!));
}

function statusJson(steps: PlannedStep[]) {
  return steps.map(({ step, status }) => ({
    id: step.id,
    kind: step.kind,
    key: step.key,
    name: step.name,
    state: status.state,
    detail: status.detail,
  }));
}

function printStatus(ctx: CliContext, spec: ExperimentSpec, steps: PlannedStep[]): void {
  const sftDefaults = () => runnerDefaults(requireRunnerDir()).sft;
  for (const l of statusText(spec, steps, { cwd: ctx.cwd, env: ctx.env, sftDefaults })) ctx.print(l);
}

export const experimentStatusCommand: Command = {
  name: 'experiment status',
  summary: "an experiment's steps and where each stands (done, to do, stale); changes nothing",
  usage: 'FILE',
  positionals: { min: 1, max: 1 },
  details: DETAILS,
  options: {},
  run(_v, positionals, ctx) {
    const spec = load(positionals, ctx);
    // read-only: a status never creates, migrates or changes a store
    const { steps } = experimentStatus(ctx.existingStore(), spec);
    printStatus(ctx, spec, steps);
    return Promise.resolve({ json: { experiment: spec.name, steps: statusJson(steps) } });
  },
};

export const experimentRunCommand: Command = {
  name: 'experiment run',
  summary: 'run an experiment file (*.w2s.yaml) to its results table, doing only what is missing or changed',
  usage: 'FILE [--dry-run] [--until STEP]…',
  positionals: { min: 1, max: 1 },
  details: DETAILS,
  options: {
    'dry-run': {
      type: 'boolean',
      description: "print the steps with their state and each SFT step's memory plan; run nothing",
    },
    force: { type: 'boolean', description: 'train even where the memory plan says a student will not fit' },
    until: {
      type: 'string',
      multiple: true,
      valueName: 'STEP',
      description: 'run only this step and the steps it needs (a step id as `experiment status` lists it)',
    },
  },
  async run(v, positionals, ctx) {
    const spec = load(positionals, ctx);
    if (v['dry-run']) {
      const { steps } = experimentStatus(ctx.existingStore(), spec);
      printStatus(ctx, spec, steps);
      return { json: { experiment: spec.name, dryRun: true, steps: statusJson(steps) } };
    }
    const store = ctx.store();
    const initial = experimentStatus(store, spec).steps;
    if (!v.force) checkMemory(spec, initial, ctx);
    let pool: GraderPool | undefined;
    let cluster: ReturnType<StepContext['cluster']> | undefined;
    const stepCtx: StepContext = {
      store,
      signal: ctx.signal,
      cwd: ctx.cwd,
      log: (line) => ctx.warn(`w2s experiment: ${line}`),
      endpoint: (t) => Promise.resolve(teacherEndpoint(spec, t, ctx.env)),
      graderPool: () => (pool ??= createGraderPool({ size: Math.max(1, os.availableParallelism() - 1) })),
      cluster: () => {
        if (cluster) return cluster;
        const root = spec.cluster.checkpointRoot
          ? checkCheckpointRoot(spec.cluster.checkpointRoot, `${spec.file}: cluster.checkpoint_root`)
          : checkpointRoot(ctx, undefined);
        if (!root)
          throw new W2sError(
            `${spec.file}: cluster.checkpoint_root is not set (nor $W2S_CHECKPOINT_ROOT): where should the students' checkpoints go on the cluster?`,
            'NO_CHECKPOINT_ROOT',
          );
        cluster = {
          client: clusterClient(ctx, spec.cluster.address ?? undefined),
          runnerDir: requireRunnerDir(),
          environment: spec.cluster.runtime
            ? parseEnvironment(spec.cluster.runtime, `${spec.file}: cluster.runtime`)
            : runnerEnvironment(ctx, undefined),
          checkpointRoot: root,
        };
        return cluster;
      },
    };
    let summary;
    try {
      summary = await runExperiment(stepCtx, spec, { until: v.until as string[] | undefined });
    } finally {
      await pool?.close();
    }
    const { steps } = experimentStatus(store, spec);
    printStatus(ctx, spec, steps);
    if (summary.stopped) {
      ctx.warn('w2s experiment: stopped; cluster jobs keep running. Run the same command again to go on.');
      return {
        json: { experiment: spec.name, ran: summary.ran, stopped: true, steps: statusJson(steps) },
        exitCode: 130,
      };
    }
    const results = steps.find((s) => s.step.kind === 'results');
    if (results?.status.state === 'done') ctx.print(`Results: ${results.step.name}`);
    return { json: { experiment: spec.name, ran: summary.ran, stopped: false, steps: statusJson(steps) } };
  },
};

export const experimentNewCommand: Command = {
  name: 'experiment new',
  summary: "write a commented experiment file for the paper's main setting (edit the teacher and cluster)",
  usage: 'FILE.w2s.yaml',
  positionals: { min: 1, max: 1 },
  details:
    'Writes FILE with every default of the W2SR main setting spelled out; an existing file is never overwritten.',
  options: {},
  run(_v, positionals, ctx) {
    const file = path.resolve(ctx.cwd, positionals[0]!);
    if (!EXPERIMENT_FILE.test(file))
      throw new UsageError(
        `name the file NAME.w2s.yaml (got ${positionals[0]!}): the editor finds experiments by that ending.`,
      );
    const name = experimentNameFor(file);
    try {
      fs.writeFileSync(file, experimentTemplate(name), { flag: 'wx' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new W2sError(
        code === 'EEXIST'
          ? `${file} exists; it is left as it is. Choose another name.`
          : `Cannot write ${file} (${code ?? 'error'}).`,
        'CANNOT_WRITE',
      );
    }
    ctx.print(
      `${file}: written. Set the teacher's endpoint and the cluster, then: w2s experiment run ${positionals[0]!} --dry-run`,
    );
    return Promise.resolve({ json: { file } });
  },
};
