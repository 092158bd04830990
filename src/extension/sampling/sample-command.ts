import * as vscode from 'vscode';
import { listProblemSets } from '../../core/problems/sets';
import { defaultRunName, RUN_NAME, RUN_NAME_RULE } from '../../core/runs/names';
import { findRun, listRunNames } from '../../core/runs/runs';
import type { SamplingParams } from '../../core/sampling/client';
import { normalizeBaseUrl } from '../../core/sampling/endpoint';
import { SAMPLING_PRESETS, type SamplingPreset } from '../../core/sampling/presets';
import { probeEndpoint } from '../../core/sampling/probe';
import { sampleRun, type SampleResult } from '../../core/sampling/sampler';
import { listTemplates, saveTemplate, type ApiStyle, type PromptTemplate } from '../../core/sampling/templates';
import { openStore, type Store } from '../../core/store/open';
import type { StoreService } from '../ui/store-service';
import { inputStep, pickStep, type StepOf } from '../ui/steps';
import { apiKeyFor, pickEndpoint, profileForUrl, type ChosenEndpoint, type EndpointMemory } from './endpoints';
import type { Sessions } from './sessions';
import { setting } from '../ui/settings';
import { reportError } from '../ui/report-error';

export interface SamplingContext {
  readonly stores: StoreService;
  readonly sessions: Sessions;
  readonly secrets: vscode.SecretStorage;
  readonly log: vscode.LogOutputChannel;
  /** Endpoints and models used before (workspace state): offered first next time. */
  readonly memory: EndpointMemory;
  /** Called with the ids of traces as they are committed (the grader's hook). */
  readonly onTracesStored: (e: TracesStored) => void;
}

export interface TracesStored {
  readonly run: string;
  readonly traceIds: number[];
}

export interface SamplingRequest {
  readonly runName: string;
  /** `eval` for benchmark evaluations (W2S: Evaluate Endpoint Model…); default `sample` */
  readonly kind?: 'sample' | 'eval';
  readonly setName: string;
  readonly model: string;
  readonly baseUrl: string;
  readonly keyName: string;
  readonly extraBody?: Record<string, unknown>;
  readonly template: PromptTemplate;
  readonly params: SamplingParams;
  readonly samplesPerProblem: number;
  /** The first N problems of the set, null for all, undefined to keep the run's own selection. */
  readonly problemLimit?: number | null;
}

async function numberBox(
  title: string,
  value: string,
  check: (x: number) => boolean,
  hint: string,
  step?: StepOf,
): Promise<number | undefined> {
  const v = await inputStep({
    title,
    ...step,
    value,
    ignoreFocusOut: true,
    validate: (s) => (check(Number(s)) && s.trim() !== '' ? undefined : hint),
  });
  return v === undefined ? undefined : Number(v);
}

/** Arguments that skip the pickers (tests, other extensions, keybindings): `w2s.sampleTraces` with an object. */
export interface SampleTracesArgs {
  readonly set: string;
  readonly baseUrl: string;
  readonly model: string;
  readonly run?: string;
  readonly template?: string;
  readonly n?: number;
  readonly params?: SamplingParams;
  /** endpoint name whose API key (SecretStorage) to use; default the profile with this URL, else the URL */
  readonly endpoint?: string;
  /** sample only the first N problems of the set (stored with the run) */
  readonly limit?: number;
}

const TITLE = 'W2S: Sample Traces';

/** "W2S: Sample Traces…": set → endpoint → model → template → parameters → run name, then sample. */
export async function sampleTracesCommand(
  ctx: SamplingContext,
  args?: SampleTracesArgs,
): Promise<SampleResult | undefined> {
  try {
    if (args && typeof args === 'object' && typeof args.set === 'string')
      return await runSampling(ctx, requestFromArgs(ctx, args));
    const req = await pickSamplingRequest(ctx);
    return req ? await runSampling(ctx, req) : undefined;
  } catch (e) {
    void reportError(ctx.log, 'sampling failed', e);
    return undefined;
  }
}

