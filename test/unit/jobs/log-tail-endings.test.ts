import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRayClient } from '../../../src/core/jobs/ray-client';
import { tailJobLog, type LogLine } from '../../../src/core/jobs/log-tail';
import { startRayJobsServer } from '../../fakes/ray-jobs-server';

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
