// What the cluster client puts on the wire, request by request (the WebSocket upgrade included): no
// header that Ray's browser guard takes for a browser's (RAY-JOBS.md "Browser guard"), so a current Ray
// accepts every call — and the fake applies that guard, so a client that sent one would fail here.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createRayClient } from '../../../src/core/jobs/ray-client';
import { tailJobLog } from '../../../src/core/jobs/log-tail';
import { rayHttpError } from '../../../src/core/jobs/ray-errors';
import { startRayJobsServer, type RayJobsServer } from '../../fakes/ray-jobs-server';

const BROWSER_MARKERS = [
  'origin',
  'referer',
  'sec-fetch-mode',
  'sec-fetch-dest',
  'sec-fetch-site',
  'sec-fetch-user',
  'access-control-request-method',
  'access-control-request-headers',
];

describe('the Ray client sends no browser marker on any request', () => {
  let ray: RayJobsServer;
  let raw: { method: string; url: string; rawHeaders: string[] }[];
  let tap: http.Server;
  let tapUrl: string;
  before(async () => {
    ray = await startRayJobsServer({ token: 'tok-123456', pendingMs: 10 });
    // A pass-through that records each request's raw header lines as they arrived (names as sent, in order).
    raw = [];
    const target = new URL(ray.url);
    tap = http.createServer((req, res) => {
      raw.push({ method: req.method!, url: req.url!, rawHeaders: req.rawHeaders });
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode!, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(up);
    });
    tap.on('upgrade', (req, socket) => {
      raw.push({ method: `${req.method} (upgrade)`, url: req.url!, rawHeaders: req.rawHeaders });
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((r) => tap.listen(0, '127.0.0.1', r));
    tapUrl = `http://127.0.0.1:${(tap.address() as { port: number }).port}`;
  });
  after(async () => {
    tap.close();
    await ray.close();
  });

  it('every request kind: version, auth mode, package check and upload, submit, status, list, logs, stop, delete, log WebSocket', async () => {
    const client = createRayClient({ address: tapUrl, token: 'tok-123456' });
    await client.authenticationMode();
    await client.version();
    assert.equal(await client.packageExists('_ray_pkg_ab.zip'), false);
    await client.uploadPackage('_ray_pkg_ab.zip', Buffer.from('PK\u0005\u0006'.padEnd(22, '\0')));
    const { submission_id: id } = await client.submit({ entrypoint: 'echo hi; sleep 0.2' });
    await client.job(id);
    await client.list();
    await client.logs(id);
    await client.stop(id);
    // the tail through the tap: its upgrade is recorded, then refused, and the tail polls instead
    await tailJobLog({
      client,
      submissionId: id,
      fromLine: 0,
      pollMs: 20,
      maxSocketFailures: 1,
      onLines: () => undefined,
    });
    await client.delete(id);
    const kinds = raw.map((r) => `${r.method} ${r.url.replace(id, 'ID')}`);
    for (const k of [
      'GET /api/authentication_mode',
      'GET /api/version',
      'GET /api/packages/gcs/_ray_pkg_ab.zip',
      'PUT /api/packages/gcs/_ray_pkg_ab.zip',
      'POST /api/jobs/',
      'GET /api/jobs/ID',
      'GET /api/jobs/',
      'GET /api/jobs/ID/logs',
      'POST /api/jobs/ID/stop',
      'GET (upgrade) /api/jobs/ID/logs/tail',
      'DELETE /api/jobs/ID',
    ]) {
      assert.ok(kinds.includes(k), `${k} was sent (sent: ${kinds.join(', ')})`);
    }
    for (const r of raw) {
      const names = r.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
      const values = Object.fromEntries(names.map((n, i) => [n, r.rawHeaders[2 * i + 1]]));
      for (const m of BROWSER_MARKERS) assert.ok(!names.includes(m), `${r.method} ${r.url} sent ${m}`);
      assert.ok(!(values['user-agent'] ?? '').startsWith('Mozilla'), `${r.method} ${r.url} sent a browser user agent`);
      assert.equal(values.authorization, 'Bearer tok-123456', `${r.method} ${r.url} carries the token`);
    }
  });

  it("Node's global fetch is refused by the fake's current guard (it always sends Sec-Fetch-Mode), so the check above can fail", async () => {
    const r = await fetch(`${ray.url}/api/jobs/`, {
      method: 'POST',
      headers: { Authorization: 'Bearer tok-123456', 'Content-Type': 'application/json' },
      body: JSON.stringify({ entrypoint: 'true' }),
    });
    assert.equal(r.status, 405);
    assert.equal(await r.text(), "'POST' method not allowed for browser traffic.");
  });
});

describe("the fake's browser guard follows the ray_version it reports", () => {
  const post = (url: string, headers: Record<string, string>) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        `${url}/api/jobs/`,
        { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } },
        (res) => {
          let text = '';
          res
            .setEncoding('utf8')
            .on('data', (c: string) => (text += c))
            .on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ entrypoint: 'true' }));
    });

  it('before 2.53 only a Mozilla user agent is a browser; from 2.53 any Origin/Referer/Sec-Fetch-* too; after token auth either way', async () => {
    const old = await startRayJobsServer({ rayVersion: '2.52.1', token: 't0k3n-abc' });
    const current = await startRayJobsServer({ rayVersion: '2.54.0', token: 't0k3n-abc' });
    try {
      const auth = { Authorization: 'Bearer t0k3n-abc' };
      assert.equal((await post(old.url, { ...auth, 'Sec-Fetch-Mode': 'cors' })).status, 200);
      assert.deepEqual(await post(old.url, { ...auth, 'User-Agent': 'Mozilla/5.0' }), {
        status: 405,
        text: 'Method Not Allowed for browser traffic.',
      });
      for (const h of ['Origin', 'Referer', 'Sec-Fetch-Site', 'Access-Control-Request-Method']) {
        assert.deepEqual(
          await post(current.url, { ...auth, [h]: 'x' }),
          { status: 405, text: "'POST' method not allowed for browser traffic." },
          h,
        );
      }
      assert.equal((await post(current.url, { ...auth })).status, 200);
      // token auth comes first: no token gives 401, whatever the headers
      assert.equal((await post(current.url, { Origin: 'x' })).status, 401);
    } finally {
      await old.close();
      await current.close();
    }
  });
});

describe("Ray's refusals in words", () => {
  it('a 405 for browser traffic says which headers to drop; a body over the cap names the shared-path option', async () => {
    const guard = rayHttpError('http://h:8265', 'submit', 405, "'POST' method not allowed for browser traffic.");
    assert.equal(guard.code, 'RAY_BROWSER_GUARD');
    assert.match(
      guard.message,
      /refused the request as browser traffic \(405 'POST' method not allowed for browser traffic\.\).*Origin, Referer or Sec-Fetch-\*/,
    );
    const big = rayHttpError(
      'http://h:8265',
      'package-upload',
      500,
      'Traceback (most recent call last):\n  File "job_head.py", line 1\naiohttp.web_exceptions.HTTPRequestEntityTooLarge: Maximum request body size 104857600 exceeded, actual body size 104923136\n',
    );
    assert.equal(big.code, 'RAY_TOO_LARGE');
    assert.match(
      big.message,
      /Maximum request body size 104857600 exceeded.*at most 100 MiB per request.*--cluster-dataset PATH/s,
    );
  });
});
