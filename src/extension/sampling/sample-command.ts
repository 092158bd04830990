import * as vscode from 'vscode';
import { errorMessage, isW2sError } from '../../core/errors';
import { listProblemSets } from '../../core/problems/sets';
import { classify, createClient, listModels, RequestFailure, endpointError, type SamplingParams } from '../../core/sampling/client';
import { normalizeBaseUrl, redact } from '../../core/sampling/endpoint';
import { findRun, listRuns } from '../../core/sampling/runs';
import { sampleRun, type SampleResult } from '../../core/sampling/sampler';
import { listTemplates, saveTemplate, type PromptTemplate } from '../../core/sampling/templates';
import { openStore } from '../../core/store/open';
import type { StoreService } from '../store-service';
import { apiKeyFor, pickEndpoint, profileForUrl } from './endpoints';
import type { Sessions } from './sessions';

export interface SamplingContext {
  readonly stores: StoreService;
  readonly sessions: Sessions;
  readonly secrets: vscode.SecretStorage;
  readonly log: vscode.LogOutputChannel;
  /** Fired with the ids of traces as they are committed (the grader's hook). */
  readonly stored: vscode.EventEmitter<{ run: string; traceIds: number[] }>;
}

export interface SamplingRequest {
  readonly runName: string;
  readonly setName: string;
  readonly model: string;
  readonly baseUrl: string;
  readonly keyName: string;
  readonly extraBody?: Record<string, unknown>;
  readonly template: PromptTemplate;
  readonly params: SamplingParams;
  readonly samplesPerProblem: number;
}

const PRESETS = [
  { label: 'W2SR teacher (greedy, 4096 tokens)', detail: 'n=1, temperature 0, top_p 0.95, max_tokens 4096 — the paper\'s teacher sampling', n: 1, params: { temperature: 0, top_p: 0.95, max_tokens: 4096 } },
  { label: 'Eval (t=0.6, top_p 0.95)', detail: 'n=1, temperature 0.6, top_p 0.95, max_tokens 4096, seed 0 — the paper\'s evaluation', n: 1, params: { temperature: 0.6, top_p: 0.95, max_tokens: 4096, seed: 0 } },
  { label: 'Eval, 4 samples (pass@k / maj@k)', detail: 'n=4, temperature 0.6, top_p 0.95, max_tokens 4096, seed 0', n: 4, params: { temperature: 0.6, top_p: 0.95, max_tokens: 4096, seed: 0 } },
];

