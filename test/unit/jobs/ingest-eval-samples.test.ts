import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIngester } from '../../../src/core/jobs/ingest';
import { createJob, requireJobById } from '../../../src/core/jobs/job-store';
import type { LogLine } from '../../../src/core/jobs/log-tail';
import { RECORD_PREFIX } from '../../../src/core/jobs/records';
import { openRun } from '../../../src/core/runs/runs';
import { BUILTIN_TEMPLATES, renderPrompt } from '../../../src/core/sampling/templates';
import type { Store } from '../../../src/core/store/open';
import { freshStore, importSums } from './helpers';

// An eval job's `sample` records (runner/w2s_runner/records.py) become traces of the job's eval run, on a
// real store with the replay fixture's set (keys sum-A-B, questions "What is A+B?").

const TEMPLATE = BUILTIN_TEMPLATES[0]!;

async function evalJob(opts: { runName?: string; createRun?: boolean } = {}) {
  const { store } = freshStore();
  await importSums(store);
  const runName = opts.runName ?? 'ev';
  if (opts.createRun !== false)
    openRun(store, {
      name: runName,
      kind: 'eval',
      setName: 'sums-heldout',
      model: '/shared/ckpt/m',
      endpoint: 'http://127.0.0.1:8265',
      template: TEMPLATE,
      params: { temperature: 0 },
      samplesPerProblem: 2,
    });
  const job = createJob(store, {
    name: 'ev-job',
    kind: 'eval',
    cluster: 'http://127.0.0.1:8265',
    spec: {
      job: {},
      entrypoint: 'python -m w2s_runner',
      gpus: 1,
      source: 'problem set sums-heldout',
      evalRun: runName,
      setName: 'sums-heldout',
      template: TEMPLATE,
    },
  });
  let index = 0;
  const lines = (...records: object[]): LogLine[] =>
    records.map((r) => ({ index: index++, text: `(pid=7) ${RECORD_PREFIX}${JSON.stringify(r)}` }));
  return { store, job, lines };
}

type TraceRow = {
  problem_key: string;
  sample_index: number;
  prompt: string;
  reasoning: string | null;
  answer: string | null;
  finish_reason: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  latency_ms: number | null;
  attempts: number;
  error: string | null;
};

const traces = (store: Store): TraceRow[] =>
  store.db
    .prepare(
      `SELECT p.key AS problem_key, t.sample_index, t.prompt, t.reasoning, t.answer, t.finish_reason, t.prompt_tokens,
              t.completion_tokens, t.latency_ms, t.attempts, t.error
       FROM traces t JOIN problems p ON p.id = t.problem_id ORDER BY p.key, t.sample_index`,
    )
    .all() as TraceRow[];

const sample = (problem: string, index: number, text: string, more: object = {}) => ({
  type: 'sample',
  problem,
  index,
  text,
  ...more,
});

