import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { BUILTIN_TEMPLATES } from '../../../src/core/sampling/templates';
import { sampleRun, type SampleOptions } from '../../../src/core/sampling/sampler';
import { W2sError } from '../../../src/core/errors';
import { findRun, listRuns } from '../../../src/core/runs/runs';
import { fakeAnswer, startFakeServer, type FakeServer, type FakeServerOptions } from '../../fakes/openai-server';
import { cleanup, storeWithSet, traces } from './helpers';

const qwenBase = BUILTIN_TEMPLATES.find((t) => t.name === 'qwen-base')!;
const simple = BUILTIN_TEMPLATES.find((t) => t.name === 'simple')!;
/** A port nobody listens on: bound, then released. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5000 };

let server: FakeServer;
before(async () => {
  server = await startFakeServer();
});
after(async () => {
  await server.close();
});

function opts(run: string, extra: Partial<SampleOptions> = {}): SampleOptions {
  return {
    runName: run,
    setName: 'tiny',
    model: 'fake-model',
    baseUrl: server.url,
    template: qwenBase,
    params: { temperature: 0, max_tokens: 4096 },
    samplesPerProblem: 1,
    concurrency: 4,
    timeoutMs: 2000,
    retry: FAST_RETRY,
    ...extra,
  };
}

async function withStore(
  count: number,
  serverOptions: FakeServerOptions,
  fn: (s: Awaited<ReturnType<typeof storeWithSet>>) => Promise<void>,
) {
  server.options = serverOptions;
  server.clearRequests();
  const s = await storeWithSet(count);
  try {
    await fn(s);
  } finally {
    cleanup(s.store, s.dir);
  }
}

/** Every (problem, sample) stored exactly once, with text and no error. */
function assertComplete(rows: ReturnType<typeof traces>, problems: number, n: number) {
  assert.equal(rows.length, problems * n);
  const pairs = new Set(rows.map((r) => `${r.key}#${r.sample_index}`));
  assert.equal(pairs.size, problems * n);
  for (const r of rows) {
    assert.equal(r.error, null, `${r.key}#${r.sample_index}: ${r.error}`);
    assert.ok(r.answer || r.reasoning, `${r.key}#${r.sample_index} has text`);
  }
}

