import * as vscode from 'vscode';
import { modelShape, planSftJob } from '../../core/jobs/memory-plan';
import { alternativeLines, planLines, planSummary } from '../../core/jobs/memory-plan-text';
import { clusterModelConfig } from '../../core/jobs/cluster-model-config';
import { findModelConfig, type FoundConfig } from '../../core/jobs/model-config';
import { runnerDefaults } from '../../core/jobs/runner-files';
import { W2sError, errorMessage } from '../../core/errors';
import { setting } from '../ui/settings';
import { clientFor, configuredAddress } from './cluster';
import { runtimeSetting } from './cluster-settings';
import type { JobsContext } from './context';

export interface PlanDecision {
  /** false: the user chose not to submit. */
  readonly proceed: boolean;
  /** The GPUs to submit with (the user may take the count the plan offers). */
  readonly gpus: number;
  /** One line for the next step's prompt; undefined when no plan could be made here. */
  readonly summary?: string;
}

/** The connected cluster's copy of the model's config.json, read by a small Ray job (cancellable). */
async function clusterCopy(ctx: JobsContext, address: string, baseModel: string): Promise<FoundConfig> {
  const client = await clientFor(ctx.secrets, address);
  const environment = runtimeSetting(ctx.log);
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `W2S: memory plan for ${baseModel}`,
      cancellable: true,
    },
    (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return clusterModelConfig(client, baseModel, {
        runnerDir: ctx.runnerDir,
        environment,
        signal: controller.signal,
        onProgress: (m) => progress.report({ message: m }),
      });
    },
  );
}

/**
 * The memory plan of an SFT job before Start SFT Job… submits it (`w2s jobs plan` in the editor): the
 * model's config.json from a folder or the Hugging Face cache on this machine, else the connected
 * cluster's copy (a small Ray job, core/jobs/cluster-model-config.ts, with a cancellable progress
 * notification), the job's settings over the runner's defaults, the GPU size from `w2s.cluster.gpuMemoryGiB`. The whole plan goes to the log;
 * a job that fits goes on with the plan in the next prompt; one that would not fit asks first (modal),
 * offering the GPU count that would fit. Without a config.json here or there, there is no plan, and
 * nothing is asked (the reason goes to the log).
 */
export async function confirmMemoryPlan(
  ctx: JobsContext,
  baseModel: string,
  settings: Record<string, unknown>,
  gpus: number,
): Promise<PlanDecision> {
  const address = configuredAddress();
  let found;
  try {
    found = findModelConfig({
      baseModel,
      cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd(),
      env: process.env,
    });
  } catch (e) {
    const notHere = e instanceof W2sError && e.code === 'MODEL_CONFIG_NOT_FOUND';
    if (!notHere || !address) {
      ctx.log.info(
        notHere
          ? `Memory plan skipped: no config.json for ${baseModel} on this machine (a folder, or the Hugging Face cache), and no cluster connected to ask.`
          : `Memory plan skipped: ${errorMessage(e)}`,
      );
      return { proceed: true, gpus };
    }
    try {
      found = await clusterCopy(ctx, address, baseModel);
    } catch (err) {
      ctx.log.info(`Memory plan skipped: ${errorMessage(err)}`);
      return { proceed: true, gpus };
    }
  }
  const gpuMemory = setting('cluster.gpuMemoryGiB');
  let result;
  try {
    result = planSftJob(
      modelShape(found.config, found.path),
      settings,
      runnerDefaults(ctx.runnerDir).sft,
      gpus,
      gpuMemory,
    );
  } catch (e) {
    ctx.log.warn(`Memory plan skipped: ${errorMessage(e)}`);
    return { proceed: true, gpus };
  }
  const { plan, alternatives } = result;
  const lines = [...planLines(plan, found.path), ...alternativeLines(alternatives)];
  ctx.log.info(`Memory plan for ${baseModel}:\n  ${lines.join('\n  ')}`);
  const summary = `memory plan: ${planSummary(plan)}`;
  if (plan.fits) return { proceed: true, gpus, summary };
  const more = alternatives.find((a) => a.change.startsWith('--gpus '));
  const moreGpus = more ? Number(more.change.slice('--gpus '.length)) : undefined;
  const useMore = moreGpus ? `Use ${moreGpus} GPUs` : undefined;
  const submit = 'Submit Anyway';
  const pick = await vscode.window.showWarningMessage(
    `W2S: ${baseModel} would not fit: ${planSummary(plan)}.`,
    { modal: true, detail: lines.slice(1).join('\n') },
    ...(useMore ? [useMore] : []),
    submit,
  );
  if (pick === submit) return { proceed: true, gpus, summary };
  if (useMore && pick === useMore && more)
    return { proceed: true, gpus: moreGpus!, summary: `memory plan: ${planSummary(more.plan)}` };
  return { proceed: false, gpus };
}
