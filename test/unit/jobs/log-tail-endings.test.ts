import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRayClient } from '../../../src/core/jobs/ray-client';
import { tailJobLog, type LogLine, type TailMode } from '../../../src/core/jobs/log-tail';
import { startRayJobsServer, type RayJobsServerOptions } from '../../fakes/ray-jobs-server';
import { tempDir } from '../../support/tmp';
import { waitFor } from './helpers';

// How a log follow ends other than with the job: a refused upgrade (fatal: polling would only meet the
// same refusal), the user cancelling, and what a delivered line may show (the token masked). Over real
// HTTP and WebSocket against the fake Ray server (test/fakes/ray-jobs-server.ts: job_head.py's 404 text
// for an unknown job, the token middleware's 401/403).

describe('a log follow that ends early, and what its lines show', () => {
  it('a job the cluster does not know (404 on the upgrade) ends the follow at once with RAY_NOT_FOUND, without polling', async () => {
    const ray = await startRayJobsServer({ pendingMs: 10 });
    try {
      const client = createRayClient({ address: ray.url });
      await assert.rejects(
        tailJobLog({ client, submissionId: 'raysubmit_gone', fromLine: 0, pollMs: 50, onLines: () => undefined }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'RAY_NOT_FOUND');
          assert.match(e.message, /^Job raysubmit_gone does not exist on .* \(404 while following the job log/);
          return true;
        },
      );
      assert.deepEqual(
        ray.requests.map((r) => r.path),
        ['/api/jobs/raysubmit_gone/logs/tail'],
        'one refused upgrade, nothing after it',
      );
    } finally {
      await ray.close();
    }
  });

  it('a token the cluster refuses (403 on the upgrade) ends the follow with RAY_AUTH, the token never in the message', async () => {
    const ray = await startRayJobsServer({ pendingMs: 10, token: 'right-token-4f9a' });
    try {
      const good = createRayClient({ address: ray.url, token: 'right-token-4f9a' });
      const { submission_id: id } = await good.submit({ entrypoint: 'echo one' });
      const bad = createRayClient({ address: ray.url, token: 'wrong-token-77c1' });
      const before = ray.requests.length;
      await assert.rejects(
        tailJobLog({ client: bad, submissionId: id, fromLine: 0, pollMs: 50, onLines: () => undefined }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'RAY_AUTH');
          assert.match(
            e.message,
            /refused the token \(403 Forbidden: Invalid authentication token\) while following the job log/,
          );
          assert.ok(!e.message.includes('wrong-token-77c1'));
          return true;
        },
      );
      assert.equal(ray.requests.length - before, 1, 'no retry and no polling after a refused token');
    } finally {
      await ray.close();
    }
  });

  for (const noWebSocket of [false, true])
    it(`cancelling (the signal) ends the follow of a running job with the lines handled so far, no error (${noWebSocket ? 'polling' : 'WebSocket'})`, async () => {
      const ray = await startRayJobsServer({ pendingMs: 10, noWebSocket });
      try {
        const client = createRayClient({ address: ray.url });
        const { submission_id: id } = await client.submit({ entrypoint: 'while true; do echo tick; sleep 0.02; done' });
        const controller = new AbortController();
        const got: LogLine[] = [];
        const result = await tailJobLog({
          client,
          submissionId: id,
          fromLine: 0,
          pollMs: 50,
          signal: controller.signal,
          onLines: (l) => {
            got.push(...l);
            controller.abort();
          },
        });
        assert.ok(got.length > 0);
        assert.equal(result.lines, got.length);
        assert.equal(result.mode, noWebSocket ? 'polling' : 'websocket');
        const after = got.length;
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(got.length, after, 'no lines after the follow ended');
        assert.equal((await client.job(id)).status, 'RUNNING', 'cancelling the follow does not stop the job');
      } finally {
        await ray.close();
      }
    });

  it('the cluster token, printed by the job, is masked in every line delivered', async () => {
    const token = 'tok-9f8e7d6c5b4a39281706';
    const ray = await startRayJobsServer({ pendingMs: 10, token });
    try {
      const client = createRayClient({ address: ray.url, token });
      const { submission_id: id } = await client.submit({
        entrypoint: `echo "header: Bearer ${token}"; echo "raw ${token} end"`,
      });
      const got: LogLine[] = [];
      await tailJobLog({ client, submissionId: id, fromLine: 0, pollMs: 50, onLines: (l) => void got.push(...l) });
      // Ray's own lines echo the entrypoint (job_manager.py "Running entrypoint for job …"): masked too
      assert.ok(got.length >= 2);
      for (const l of got) assert.ok(!l.text.includes(token), l.text);
      assert.deepEqual(
        got.slice(-2).map((l) => l.text),
        ['header: Bearer ***', 'raw *** end'],
      );
    } finally {
      await ray.close();
    }
  });
});

