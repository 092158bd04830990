import * as os from 'node:os';
import { W2sError } from '../../core/errors';
import { createGraderPool } from '../../core/grader/pool';
import { createLiveGrader } from '../../core/grading/live-grader';
import { BUILTIN_BENCHMARKS, builtinFile } from '../../core/problems/builtin';
import { importProblemSet } from '../../core/problems/import';
import { evalRunName } from '../../core/runs/names';
import { findRun } from '../../core/runs/runs';
import { evalRunOf, loadOutcomes } from '../../core/results/eval-runs';
import { pct } from '../../core/results/format';
import { computeMetrics, type Metrics } from '../../core/results/metrics';
import { setProblemCount } from '../../core/results/problem-results';
import type { SamplingParams } from '../../core/sampling/client';
import { normalizeBaseUrl } from '../../core/sampling/endpoint';
import { EVAL_DEFAULTS, SAMPLING_DEFAULTS } from '../../core/sampling/presets';
import { sampleRun, type SampleResult } from '../../core/sampling/sampler';
import { requireTemplate } from '../../core/sampling/templates';
import type { Command } from '../command';
import { parseExtraBody } from '../extra-body';
import { intOption, numberOption } from '../numbers';
import { UsageError } from '../usage-error';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate an endpoint model on benchmark sets (one eval run per set, graded as it arrives; resumable)',
  usage:
    `--base-url URL --model ID [--sets ${EVAL_DEFAULTS.sets.join(',')}] [--n ${EVAL_DEFAULTS.n}] [--temperature ${EVAL_DEFAULTS.temperature}]\n` +
    `       [--top-p ${EVAL_DEFAULTS.top_p}] [--max-tokens N] [--seed ${EVAL_DEFAULTS.seed}] [--template ${EVAL_DEFAULTS.template}] [--concurrency 32] [--limit N]`,
  details:
    "Defaults follow W2SR's evaluation (eval/eval.sh of the paper's code): temperature 0.6, top_p 0.95, seed 0, one\n" +
    "sample per problem (pass@1), template qwen-base, and no max_tokens (the server generates up to the model's\n" +
    'context; W2SR asks for 32768). With --n > 1 the results add pass@k and maj@k.\n' +
    'Each set becomes the eval run eval-SET-MODEL (eval-SET-MODEL-nN with --n N): running the same command again\n' +
    'samples only what is missing or failed. A built-in benchmark that is not in the store yet is imported first.\n' +
    'Compare models with: w2s results --base MODEL --rl MODEL.\n' +
    'The API key comes from $OPENAI_API_KEY (or --api-key-env VAR); local servers (vLLM) need none.',
  options: {
    'base-url': {
      type: 'string',
      description: 'endpoint, e.g. http://127.0.0.1:8000/v1 (vLLM serving the student)',
      valueName: 'URL',
    },
    model: { type: 'string', description: 'model id as the server names it', valueName: 'ID' },
    sets: {
      type: 'string',
      description: `comma-separated problem sets (default ${EVAL_DEFAULTS.sets.join(',')})`,
      valueName: 'A,B',
    },
    n: { type: 'string', description: `samples per problem (default ${EVAL_DEFAULTS.n})`, valueName: 'N' },
    temperature: {
      type: 'string',
      description: `sampling temperature (default ${EVAL_DEFAULTS.temperature})`,
      valueName: 'T',
    },
    'top-p': { type: 'string', description: `nucleus sampling (default ${EVAL_DEFAULTS.top_p})`, valueName: 'P' },
    'max-tokens': {
      type: 'string',
      description: "longest generation (default: not sent, up to the model's context)",
      valueName: 'N',
    },
    seed: { type: 'string', description: `sampling seed (default ${EVAL_DEFAULTS.seed})`, valueName: 'N' },
    template: { type: 'string', description: `prompt template (default ${EVAL_DEFAULTS.template})`, valueName: 'NAME' },
    'extra-body': {
      type: 'string',
      description: 'JSON merged into each request, e.g. \'{"skip_special_tokens":true}\'',
      valueName: 'JSON',
    },
    concurrency: {
      type: 'string',
      description: `requests in flight (default ${SAMPLING_DEFAULTS.concurrency})`,
      valueName: 'N',
    },
    limit: { type: 'string', description: 'evaluate only the first N problems of each set', valueName: 'N' },
    timeout: {
      type: 'string',
      description: `seconds to wait for a response to start or continue (default ${SAMPLING_DEFAULTS.timeoutSeconds})`,
      valueName: 'S',
    },
    'api-key-env': {
      type: 'string',
      description: 'environment variable holding the API key (default OPENAI_API_KEY)',
      valueName: 'VAR',
    },
    'long-tokens': {
      type: 'string',
      description: 'average length leaves out generations of this many tokens or more (default 5000)',
      valueName: 'N',
    },
  },
  async run(v, _p, ctx) {
    const rawUrl = v['base-url'] as string | undefined;
    const model = v.model as string | undefined;
    if (!rawUrl) throw new UsageError('give the endpoint: --base-url URL, e.g. http://127.0.0.1:8000/v1.');
    if (!model) throw new UsageError('give the model: --model ID (GET /v1/models lists what the server serves).');
    const baseUrl = normalizeBaseUrl(rawUrl, '--base-url');
    const sets = ((v.sets as string | undefined) ?? EVAL_DEFAULTS.sets.join(','))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (sets.length === 0)
      throw new UsageError('--sets needs at least one problem set, e.g. --sets math500,aime24,amc23.');
    const n = intOption(v.n, 'n', 1, 1024) ?? EVAL_DEFAULTS.n;
    const params: SamplingParams = {
      temperature:
        numberOption(v.temperature, 'temperature', (x) => x >= 0 && x <= 2, 'between 0 and 2') ??
        EVAL_DEFAULTS.temperature,
      top_p: numberOption(v['top-p'], 'top-p', (x) => x > 0 && x <= 1, 'in (0, 1]') ?? EVAL_DEFAULTS.top_p,
      max_tokens: intOption(v['max-tokens'], 'max-tokens', 1, 10_000_000),
      seed: intOption(v.seed, 'seed', -Number.MAX_SAFE_INTEGER) ?? EVAL_DEFAULTS.seed,
    };
    const concurrency = intOption(v.concurrency, 'concurrency', 1, 4096) ?? SAMPLING_DEFAULTS.concurrency;
    const limit = intOption(v.limit, 'limit', 1);
    const timeoutS =
      numberOption(v.timeout, 'timeout', (x) => x > 0, 'a positive number of seconds') ??
      SAMPLING_DEFAULTS.timeoutSeconds;
    const longTokens = intOption(v['long-tokens'], 'long-tokens', 1);
    let extraBody: Record<string, unknown> | undefined;
    if (v['extra-body'] !== undefined) extraBody = parseExtraBody(v['extra-body']);
    const keyVar = (v['api-key-env'] as string | undefined) ?? 'OPENAI_API_KEY';
    if (v['api-key-env'] !== undefined && !ctx.env[keyVar]) {
      throw new W2sError(
        `--api-key-env ${keyVar}: the environment variable ${keyVar} is not set. Export it, or leave --api-key-env out for a local server.`,
        'NO_KEY',
      );
    }
    const apiKey = ctx.env[keyVar] || undefined;

    const store = ctx.store();
    const template = requireTemplate(store, (v.template as string | undefined) ?? EVAL_DEFAULTS.template);
    // Every set is checked before anything is sampled; a built-in benchmark missing from the store is added.
    for (const set of sets) {
      if (store.db.prepare('SELECT 1 FROM problem_sets WHERE name = ?').get(set)) continue;
      const b = BUILTIN_BENCHMARKS.find((x) => x.id === set);
      if (!b) {
        const names = (store.db.prepare('SELECT name FROM problem_sets ORDER BY name').all() as { name: string }[]).map(
          (r) => r.name,
        );
        throw new W2sError(
          `--sets: no problem set named "${set}" and no built-in benchmark of that name (sets: ${names.join(', ') || 'none'}; built-in: ${BUILTIN_BENCHMARKS.map((x) => x.id).join(', ')}). Import it first: w2s import FILE --set ${set}.`,
          'NO_SET',
        );
      }
      const r = await importProblemSet(store, { file: builtinFile(b), name: b.id, sourceLabel: `builtin:${b.id}` });
      ctx.warn(`w2s eval: added the built-in benchmark ${b.label} (${r.problems} problems) to the store`);
    }
    for (const set of sets) {
      const existing = findRun(store, evalRunName(set, model, n));
      if (existing && existing.kind !== 'eval')
        throw new W2sError(
          `Run "${existing.name}" is an ${existing.kind} run, not an evaluation; rename it or evaluate under another model id.`,
          'RUN_KIND',
        );
    }

    const pool = createGraderPool({ size: Math.max(1, os.availableParallelism() - 1) });
    const grader = createLiveGrader(store, pool);
    const results: { set: string; result: SampleResult; metrics: Metrics }[] = [];
    try {
      for (const set of sets) {
        if (ctx.signal.aborted) break;
        const runName = evalRunName(set, model, n);
        const progress = ctx.progress(`eval ${set}`);
        let result: SampleResult;
        try {
          result = await sampleRun(store, {
            kind: 'eval',
            runName,
            setName: set,
            model,
            baseUrl,
            apiKey,
            extraBody,
            template,
            params,
            samplesPerProblem: n,
            concurrency,
            timeoutMs: timeoutS * 1000,
            problemLimit: limit,
            signal: ctx.signal,
            onTracesStored: (ids) => grader.enqueue(ids),
            onProgress: (p) =>
              progress.update(
                p.done + p.failed,
                p.total,
                `${p.failed ? `${p.failed} failed, ` : ''}${Math.round(p.tokensPerSecond)} tok/s`,
              ),
            onLog: (level, msg) => progress.log(level === 'warn' ? `warning: ${msg}` : msg),
          });
          await grader.drain();
        } finally {
          progress.done();
        }
        const evaluation = evalRunOf(store, result.runName)!;
        const metrics = computeMetrics(loadOutcomes(store, evaluation), {
          longTokens,
          samplesPerProblem: evaluation.samplesPerProblem,
        });
        results.push({ set, result, metrics });
        ctx.print(summaryLine(set, result, metrics, setProblemCount(store, set)));
        if (result.error) ctx.warn(`w2s eval: ${set}: ${result.error}`);
      }
    } finally {
      await pool.close();
    }
    if (grader.lastError)
      ctx.warn(`w2s eval: grading failed (${grader.lastError.message}); grade later with: w2s grade`);
    const cancelled = results.some((r) => r.result.status === 'cancelled') || ctx.signal.aborted;
    if (cancelled) ctx.warn('Cancelled. Run the same command again to resume.');
    else ctx.print(`Compare: w2s results --sets ${sets.join(',')}`);
    const ok = !cancelled && results.length === sets.length && results.every((r) => r.result.status === 'done');
    return {
      json: {
        model,
        baseUrl,
        params,
        samplesPerProblem: n,
        template: template.name,
        runs: results.map(({ set, result, metrics }) => {
          const { runId: _id, ...rest } = result;
          return { set, ...rest, metrics };
        }),
      },
      exitCode: ok ? 0 : cancelled ? 130 : 1,
    };
  },
};

