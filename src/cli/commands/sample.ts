import * as os from 'node:os';
import { W2sError } from '../../core/errors';
import { verdictCountsByRun, type VerdictCounts } from '../../core/grading/counts';
import { createLiveGrader } from '../../core/grading/live-grader';
import { createGraderPool } from '../../core/grader/pool';
import type { SamplingParams } from '../../core/sampling/client';
import { normalizeBaseUrl } from '../../core/sampling/endpoint';
import { defaultRunName } from '../../core/runs/names';
import { findRun } from '../../core/runs/runs';
import { SAMPLING_DEFAULTS } from '../../core/sampling/presets';
import { sampleRun, type SampleResult } from '../../core/sampling/sampler';
import { requireTemplate, type PromptTemplate } from '../../core/sampling/templates';
import type { Store } from '../../core/store/open';
import type { Command, CommandResult } from '../command';
import { parseExtraBody } from '../extra-body';
import { intOption, numberOption } from '../numbers';
import { formatSeconds } from '../progress';
import { UsageError } from '../usage-error';

const DEFAULTS = SAMPLING_DEFAULTS;

export const sampleCommand: Command = {
  name: 'sample',
  summary: 'sample traces from an OpenAI-compatible endpoint into the store (resumable)',
  usage:
    '--set NAME --base-url URL --model ID [--run NAME] [--n 1] [--temperature 0] [--top-p 0.95] [--max-tokens 4096]\n' +
    '       [--seed N] [--stop S]… [--concurrency 32] [--template qwen-base] [--api chat|completions] [--limit N|all]\n' +
    '       w2s sample --run NAME [--limit N|all]   (resume a run with its stored settings, or sample more of its set)',
  details:
    'Defaults follow the W2SR teacher recipe: one greedy sample (temperature 0) per problem, 4096 tokens, template\n' +
    'qwen-base (chat). For evaluation use e.g. --temperature 0.6 --top-p 0.95 --seed 0. Templates: qwen-base,\n' +
    "qwen-instruct, simple (plain completions for base models) and the workspace's own.\n" +
    'Running the same command again resumes the run of that name: only missing or failed traces are sampled.\n' +
    'Settings left out on a resume are taken from the run; settings that differ are refused.\n' +
    '--limit N samples the first N problems of the set (file order) and is stored with the run: a resume keeps\n' +
    'it, and a larger --limit (or --limit all) samples more of the set into the same run.\n' +
    'The API key comes from $OPENAI_API_KEY (or --api-key-env VAR); local servers need none. It is sent only to\n' +
    '--base-url and never stored: where a completion or its reasoning contains the key exactly as set, it is\n' +
    'replaced by "[redacted API key]" before storing, with a warning naming the trace; server errors also lose\n' +
    'anything that looks like a key (after "Bearer", "api_key=", and sk-, hf_, gsk_… prefixes). Not redacted:\n' +
    'pieces or encodings of the key (base64, split across words or chunks cut at the length cap) and any other\n' +
    'secret a model writes into its text.',
  options: {
    set: { type: 'string', description: 'problem set to sample', valueName: 'NAME' },
    'base-url': {
      type: 'string',
      description: 'endpoint, e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:11434/v1 (Ollama)',
      valueName: 'URL',
    },
    model: { type: 'string', description: 'model id as the server names it', valueName: 'ID' },
    run: {
      type: 'string',
      description: 'run name (default: SET-MODEL-TEMPLATE); an existing run is resumed',
      valueName: 'NAME',
    },
    n: { type: 'string', description: `samples per problem (default ${DEFAULTS.n})`, valueName: 'N' },
    temperature: {
      type: 'string',
      description: `sampling temperature (default ${DEFAULTS.temperature})`,
      valueName: 'T',
    },
    'top-p': { type: 'string', description: `nucleus sampling (default ${DEFAULTS.top_p})`, valueName: 'P' },
    'max-tokens': {
      type: 'string',
      description: `longest generation (default ${DEFAULTS.max_tokens})`,
      valueName: 'N',
    },
    seed: {
      type: 'string',
      description: 'sampling seed (sample i of a problem sent alone gets seed+i)',
      valueName: 'N',
    },
    stop: { type: 'string', multiple: true, description: 'stop sequence', valueName: 'S' },
    template: {
      type: 'string',
      description: 'prompt template (default qwen-base, or simple with --api completions)',
      valueName: 'NAME',
    },
    api: { type: 'string', description: 'chat | completions (picks the default template)', valueName: 'API' },
    'extra-body': {
      type: 'string',
      description: 'JSON merged into each request, e.g. \'{"skip_special_tokens":true}\'',
      valueName: 'JSON',
    },
    concurrency: {
      type: 'string',
      description: `requests in flight (default ${DEFAULTS.concurrency})`,
      valueName: 'N',
    },
    limit: {
      type: 'string',
      description: 'sample the first N problems of the set (stored with the run; a larger N or "all" extends it)',
      valueName: 'N|all',
    },
    timeout: {
      type: 'string',
      description: `seconds to wait for a response to start, or for more text (default ${DEFAULTS.timeoutSeconds})`,
      valueName: 'S',
    },
    deadline: {
      type: 'string',
      description: 'seconds one request may take in all (default: the timeout plus max-tokens / 4)',
      valueName: 'S',
    },
    'max-attempts': {
      type: 'string',
      description: 'attempts per request before the trace is recorded as failed (default 6)',
      valueName: 'N',
    },
    'n-mode': {
      type: 'string',
      description: 'auto | server | separate: ask the server for n choices, or one request per sample (default auto)',
      valueName: 'M',
    },
    'api-key-env': {
      type: 'string',
      description: 'environment variable holding the API key (default OPENAI_API_KEY)',
      valueName: 'VAR',
    },
    'no-grade': { type: 'boolean', description: 'do not grade traces as they arrive (grade later with w2s grade)' },
  },
  async run(v, _p, ctx) {
    const store = ctx.store();
    const { runName, existing } = existingRun(store, v);
    const stored = (existing?.params ?? {}) as StoredParams;
    const { setName, model, baseUrl } = target(v, existing);
    const template = chooseTemplate(store, v, existing?.template as PromptTemplate | undefined);
    const settings = samplingSettings(v, existing, stored);
    const apiKey = apiKeyFrom(v, ctx);
    const name = runName ?? defaultRunName(setName, model, template.name); // only when --set/--model came from a stored run
    const { result, verdicts, gradingError } = await sampleAndGrade(store, ctx, !v['no-grade'], {
      runName: name,
      setName,
      model,
      baseUrl,
      apiKey,
      template,
      ...settings,
      signal: ctx.signal,
    });
    return report(store, ctx, result, verdicts, gradingError);
  },
};