describe('the WebSocket, and polling when it cannot be used', () => {
  async function follow(options: RayJobsServerOptions, entrypoint: string, extra: { maxSocketFailures?: number } = {}) {
    const ray = await startRayJobsServer({ pendingMs: 10, ...options });
    try {
      const client = createRayClient({ address: ray.url });
      const { submission_id: id } = await client.submit({ entrypoint });
      const got: LogLine[] = [];
      const modes: [TailMode, string][] = [];
      const warnings: string[] = [];
      const result = await tailJobLog({
        client,
        submissionId: id,
        fromLine: 0,
        pollMs: 30,
        ...extra,
        onLines: (l) => void got.push(...l),
        onMode: (m, why) => modes.push([m, why]),
        onWarning: (w) => warnings.push(w),
      });
      const expected = (await client.logs(id)).split('\n');
      if (expected.at(-1) === '') expected.pop();
      return { got, modes, warnings, result, expected };
    } finally {
      await ray.close();
    }
  }

  it('a 401 on the upgrade (no token sent to a cluster that needs one) is RAY_AUTH at once', async () => {
    const ray = await startRayJobsServer({ pendingMs: 10, token: 'needed-token-31ad' });
    try {
      const good = createRayClient({ address: ray.url, token: 'needed-token-31ad' });
      const { submission_id: id } = await good.submit({ entrypoint: 'echo one' });
      const none = createRayClient({ address: ray.url });
      await assert.rejects(
        tailJobLog({ client: none, submissionId: id, fromLine: 0, pollMs: 50, onLines: () => undefined }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'RAY_AUTH');
          assert.match(e.message, /requires a token \(401 .*\) while following the job log/);
          return true;
        },
      );
    } finally {
      await ray.close();
    }
  });

  it('an upgrade a proxy refuses (HTTP 400) switches to polling at once, saying why', async () => {
    // the job still runs when the refusal is handled (a finished job is read once, with no mode switch)
    const { got, modes, expected } = await follow({ noWebSocket: true }, 'echo a; sleep 1; echo b');
    assert.deepEqual(modes, [
      ['polling', 'the log WebSocket upgrade was answered with HTTP 400 (a proxy without WebSocket support?)'],
    ]);
    assert.deepEqual(
      got.map((l) => l.text),
      expected,
    );
  });

  it('connections cut before any log count as failures: after maxSocketFailures of them it polls, saying how often and why', async () => {
    const { got, modes, result, expected } = await follow(
      { dropSocketsBeforeData: 5 },
      'echo first; sleep 3; echo second',
      { maxSocketFailures: 2 },
    );
    assert.equal(result.mode, 'polling');
    assert.deepEqual(modes, [['polling', 'the log WebSocket failed 2 times (closed (1006) before any log)']]);
    assert.deepEqual(
      got.map((l) => l.index),
      expected.map((_, i) => i),
    );
    assert.deepEqual(
      got.map((l) => l.text),
      expected,
    );
  });

  it('one cut connection is not a reason to poll: the next WebSocket carries the log', async () => {
    const { got, modes, result, expected } = await follow(
      { dropSocketsBeforeData: 1 },
      'echo first; sleep 2; echo second',
    );
    assert.equal(result.mode, 'websocket');
    assert.deepEqual(modes, []);
    assert.deepEqual(
      got.map((l) => l.text),
      expected,
    );
  });

  for (const noWebSocket of [false, true])
    it(`lines arrive while the job runs, not only when it ends (${noWebSocket ? 'polling' : 'WebSocket'})`, async () => {
      const ray = await startRayJobsServer({ pendingMs: 10, noWebSocket });
      const gate = path.join(tempDir('w2s-gate-'), 'open');
      try {
        const client = createRayClient({ address: ray.url });
        // the job waits for the gate after its first two lines; the test opens it once it has seen them
        const { submission_id: id } = await client.submit({
          entrypoint: `echo one; echo two; while [ ! -f '${gate}' ]; do sleep 0.02; done; echo three`,
        });
        const got: LogLine[] = [];
        const following = tailJobLog({
          client,
          submissionId: id,
          fromLine: 0,
          pollMs: 30,
          onLines: (l) => void got.push(...l),
        });
        const seen = await waitFor(
          'the first lines while the job waits',
          () => got.some((l) => l.text === 'two'),
          10_000,
        ).catch(() => false);
        fs.writeFileSync(gate, '');
        const result = await following;
        assert.ok(seen, 'the lines printed so far arrived while the job was still running');
        const texts = got.map((l) => l.text);
        assert.deepEqual(texts.slice(-3), ['one', 'two', 'three']);
        assert.deepEqual(
          got.map((l) => l.index),
          got.map((_, i) => i),
        );
        assert.equal(result.lines, got.length);
      } finally {
        await ray.close();
      }
    });

  it('a line over the cap, met while polling: one warning quoting its first 80 characters, the line cut, the rest delivered', async () => {
    const { got, warnings } = await follow(
      { noWebSocket: true },
      "printf 'A%.0s' $(seq 100); head -c 2097152 /dev/zero | tr '\\0' 'y'; echo; echo after",
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(`it begins "${'A'.repeat(80)}…"\\)`));
    assert.equal(got.at(-1)!.text, 'after');
  });

  it('a connection cut after some log is no failure: however often it happens, the follow stays on the WebSocket', async () => {
    // every connection is cut after its first frame; each reconnect replays the log from its start
    const { got, modes, result, expected } = await follow(
      { dropSocketAfterFrames: 1 },
      'i=0; while [ $i -lt 40 ]; do echo "tick $i"; i=$((i+1)); sleep 0.1; done',
      { maxSocketFailures: 2 },
    );
    assert.equal(result.mode, 'websocket');
    assert.deepEqual(modes, []);
    assert.deepEqual(
      got.map((l) => l.text),
      expected,
    );
  });
});

