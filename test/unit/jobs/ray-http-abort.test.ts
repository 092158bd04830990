// A request sent with a signal that is already aborted (a follow started after Ctrl-C) rejects with the
// abort: the destroyed request's "socket hang up" must reach a listener, or Node ends the process with an
// unhandled 'error' event (seen in w2s experiment run, Ctrl-C while jobs were being followed).
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createRayTransport } from '../../../src/core/jobs/ray-http';

test('an already-aborted request rejects with its abort reason and leaves no unhandled error', async () => {
  const server = http.createServer((_req, res) => res.end('{}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const unhandled: unknown[] = [];
  const onUncaught = (e: unknown) => unhandled.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    const { port } = server.address() as AddressInfo;
    const t = createRayTransport(`http://127.0.0.1:${port}`, undefined);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      t.send({
        op: 'status',
        method: 'GET',
        path: '/api/jobs/x',
        timeoutMs: 5000,
        maxBytes: 1024,
        signal: controller.signal,
      }),
      (e: Error) => e.name === 'AbortError',
    );
    // the socket's error is emitted on a later tick
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(unhandled.map(String), []);
  } finally {
    process.off('uncaughtException', onUncaught);
    server.close();
  }
});