type Values = Parameters<Command['run']>[0];
type Ctx = Parameters<Command['run']>[2];
type StoredParams = SamplingParams & { extra_body?: Record<string, unknown> };
type RunRow = NonNullable<ReturnType<typeof findRun>>;

/** The run the command samples: --run, else the name derived from set, model and template (so repeating a command resumes its run). */
function existingRun(store: Store, v: Values): { runName: string | undefined; existing: RunRow | undefined } {
  const guessTemplate = (v.template as string | undefined) ?? (v.api === 'completions' ? 'simple' : 'qwen-base');
  const runName =
    (v.run as string | undefined) ??
    (v.set && v.model ? defaultRunName(v.set as string, v.model as string, guessTemplate) : undefined);
  const existing = runName ? findRun(store, runName) : undefined;
  if (existing && existing.kind !== 'sample')
    throw new W2sError(
      `Run "${runName}" is an ${existing.kind} run; it cannot be sampled. Choose another run name.`,
      'RUN_KIND',
    );
  return { runName, existing };
}

/** Set, model and endpoint: from the options, else from the run being resumed. */
function target(v: Values, existing: RunRow | undefined): { setName: string; model: string; baseUrl: string } {
  const setName = (v.set as string | undefined) ?? existing?.setName;
  const model = (v.model as string | undefined) ?? existing?.model;
  const rawUrl = (v['base-url'] as string | undefined) ?? existing?.endpoint ?? undefined;
  if (!setName) throw new UsageError('give the problem set: --set NAME (w2s sets lists them).');
  if (!rawUrl) throw new UsageError('give the endpoint: --base-url URL, e.g. http://127.0.0.1:8000/v1.');
  if (!model) throw new UsageError('give the model: --model ID (W2S: Test Endpoint, or GET /v1/models, lists them).');
  return { setName, model, baseUrl: normalizeBaseUrl(rawUrl, '--base-url') };
}