function requestFromArgs(ctx: SamplingContext, args: SampleTracesArgs): SamplingRequest {
  const baseUrl = normalizeBaseUrl(args.baseUrl);
  const profile = profileForUrl(baseUrl);
  const template = listTemplates(ctx.stores.get()).find((t) => t.name === (args.template ?? 'qwen-base'));
  if (!template) throw new Error(`No template named "${args.template}".`);
  return {
    runName: args.run ?? defaultRunName(args.set, args.model, template.name),
    setName: args.set,
    model: args.model,
    baseUrl,
    keyName: args.endpoint ?? profile?.name ?? baseUrl,
    extraBody: profile?.extraBody,
    template,
    params: args.params ?? SAMPLING_PRESETS[0]!.params,
    samplesPerProblem: args.n ?? 1,
    problemLimit: args.limit,
  };
}

/** The pickers, one step each (their title bars count them: 1/7 …); undefined when the user backs out of any of them. */
async function pickSamplingRequest(ctx: SamplingContext): Promise<SamplingRequest | undefined> {
  const store = ctx.stores.get();
  const step = (n: number): StepOf => ({ step: n, totalSteps: 7 });
  const set = await pickSet(store, step(1));
  if (!set) return undefined;
  const ep = await pickEndpoint(ctx.memory, TITLE, step(2));
  if (!ep) return undefined;
  const model = await pickModel(
    ep,
    await apiKeyFor(ctx.secrets, ep.name),
    ctx.memory.lastModel(ep.baseUrl),
    TITLE,
    step(3),
  );
  if (!model) return undefined;
  await ctx.memory.rememberModel(ep.baseUrl, model);
  const template = await pickTemplate(ctx, ep.api, step(4));
  if (!template) return undefined;
  const preset = await pickParams(step(5));
  if (!preset) return undefined;
  const problemLimit = await pickLimit(set.problems, undefined, step(6));
  if (problemLimit === undefined) return undefined;
  const runName = await pickRunName(ctx, defaultRunName(set.name, model, template.name), step(7));
  if (!runName) return undefined;
  return {
    runName,
    setName: set.name,
    model,
    baseUrl: ep.baseUrl,
    keyName: ep.name,
    extraBody: ep.extraBody,
    template,
    params: preset.params,
    samplesPerProblem: preset.n,
    problemLimit,
  };
}

/**
 * How many problems of the set to sample: all, or the first N (file order). null means all; undefined
 * that the user backed out. `current` is a limited run's present selection (Sample More…).
 */
