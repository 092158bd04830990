import * as vscode from 'vscode';
import { listJobs, type JobRow } from '../../core/jobs/job-store';
import { defaultJobName } from '../../core/jobs/job-store';
import { runnerDefaults } from '../../core/jobs/runner-files';
import { listProblemSets } from '../../core/problems/sets';
import { nextRerunName } from '../../core/results/rerun';
import { findRun } from '../../core/runs/runs';
import type { SamplingParams } from '../../core/sampling/client';
import { requireTemplate, listTemplates, type PromptTemplate } from '../../core/sampling/templates';
import type { JobsContext } from './context';
import { pickGpus, submitAndOpen } from './start-sft';
import { inputStep, pickStep, stepCounter } from '../ui/steps';

/** Arguments that skip the pickers (tests, keybindings). */
export interface EvaluateArgs {
  readonly model?: string;
  readonly setName?: string;
  readonly template?: string;
  readonly samplesPerProblem?: number;
  readonly params?: { temperature: number; top_p: number; max_tokens: number | null; seed?: number };
  readonly gpus?: number;
  readonly name?: string;
  readonly limit?: number;
}

async function pickModel(ctx: JobsContext, steps: ReturnType<typeof stepCounter>): Promise<string | undefined> {
  const store = ctx.stores.getIfExists();
  type Item = vscode.QuickPickItem & { model?: string };
  const items: Item[] = [];
  const finished = store ? listJobs(store).filter((j) => j.kind === 'sft' && j.status === 'succeeded') : [];
  if (finished.length) items.push({ label: 'Models trained by SFT jobs', kind: vscode.QuickPickItemKind.Separator });
  for (const j of finished) {
    for (const c of [...(j.output.checkpoints ?? [])].reverse()) {
      items.push({
        label: c.final ? j.name : `${j.name} · step ${c.step}`,
        description: c.path,
        detail: c.final ? 'final model' : undefined,
        model: c.path,
      });
    }
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(edit) Enter a model id or a folder on the cluster…' });
  const pick = await pickStep(items, {
    title: 'W2S: Evaluate Model on Cluster — model',
    ...steps.next(),
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.model) return pick.model;
  steps.more();
  return inputStep({
    title: 'W2S: Evaluate Model on Cluster',
    ...steps.next(),
    prompt: 'A model id the cluster can download, or a checkpoint folder on the cluster',
    value: 'Qwen/Qwen2.5-Math-7B',
    ignoreFocusOut: true,
  });
}

/** "W2S: Evaluate Model on Cluster…": a checkpoint or model id, a problem set, a template, W2SR eval sampling. */
export async function evaluateModel(ctx: JobsContext, args: EvaluateArgs = {}): Promise<JobRow | undefined> {
  const title = 'W2S: Evaluate Model on Cluster';
  const store = ctx.stores.get();
  // the pickers the arguments leave: model, problem set, template, sampling, GPUs, name (1/6 …)
  const steps = stepCounter(
    [
      args.model === undefined,
      !args.setName,
      !args.template,
      args.samplesPerProblem === undefined || !args.params,
      args.gpus === undefined,
      args.name === undefined,
    ].filter(Boolean).length,
  );
  const model = args.model ?? (await pickModel(ctx, steps));
  if (!model) return undefined;
  let setName = args.setName;
  if (!setName) {
    const sets = listProblemSets(store);
    if (!sets.length) {
      void vscode.window
        .showInformationMessage(
          'No problem sets yet: add a built-in benchmark or import one first.',
          'Add Built-in Benchmark…',
        )
        .then((a) => a && vscode.commands.executeCommand('w2s.addBuiltinBenchmark'));
      return undefined;
    }
    setName = (
      await pickStep(
        sets.map((s) => ({ label: s.name, description: `${s.problems} problems` })),
        { title, ...steps.next(), placeholder: 'Problem set', ignoreFocusOut: true },
      )
    )?.label;
    if (!setName) return undefined;
  }
  let templateName = args.template;
  if (!templateName) {
    templateName = (
      await pickStep(
        listTemplates(store).map((t) => ({
          label: t.name,
          description: `${t.api}${t.system ? ` · system: ${t.system.slice(0, 40)}` : ''}`,
        })),
        { title, ...steps.next(), placeholder: 'Prompt template (qwen-base: the W2SR one)', ignoreFocusOut: true },
      )
    )?.label;
    if (!templateName) return undefined;
  }
  const template = requireTemplate(store, templateName);
  const d = runnerDefaults(ctx.runnerDir).eval;
  let n = args.samplesPerProblem;
  let params = args.params;
  if (n === undefined || !params) {
    const w2sr = {
      temperature: d.temperature as number,
      top_p: d.top_p as number,
      max_tokens: d.max_tokens as number | null,
      seed: d.seed as number,
    };
    // null: up to what the model's context leaves, as W2SR evaluated (runner/w2s_runner/defaults.json)
    const budget = w2sr.max_tokens === null ? 'up to the context' : `${w2sr.max_tokens} tokens`;
    const preset = await pickStep(
      [
        {
          label: 'W2SR eval',
          description: `t ${w2sr.temperature}, top_p ${w2sr.top_p}, ${budget}, seed ${w2sr.seed}, 1 sample`,
          n: 1,
          params: w2sr,
        },
        { label: 'W2SR eval, 4 samples', description: 'pass@k / maj@k', n: 4, params: w2sr },
        { label: 'Greedy', description: `t 0, ${budget}`, n: 1, params: { ...w2sr, temperature: 0, top_p: 1 } },
      ],
      { title, ...steps.next(), placeholder: 'Sampling', ignoreFocusOut: true },
    );
    if (!preset) return undefined;
    n = preset.n;
    params = preset.params;
  }
  const gpus = args.gpus ?? (await pickGpus(title, steps.next()));
  if (!gpus) return undefined;
  const short = model.split('/').filter(Boolean).at(-1) ?? 'model';
  const name =
    args.name ??
    (await inputStep({
      title,
      ...steps.next(),
      prompt: 'Job name (also the name of the eval run)',
      value: defaultJobName('eval', `${short}-${setName}`),
      ignoreFocusOut: true,
    }));
  if (!name) return undefined;
  return submitAndOpen(ctx, {
    kind: 'eval',
    name,
    model,
    setName,
    template,
    samplesPerProblem: n,
    params,
    gpus,
    limit: args.limit,
  });
}

/** `w2s.submitEvalJob`: from the Testing view, when the model's evaluation of the set ran on the cluster. */
export interface EvalRerunArgs {
  /** The evaluation (an eval run from a cluster job). */
  readonly evaluation?: string;
  readonly problemKeys?: readonly string[];
}

/**
 * Evaluates some problems of a cluster evaluation again, with its own model, template and settings, as a
 * job whose samples go to `<evaluation>@rerun-<k>` (a re-run of it, so the results read the newest
 * generation of each problem). Asks first: it starts GPU work.
 */
export async function submitEvalRerun(ctx: JobsContext, args: EvalRerunArgs = {}): Promise<JobRow | undefined> {
  const store = ctx.stores.get();
  const run = args.evaluation ? findRun(store, args.evaluation) : undefined;
  if (!run || run.kind !== 'eval' || !run.template) {
    void vscode.window.showErrorMessage(
      `W2S: no cluster evaluation named "${args.evaluation ?? ''}" to evaluate again.`,
    );
    return undefined;
  }
  const keys = [...new Set(args.problemKeys ?? [])];
  if (keys.length === 0) return undefined;
  const gpus = listJobs(store).find((j) => j.kind === 'eval' && j.spec.evalRun === run.name)?.spec.gpus ?? 1;
  const runName = nextRerunName(store, run);
  // job names allow no "@"
  const name = runName.replace(/@/g, '-').slice(0, 64);
  const ok = await vscode.window.showInformationMessage(
    `Evaluate ${keys.length} problem${keys.length === 1 ? '' : 's'} of ${run.setName} again with ${run.model} on the cluster?`,
    {
      modal: true,
      detail: `Job ${name} on ${gpus} GPU${gpus === 1 ? '' : 's'}, with the settings of ${run.name}; its samples go to the run ${runName}, a re-run of ${run.name}.`,
    },
    'Submit Job',
  );
  if (ok !== 'Submit Job') return undefined;
  const { extra_body: _extra, ...params } = run.params as SamplingParams & { extra_body?: unknown };
  return submitAndOpen(ctx, {
    kind: 'eval',
    name,
    runName,
    model: run.model,
    setName: run.setName,
    template: run.template as PromptTemplate,
    samplesPerProblem: run.samplesPerProblem,
    params: params as { temperature: number; top_p: number; max_tokens: number | null; seed?: number },
    gpus,
    problemKeys: keys,
    rerunOf: run.name,
  });
}