/** --template, else the resumed run's (when --api agrees), else the default of the API; the template must speak --api. */
function chooseTemplate(store: Store, v: Values, storedTemplate: PromptTemplate | undefined): PromptTemplate {
  const api = v.api as string | undefined;
  if (api !== undefined && api !== 'chat' && api !== 'completions')
    throw new UsageError('--api must be chat or completions.');
  let template: PromptTemplate;
  if (v.template !== undefined) template = requireTemplate(store, v.template as string);
  else if (storedTemplate && (api === undefined || api === storedTemplate.api)) template = storedTemplate;
  else template = requireTemplate(store, api === 'completions' ? 'simple' : 'qwen-base');
  if (api !== undefined && template.api !== api) {
    throw new UsageError(
      `template ${template.name} is a ${template.api} template but --api is ${api}; pick a ${api} template (${api === 'completions' ? 'simple' : 'qwen-base or qwen-instruct'}).`,
    );
  }
  return template;
}

/** Sampling parameters and limits: each option, else the resumed run's setting, else the default. */
function samplingSettings(v: Values, existing: RunRow | undefined, stored: StoredParams) {
  // (read in this order, so the first bad option is the one reported)
  const extraBody = v['extra-body'] !== undefined ? parseExtraBody(v['extra-body']) : stored.extra_body;
  const params: SamplingParams = {
    temperature:
      numberOption(v.temperature, 'temperature', (x) => x >= 0 && x <= 2, 'between 0 and 2') ??
      stored.temperature ??
      DEFAULTS.temperature,
    top_p: numberOption(v['top-p'], 'top-p', (x) => x > 0 && x <= 1, 'in (0, 1]') ?? stored.top_p ?? DEFAULTS.top_p,
    max_tokens: intOption(v['max-tokens'], 'max-tokens', 1, 10_000_000) ?? stored.max_tokens ?? DEFAULTS.max_tokens,
    seed: intOption(v.seed, 'seed', -Number.MAX_SAFE_INTEGER) ?? stored.seed,
    stop: (v.stop as string[] | undefined) ?? stored.stop,
  };
  const samplesPerProblem = intOption(v.n, 'n', 1, 1024) ?? existing?.samplesPerProblem ?? DEFAULTS.n;
  const concurrency = intOption(v.concurrency, 'concurrency', 1, 4096) ?? DEFAULTS.concurrency;
  const problemLimit = v.limit === 'all' ? null : intOption(v.limit, 'limit', 1, Number.MAX_SAFE_INTEGER, 'or "all"');
  const timeoutS =
    numberOption(v.timeout, 'timeout', (x) => x > 0, 'a positive number of seconds') ?? DEFAULTS.timeoutSeconds;
  const deadlineS = numberOption(v.deadline, 'deadline', (x) => x > 0, 'a positive number of seconds');
  const maxAttempts = intOption(v['max-attempts'], 'max-attempts', 1, 100);
  const nMode = (v['n-mode'] as string | undefined) ?? 'auto';
  if (!isNMode(nMode)) throw new UsageError('--n-mode must be auto, server or separate.');
  return {
    params,
    extraBody,
    samplesPerProblem,
    concurrency,
    problemLimit,
    timeoutMs: timeoutS * 1000,
    deadlineMs: deadlineS === undefined ? undefined : deadlineS * 1000,
    nMode,
    retry:
      maxAttempts === undefined
        ? undefined
        : { maxAttempts, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 },
  };
}

/** The API key from $OPENAI_API_KEY or --api-key-env VAR (which must then be set); never stored. */
function apiKeyFrom(v: Values, ctx: Ctx): string | undefined {
  const keyVar = (v['api-key-env'] as string | undefined) ?? 'OPENAI_API_KEY';
  if (v['api-key-env'] !== undefined && !ctx.env[keyVar]) {
    throw new W2sError(
      `--api-key-env ${keyVar}: the environment variable ${keyVar} is not set. Export it, or leave --api-key-env out for a local server.`,
      'NO_KEY',
    );
  }
  return ctx.env[keyVar] || undefined;
}

const N_MODES = ['auto', 'server', 'separate'] as const;
const isNMode = (m: string): m is (typeof N_MODES)[number] => (N_MODES as readonly string[]).includes(m);