async function pickLimit(setProblems: number, current?: number, step?: StepOf): Promise<number | null | undefined> {
  type Item = vscode.QuickPickItem & { limit?: number | null };
  const steps = [10, 100, 1000, 2 * (current ?? 0)].filter((n) => n > (current ?? 0) && n < setProblems);
  const items: Item[] = [
    { label: `All ${setProblems} problems`, limit: null },
    ...[...new Set(steps)]
      .sort((a, b) => a - b)
      .map((n): Item => ({
        label: `The first ${n} problems`,
        description: current ? `${n - current} more` : 'try the endpoint on a few first',
        limit: n,
      })),
    { label: '$(edit) Another number…' },
  ];
  const pick = await pickStep(items, {
    title: TITLE,
    ...step,
    placeholder: current
      ? `The run covers the first ${current} of ${setProblems} problems: sample how many in all?`
      : 'Problems to sample (in file order; a limited run can be extended later)',
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.limit !== undefined) return pick.limit;
  const n = await numberBox(
    'Problems to sample (the first N of the set)',
    String(Math.min(setProblems, Math.max(1, 2 * (current ?? 50)))),
    (x) => Number.isInteger(x) && x > (current ?? 0) && x <= setProblems,
    `an integer from ${(current ?? 0) + 1} to ${setProblems}`,
    step,
  );
  return n === undefined ? undefined : n >= setProblems ? null : n;
}

async function pickSet(store: Store, step?: StepOf): Promise<{ name: string; problems: number } | undefined> {
  const sets = listProblemSets(store);
  if (sets.length === 0) {
    const a = await vscode.window.showWarningMessage(
      'No problem sets in this workspace yet. Add one first.',
      'Add Built-in Benchmark',
      'Import Problem Set',
    );
    if (a)
      await vscode.commands.executeCommand(
        a === 'Import Problem Set' ? 'w2s.importProblemSet' : 'w2s.addBuiltinBenchmark',
      );
    return undefined;
  }
  const pick = await pickStep(
    sets.map((s) => ({ label: s.name, description: `${s.problems} problems`, set: s })),
    { title: TITLE, ...step, placeholder: 'Problem set', ignoreFocusOut: true },
  );
  return pick && { name: pick.set.name, problems: pick.set.problems };
}

/** The models the server lists (the last one used here first, then the profile's default), or a typed id when it lists none. */
export async function pickModel(
  ep: ChosenEndpoint,
  apiKey: string | undefined,
  lastUsed: string | undefined,
  title = TITLE,
  step?: StepOf,
): Promise<string | undefined> {
  const { models } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `W2S: listing models at ${ep.baseUrl}` },
    () => probeEndpoint({ baseUrl: ep.baseUrl, apiKey, timeoutMs: 15_000 }),
  );
  if (models && models.length) {
    const first = [lastUsed, ep.model].filter((m): m is string => m !== undefined && models.includes(m));
    const ordered = [...new Set([...first, ...models])];
    const pick = await pickStep([...ordered.map((m) => ({ label: m })), { label: '$(edit) Enter a model id…' }], {
      title,
      ...step,
      placeholder: `Model (${models.length} offered by the server)`,
      ignoreFocusOut: true,
    });
    if (!pick) return undefined;
    if (!pick.label.startsWith('$(edit)')) return pick.label;
  }
  return inputStep({
    title,
    ...step,
    prompt: 'Model id as the server names it',
    value: lastUsed ?? ep.model ?? '',
    ignoreFocusOut: true,
    validate: (v) => (v.trim() ? undefined : 'Give a model id'),
  });
}

async function pickTemplate(
  ctx: SamplingContext,
  api: ApiStyle | undefined,
  step?: StepOf,
): Promise<PromptTemplate | undefined> {
  const templates = listTemplates(ctx.stores.get());
  type TItem = vscode.QuickPickItem & { template?: PromptTemplate };
  const preferred = api
    ? templates.filter((t) => t.api === api).concat(templates.filter((t) => t.api !== api))
    : templates;
  const pick = await pickStep<TItem>(
    [
      ...preferred.map((t): TItem => ({
        label: t.name,
        description: t.api,
        detail: `${t.system ? `system: ${t.system.slice(0, 50)} · ` : ''}user: ${t.user.replace(/\n/g, '⏎').slice(0, 80)}`,
        template: t,
      })),
      { label: '$(add) New template…', description: 'a prompt with {problem}, stored in the workspace' },
    ],
    { title: TITLE, ...step, placeholder: 'Prompt template', ignoreFocusOut: true, matchOnDetail: true },
  );
  if (!pick) return undefined;
  return pick.template ?? newTemplate(ctx);
}

