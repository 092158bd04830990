import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRayClient } from '../../../src/core/jobs/ray-client';
import { tailJobLog, type LogLine, type TailMode } from '../../../src/core/jobs/log-tail';
import { startRayJobsServer, type RayJobsServerOptions } from '../../fakes/ray-jobs-server';

// 150 lines, several written in two pieces with a pause between them (a driver mid-line), the last one
// without a newline, and one with multi-byte characters.
const SCRIPT =
  "i=0; while [ $i -lt 150 ]; do if [ $((i % 9)) -eq 4 ]; then printf 'line %d —' $i; sleep 0.01; printf ' ünï %d\\n' $i; else echo \"line $i\"; sleep 0.005; fi; i=$((i+1)); done; printf 'tail without newline'";

async function run(options: RayJobsServerOptions, fromLine = 0, token?: string) {
  const ray = await startRayJobsServer({ pendingMs: 10, ...options, token });
  try {
    const client = createRayClient({ address: ray.url, token });
    // Ray runs the entrypoint with a shell (job_supervisor.py: Popen(entrypoint, shell=True)).
    const { submission_id: id } = await client.submit({ entrypoint: SCRIPT });
    const got: LogLine[] = [];
    const modes: TailMode[] = [];
    const result = await tailJobLog({
      client,
      submissionId: id,
      fromLine,
      pollMs: 50,
      onLines: (l) => void got.push(...l),
      onMode: (m) => modes.push(m),
    });
    const expected = (await client.logs(id)).split('\n');
    return { got, expected, result, modes, requests: ray.requests };
  } finally {
    await ray.close();
  }
}

function assertExactlyOnce(got: LogLine[], expected: string[], from: number) {
  assert.deepEqual(
    got.map((l) => l.index),
    expected.map((_, i) => i).slice(from),
    'each line once, in order',
  );
  assert.deepEqual(
    got.map((l) => l.text),
    expected.slice(from),
  );
}