describe('sampler against the fake OpenAI-compatible server', () => {
  it('samples a chat run, storing prompt, split text, usage, latency and finish reason', async () => {
    await withStore(5, { reasoning: 'think' }, async ({ store, questions }) => {
      const stored: number[] = [];
      const res = await sampleRun(store, opts('r1', { onTracesStored: (ids) => stored.push(...ids) }));
      assert.equal(res.status, 'done');
      const rows = traces(store, 'r1');
      assertComplete(rows, 5, 1);
      assert.equal(stored.length, 5);
      const r0 = rows[0]!;
      assert.equal(
        JSON.parse(r0.prompt)[1].content,
        `${questions[0]}\nPlease reason step by step, and put your final answer within \\boxed{}.`,
      );
      assert.match(r0.reasoning!, /^Sample 0\. Let me think/);
      assert.equal(r0.answer, `The answer is \\boxed{${fakeAnswer(JSON.parse(r0.prompt)[1].content)}}.`);
      assert.equal(r0.finish_reason, 'stop');
      // the usage the server reported for that request, as it reported it
      const asked = server.requests.find(
        (q) => (q.body.messages as { content: string }[])[1]!.content === JSON.parse(r0.prompt)[1].content,
      )!;
      assert.ok(asked.usage!.completion_tokens > 0);
      assert.equal(r0.prompt_tokens, asked.usage!.prompt_tokens);
      assert.equal(r0.completion_tokens, asked.usage!.completion_tokens);
      assert.equal(findRun(store, 'r1')!.status, 'done');
      // stream_options.include_usage was asked for
      assert.ok(
        server.requests.every(
          (q) => q.body.stream === true && (q.body.stream_options as { include_usage: boolean }).include_usage,
        ),
      );
    });
  });

  it('stores the same traces with requests on worker threads and on the main thread', async () => {
    const answers: string[][] = [];
    for (const threads of [0, 2]) {
      await withStore(
        6,
        {
          reasoning: 'reasoning_content',
          fault: (c) => (c.attempt === 1 && c.promptText.includes('problem 3)') ? { kind: 'drop' } : undefined),
        },
        async ({ store }) => {
          const res = await sampleRun(store, opts('th', { threads }));
          assert.equal(res.status, 'done');
          const rows = traces(store, 'th');
          assertComplete(rows, 6, 1);
          answers.push(rows.map((r) => `${r.reasoning}|${r.answer}|${r.attempts}`));
        },
      );
    }
    assert.deepEqual(answers[0], answers[1]);
  });

  for (const style of ['reasoning_content', 'reasoning', 'think-close', 'none'] as const) {
    it(`keeps reasoning apart when the server sends it as ${style}`, async () => {
      await withStore(2, { reasoning: style }, async ({ store }) => {
        await sampleRun(store, opts('r'));
        const r = traces(store, 'r')[0]!;
        if (style === 'none') assert.equal(r.reasoning, null);
        else assert.match(r.reasoning!, /^Sample 0\./);
        assert.match(r.answer!, style === 'none' ? /Sample 0[\s\S]*The answer is/ : /^The answer is \\boxed\{\d+\}\.$/);
      });
    });
  }

  it('samples a completions run with the simple template, streamed and not', async () => {
    for (const stream of [true, false]) {
      await withStore(3, { reasoning: 'none' }, async ({ store }) => {
        const res = await sampleRun(store, opts('c', { template: simple, stream }));
        assert.equal(res.status, 'done');
        const rows = traces(store, 'c');
        assertComplete(rows, 3, 1);
        assert.match(rows[0]!.prompt, /^Question:\n.*\nAnswer:\nLet's think step by step\. $/);
        assert.ok(server.requests.every((q) => q.path === '/v1/completions' && typeof q.body.prompt === 'string'));
      });
    }
  });

  it('uses the server n when it is honoured (one request per problem)', async () => {
    await withStore(4, { supportsN: true }, async ({ store }) => {
      const res = await sampleRun(store, opts('n', { samplesPerProblem: 3, params: { temperature: 0.6, seed: 0 } }));
      assert.equal(res.serverN, true);
      assertComplete(traces(store, 'n'), 4, 3);
      assert.equal(server.requests.length, 4);
      assert.ok(server.requests.every((q) => q.body.n === 3));
      // tokens of one request are shared among its traces, adding up to what the server reported
      for (const q of server.requests) {
        const user = (q.body.messages as { content: string }[])[1]!.content;
        const rows = traces(store, 'n').filter((r) => JSON.parse(r.prompt)[1].content === user);
        assert.equal(rows.length, 3);
        assert.ok(rows.every((r) => r.completion_tokens! > 0 && r.prompt_tokens === q.usage!.prompt_tokens));
        assert.equal(
          rows.reduce((a, r) => a + r.completion_tokens!, 0),
          q.usage!.completion_tokens,
        );
      }
    });
  });

  it('falls back to one request per sample when the server ignores n, with distinct seeds', async () => {
    await withStore(3, { supportsN: false }, async ({ store }) => {
      const res = await sampleRun(
        store,
        opts('sep', { samplesPerProblem: 3, concurrency: 1, params: { temperature: 0.6, seed: 7 } }),
      );
      assert.equal(res.status, 'done');
      assert.equal(res.serverN, false);
      assertComplete(traces(store, 'sep'), 3, 3);
      // first request asked for n=3 and got 1; then 2 singles for that problem and 3 for each of the others
      assert.equal(server.requests.length, 1 + 2 + 3 + 3);
      const seeds = server.requests.filter((q) => !q.body.n).map((q) => q.body.seed);
      assert.ok(seeds.includes(8) && seeds.includes(9));
    });
  });

  it('separate mode never sends n', async () => {
    await withStore(2, {}, async ({ store }) => {
      await sampleRun(store, opts('s', { samplesPerProblem: 2, nMode: 'separate' }));
      assertComplete(traces(store, 's'), 2, 2);
      assert.ok(server.requests.every((q) => q.body.n === undefined));
    });
  });

  it('429 with Retry-After: waits as told, then stores everything once', async () => {
    await withStore(
      3,
      {
        fault: (c) =>
          c.promptText.includes('problem 1)') && c.attempt <= 2
            ? { kind: 'status', status: 429, retryAfter: '0.3' }
            : undefined,
      },
      async ({ store }) => {
        const t0 = Date.now();
        const res = await sampleRun(store, opts('rl'));
        assert.equal(res.status, 'done');
        assert.ok(Date.now() - t0 >= 600, 'two waits of 0.3 s');
        const rows = traces(store, 'rl');
        assertComplete(rows, 3, 1);
        assert.equal(rows.find((r) => r.key === 'p1')!.attempts, 3);
        assert.equal(server.requests.filter((q) => q.status === 429).length, 2);
      },
    );
  });

  it('500s are retried; exhausted retries record the reason and a resume retries only those', async () => {
    let broken = true;
    await withStore(
      4,
      {
        fault: (c) =>
          broken && c.promptText.includes('problem 2)')
            ? { kind: 'status', status: 500, message: 'engine crashed' }
            : undefined,
      },
      async ({ store }) => {
        const res = await sampleRun(store, opts('e'));
        assert.equal(res.status, 'failed');
        assert.match(res.error!, /1 trace\(s\) failed after 4 attempts.*HTTP 500: engine crashed/);
        let rows = traces(store, 'e');
        assert.equal(rows.length, 4);
        const bad = rows.find((r) => r.key === 'p2')!;
        assert.match(bad.error!, /HTTP 500: engine crashed/);
        assert.equal(bad.answer, null);
        assert.equal(bad.attempts, 4);
        broken = false;
        server.clearRequests();
        const again = await sampleRun(store, opts('e'));
        assert.equal(again.status, 'done');
        assert.equal(server.requests.length, 1, 'only the failed trace is sampled again');
        rows = traces(store, 'e');
        assertComplete(rows, 4, 1);
        assert.equal(rows.find((r) => r.key === 'p2')!.attempts, 5);
      },
    );
  });

  it('a connection dropped mid-stream is retried', async () => {
    await withStore(
      3,
      {
        fault: (c) =>
          c.attempt === 1 && c.promptText.includes('problem 0)') ? { kind: 'drop', afterChunks: 3 } : undefined,
      },
      async ({ store }) => {
        const res = await sampleRun(store, opts('d'));
        assert.equal(res.status, 'done');
        const rows = traces(store, 'd');
        assertComplete(rows, 3, 1);
        assert.equal(rows[0]!.attempts, 2);
        assert.doesNotMatch(rows[0]!.answer!, /^$/);
      },
    );
  });

  it('a malformed body (stream and JSON) is retried', async () => {
    for (const stream of [true, false]) {
      await withStore(
        2,
        { fault: (c) => (c.attempt === 1 && c.promptText.includes('problem 1)') ? { kind: 'malformed' } : undefined) },
        async ({ store }) => {
          const res = await sampleRun(store, opts('m', { stream }));
          assert.equal(res.status, 'done');
          const rows = traces(store, 'm');
          assertComplete(rows, 2, 1);
          assert.equal(rows[1]!.attempts, 2);
          assert.doesNotMatch(rows[1]!.answer!, /oops/);
        },
      );
    }
  });

  it('a response slower than the timeout (headers or a stalled stream) is retried, then recorded', async () => {
    await withStore(
      3,
      {
        fault: (c) =>
          c.promptText.includes('problem 0)') && c.attempt === 1
            ? { kind: 'slow', delayMs: 6000 }
            : c.promptText.includes('problem 1)') && c.attempt === 1
              ? { kind: 'stall', afterChunks: 2, delayMs: 6000 }
              : c.promptText.includes('problem 2)')
                ? { kind: 'slow', delayMs: 6000 }
                : undefined,
      },
      async ({ store }) => {
        // The timeout is well above a normal response's time even on a loaded machine, well below the faults'.
        const res = await sampleRun(store, opts('t', { timeoutMs: 1500, retry: { ...FAST_RETRY, maxAttempts: 2 } }));
        assert.equal(res.status, 'failed');
        const rows = traces(store, 't');
        assert.equal(rows.length, 3);
        assert.equal(rows[0]!.error, null);
        assert.equal(rows[0]!.attempts, 2);
        assert.equal(rows[1]!.error, null);
        assert.equal(rows[1]!.attempts, 2);
        assert.match(rows[2]!.error!, /timeout/);
      },
    );
  });

  it('finish_reason length is stored as a truncated trace', async () => {
    await withStore(
      2,
      { reasoning: 'think', fault: (c) => (c.promptText.includes('problem 0)') ? { kind: 'length' } : undefined) },
      async ({ store }) => {
        const res = await sampleRun(store, opts('len'));
        assert.equal(res.status, 'done');
        assert.equal(res.truncated, 1);
        const rows = traces(store, 'len');
        assert.equal(rows[0]!.finish_reason, 'length');
        assert.equal(rows[0]!.answer, null, 'cut while thinking: no answer');
        assert.ok(rows[0]!.reasoning!.length > 0);
        assert.equal(rows[1]!.finish_reason, 'stop');
        assert.equal(listRuns(store)[0]!.truncated, 1);
      },
    );
  });

  it('max_tokens below the generation gives finish_reason length', async () => {
    await withStore(1, { completionChars: 400 }, async ({ store }) => {
      await sampleRun(store, opts('mt', { params: { max_tokens: 10 } }));
      assert.equal(traces(store, 'mt')[0]!.finish_reason, 'length');
    });
  });

  it('cancellation aborts requests in flight, keeps what was stored, and a resume completes without duplicates', async () => {
    await withStore(30, { chunkDelayMs: 20, completionChars: 200, chunkChars: 20 }, async ({ store }) => {
      const c = new AbortController();
      let storedCount = 0;
      const res = await sampleRun(
        store,
        opts('cx', {
          concurrency: 3,
          signal: c.signal,
          onTracesStored: (ids) => {
            storedCount += ids.length;
            if (storedCount >= 5) c.abort();
          },
        }),
      );
      assert.equal(res.status, 'cancelled');
      const partial = traces(store, 'cx');
      assert.ok(partial.length >= 5 && partial.length < 30, `${partial.length}`);
      assert.ok(
        partial.every((r) => r.error === null),
        'aborted requests leave no rows',
      );
      assert.equal(findRun(store, 'cx')!.status, 'cancelled');
      await new Promise((r) => setTimeout(r, 100)); // requests aborted on the wire may still reach the server
      server.options = {};
      server.clearRequests();
      const again = await sampleRun(store, opts('cx'));
      assert.equal(again.status, 'done');
      assert.equal(again.alreadyDone, partial.length);
      const asked = new Set(server.requests.map((q) => (q.body.messages as { content: string }[])[1]!.content));
      // requests aborted on the wire may still reach the server late, so check sets, not counts
      assert.ok(asked.size >= 30 - partial.length, 'each missing problem is asked for');
      const storedQuestions = new Set(partial.map((r) => JSON.parse(r.prompt)[1].content as string));
      assert.ok(
        server.requests.every((q) => !storedQuestions.has((q.body.messages as { content: string }[])[1]!.content)),
        'nothing stored is sampled again',
      );
      assertComplete(traces(store, 'cx'), 30, 1);
    });
  });

  it('a limit is stored with the run: a resume keeps it, a larger one (or all) extends it, a smaller one is refused', async () => {
    await withStore(6, {}, async ({ store }) => {
      const first = await sampleRun(store, opts('lim', { problemLimit: 2 }));
      assert.equal(traces(store, 'lim').length, 2);
      assert.equal(first.total, 2);
      const run = () => listRuns(store).find((r) => r.name === 'lim')!;
      assert.deepEqual(
        [run().problemLimit, run().problems, run().setProblems, run().total, run().done],
        [2, 2, 6, 2, 2],
      );
      const completions = () => server.requests.filter((r) => r.path.endsWith('/completions')).length;
      const before = completions();
      const again = await sampleRun(store, opts('lim'));
      assert.equal(again.status, 'done');
      assert.equal(traces(store, 'lim').length, 2, 'a resume without a limit keeps the stored selection');
      assert.equal(completions(), before, 'nothing is sampled beyond the stored selection');
      await sampleRun(store, opts('lim', { problemLimit: 4 }));
      assert.equal(traces(store, 'lim').length, 4);
      assert.deepEqual([run().problemLimit, run().problems, run().total], [4, 4, 4]);
      await assert.rejects(
        sampleRun(store, opts('lim', { problemLimit: 3 })),
        /already covers the first 4 problems; a limit of 3 would hide/,
      );
      await sampleRun(store, opts('lim', { problemLimit: null }));
      assertComplete(traces(store, 'lim'), 6, 1);
      assert.deepEqual([run().problemLimit, run().problems, run().total], [null, 6, 6]);
      await assert.rejects(sampleRun(store, opts('lim', { problemLimit: 5 })), /already covers the whole set/);
      await assert.rejects(
        sampleRun(store, opts('lim', { params: { temperature: 0.6, max_tokens: 4096 } })),
        /already exists with different settings \(temperature 0 ≠ 0.6\).*choose a new run name/,
      );
      await assert.rejects(
        sampleRun(store, opts('lim', { model: 'other' })),
        /model fake-model ≠ other|does not serve the model/,
      );
    });
  });

  it('a run left running by a dead process is interrupted and resumable', async () => {
    await withStore(3, {}, async ({ store }) => {
      await sampleRun(store, opts('dead', { problemLimit: 1 }));
      store.db
        .prepare(
          `UPDATE runs SET status = 'running', owner = 'nowhere:1', heartbeat_at = '2000-01-01T00:00:00Z' WHERE name = 'dead'`,
        )
        .run();
      assert.equal(listRuns(store)[0]!.status, 'interrupted');
      const res = await sampleRun(store, opts('dead', { problemLimit: null }));
      assert.equal(res.status, 'done');
      assertComplete(traces(store, 'dead'), 3, 1);
    });
  });

  it('a run owned by a zombie (a dead process not yet reaped) is interrupted; a live owner keeps it running', async () => {
    await withStore(1, {}, async ({ store }) => {
      await sampleRun(store, opts('z'));
      // sh starts a child, then becomes `sleep`, which never reaps it: a zombie once the child exits. The child
      // outlives the exec (0.5 s), or sh itself might reap it first and the pid would be gone.
      const parent = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
      try {
        const pid = Number(
          await new Promise<string>((r) => parent.stdout.once('data', (d: Buffer) => r(d.toString().trim()))),
        );
        for (const t0 = Date.now(); !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));) {
          assert.ok(Date.now() - t0 < 5000, 'the child becomes a zombie');
          await new Promise((r) => setTimeout(r, 20));
        }
        const own = (p: number) =>
          store.db
            .prepare(
              `UPDATE runs SET status = 'running', owner = ?, heartbeat_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE name = 'z'`,
            )
            .run(`${os.hostname()}:${p}`);
        own(parent.pid!);
        assert.equal(listRuns(store)[0]!.status, 'running', 'a live owner with a fresh heartbeat');
        own(pid);
        assert.equal(listRuns(store)[0]!.status, 'interrupted', 'the pid exists, but as a zombie');
        assert.equal((await sampleRun(store, opts('z'))).status, 'done', 'and the run can be resumed at once');
      } finally {
        parent.kill();
      }
    });
  });

  it('two samplers creating the same new run at once: the later one gets RUN_BUSY, not a UNIQUE constraint error', async () => {
    await withStore(2, {}, async ({ store }) => {
      // Plays the other sampler: between this one's look-up and its insert, it creates and claims the run.
      const owner = `${os.hostname()}:${process.ppid}`;
      store.db.exec(`CREATE TEMP TRIGGER other_sampler BEFORE INSERT ON main.runs WHEN NEW.name = 'race' BEGIN
        INSERT INTO runs (name, kind, set_id, model, endpoint, template, params, samples_per_problem, status, owner, heartbeat_at)
        VALUES (NEW.name, NEW.kind, NEW.set_id, NEW.model, NEW.endpoint, NEW.template, NEW.params, NEW.samples_per_problem,
          'running', '${owner}', strftime('%Y-%m-%dT%H:%M:%fZ','now'));
      END`);
      try {
        await assert.rejects(
          sampleRun(store, opts('race')),
          (e: unknown) => e instanceof W2sError && e.code === 'RUN_BUSY' && e.message.includes(owner),
        );
        assert.equal(traces(store, 'race').length, 0, 'the loser samples nothing');
      } finally {
        store.db.exec('DROP TRIGGER temp.other_sampler');
      }
    });
  });

  it('bad endpoints and models fail before the run starts, with clear messages', async () => {
    await withStore(1, {}, async ({ store }) => {
      await assert.rejects(
        sampleRun(store, opts('x', { model: 'nope' })),
        /does not serve the model "nope"\. It offers: fake-model/,
      );
      const closed = await freePort();
      await assert.rejects(
        sampleRun(store, opts('x', { baseUrl: `http://127.0.0.1:${closed}/v1` })),
        /Cannot reach http:\/\/127\.0\.0\.1:\d+\/v1.*ECONNREFUSED.*Is the server running/,
      );
      await assert.rejects(sampleRun(store, opts('x', { setName: 'missing' })), /No problem set named "missing"/);
      server.options = { apiKey: 'sk-right-key-123456' };
      await assert.rejects(
        sampleRun(store, opts('x', { apiKey: 'sk-wrong-key-987654' })),
        (e: Error) => /HTTP 401.*API key/.test(e.message) && !e.message.includes('987654'),
      );
      assert.equal(traces(store, 'x').length, 0);
    });
  });

  it('a 401 in the middle of a run stops it as failed and keeps what was stored', async () => {
    await withStore(
      5,
      { fault: (c) => (c.requestNumber >= 3 ? { kind: 'status', status: 401, message: 'key revoked' } : undefined) },
      async ({ store }) => {
        const res = await sampleRun(store, opts('auth', { concurrency: 1, preflight: false }));
        assert.equal(res.status, 'failed');
        assert.match(res.error!, /HTTP 401: key revoked/);
        const rows = traces(store, 'auth');
        assert.equal(rows.filter((r) => r.error === null).length, res.done);
        assert.ok(res.done >= 1 && res.done < 5);
      },
    );
  });
});