/** A W2SR preset, or n, temperature, top_p and max_tokens one by one. */
async function pickParams(step?: StepOf): Promise<{ n: number; params: SamplingParams } | undefined> {
  const pick = await pickStep<vscode.QuickPickItem & { preset?: SamplingPreset }>(
    [
      ...SAMPLING_PRESETS.map((p) => ({ label: p.label, detail: p.detail, preset: p })),
      { label: 'Custom…', detail: 'choose n, temperature, top_p and max_tokens' },
    ],
    { title: TITLE, ...step, placeholder: 'Sampling parameters', ignoreFocusOut: true },
  );
  if (!pick) return undefined;
  if (pick.preset) return { n: pick.preset.n, params: pick.preset.params };
  const n = await numberBox(
    'Samples per problem (n)',
    '1',
    (x) => Number.isInteger(x) && x >= 1 && x <= 1024,
    'an integer from 1 to 1024',
    step,
  );
  if (n === undefined) return undefined;
  const temperature = await numberBox('Temperature', '0.6', (x) => x >= 0 && x <= 2, 'between 0 and 2', step);
  if (temperature === undefined) return undefined;
  const topP = await numberBox('top_p', '0.95', (x) => x > 0 && x <= 1, 'in (0, 1]', step);
  if (topP === undefined) return undefined;
  const maxTokens = await numberBox(
    'max_tokens',
    '4096',
    (x) => Number.isInteger(x) && x > 0,
    'a positive integer',
    step,
  );
  if (maxTokens === undefined) return undefined;
  return { n, params: { temperature, top_p: topP, max_tokens: maxTokens } };
}

async function pickRunName(ctx: SamplingContext, suggested: string, step?: StepOf): Promise<string | undefined> {
  const runName = await inputStep({
    title: TITLE,
    ...step,
    prompt: 'Run name (an existing run of the same settings is resumed)',
    value: suggested,
    ignoreFocusOut: true,
    validate: (v) => (RUN_NAME.test(v) ? undefined : RUN_NAME_RULE),
  });
  if (runName && listRunNames(ctx.stores.get()).includes(runName))
    ctx.log.info(`Run ${runName} exists: resuming it (only missing or failed traces are sampled)`);
  return runName || undefined;
}

async function newTemplate(ctx: SamplingContext): Promise<PromptTemplate | undefined> {
  const api = await vscode.window.showQuickPick(
    [
      { label: 'chat', description: "system + user messages through the model's chat template" },
      { label: 'completions', description: 'raw text for base models' },
    ],
    { title: 'New template: API', ignoreFocusOut: true },
  );
  if (!api) return undefined;
  const name = await vscode.window.showInputBox({
    title: 'New template: name',
    ignoreFocusOut: true,
    validateInput: (v) =>
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v) ? undefined : 'letters, digits, ".", "_" or "-"',
  });
  if (!name) return undefined;
  const system =
    api.label === 'chat'
      ? await vscode.window.showInputBox({ title: 'New template: system prompt (optional)', ignoreFocusOut: true })
      : '';
  if (system === undefined) return undefined;
  const user = await vscode.window.showInputBox({
    title: 'New template: prompt',
    prompt: '{problem} is replaced by the question; \\n for a new line',
    value: '{problem}\\nPlease reason step by step, and put your final answer within \\boxed{}.',
    ignoreFocusOut: true,
    validateInput: (v) => (v.includes('{problem}') ? undefined : 'Put {problem} where the question goes'),
  });
  if (!user) return undefined;
  const t: PromptTemplate = {
    name,
    api: api.label as 'chat' | 'completions',
    system: system || null,
    user: user.replace(/\\n/g, '\n'),
  };
  saveTemplate(ctx.stores.get(), t);
  ctx.stores.notifyChanged();
  return t;
}

/**
 * Resumes a run from its stored settings (Runs tree → Resume), or with `more` samples more of its set
 * (Runs tree → Sample More…): a number of problems in all, null for the whole set, or asked for.
 */