function summaryLine(set: string, r: SampleResult, m: Metrics, setProblems: number): string {
  const acc =
    m.accuracy === null
      ? 'not graded'
      : `accuracy ${pct(m.accuracy)}%${m.interval ? ` [${pct(m.interval.low)}, ${pct(m.interval.high)}]` : ''}`;
  // pass@k and maj@k count only problems with k graded samples: say so where a failed sample left one out
  const over = (x: { problems: number }) =>
    x.problems < m.problems ? ` (on ${x.problems} of ${m.problems} problems)` : '';
  const lastK = m.passAtK[m.passAtK.length - 1];
  const lastMaj = m.majAtK[m.majAtK.length - 1];
  const k = lastK && lastK.k > 1 ? `, pass@${lastK.k} ${pct(lastK.value)}%${over(lastK)}` : '';
  const maj = lastMaj ? `, maj@${lastMaj.k} ${pct(lastMaj.value)}% (exact-text vote)${over(lastMaj)}` : '';
  return (
    `${set}: ${r.runName} ${r.status} — ${r.done}/${r.total} generations, ${acc}${k}${maj}` +
    `${m.avgLength !== null ? `, avg length ${Math.round(m.avgLength)} tokens` : ''}` +
    `${m.truncated ? `, ${m.truncated} truncated` : ''}${r.failed ? `, ${r.failed} failed` : ''}` +
    `${m.problems < setProblems ? ` (partial: ${m.problems} of ${setProblems} problems graded)` : ''}`
  );
}
