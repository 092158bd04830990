import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { deleteJob, stopJob } from '../../core/jobs/control';
import { isFinished, listJobs, requireJob } from '../../core/jobs/job-store';
import { requireRunnerDir } from '../../core/jobs/runner-files';
import type { GraderService } from '../grading/grader-service';
import { jobPanels, type JobPanelDeps } from './job-panel';
import type { StoreService } from '../ui/store-service';
import { JobsTree } from './jobs-tree';
import { clientFor, configuredAddress, connectToCluster, type ConnectArgs } from './cluster';
import { loadProbe } from './cluster-settings';
import type { JobsContext } from './context';
import { evaluateModel, submitEvalRerun, type EvalRerunArgs, type EvaluateArgs } from './evaluate';
import { JobFollowers } from './followers';
import { startSftJob, type StartSftArgs } from './start-sft';
import { registerCommand } from '../ui/commands';
import { reportError } from '../ui/report-error';

type JobArg = string | { job?: { name: string } } | undefined;
const jobNameOf = (arg: JobArg): string | undefined => (typeof arg === 'string' ? arg : arg?.job?.name);

/** Cluster jobs: connect, start SFT / eval, the Jobs tree, job panels, logs, stop, and re-attachment. */
export function registerJobs(
  context: vscode.ExtensionContext,
  stores: StoreService,
  grader: GraderService,
  log: vscode.LogOutputChannel,
): JobFollowers {
  // The panel needs the followers and the followers open panels: the closure reads panelDeps once both exist.
  const openPanel = (name: string) => void panels.open(name);
  const followers = new JobFollowers(stores, context.secrets, grader, log, openPanel);
  const ctx: JobsContext = {
    stores,
    secrets: context.secrets,
    memento: context.workspaceState,
    log,
    followers,
    openPanel,
    runnerDir: requireRunnerDir(path.join(context.extensionPath, 'dist')),
  };
  const stop = async (name: string) => {
    const job = requireJob(stores.get(), name);
    const { stopped } = await stopJob(stores.get(), await clientFor(context.secrets, job.cluster), job.id);
    stores.notifyChanged();
    if (!followers.isFollowing(job.id)) followers.follow(job);
    void vscode.window.showInformationMessage(
      stopped
        ? `W2S: stopping ${name} (SIGTERM, then SIGKILL after a few seconds).`
        : `W2S: the cluster says ${name} was not running.`,
    );
  };
  const panelDeps: JobPanelDeps = { context, stores, followers, log, stop };
  const panels = jobPanels(panelDeps);
  const tree = new JobsTree(stores, followers, () => loadProbe(context.workspaceState, configuredAddress()));

  const pickJob = async (
    arg: JobArg,
    filter: (running: boolean) => boolean,
    verb: string,
  ): Promise<string | undefined> => {
    const name = jobNameOf(arg);
    if (name) return name;
    const store = stores.getIfExists();
    const jobs = store ? listJobs(store).filter((j) => filter(!isFinished(j.status))) : [];
    if (!jobs.length) {
      void vscode.window.showInformationMessage(`No job to ${verb.toLowerCase()}.`);
      return undefined;
    }
    return (
      await vscode.window.showQuickPick(
        jobs.map((j) => ({ label: j.name, description: `${j.kind} · ${j.status}` })),
        { title: `W2S: ${verb} Job` },
      )
    )?.label;
  };
  const guard = (fn: () => Promise<unknown>) => async () => {
    try {
      await fn();
    } catch (e) {
      void reportError(log, '', e);
    }
  };

  context.subscriptions.push(
    followers,
    tree,
    vscode.window.registerTreeDataProvider('w2s.jobs', tree),
    // (panels are not closed on deactivate: VS Code restores them after a reload)
    panels.registerSerializer(),
    registerCommand('w2s.connectCluster', (args?: ConnectArgs) =>
      connectToCluster(
        { secrets: context.secrets, log, memento: context.workspaceState, runnerDir: ctx.runnerDir },
        args && typeof args === 'object' ? args : {},
      ).then(() => tree.refresh()),
    ),
    registerCommand('w2s.startSftJob', (args?: StartSftArgs) =>
      startSftJob(ctx, args && typeof args === 'object' ? args : {}),
    ),
    registerCommand('w2s.evaluateModel', (args?: EvaluateArgs) =>
      evaluateModel(ctx, args && typeof args === 'object' ? args : {}),
    ),
    // the Testing view's run profile of a model evaluated on the cluster (results)
    registerCommand(
      'w2s.submitEvalJob',
      async (args?: EvalRerunArgs) => (await submitEvalRerun(ctx, args && typeof args === 'object' ? args : {}))?.name,
    ),
    registerCommand('w2s.refreshJobs', () => tree.refresh()),
    registerCommand('w2s.openJob', async (arg: JobArg) => {
      const name = await pickJob(arg, () => true, 'Open');
      if (name) openPanel(name);
    }),
    registerCommand('w2s.showJobLog', async (arg: JobArg) => {
      const name = await pickJob(arg, () => true, 'Show Log of');
      if (!name) return;
      const job = requireJob(stores.get(), name);
      const channel = followers.channel(job);
      // A job this window does not follow: show the whole log as the cluster has it.
      if (!followers.isFollowing(job.id) && job.submissionId) {
        await guard(async () => {
          const text = await (await clientFor(context.secrets, job.cluster)).logs(job.submissionId!);
          channel.replace(text);
        })();
      }
      channel.show(true);
    }),
    registerCommand('w2s.stopJob', async (arg: JobArg) => {
      const name = await pickJob(arg, (running) => running, 'Stop');
      if (name) await guard(() => stop(name))();
    }),
    registerCommand('w2s.removeJob', async (arg: JobArg) => {
      const name = await pickJob(arg, (running) => !running, 'Remove');
      if (!name) return;
      const ok = await vscode.window.showWarningMessage(
        `Remove job ${name} from the cluster's list and from this store? Its eval run and checkpoints stay.`,
        { modal: true },
        'Remove',
      );
      if (ok !== 'Remove') return;
      await guard(async () => {
        const job = requireJob(stores.get(), name);
        await deleteJob(stores.get(), await clientFor(context.secrets, job.cluster).catch(() => undefined), job.id, {
          local: true,
        });
        stores.notifyChanged();
        tree.refresh();
      })();
    }),
  );
  // After a reload, jobs that were running are followed again (from where the store stopped reading).
  setTimeout(() => {
    try {
      followers.reattach();
    } catch (e) {
      log.warn(`Re-attaching to running jobs: ${errorMessage(e)}`);
    }
  }, 500);
  return followers;
}
