import * as path from 'node:path';
import * as vscode from 'vscode';
import { W2sError, errorMessage } from '../../core/errors';
import { sftMemoryCheck } from '../../core/experiment/memory';
import { readExperiment } from '../../core/experiment/parse';
import { runExperiment, experimentStatus, stepsUpTo, type PlannedStep } from '../../core/experiment/run';
import type { StepContext } from '../../core/experiment/run-step';
import type { ExperimentSpec, TeacherSpec } from '../../core/experiment/spec';
import { envApiKey, findProfile, fromProfile, type ResolvedEndpoint } from '../../core/experiment/teacher-endpoint';
import { statusText } from '../../core/experiment/status-text';
import { createGraderPool, type GraderPool } from '../../core/grader/pool';
import { checkCheckpointRoot } from '../../core/jobs/checkpoint-root';
import { normalizeClusterAddress } from '../../core/jobs/cluster';
import type { RayClient } from '../../core/jobs/ray-client';
import { parseEnvironment } from '../../core/jobs/runner-environment';
import { runnerDefaults } from '../../core/jobs/runner-files';
import { clientFor, configuredAddress } from '../jobs/cluster';
import { checkpointRootSetting, runtimeSetting } from '../jobs/cluster-settings';
import { apiKeyFor, endpointProfiles } from '../sampling/endpoints';
import { reportError } from '../ui/report-error';
import { resultsSelectionOf } from './step-rows';
import type { StoreService } from '../ui/store-service';

export interface ExperimentDeps {
  readonly stores: StoreService;
  readonly secrets: vscode.SecretStorage;
  readonly log: vscode.LogOutputChannel;
  /** the runner shipped with the extension (its SFT defaults feed the memory plan) */
  readonly runnerDir: string;
  /** where Dry run writes */
  readonly output: () => vscode.OutputChannel;
  /** the Experiments view, refreshed as steps finish */
  readonly refresh: () => void;
}

/** Where relative paths of a step resolve (the student's config.json): the workspace, as the CLI's cwd. */
const cwdFor = (file: string) =>
  vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath ?? path.dirname(file);

/** The file a command acts on: its argument (CodeLens, tree row), else the active editor's experiment. */
export function experimentFileOf(arg: unknown): string | undefined {
  const uri =
    arg instanceof vscode.Uri
      ? arg
      : typeof arg === 'string'
        ? vscode.Uri.file(arg)
        : arg && typeof arg === 'object' && 'uri' in arg && arg.uri instanceof vscode.Uri
          ? arg.uri
          : vscode.window.activeTextEditor?.document.uri;
  if (uri?.scheme === 'file' && /\.w2s\.ya?ml$/i.test(uri.fsPath)) return uri.fsPath;
  void vscode.window.showInformationMessage('W2S: open an experiment file (NAME.w2s.yaml) first.');
  return undefined;
}

/** An edited, unsaved experiment is saved first: the run and the Dry run read the file, as the CLI does. */
async function saveIfDirty(file: string): Promise<void> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
  if (doc?.isDirty) await doc.save();
}

/** `w2s experiment run FILE --dry-run`: the steps, their state and each SFT step's memory plan, in an output channel. */
export async function dryRunExperiment(deps: ExperimentDeps, arg: unknown): Promise<string[] | undefined> {
  const file = experimentFileOf(arg);
  if (!file) return undefined;
  try {
    await saveIfDirty(file);
    const spec = readExperiment(file);
    // read-only, as `w2s experiment status`: no store is created for a dry run
    const { steps } = experimentStatus(deps.stores.getIfExists(), spec);
    const lines = statusText(spec, steps, {
      cwd: cwdFor(file),
      env: process.env,
      sftDefaults: () => runnerDefaults(deps.runnerDir).sft,
    });
    const out = deps.output();
    out.clear();
    out.appendLine(`Dry run of ${file} (${new Date().toLocaleString()}):`);
    for (const l of lines) out.appendLine(l);
    out.show(true);
    return lines;
  } catch (e) {
    void reportError(deps.log, `dry run of ${path.basename(file)}`, e);
    return undefined;
  }
}

