import * as path from 'node:path';
import * as vscode from 'vscode';
import { listDatasetSnapshots, type DatasetSource } from '../../core/jobs/dataset-source';
import { defaultJobName, type JobRow } from '../../core/jobs/job-store';
import { RECIPES, recipeForStudent, type Recipe } from '../../core/jobs/recipes';
import { runnerDefaults } from '../../core/jobs/runner-files';
import { submitJob, type EvalRequest, type SftRequest } from '../../core/jobs/submit';
import type { JobsContext } from './context';
import { confirmMemoryPlan } from './memory-plan-prompt';
import { requireCluster } from './cluster';
import { setting } from '../ui/settings';
import { reportError } from '../ui/report-error';
import { loadProbe, runtimeSetting } from './cluster-settings';
import { inputStep, pickStep, stepCounter, type StepOf } from '../ui/steps';

/** Arguments that skip the pickers (tests, keybindings). */
export interface StartSftArgs {
  readonly dataset?: DatasetSource;
  readonly baseModel?: string;
  readonly outputDir?: string;
  readonly settings?: Record<string, unknown>;
  readonly gpus?: number;
  readonly name?: string;
}

async function pickDataset(
  ctx: JobsContext,
  steps: ReturnType<typeof stepCounter>,
): Promise<DatasetSource | undefined> {
  const store = ctx.stores.getIfExists();
  type Item = vscode.QuickPickItem & { source?: DatasetSource; action?: 'file' | 'browse' | 'cluster' };
  const items: Item[] = [];
  const snapshots = store ? listDatasetSnapshots(store) : [];
  if (snapshots.length) items.push({ label: 'Dataset snapshots', kind: vscode.QuickPickItemKind.Separator });
  for (const s of snapshots)
    items.push({
      label: s.name,
      description: `${s.traces} traces · ${s.createdAt.slice(0, 16).replace('T', ' ')}`,
      source: { kind: 'snapshot', name: s.name },
    });
  items.push({ label: 'Other data', kind: vscode.QuickPickItemKind.Separator });
  items.push({
    label: '$(file) Dataset file in the workspace…',
    description: 'JSONL: OpenAI chat messages, ShareGPT or Alpaca',
    action: 'file',
  });
  items.push({ label: '$(folder-opened) Browse for a dataset file…', action: 'browse' });
  items.push({
    label: '$(cloud) A path on the cluster…',
    description: 'data on storage the cluster shares (over 100 MiB)',
    action: 'cluster',
  });
  const pick = await pickStep(items, {
    title: 'W2S: Start SFT Job — training data',
    ...steps.next(),
    placeholder: snapshots.length ? 'A dataset snapshot, or a file' : 'No dataset snapshots yet: pick a file',
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.source) return pick.source;
  if (pick.action === 'cluster') {
    steps.more();
    const p = await inputStep({
      title: 'Dataset on the cluster',
      ...steps.next(),
      prompt: 'Absolute path (or URI) every node of the cluster can read',
      value: '/shared/data/',
      ignoreFocusOut: true,
      validate: (v) => (v.startsWith('/') || /^[a-z0-9]+:\/\//i.test(v) ? undefined : 'an absolute path or a URI'),
    });
    return p ? { kind: 'cluster', path: p } : undefined;
  }
  if (pick.action === 'browse') {
    const uris = await vscode.window.showOpenDialog({
      title: 'Dataset file',
      canSelectMany: false,
      filters: { 'JSON Lines': ['jsonl', 'json'] },
    });
    return uris?.[0] ? { kind: 'file', path: uris[0].fsPath } : undefined;
  }
  const files = await vscode.workspace.findFiles('**/*.{jsonl,json}', '**/{node_modules,.git,.w2s}/**', 500);
  if (!files.length) {
    void vscode.window.showInformationMessage(
      'No .jsonl or .json files in the workspace: browse for one, or export a dataset snapshot first.',
    );
    return undefined;
  }
  steps.more();
  const f = await pickStep(
    files
      .map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u), uri: u }))
      .sort((a, b) => a.description.localeCompare(b.description)),
    { title: 'W2S: Start SFT Job — dataset file', ...steps.next(), ignoreFocusOut: true },
  );
  return f ? { kind: 'file', path: f.uri.fsPath } : undefined;
}

export async function pickGpus(title: string, step?: StepOf): Promise<number | undefined> {
  const pick = await pickStep(
    ['1', '2', '4', '8'].map((n) => ({
      label: n,
      description: n === '1' ? 'one GPU' : `${n} GPUs of one node (torchrun)`,
    })),
    { title, ...step, placeholder: 'GPUs for the job (entrypoint_num_gpus)', ignoreFocusOut: true },
  );
  return pick ? Number(pick.label) : undefined;
}