function slug(s: string): string {
  return s.replace(/^.*\//, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 60) || 'model';
}

function reportFailure(log: vscode.LogOutputChannel, what: string, e: unknown): void {
  const msg = redact(errorMessage(e));
  log.error(`${what}: ${isW2sError(e) ? msg : ((e as Error)?.stack ?? msg)}`);
  void vscode.window.showErrorMessage(`${what}: ${msg}`, 'Show Log').then((a) => a && log.show());
}

async function numberBox(title: string, value: string, check: (x: number) => boolean, hint: string): Promise<number | undefined> {
  const v = await vscode.window.showInputBox({ title, value, ignoreFocusOut: true, validateInput: (s) => (check(Number(s)) && s.trim() !== '' ? undefined : hint) });
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
}

/** "W2S: Sample Traces…": set → endpoint → model → template → parameters → run name, then sample. */
export async function sampleTracesCommand(ctx: SamplingContext, args?: SampleTracesArgs): Promise<SampleResult | undefined> {
  try {
    const store = ctx.stores.get();
    if (args && typeof args === 'object' && typeof args.set === 'string') {
      const baseUrl = normalizeBaseUrl(args.baseUrl);
      const profile = profileForUrl(baseUrl);
      const template = listTemplates(store).find((t) => t.name === (args.template ?? 'qwen-base'));
      if (!template) throw new Error(`No template named "${args.template}".`);
      return await runSampling(ctx, {
        runName: args.run ?? `${args.set}-${slug(args.model)}-${template.name}`, setName: args.set, model: args.model, baseUrl,
        keyName: args.endpoint ?? profile?.name ?? baseUrl, extraBody: profile?.extraBody, template,
        params: args.params ?? PRESETS[0]!.params, samplesPerProblem: args.n ?? 1,
      });
    }
    const sets = listProblemSets(store);
    if (sets.length === 0) {
      const a = await vscode.window.showWarningMessage('No problem sets in this workspace yet. Add one first.', 'Add Built-in Benchmark', 'Import Problem Set');
      if (a) await vscode.commands.executeCommand(a === 'Import Problem Set' ? 'w2s.importProblemSet' : 'w2s.addBuiltinBenchmark');
      return undefined;
    }
    const title = 'W2S: Sample Traces';
    const set = await vscode.window.showQuickPick(sets.map((s) => ({ label: s.name, description: `${s.problems} problems`, set: s })), { title, placeHolder: 'Problem set', ignoreFocusOut: true });
    if (!set) return undefined;
    const ep = await pickEndpoint(title);
    if (!ep) return undefined;
    const key = await apiKeyFor(ctx.secrets, ep.name);

    let models: string[] | undefined;
    try {
      models = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `W2S: listing models at ${ep.baseUrl}` }, () =>
        listModels(createClient({ baseUrl: ep.baseUrl, apiKey: key, timeoutMs: 15_000 })),
      );
    } catch (e) {
      throw endpointError(ep.baseUrl, e instanceof RequestFailure ? e : classify(e));
    }
    let model: string | undefined;
    if (models && models.length) {
      const ordered = ep.model && models.includes(ep.model) ? [ep.model, ...models.filter((m) => m !== ep.model)] : models;
      const pick = await vscode.window.showQuickPick([...ordered.map((m) => ({ label: m })), { label: '$(edit) Enter a model id…' }], { title, placeHolder: `Model (${models.length} offered by the server)`, ignoreFocusOut: true });
      if (!pick) return undefined;
      model = pick.label.startsWith('$(edit)') ? undefined : pick.label;
    }
    model ??= await vscode.window.showInputBox({ title, prompt: 'Model id as the server names it', value: ep.model ?? '', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Give a model id') });
    if (!model) return undefined;

    const templates = listTemplates(store);
    type TItem = vscode.QuickPickItem & { template?: PromptTemplate };
    const preferred = ep.api ? templates.filter((t) => t.api === ep.api).concat(templates.filter((t) => t.api !== ep.api)) : templates;
    const tpick = await vscode.window.showQuickPick<TItem>(
      [
        ...preferred.map((t): TItem => ({ label: t.name, description: t.api, detail: `${t.system ? `system: ${t.system.slice(0, 50)} · ` : ''}user: ${t.user.replace(/\n/g, '⏎').slice(0, 80)}`, template: t })),
        { label: '$(add) New template…', description: 'a prompt with {problem}, stored in the workspace' },
      ],
      { title, placeHolder: 'Prompt template', ignoreFocusOut: true, matchOnDetail: true },
    );
    if (!tpick) return undefined;
    let template = tpick.template;
    if (!template) {
      template = await newTemplate(ctx);
      if (!template) return undefined;
    }

    const ppick = await vscode.window.showQuickPick([...PRESETS, { label: 'Custom…', detail: 'choose n, temperature, top_p and max_tokens' }], { title, placeHolder: 'Sampling parameters', ignoreFocusOut: true });
    if (!ppick) return undefined;
    let n: number;
    let params: SamplingParams;
    if ('params' in ppick) {
      n = ppick.n;
      params = ppick.params;
    } else {
      const nn = await numberBox('Samples per problem (n)', '1', (x) => Number.isInteger(x) && x >= 1 && x <= 1024, 'an integer from 1 to 1024');
      if (nn === undefined) return undefined;
      const temperature = await numberBox('Temperature', '0.6', (x) => x >= 0 && x <= 2, 'between 0 and 2');
      if (temperature === undefined) return undefined;
      const topP = await numberBox('top_p', '0.95', (x) => x > 0 && x <= 1, 'in (0, 1]');
      if (topP === undefined) return undefined;
      const maxTokens = await numberBox('max_tokens', '4096', (x) => Number.isInteger(x) && x > 0, 'a positive integer');
      if (maxTokens === undefined) return undefined;
      n = nn;
      params = { temperature, top_p: topP, max_tokens: maxTokens };
    }
    const suggested = `${set.label}-${slug(model)}-${template.name}`;
    const existing = new Set(listRuns(store).map((r) => r.name));
    const runName = await vscode.window.showInputBox({
      title,
      prompt: 'Run name (an existing run of the same settings is resumed)',
      value: suggested,
      ignoreFocusOut: true,
      validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/.test(v) ? undefined : 'letters, digits, ".", "_", "-", ":" or "@"'),
    });
    if (!runName) return undefined;
    if (existing.has(runName)) ctx.log.info(`Run ${runName} exists: resuming it (only missing or failed traces are sampled)`);
    return await runSampling(ctx, { runName, setName: set.label, model, baseUrl: ep.baseUrl, keyName: ep.name, extraBody: ep.extraBody, template, params, samplesPerProblem: n });
  } catch (e) {
    reportFailure(ctx.log, 'Sampling failed', e);
    return undefined;
  }
}