/** The cluster of the file's `cluster` block, else the settings (as Start SFT Job… uses them). */
async function clusterOf(deps: ExperimentDeps, spec: ExperimentSpec): Promise<StepContext['cluster']> {
  const address = spec.cluster.address
    ? normalizeClusterAddress(spec.cluster.address, `${spec.file}: cluster.address`)
    : configuredAddress();
  // the token is read now (SecretStorage is async), the client made only when a step needs the cluster
  const client: RayClient | undefined = address ? await clientFor(deps.secrets, address) : undefined;
  let made: ReturnType<StepContext['cluster']> | undefined;
  return () => {
    if (made) return made;
    if (!client)
      throw new W2sError(
        `${spec.file}: no cluster: set cluster.address in the file or run "W2S: Connect to Cluster…".`,
        'NO_CLUSTER',
      );
    const root = spec.cluster.checkpointRoot
      ? checkCheckpointRoot(spec.cluster.checkpointRoot, `${spec.file}: cluster.checkpoint_root`)
      : checkpointRootSetting();
    if (!root)
      throw new W2sError(
        `${spec.file}: cluster.checkpoint_root is not set (nor the setting w2s.cluster.checkpointDir): where should the students' checkpoints go on the cluster?`,
        'NO_CHECKPOINT_ROOT',
      );
    made = {
      client,
      runnerDir: deps.runnerDir,
      environment: spec.cluster.runtime
        ? parseEnvironment(spec.cluster.runtime, `${spec.file}: cluster.runtime`)
        : runtimeSetting(deps.log),
      checkpointRoot: root,
    };
    return made;
  };
}

/**
 * A teacher's endpoint in the editor: its URL with the key from VS Code's environment, as `w2s sample`;
 * or its profile of `w2s.endpoints` (as the experiment file's folder sets it) with the key saved for that
 * profile by "W2S: Set API Key…", else the environment's.
 */
export async function teacherEndpoint(
  secrets: vscode.SecretStorage,
  spec: ExperimentSpec,
  t: TeacherSpec,
): Promise<ResolvedEndpoint> {
  const fromEnv = () => envApiKey(process.env, t, spec.file, "VS Code's environment");
  if (t.endpoint.kind === 'url') {
    const apiKey = fromEnv();
    return { baseUrl: t.endpoint.url, ...(apiKey ? { apiKey } : {}) };
  }
  let profiles;
  try {
    profiles = endpointProfiles(vscode.Uri.file(spec.file));
  } catch (e) {
    throw new W2sError(`${spec.file}: teacher ${t.name}: ${errorMessage(e)}`, 'BAD_SETTING');
  }
  const profile = findProfile(spec.file, t, profiles, {
    where: 'the w2s.endpoints setting',
    fix: `Add it in Settings (w2s.endpoints: { "name": "${t.endpoint.profile}", "baseUrl": "http://HOST:PORT/v1" }, optionally "extraBody") and its key with "W2S: Set API Key…", or write the teacher's endpoint as a URL.`,
  });
  return fromProfile(profile, (await apiKeyFor(secrets, profile.name)) ?? fromEnv());
}

export interface RunResult {
  readonly ran: readonly string[];
  readonly stopped: boolean;
  /** what stopped the run, as reported to the user (the error notification and the log) */
  readonly error?: string;
  /** the run made the results table and opened it in the Results panel */
  readonly openedResults?: boolean;
}

/** "Run to Step…" from the palette: which step, with where each stands. */
async function pickStep(steps: readonly PlannedStep[]): Promise<string[] | undefined> {
  const pick = await vscode.window.showQuickPick(
    steps
      .filter(({ step }) => step.kind !== 'problems')
      .map(({ step, status }) => ({ label: step.id, description: status.state, detail: status.detail || undefined })),
    { title: 'W2S: Run Experiment to Step', placeHolder: 'the step to run, with the steps it needs' },
  );
  return pick && [pick.label];
}