type SampleRequest = Omit<Parameters<typeof sampleRun>[1], 'onTracesStored' | 'onProgress' | 'onLog'>;

/**
 * Samples with a progress line; traces are graded as they arrive, in worker threads, so grading never
 * slows the request loop. Says what went wrong with grading without failing the sampling.
 */
async function sampleAndGrade(store: Store, ctx: Ctx, grade: boolean, request: SampleRequest) {
  const pool = grade ? createGraderPool({ size: Math.max(1, os.availableParallelism() - 1) }) : undefined;
  const grader = pool ? createLiveGrader(store, pool) : undefined;
  const progress = ctx.progress(`sample ${request.runName}`);
  let result: SampleResult;
  try {
    result = await sampleRun(store, {
      ...request,
      onTracesStored: grader ? (ids) => grader.enqueue(ids) : undefined,
      onProgress: (p) =>
        progress.update(
          p.done + p.failed,
          p.total,
          `${p.failed ? `${p.failed} failed, ` : ''}${Math.round(p.tokensPerSecond)} tok/s`,
        ),
      onLog: (level, msg) => (level === 'warn' ? progress.log(`warning: ${msg}`) : progress.log(msg)),
    });
    await grader?.drain();
  } finally {
    progress.done();
    await pool?.close();
  }
  if (grader?.lastError)
    ctx.warn(
      `w2s sample: grading failed (${grader.lastError.message}); grade later with: w2s grade --run ${result.runName}`,
    );
  const crashed = pool?.stats.crashed ?? 0;
  const gradingError = crashed
    ? `a grading worker died ${crashed} time(s) (last: ${pool!.stats.lastCrash}); the traces it held were marked error without being graded. ` +
      `Grade them again: w2s grade --run ${result.runName} --all`
    : undefined;
  if (gradingError) ctx.warn(`w2s sample: ${gradingError}`);
  const verdicts = grader ? verdictCountsByRun(store).get(result.runId) : undefined;
  return { result, verdicts, gradingError };
}

/** The summary lines, the JSON document and the exit code (0 done, 130 cancelled, 1 otherwise or when grading broke). */
function report(
  store: Store,
  ctx: Ctx,
  result: SampleResult,
  verdicts: VerdictCounts | undefined,
  gradingError: string | undefined,
): CommandResult {
  const secs = formatSeconds(result.elapsedMs / 1000);
  ctx.print(
    `${result.runName}: ${result.status} — ${result.done}/${result.total} traces stored` +
      (result.alreadyDone ? ` (${result.alreadyDone} from before)` : '') +
      `, ${result.storedThisSession} new in ${secs}` +
      (result.failed ? `, ${result.failed} failed` : '') +
      (result.truncated ? `, ${result.truncated} truncated (finish_reason length)` : '') +
      `, ${result.completionTokens} completion tokens (${Math.round(result.tokensPerSecond)} tok/s)`,
  );
  const run = findRun(store, result.runName);
  const setProblems = run?.setProblems ?? 0;
  if (run && run.problemLimit !== null && run.problemLimit < setProblems) {
    ctx.print(
      `  limited to the first ${run.problemLimit} of ${setProblems} problems; sample more: w2s sample --run ${result.runName} --limit N|all`,
    );
  }
  if (verdicts) {
    ctx.print(
      `  graded: ${verdicts.correct} correct, ${verdicts.incorrect} incorrect, ${verdicts['no-answer']} no answer, ${verdicts.error} error` +
        (verdicts.ungraded ? `, ${verdicts.ungraded} ungraded (w2s grade --run ${result.runName})` : ''),
    );
  }
  if (result.error) ctx.warn(`w2s sample: ${result.error}`);
  if (result.status === 'cancelled') ctx.warn(`Cancelled. Resume with: w2s sample --run ${result.runName}`);
  const { runId: _id, ...rest } = result;
  const selection = { problemLimit: run?.problemLimit ?? null, setProblems };
  const json = {
    ...rest,
    ...selection,
    ...(verdicts ? { grades: verdicts } : {}),
    ...(gradingError ? { gradingError } : {}),
  };
  return {
    json,
    exitCode: result.status === 'done' ? (gradingError ? 1 : 0) : result.status === 'cancelled' ? 130 : 1,
  };
}
