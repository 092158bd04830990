import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { computeSignals } from '../../../src/core/signals/compute';
import { signalsBacklog } from '../../../src/core/signals/record';
import { sampleRun } from '../../../src/core/sampling/sampler';
import { BUILTIN_TEMPLATES } from '../../../src/core/sampling/templates';
import { importTraces } from '../../../src/core/traces/import-traces';
import { startFakeServer, type FakeServer } from '../../fakes/openai-server';
import { cleanup, storeWithSet } from '../sampling/helpers';

let server: FakeServer;
before(async () => {
  server = await startFakeServer();
});
after(async () => {
  await server.close();
});

describe('signals of new traces are stored as they arrive', () => {
  it('sampling: every trace stored with text has its signals once sampleRun returns, as computeSignals gives them', async () => {
    server.options = {
      reasoning: 'think',
      completionChars: 600,
      fault: ({ promptText }) => (/\(problem \d*[37]\)/.test(promptText) ? { kind: 'length' } : undefined),
    };
    const s = await storeWithSet(25);
    try {
      const stored: number[] = [];
      const r = await sampleRun(s.store, {
        runName: 'live',
        setName: 'tiny',
        model: 'fake-model',
        baseUrl: server.url,
        template: BUILTIN_TEMPLATES.find((t) => t.name === 'qwen-base')!,
        params: { temperature: 0, max_tokens: 4096 },
        samplesPerProblem: 2,
        concurrency: 8,
        timeoutMs: 5000,
        onTracesStored: (ids) => stored.push(...ids),
      });
      assert.equal(r.status, 'done');
      assert.equal(stored.length, 50, 'the existing onTracesStored callers still get every id');
      assert.deepEqual(signalsBacklog(s.store), { traces: 50, missing: 0, stale: 0 });
      const rows = s.store.db
        .prepare(
          `SELECT t.reasoning, t.answer, t.finish_reason, t.completion_tokens, p.question, s.flags, s.tokens, s.truncated
           FROM traces t JOIN problems p ON p.id = t.problem_id JOIN trace_signals s ON s.trace_id = t.id`,
        )
        .all() as {
        reasoning: string | null;
        answer: string | null;
        finish_reason: string | null;
        completion_tokens: number | null;
        question: string;
        flags: number;
        tokens: number;
        truncated: number;
      }[];
      assert.equal(rows.length, 50);
      assert.ok(
        rows.some((x) => x.truncated === 1),
        'the fault made some traces truncated',
      );
      for (const x of rows) {
        const want = computeSignals({
          question: x.question,
          reasoning: x.reasoning,
          answer: x.answer,
          finishReason: x.finish_reason,
          completionTokens: x.completion_tokens,
        });
        assert.equal(x.flags, want.flags);
        assert.equal(x.tokens, want.tokens.total);
      }
    } finally {
      cleanup(s.store, s.dir);
    }
  });

  it("trace import: the imported run's traces have their signals when importTraces returns", async () => {
    const s = await storeWithSet(3);
    try {
      const file = path.join(s.dir, 'traces.jsonl');
      fs.writeFileSync(
        file,
        s.questions
          .map((q, i) => JSON.stringify({ question: q, response: `Wait, let me check. So $\\boxed{${2 * i}}$.` }))
          .join('\n'),
      );
      const r = importTraces(s.store, { file, setName: 'tiny', runName: 'imported', model: 'm' });
      assert.equal(r.imported, 3);
      assert.equal(signalsBacklog(s.store).missing, 0);
      const flags = s.store.db.prepare('SELECT reflection, verification FROM trace_signals').all() as {
        reflection: number;
        verification: number;
      }[];
      assert.deepEqual(
        flags,
        [1, 1, 1].map(() => ({ reflection: 1, verification: 1 })),
      );
    } finally {
      cleanup(s.store, s.dir);
    }
  });
});