describe('following a job log', () => {
  it('over the WebSocket: unaligned frames become whole lines, each once, the last one without newline included', async () => {
    const { got, expected, result, modes } = await run({});
    assert.ok(expected.length > 150);
    assert.ok(
      expected.some((l) => l.includes('— ünï')),
      'the split multi-byte lines are in the log',
    );
    assertExactlyOnce(got, expected, 0);
    assert.equal(expected.at(-1), 'tail without newline');
    assert.equal(result.lines, expected.length);
    assert.deepEqual(modes, []);
  });

  it('a dropped connection replays the log from its start: nothing is repeated or lost', async () => {
    const { got, expected, result } = await run({ dropSocketAfterFrames: 3 });
    assertExactlyOnce(got, expected, 0);
    assert.equal(result.mode, 'websocket');
  });

  it('re-attaching after N lines delivers only the lines after them', async () => {
    const { got, expected } = await run({}, 40);
    assertExactlyOnce(got, expected, 40);
  });

  it('falls back to polling GET …/logs when the WebSocket upgrade is refused (a proxy without WebSocket support)', async () => {
    const { got, expected, result, modes } = await run({ noWebSocket: true });
    assertExactlyOnce(got, expected, 0);
    assert.equal(result.mode, 'polling');
    assert.deepEqual(modes, ['polling']);
  });

  it('follows a job through an outage of the proxy in front of the dashboard (502, 503, 504 over HTTP), each line once', async () => {
    const ray = await startRayJobsServer({ pendingMs: 10, noWebSocket: true });
    try {
      const client = createRayClient({ address: ray.url });
      const { submission_id: id } = await client.submit({ entrypoint: SCRIPT });
      const got: LogLine[] = [];
      let outageAt = -1;
      const onLines = (lines: LogLine[]) => {
        got.push(...lines);
        // the dashboard goes away once the first lines are in: the next three requests get the proxy's pages
        if (outageAt < 0) {
          outageAt = ray.requests.length;
          ray.outage([502, 503, 504]);
        }
      };
      const result = await tailJobLog({ client, submissionId: id, fromLine: 0, pollMs: 50, onLines });
      assert.ok(outageAt >= 0, 'lines arrived before the outage');
      assert.equal(ray.outageLeft, 0, 'all three outage answers were met');
      const during = ray.requests.slice(outageAt, outageAt + 4).map((r) => r.path);
      assert.ok(during.length === 4, 'and the follow went on asking after them');
      assertExactlyOnce(got, (await client.logs(id)).split('\n'), 0);
      assert.equal(result.lines, got.length);
    } finally {
      await ray.close();
    }
  });

  it('gives up on a real server error at once, and on an outage longer than maxOutageMs, saying which', async () => {
    const ray = await startRayJobsServer({ pendingMs: 10, noWebSocket: true });
    try {
      const client = createRayClient({ address: ray.url });
      const { submission_id: id } = await client.submit({ entrypoint: 'echo one' });
      // a 500 is not an outage: no retry (one upgrade refused, then the status read fails)
      ray.outage([400, 500]);
      const before = ray.requests.length;
      await assert.rejects(
        tailJobLog({ client, submissionId: id, fromLine: 0, pollMs: 50, onLines: () => undefined }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'RAY_SERVER');
          assert.match(e.message, /failed \(500\) while reading the job status/);
          return true;
        },
      );
      assert.equal(ray.requests.length - before, 2, 'no request after the 500');
      // 503 for longer than allowed: the last 503's message, not a retry forever
      ray.outage(Array.from({ length: 40 }, () => 503));
      await assert.rejects(
        tailJobLog({ client, submissionId: id, fromLine: 0, pollMs: 50, maxOutageMs: 1500, onLines: () => undefined }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'RAY_UNAVAILABLE');
          assert.match(
            e.message,
            /is temporarily unavailable \(503\) while reading the job status: 503 Service Temporarily Unavailable/,
          );
          return true;
        },
      );
      // the refused upgrade, then the status read at least twice (it waited), and not all 40
      assert.ok(
        ray.outageLeft > 0 && ray.outageLeft <= 37,
        `it retried, then stopped (${40 - ray.outageLeft} requests)`,
      );
    } finally {
      await ray.close();
    }
  });

  it('the WebSocket upgrade carries the Bearer token too', async () => {
    const { got, expected, requests } = await run({}, 0, 'tok');
    assertExactlyOnce(got, expected, 0);
    const upgrades = requests.filter((r) => r.upgrade);
    assert.ok(upgrades.length >= 1);
    for (const u of upgrades) assert.equal(u.headers.authorization, 'Bearer tok');
  });

  it("a log past Ray's read cap (GET …/logs returns only its tail): polling carries on from the tail and says how much it could not read", async () => {
    // 4000 lines of ~20 bytes, read through a 2 KiB cap (RAY_JOB_LOG_MAX_READ_BYTES), the job paced so polls see it grow
    const ray = await startRayJobsServer({ pendingMs: 10, noWebSocket: true, logMaxReadBytes: 2048 });
    try {
      const client = createRayClient({ address: ray.url });
      const { submission_id: id } = await client.submit({
        entrypoint:
          'i=0; while [ $i -lt 4000 ]; do echo "line number $i"; i=$((i+1)); [ $((i % 400)) -eq 0 ] && sleep 0.1; done',
      });
      const got: LogLine[] = [];
      const warnings: string[] = [];
      const result = await tailJobLog({
        client,
        submissionId: id,
        fromLine: 0,
        pollMs: 30,
        onLines: (l) => void got.push(...l),
        onWarning: (w) => warnings.push(w),
      });
      const texts = got.map((l) => l.text);
      assert.equal(texts.at(-1), 'line number 3999', 'followed to the end of the log');
      assert.equal(new Set(texts).size, texts.length, 'no line twice');
      assert.deepEqual(
        got.map((l) => l.index),
        got.map((_, i) => i),
        'indices go on without a hole',
      );
      assert.equal(result.lines, got.length);
      assert.ok(got.length < 4001, 'some lines were never visible');
      assert.ok(
        warnings.some((w) =>
          /returned only the end of the job's log \(LOG TRUNCATED — showing last 0 MiB of 0\.\d MiB total\): the lines between line \d+ and that end .* could not be read/.test(
            w,
          ),
        ),
        warnings.join('\n'),
      );
    } finally {
      await ray.close();
    }
  });

  it('a line longer than the cap is cut with one warning; the lines after it still arrive', async () => {
    const ray = await startRayJobsServer({ pendingMs: 10 });
    try {
      const client = createRayClient({ address: ray.url });
      // 3 MiB without a newline, then ordinary lines
      const { submission_id: id } = await client.submit({
        entrypoint: "head -c 3145728 /dev/zero | tr '\\0' 'y'; echo; echo after; echo last",
      });
      const got: LogLine[] = [];
      const warnings: string[] = [];
      await tailJobLog({
        client,
        submissionId: id,
        fromLine: 0,
        pollMs: 30,
        onLines: (l) => void got.push(...l),
        onWarning: (w) => warnings.push(w),
      });
      const cut = got.find((l) => l.text.startsWith('yyyy'))!;
      assert.match(cut.text, /^y{2000}… \[line cut: \d+ more characters not read\]$/);
      assert.deepEqual(
        got.slice(-2).map((l) => l.text),
        ['after', 'last'],
      );
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0]!,
        /a line of the job's log is longer than 1 MiB: kept its first 2000 characters \(it begins "yyyy/,
      );
    } finally {
      await ray.close();
    }
  });
});
