import * as vscode from 'vscode';
import { BUILTIN_BENCHMARKS } from '../../core/problems/builtin';
import { listProblemSets } from '../../core/problems/sets';
import { evalRunName } from '../../core/runs/names';
import { evalRunOf, loadOutcomes } from '../../core/results/eval-runs';
import { pct } from '../../core/results/format';
import { computeMetrics } from '../../core/results/metrics';
import { coverageOf, partialText, setProblemCount } from '../../core/results/problem-results';
import type { SamplingParams } from '../../core/sampling/client';
import { normalizeBaseUrl } from '../../core/sampling/endpoint';
import { EVAL_DEFAULTS, EVAL_PRESETS } from '../../core/sampling/presets';
import type { SampleResult } from '../../core/sampling/sampler';
import { requireTemplate } from '../../core/sampling/templates';
import { addBuiltinBenchmark } from '../problems/import-commands';
import type { GraderService } from '../grading/grader-service';
import { apiKeyFor, pickEndpoint, profileForUrl } from '../sampling/endpoints';
import { pickModel, runSampling, type SamplingContext } from '../sampling/sample-command';
import { pickManyStep, pickStep } from '../ui/steps';
import { setting } from '../ui/settings';
import { reportError } from '../ui/report-error';

const TITLE = 'W2S: Evaluate Endpoint Model';

/** Arguments that skip the pickers (tests, keybindings): `w2s.evaluateEndpointModel` with an object. */
export interface EvaluateArgs {
  readonly baseUrl: string;
  readonly model: string;
  readonly sets?: readonly string[];
  readonly n?: number;
  readonly params?: SamplingParams;
  readonly template?: string;
  /** evaluate only the first N problems of each set */
  readonly limit?: number;
}

interface EvalPlan {
  readonly baseUrl: string;
  readonly keyName: string;
  readonly extraBody?: Record<string, unknown>;
  readonly model: string;
  readonly sets: string[];
  readonly n: number;
  readonly params: SamplingParams;
  readonly template: string;
  readonly limit?: number;
}

/**
 * "W2S: Evaluate Endpoint Model…": endpoint → model → benchmarks → W2SR eval preset, then one eval run per
 * set through the same sampler and grader as teacher traces (a vLLM server of the student needs no cluster).
 * Each run is resumable; results appear in the comparison panel and the Testing view as they are graded.
 */
export async function evaluateEndpointModel(
  ctx: SamplingContext,
  grader: GraderService,
  args?: EvaluateArgs,
): Promise<SampleResult[] | undefined> {
  try {
    const plan =
      args && typeof args === 'object' && typeof args.model === 'string' ? planFromArgs(args) : await pickPlan(ctx);
    if (!plan) return undefined;
    return await runPlan(ctx, grader, plan);
  } catch (e) {
    void reportError(ctx.log, 'evaluation failed', e);
    return undefined;
  }
}

function planFromArgs(a: EvaluateArgs): EvalPlan {
  const baseUrl = normalizeBaseUrl(a.baseUrl);
  const profile = profileForUrl(baseUrl);
  return {
    baseUrl,
    keyName: profile?.name ?? baseUrl,
    extraBody: profile?.extraBody,
    model: a.model,
    sets: [...(a.sets ?? EVAL_DEFAULTS.sets)],
    n: a.n ?? EVAL_DEFAULTS.n,
    params: a.params ?? EVAL_PRESETS[0]!.params,
    template: a.template ?? EVAL_DEFAULTS.template,
    limit: a.limit,
  };
}