/** Submits with a cancellable progress notification, then follows the job and opens its panel. */
export async function submitAndOpen(ctx: JobsContext, req: SftRequest | EvalRequest): Promise<JobRow | undefined> {
  const client = await requireCluster(ctx.secrets, ctx.log, ctx.memento, ctx.runnerDir);
  if (!client) return undefined;
  // what the last probe of this cluster found decides whether a node-local root can be used
  const probe = loadProbe(ctx.memento, client.address)?.report;
  try {
    const job = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `W2S: submitting the ${req.kind} job`,
        cancellable: true,
      },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return submitJob(
          {
            store: ctx.stores.get(),
            client,
            runnerDir: ctx.runnerDir,
            cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
            signal: controller.signal,
            onProgress: (m) => progress.report({ message: m }),
            environment: runtimeSetting(ctx.log),
            clusterNodes: probe?.ok ? probe.nodes.length : undefined,
            rootShared: probe?.checkpointRoot.shared,
          },
          req,
        );
      },
    );
    ctx.stores.notifyChanged();
    ctx.log.info(`Job ${job.name} submitted to ${job.cluster} as ${job.submissionId}`);
    ctx.followers.follow(job);
    ctx.openPanel(job.name);
    return job;
  } catch (e) {
    ctx.stores.notifyChanged();
    void reportError(ctx.log, `submitting the ${req.kind} job ${req.name} failed`, e);
    return undefined;
  }
}

/** "W2S: Start SFT Job…": data, base model, W2SR settings (or LoRA, or custom), GPUs, name, output folder. */
export async function startSftJob(ctx: JobsContext, args: StartSftArgs = {}): Promise<JobRow | undefined> {
  const title = 'W2S: Start SFT Job';
  // the pickers the arguments leave: data, base model, settings, GPUs, name, output folder (1/6 …)
  const steps = stepCounter(
    [
      args.dataset === undefined,
      args.baseModel === undefined,
      !args.settings,
      args.gpus === undefined,
      args.name === undefined,
      args.outputDir === undefined,
    ].filter(Boolean).length,
  );
  const dataset = args.dataset ?? (await pickDataset(ctx, steps));
  if (!dataset) return undefined;
  const lastModel = ctx.memento.get<string>('w2s.lastBaseModel') ?? 'Qwen/Qwen2.5-Math-7B';
  const baseModel =
    args.baseModel ??
    (await inputStep({
      title,
      ...steps.next(),
      prompt: 'Base model: a model id the cluster can download, or a folder on the cluster',
      value: lastModel,
      ignoreFocusOut: true,
    }));
  if (!baseModel) return undefined;
  await ctx.memento.update('w2s.lastBaseModel', baseModel);
  let settings = args.settings;
  if (!settings) {
    const d = runnerDefaults(ctx.runnerDir).sft;
    const recipe = `lr ${String(d.learning_rate)}, ${String(d.lr_scheduler)}, warmup ${String(d.warmup_ratio)}, ${String(d.epochs)} epochs, batch ${String(d.global_batch_size)}, cutoff ${String(d.cutoff_len)}, bf16`;
    // W2SR's recipe for this student first when it has one (core/jobs/recipes.ts), then the others by name
    const own = recipeForStudent(baseModel);
    const byName = (r: Recipe) => ({
      label: `W2SR recipe ${r.name}`,
      description: `${r.description}${r === own ? ' — this student' : ''}`,
      settings: { ...r.settings } as Record<string, unknown>,
    });
    const students = RECIPES.filter((r) => r.student !== '');
    const choice = await pickStep(
      [
        ...(own ? [byName(own)] : []),
        { label: 'W2SR recipe, full fine-tuning', description: recipe, settings: {} },
        { label: 'W2SR recipe with LoRA', description: 'r 32, alpha 64 (peft)', settings: { lora: {} } },
        ...students.filter((r) => r !== own).map(byName),
        {
          label: 'Custom settings…',
          description: 'job.json fields as JSON, e.g. {"epochs": 3, "learning_rate": 2e-5}',
          settings: undefined,
        },
      ],
      {
        title,
        ...steps.next(),
        placeholder: 'Training settings (defaults: runner/w2s_runner/defaults.json)',
        ignoreFocusOut: true,
      },
    );
    if (!choice) return undefined;
    settings = choice.settings;
    if (!settings) {
      steps.more();
      const text = await inputStep({
        title,
        ...steps.next(),
        prompt: 'job.json fields that differ from the W2SR defaults (JSON object)',
        value: '{"epochs": 3}',
        ignoreFocusOut: true,
        validate: (v) => {
          try {
            const o = JSON.parse(v) as unknown;
            return o && typeof o === 'object' && !Array.isArray(o) ? undefined : 'a JSON object';
          } catch (e) {
            return (e as Error).message;
          }
        },
      });
      if (text === undefined) return undefined;
      settings = JSON.parse(text) as Record<string, unknown>;
    }
  }
  const picked = args.gpus ?? (await pickGpus(title, steps.next()));
  if (!picked) return undefined;
  const decision = await confirmMemoryPlan(ctx, baseModel, settings, picked);
  if (!decision.proceed) return undefined;
  const gpus = decision.gpus;
  const label = dataset.kind === 'snapshot' ? dataset.name : path.basename(dataset.path).replace(/\.[^.]+$/, '');
  const name =
    args.name ??
    (await inputStep({
      title,
      ...steps.next(),
      prompt: decision.summary ? `Job name (${decision.summary})` : 'Job name',
      value: defaultJobName('sft', label),
      ignoreFocusOut: true,
    }));
  if (!name) return undefined;
  const root = setting('cluster.checkpointDir').replace(/\/+$/, '');
  const outputDir =
    args.outputDir ??
    (await inputStep({
      title,
      ...steps.next(),
      prompt: 'Output folder on the cluster (shared storage when several nodes train)',
      value: `${root}/${name}`,
      ignoreFocusOut: true,
    }));
  if (!outputDir) return undefined;
  return submitAndOpen(ctx, { kind: 'sft', name, baseModel, dataset, outputDir, settings, gpus });
}