export async function resumeRun(
  ctx: SamplingContext,
  runName: string,
  more?: { limit?: number | null },
): Promise<SampleResult | undefined> {
  try {
    const run = findRun(ctx.stores.get(), runName);
    if (!run) throw new Error(`No run named "${runName}".`);
    if (run.kind !== 'sample' || !run.endpoint || !run.template)
      throw new Error(`Run "${runName}" is an ${run.kind} run; only sampling runs can be resumed.`);
    let problemLimit: number | null | undefined;
    if (more) {
      if (run.problemLimit === null || run.problemLimit >= run.setProblems) {
        void vscode.window.showInformationMessage(
          `${runName} already covers all ${run.setProblems} problems of ${run.setName}.`,
        );
        return undefined;
      }
      problemLimit = more.limit !== undefined ? more.limit : await pickLimit(run.setProblems, run.problemLimit);
      if (problemLimit === undefined) return undefined;
    }
    const profile = profileForUrl(run.endpoint);
    const { extra_body: extraBody, ...params } = run.params as SamplingParams & {
      extra_body?: Record<string, unknown>;
    };
    return await runSampling(ctx, {
      runName,
      setName: run.setName,
      model: run.model,
      baseUrl: run.endpoint,
      keyName: profile?.name ?? run.endpoint,
      extraBody,
      template: run.template as PromptTemplate,
      params,
      samplesPerProblem: run.samplesPerProblem,
      problemLimit,
    });
  } catch (e) {
    void reportError(ctx.log, `${more ? 'sampling more of' : 'resuming'} ${runName} failed`, e);
    return undefined;
  }
}

/**
 * Samples with a cancellable progress notification, on a connection of its own (the sampler's small
 * transactions then never interleave with the views' reads). Cancel aborts requests in flight; every
 * trace committed so far stays, and Resume picks up the rest.
 */
export async function runSampling(ctx: SamplingContext, req: SamplingRequest): Promise<SampleResult | undefined> {
  if (ctx.sessions.get(req.runName)) throw new Error(`Run "${req.runName}" is already sampling in this window.`);
  const file = ctx.stores.file;
  if (!file) throw new Error('Open a folder first: W2S Studio keeps its store in the workspace (.w2s/w2s.db).');
  const apiKey = await apiKeyFor(ctx.secrets, req.keyName);
  const session = ctx.sessions.start(req.runName);
  const store = openStore(file);
  ctx.log.info(
    `Sampling ${req.runName}: ${req.model} at ${req.baseUrl} on ${req.setName}, template ${req.template.name}, n=${req.samplesPerProblem}, ${JSON.stringify(req.params)}`,
  );
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `W2S: ${req.kind === 'eval' ? 'evaluating' : 'sampling'} ${req.runName}`,
        cancellable: true,
      },
      async (progress, token) => {
        const sub = token.onCancellationRequested(() => session.controller.abort());
        let lastPct = 0;
        let lastReport = 0;
        try {
          return await sampleRun(store, {
            ...req,
            apiKey,
            concurrency: setting('sampling.concurrency'),
            timeoutMs: setting('sampling.timeoutSeconds') * 1000,
            signal: session.controller.signal,
            onTracesStored: (traceIds) => ctx.onTracesStored({ run: req.runName, traceIds }),
            onLog: (level, msg) => (level === 'warn' ? ctx.log.warn(msg) : ctx.log.info(msg)),
            onProgress: (p) => {
              ctx.sessions.report(session, p);
              const now = Date.now();
              if (now - lastReport < 250 && p.done + p.failed < p.total) return;
              lastReport = now;
              const pct = p.total ? ((p.done + p.failed) / p.total) * 100 : 0;
              const eta = p.etaMs !== undefined ? ` · ETA ${Math.ceil(p.etaMs / 1000)} s` : '';
              progress.report({
                increment: pct - lastPct,
                message: `${p.done}/${p.total}${p.failed ? ` · ${p.failed} failed` : ''} · ${Math.round(p.tokensPerSecond)} tok/s${eta}`,
              });
              lastPct = pct;
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    const msg = `${req.runName}: ${result.status} — ${result.done}/${result.total} traces${result.failed ? `, ${result.failed} failed` : ''}${result.truncated ? `, ${result.truncated} truncated` : ''}.`;
    ctx.log.info(`${msg}${result.error ? ` ${result.error}` : ''}`);
    if (result.status === 'done') void vscode.window.showInformationMessage(msg);
    else if (result.status === 'cancelled')
      void vscode.window.showInformationMessage(`${msg} Resume it from the Runs view.`);
    else void reportError(ctx.log, msg, result.error ?? '');
    return result;
  } finally {
    store.close();
    ctx.sessions.end(session);
    ctx.stores.notifyChanged();
  }
}