async function newTemplate(ctx: SamplingContext): Promise<PromptTemplate | undefined> {
  const api = await vscode.window.showQuickPick(
    [{ label: 'chat', description: 'system + user messages through the model\'s chat template' }, { label: 'completions', description: 'raw text for base models' }],
    { title: 'New template: API', ignoreFocusOut: true },
  );
  if (!api) return undefined;
  const name = await vscode.window.showInputBox({ title: 'New template: name', ignoreFocusOut: true, validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v) ? undefined : 'letters, digits, ".", "_" or "-"') });
  if (!name) return undefined;
  const system = api.label === 'chat' ? await vscode.window.showInputBox({ title: 'New template: system prompt (optional)', ignoreFocusOut: true }) : '';
  if (system === undefined) return undefined;
  const user = await vscode.window.showInputBox({
    title: 'New template: prompt',
    prompt: '{problem} is replaced by the question; \\n for a new line',
    value: '{problem}\\nPlease reason step by step, and put your final answer within \\boxed{}.',
    ignoreFocusOut: true,
    validateInput: (v) => (v.includes('{problem}') ? undefined : 'Put {problem} where the question goes'),
  });
  if (!user) return undefined;
  const t: PromptTemplate = { name, api: api.label as 'chat' | 'completions', system: system || null, user: user.replace(/\\n/g, '\n') };
  saveTemplate(ctx.stores.get(), t);
  ctx.stores.notifyChanged();
  return t;
}

/** Resumes a run from its stored settings (Runs tree → Resume). */
export async function resumeRun(ctx: SamplingContext, runName: string): Promise<SampleResult | undefined> {
  try {
    const run = findRun(ctx.stores.get(), runName);
    if (!run) throw new Error(`No run named "${runName}".`);
    if (run.kind !== 'sample' || !run.endpoint || !run.template) throw new Error(`Run "${runName}" is an ${run.kind} run; only sampling runs can be resumed.`);
    const profile = profileForUrl(run.endpoint);
    const { extra_body: extraBody, ...params } = run.params as SamplingParams & { extra_body?: Record<string, unknown> };
    return await runSampling(ctx, {
      runName, setName: run.setName, model: run.model, baseUrl: run.endpoint, keyName: profile?.name ?? run.endpoint, extraBody,
      template: run.template as PromptTemplate, params, samplesPerProblem: run.samplesPerProblem,
    });
  } catch (e) {
    reportFailure(ctx.log, `Resuming ${runName} failed`, e);
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
  const config = vscode.workspace.getConfiguration('w2s.sampling');
  const session = ctx.sessions.start(req.runName);
  const store = openStore(file);
  ctx.log.info(`Sampling ${req.runName}: ${req.model} at ${req.baseUrl} on ${req.setName}, template ${req.template.name}, n=${req.samplesPerProblem}, ${JSON.stringify(req.params)}`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `W2S: sampling ${req.runName}`, cancellable: true },
      async (progress, token) => {
        const sub = token.onCancellationRequested(() => session.controller.abort());
        let lastPct = 0;
        let lastReport = 0;
        try {
          return await sampleRun(store, {
            ...req,
            apiKey,
            concurrency: config.get<number>('concurrency') ?? 32,
            timeoutMs: (config.get<number>('timeoutSeconds') ?? 600) * 1000,
            signal: session.controller.signal,
            onStored: (traceIds) => ctx.stored.fire({ run: req.runName, traceIds }),
            onLog: (level, msg) => (level === 'warn' ? ctx.log.warn(msg) : ctx.log.info(msg)),
            onProgress: (p) => {
              ctx.sessions.report(session, p);
              const now = Date.now();
              if (now - lastReport < 250 && p.done + p.failed < p.total) return;
              lastReport = now;
              const pct = p.total ? ((p.done + p.failed) / p.total) * 100 : 0;
              const eta = p.etaMs !== undefined ? ` · ETA ${Math.ceil(p.etaMs / 1000)} s` : '';
              progress.report({ increment: pct - lastPct, message: `${p.done}/${p.total}${p.failed ? ` · ${p.failed} failed` : ''} · ${Math.round(p.tokensPerSecond)} tok/s${eta}` });
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
    else if (result.status === 'cancelled') void vscode.window.showInformationMessage(`${msg} Resume it from the Runs view.`);
    else void vscode.window.showErrorMessage(`${msg} ${result.error ?? ''}`, 'Show Log').then((a) => a && ctx.log.show());
    return result;
  } finally {
    store.close();
    ctx.sessions.end(session);
    ctx.stores.notifyChanged();
  }
}