describe("an eval job's samples into its eval run", () => {
  it('each sample is a trace of its problem: the rendered prompt, reasoning split from the answer, the runner counts', async () => {
    const { store, job, lines } = await evalJob();
    try {
      const stored: number[] = [];
      const ingester = createIngester(store, job, { onTracesStored: (ids) => stored.push(...ids) });
      const r = ingester.ingest(
        lines(
          sample('sum-13-54', 0, '<think>13+54 is 67</think>\n\\boxed{67}', {
            finish_reason: 'stop',
            prompt_tokens: 21,
            completion_tokens: 12,
          }),
          sample('sum-13-54', 1, '\\boxed{66}', { finish_reason: null, prompt_tokens: null, completion_tokens: null }),
          { type: 'status', phase: 'generating', total: 400 },
        ),
      );
      assert.deepEqual([r.records, r.samples], [3, 2]);
      assert.equal(stored.length, 2, 'the stored traces are announced (to the live grader)');
      const prompt = renderPrompt(TEMPLATE, 'What is 13+54?').stored;
      assert.deepEqual(traces(store), [
        {
          problem_key: 'sum-13-54',
          sample_index: 0,
          prompt,
          reasoning: '13+54 is 67',
          answer: '\\boxed{67}',
          finish_reason: 'stop',
          prompt_tokens: 21,
          completion_tokens: 12,
          latency_ms: null,
          attempts: 1,
          error: null,
        },
        {
          problem_key: 'sum-13-54',
          sample_index: 1,
          prompt,
          reasoning: null,
          answer: '\\boxed{66}',
          finish_reason: null,
          prompt_tokens: null,
          completion_tokens: null,
          latency_ms: null,
          attempts: 1,
          error: null,
        },
      ]);
      const out = requireJobById(store, job.id).output;
      assert.equal(out.samples, 2);
      assert.equal(out.samplesTotal, 400);
      // the count goes on from what is stored, batch after batch
      ingester.ingest(lines(sample('sum-26-16', 0, '\\boxed{42}')));
      assert.equal(requireJobById(store, job.id).output.samples, 3);
      // a batch without samples leaves the count as it is
      ingester.ingest(lines({ type: 'status', phase: 'generating', message: 'half way' }));
      assert.equal(requireJobById(store, job.id).output.samples, 3);
      ingester.drainSignals();
      assert.equal(
        (store.db.prepare('SELECT count(*) AS n FROM trace_signals').get() as { n: number }).n,
        3,
        'signals are computed for every stored sample (the trace browser lists them)',
      );
    } finally {
      store.close();
    }
  });

  it('a sample for a problem the set lacks is not stored, and named in a note (the first five, then "…")', async () => {
    const { store, job, lines } = await evalJob();
    try {
      const ingester = createIngester(store, job);
      const r = ingester.ingest(lines(sample('nope-1', 0, 'x'), sample('sum-13-54', 0, '\\boxed{67}')));
      assert.equal(r.samples, 1);
      assert.deepEqual(requireJobById(store, job.id).output.notes, ['samples for problems not in the set: nope-1']);
      ingester.ingest(lines(...[2, 3, 4, 5].map((i) => sample(`nope-${i}`, 0, 'x'))));
      ingester.ingest(lines(sample('nope-6', 0, 'x')));
      const out = requireJobById(store, job.id).output;
      assert.deepEqual(out.notes, [
        'samples for problems not in the set: nope-1',
        'samples for problems not in the set: nope-1, nope-2, nope-3, nope-4, nope-5',
        'samples for problems not in the set: nope-1, nope-2, nope-3, nope-4, nope-5, …',
      ]);
      assert.equal(out.samples, 1, 'unknown problems are not counted');
      assert.equal(traces(store).length, 1);
    } finally {
      store.close();
    }
  });

  it('a malformed sample record (no problem key, or no text) is counted as a record, not a sample', async () => {
    const { store, job, lines } = await evalJob();
    try {
      const r = createIngester(store, job).ingest(
        lines({ type: 'sample', index: 0, text: 'x' }, { type: 'sample', problem: 'sum-13-54', index: 0 }),
      );
      assert.deepEqual([r.records, r.samples], [2, 0]);
      assert.equal(traces(store).length, 0);
      assert.equal(requireJobById(store, job.id).output.samples, undefined);
    } finally {
      store.close();
    }
  });

  it('samples of a job without an eval run (an SFT job, or an eval job whose spec names no run) are not stored', async () => {
    const { store } = freshStore();
    try {
      await importSums(store);
      const base = { job: {}, entrypoint: 'python -m w2s_runner', gpus: 1, source: 'x' };
      const jobs = [
        createJob(store, { name: 'sft-1', kind: 'sft', cluster: 'http://127.0.0.1:8265', spec: base }),
        createJob(store, { name: 'ev-no-run', kind: 'eval', cluster: 'http://127.0.0.1:8265', spec: base }),
      ];
      for (const job of jobs) {
        const r = createIngester(store, job).ingest([
          { index: 0, text: `${RECORD_PREFIX}${JSON.stringify(sample('sum-13-54', 0, 'x'))}` },
        ]);
        assert.deepEqual([r.records, r.samples], [1, 0], job.name);
      }
      assert.equal(traces(store).length, 0);
    } finally {
      store.close();
    }
  });

  it('an eval job whose run is gone from the store is refused with the run and job named (NO_RUN)', async () => {
    const { store, job } = await evalJob({ runName: 'ev-gone', createRun: false });
    try {
      assert.throws(
        () => createIngester(store, job),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'NO_RUN');
          assert.equal(
            e.message,
            'The eval run "ev-gone" of job ev-job is gone from the store: its samples have nowhere to go.',
          );
          return true;
        },
      );
    } finally {
      store.close();
    }
  });
});