/**
 * `w2s experiment run FILE` with a progress notification. Cancel is the CLI's Ctrl-C: the steps under way
 * stop where their command would, cluster jobs keep running, and the next run follows them again.
 */
export async function runExperimentCommand(
  deps: ExperimentDeps,
  arg: unknown,
  to?: readonly string[] | 'ask',
): Promise<RunResult | undefined> {
  const file = experimentFileOf(arg);
  if (!file) return undefined;
  let spec: ExperimentSpec | undefined;
  try {
    await saveIfDirty(file);
    spec = readExperiment(file);
    const s = spec;
    const store = deps.stores.get();
    const until = to === 'ask' ? await pickStep(experimentStatus(store, s).steps) : to;
    if (to === 'ask' && !until) return undefined;
    // as the CLI without --force: a student that would not fit is not trained unless asked again
    const planned = experimentStatus(store, s);
    // a run to a step checks only the students it would train
    const wanted = until ? stepsUpTo(planned.plan, until) : undefined;
    const memory = sftMemoryCheck(
      s,
      planned.steps.filter((x) => !wanted || wanted.has(x.step.id)),
      () => runnerDefaults(deps.runnerDir).sft,
      {
        cwd: cwdFor(file),
        env: process.env,
      },
    );
    for (const line of memory.skipped) deps.log.warn(`experiment ${s.name}: ${line}`);
    if (memory.tooBig) {
      const pick = await vscode.window.showWarningMessage(
        `W2S: ${memory.tooBig}`,
        { modal: true, detail: 'The job would run out of GPU memory on the cluster.' },
        'Run Anyway',
      );
      if (pick !== 'Run Anyway') return { ran: [], stopped: false, error: 'not run: the student would not fit' };
    }
    const cluster = await clusterOf(deps, s);
    let pool: GraderPool | undefined;
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `W2S: experiment ${s.name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const ctx: StepContext = {
          store,
          signal: abort.signal,
          cwd: cwdFor(file),
          log: (line) => {
            deps.log.info(`experiment ${s.name}: ${line}`);
            progress.report({ message: line });
            // this window's writes do not move the store's data_version: the views are told
            deps.stores.notifyChanged();
          },
          endpoint: (t) => teacherEndpoint(deps.secrets, s, t),
          graderPool: () => (pool ??= createGraderPool()),
          cluster,
        };
        try {
          return await runExperiment(ctx, s, { until });
        } finally {
          await pool?.close();
          deps.stores.notifyChanged();
          deps.refresh();
        }
      },
    );
    const steps = experimentStatus(store, s).steps;
    const todo = steps.filter((x) => x.status.state !== 'done').length;
    if (summary.stopped) {
      void vscode.window.showInformationMessage(
        `W2S: experiment ${s.name} stopped (${todo} of ${steps.length} steps to do); cluster jobs keep running. Run it again to go on.`,
      );
    } else {
      const upTo = until ? ` up to ${until.join(', ')}` : '';
      void vscode.window.showInformationMessage(
        `W2S: experiment ${s.name}: ${summary.ran.length} step(s) ran${upTo}; ${todo ? `${todo} of ${steps.length} to do` : `all ${steps.length} steps done`}.`,
      );
    }
    // the experiment's table, when this run made it: its reference models and sets chosen in the Results panel
    const opened = !summary.stopped && summary.ran.includes('results');
    if (opened) await vscode.commands.executeCommand('w2s.openResults', resultsSelectionOf(s));
    return { ran: summary.ran, stopped: summary.stopped, ...(opened ? { openedResults: true } : {}) };
  } catch (e) {
    deps.refresh();
    void reportError(deps.log, `experiment ${spec?.name ?? path.basename(file)}`, e);
    return { ran: [], stopped: false, error: errorMessage(e) };
  }
}