describe("a log past Ray's read cap (GET …/logs returns only its tail)", () => {
  it('polled often enough that each tail still holds the last lines handled: every line once, in order, and no warning', async () => {
    const ray = await startRayJobsServer({ pendingMs: 10, noWebSocket: true, logMaxReadBytes: 3072 });
    try {
      const client = createRayClient({ address: ray.url });
      // ~6.4 KB of 16-byte lines, written slowly: each poll sees a few new lines at the end of a 3 KiB tail
      const { submission_id: id } = await client.submit({
        entrypoint: 'i=0; while [ $i -lt 400 ]; do echo "line number $i"; i=$((i+1)); sleep 0.005; done',
      });
      const got: LogLine[] = [];
      const warnings: string[] = [];
      const result = await tailJobLog({
        client,
        submissionId: id,
        fromLine: 0,
        pollMs: 20,
        onLines: (l) => void got.push(...l),
        onWarning: (w) => warnings.push(w),
      });
      assert.deepEqual(warnings, []);
      assert.deepEqual(
        got.map((l) => l.index),
        got.map((_, i) => i),
      );
      assert.deepEqual(
        got.map((l) => l.text).filter((t) => t.startsWith('line number')),
        Array.from({ length: 400 }, (_, i) => `line number ${i}`),
      );
      assert.equal(result.lines, got.length);
    } finally {
      await ray.close();
    }
  });

  it('re-attaching to a finished job whose log is past the cap: the tail is delivered after the lines already handled, with a warning naming the gap', async () => {
    const ray = await startRayJobsServer({ pendingMs: 10, noWebSocket: true, logMaxReadBytes: 1024 });
    try {
      const client = createRayClient({ address: ray.url });
      const { submission_id: id } = await client.submit({ entrypoint: 'seq 1000' });
      await waitFor('the job to end', async () => (await client.job(id)).status === 'SUCCEEDED');
      const got: LogLine[] = [];
      const warnings: string[] = [];
      const result = await tailJobLog({
        client,
        submissionId: id,
        fromLine: 5,
        pollMs: 20,
        onLines: (l) => void got.push(...l),
        onWarning: (w) => warnings.push(w),
      });
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0]!,
        /the lines between line 5 and that end .*could not be read; following on from there\.$/,
      );
      assert.equal(got[0]!.index, 5);
      assert.deepEqual(
        got.map((l) => l.index),
        got.map((_, i) => 5 + i),
      );
      assert.equal(got.at(-1)!.text, '1000');
      assert.ok(got.length < 300, `only the tail (${got.length} lines)`);
      assert.equal(result.lines, 5 + got.length);
    } finally {
      await ray.close();
    }
  });

  it('each gap in one follow gets its own warning: a second burst past the cap is a second gap, named by its own line', async () => {
    // Two bursts of ~1.9 KB a second apart against a 512-byte cap, polled every 100 ms: the first poll of each
    // burst sees only its end, and the second burst's end no longer holds the lines handled after the first.
    const ray = await startRayJobsServer({ pendingMs: 10, noWebSocket: true, logMaxReadBytes: 512 });
    try {
      const client = createRayClient({ address: ray.url });
      const { submission_id: id } = await client.submit({ entrypoint: 'seq 1 400; sleep 1; seq 1001 1400; sleep 0.5' });
      const got: LogLine[] = [];
      // each warning with the lines delivered when it came (a poll delivers after the one before it is stored)
      const warnings: { text: string; handled: number }[] = [];
      await tailJobLog({
        client,
        submissionId: id,
        fromLine: 0,
        pollMs: 100,
        onLines: (l) => void got.push(...l),
        onWarning: (w) => warnings.push({ text: w, handled: got.length }),
      });
      assert.equal(warnings.length, 2, warnings.map((w) => w.text).join('\n'));
      for (const w of warnings)
        assert.equal(Number(/the lines between line (\d+) and that end/.exec(w.text)?.[1]), w.handled, w.text);
      assert.ok(warnings[1]!.handled > warnings[0]!.handled);
      assert.equal(got.at(-1)!.text, '1400');
      assert.deepEqual(
        got.map((l) => l.index),
        got.map((_, i) => i),
      );
    } finally {
      await ray.close();
    }
  });

  it('the gap warning says about how much log could not be read, from the cluster\'s "showing last X of Y total"', async () => {
    // seq 1 500000 writes 3,388,895 bytes: Ray's header reads "showing last 1 MiB of 3.2 MiB total"
    const ray = await startRayJobsServer({ pendingMs: 10, noWebSocket: true, logMaxReadBytes: 2 ** 20 });
    try {
      const client = createRayClient({ address: ray.url });
      const { submission_id: id } = await client.submit({ entrypoint: 'seq 1 500000' });
      await waitFor('the job to end', async () => (await client.job(id)).status === 'SUCCEEDED');
      const warnings: string[] = [];
      let last: LogLine | undefined;
      await tailJobLog({
        client,
        submissionId: id,
        fromLine: 5,
        pollMs: 20,
        onLines: (l) => void (last = l.at(-1) ?? last),
        onWarning: (w) => warnings.push(w),
      });
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(
        warnings[0]!,
        /showing last 1 MiB of 3\.2 MiB total\): the lines between line 5 and that end \(about 2\.2 MiB of log\) could not be read/,
      );
      assert.equal(last?.text, '500000');
    } finally {
      await ray.close();
    }
  });
});