async function pickPlan(ctx: SamplingContext): Promise<EvalPlan | undefined> {
  const step = (n: number) => ({ step: n, totalSteps: 4 });
  const ep = await pickEndpoint(ctx.memory, TITLE, step(1));
  if (!ep) return undefined;
  const model = await pickModel(
    ep,
    await apiKeyFor(ctx.secrets, ep.name),
    ctx.memory.lastModel(ep.baseUrl),
    TITLE,
    step(2),
  );
  if (model) await ctx.memory.rememberModel(ep.baseUrl, model);
  if (!model) return undefined;
  const store = ctx.stores.get();
  const inStore = listProblemSets(store);
  type SetItem = vscode.QuickPickItem & { set: string };
  const items: SetItem[] = [
    ...inStore.map((s): SetItem => ({
      label: s.name,
      description: `${s.problems} problems`,
      set: s.name,
      picked: (EVAL_DEFAULTS.sets as readonly string[]).includes(s.name),
    })),
    ...BUILTIN_BENCHMARKS.filter((b) => !inStore.some((s) => s.name === b.id)).map((b): SetItem => ({
      label: b.id,
      description: `${b.problems} problems · built-in, added first`,
      detail: b.description,
      set: b.id,
      picked: (EVAL_DEFAULTS.sets as readonly string[]).includes(b.id),
    })),
  ];
  const picked = await pickManyStep(items, {
    title: TITLE,
    ...step(3),
    placeholder: 'Benchmarks to evaluate on',
    ignoreFocusOut: true,
  });
  if (!picked?.length) return undefined;
  const preset = await pickStep(
    EVAL_PRESETS.map((p) => ({ label: p.label, detail: p.detail, preset: p })),
    { title: TITLE, ...step(4), placeholder: 'Evaluation settings', ignoreFocusOut: true },
  );
  if (!preset) return undefined;
  return {
    baseUrl: ep.baseUrl,
    keyName: ep.name,
    extraBody: ep.extraBody,
    model,
    sets: picked.map((p) => p.set),
    n: preset.preset.n,
    params: preset.preset.params,
    template: EVAL_DEFAULTS.template,
  };
}

async function runPlan(ctx: SamplingContext, grader: GraderService, plan: EvalPlan): Promise<SampleResult[]> {
  const missing = plan.sets.filter((s) => !listProblemSets(ctx.stores.get()).some((x) => x.name === s));
  const builtins = missing.filter((s) => BUILTIN_BENCHMARKS.some((b) => b.id === s));
  const unknown = missing.filter((s) => !builtins.includes(s));
  if (unknown.length)
    throw new Error(
      `No problem set named ${unknown.map((s) => `"${s}"`).join(', ')}: import it first (W2S: Import Problem Set…).`,
    );
  if (builtins.length) await addBuiltinBenchmark(ctx.stores, ctx.log, builtins);
  const template = requireTemplate(ctx.stores.get(), plan.template);
  const gradeOnArrival = () => setting('grading.gradeOnArrival');
  // Results are verdicts: evaluations are graded as they arrive even where teacher traces are not.
  const evalCtx: SamplingContext = {
    ...ctx,
    onTracesStored: (e) => {
      ctx.onTracesStored(e);
      if (!gradeOnArrival()) grader.enqueue(e.traceIds);
    },
  };
  const results: SampleResult[] = [];
  for (const set of plan.sets) {
    const r = await runSampling(evalCtx, {
      kind: 'eval',
      runName: evalRunName(set, plan.model, plan.n),
      setName: set,
      model: plan.model,
      baseUrl: plan.baseUrl,
      keyName: plan.keyName,
      extraBody: plan.extraBody,
      template,
      params: plan.params,
      samplesPerProblem: plan.n,
      problemLimit: plan.limit,
    });
    if (!r) break;
    results.push(r);
    if (r.status === 'cancelled') break;
  }
  await grader.drain();
  ctx.stores.notifyChanged();
  const store = ctx.stores.get();
  const summary = results
    .map((r) => {
      const ev = evalRunOf(store, r.runName);
      if (!ev) return `${r.runName} –`;
      const outcomes = loadOutcomes(store, ev);
      // an evaluation of part of a set (--limit, a cancelled run) says so next to its accuracy
      const coverage = coverageOf(outcomes, setProblemCount(store, ev.setName));
      return `${ev.setName} ${pct(computeMetrics(outcomes).accuracy)}%${coverage.partial ? ` (${partialText(coverage)})` : ''}`;
    })
    .join(', ');
  if (results.length) {
    void vscode.window
      .showInformationMessage(`${plan.model}: ${summary}.`, 'Open Results')
      .then((a) => a && vscode.commands.executeCommand('w2s.openResults'));
  }
  return results;
}
