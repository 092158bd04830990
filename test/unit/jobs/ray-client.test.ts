import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkCluster } from '../../../src/core/jobs/cluster';
import { createRayClient } from '../../../src/core/jobs/ray-client';
import { CURRENT_RAY, startRayJobsServer, type RayJobsServer } from '../../fakes/ray-jobs-server';
import { tempDir } from '../../support/tmp';
import { waitFor } from './helpers';

describe('Ray Jobs client against the fake cluster with token auth', () => {
  let ray: RayJobsServer;
  before(async () => {
    ray = await startRayJobsServer({ token: 's3cret', pendingMs: 10 });
  });
  after(() => ray.close());

  it('checks the cluster: version and authentication mode', async () => {
    const c = await checkCluster(createRayClient({ address: ray.url, token: 's3cret' }), true);
    assert.equal(c.rayVersion, CURRENT_RAY);
    assert.equal(c.apiVersion, '5');
    assert.equal(c.authMode, 'token');
    assert.deepEqual(c.warnings, []);
  });

  it('without a token: 401 with what to do; with a wrong one: 403', async () => {
    await assert.rejects(createRayClient({ address: ray.url }).version(), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'RAY_AUTH');
      assert.match(
        e.message,
        /requires a token \(401 Unauthorized: Missing authentication token\).*W2S_CLUSTER_TOKEN.*ray get-auth-token/s,
      );
      return true;
    });
    await assert.rejects(
      createRayClient({ address: ray.url, token: 'nope' }).list(),
      /refused the token \(403 Forbidden: Invalid authentication token\)/,
    );
  });

  it('sends the Bearer token on every request, and never puts it in a message', async () => {
    const client = createRayClient({ address: ray.url, token: 's3cret' });
    const before = ray.requests.length;
    await client.list();
    await client.packageExists('_ray_pkg_00.zip');
    await assert.rejects(client.job('no-such-job'), (e: Error) => !e.message.includes('s3cret'));
    const seen = ray.requests.slice(before);
    assert.equal(seen.length, 3);
    for (const r of seen) assert.equal(r.headers.authorization, 'Bearer s3cret');
  });

  it('names a missing job, a duplicate submission id, a bad request and a running job that cannot be deleted', async () => {
    const client = createRayClient({ address: ray.url, token: 's3cret' });
    await assert.rejects(
      client.job('ghost'),
      /Job ghost does not exist .*404.*Ray keeps jobs only while its head node runs/s,
    );
    const { submission_id } = await client.submit({ entrypoint: 'sleep 30', submission_id: 'dup-1' });
    assert.equal(submission_id, 'dup-1');
    await assert.rejects(
      client.submit({ entrypoint: 'true', submission_id: 'dup-1' }),
      (e: Error & { code?: string }) =>
        e.code === 'RAY_DUPLICATE' && /already has a job with this submission id/.test(e.message),
    );
    await assert.rejects(
      client.submit({ entrypoint: 'true', metadata: { n: 1 as unknown as string } }),
      /rejected the request \(400\).*TypeError: metadata values must be strings/,
    );
    await waitFor('running', async () => (await client.job('dup-1')).status === 'RUNNING');
    await assert.rejects(
      client.delete('dup-1'),
      (e: Error & { code?: string }) => e.code === 'RAY_NOT_TERMINAL' && /Stop it first/.test(e.message),
    );
    assert.equal(await client.stop('dup-1'), true);
    await waitFor('stopped', async () => (await client.job('dup-1')).status === 'STOPPED', 10_000);
    assert.equal(await client.stop('dup-1'), false);
    assert.equal(await client.delete('dup-1'), true);
    await assert.rejects(client.job('dup-1'), /does not exist/);
  });
});

describe('Ray Jobs client: clusters that cannot be used', () => {
  it('a refused connection says what to check', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    await assert.rejects(
      createRayClient({ address: `http://127.0.0.1:${port}` }).version(),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'RAY_UNREACHABLE');
        assert.match(e.message, /connection refused .*ray start --head --dashboard-host=0.0.0.0/);
        return true;
      },
    );
  });

  it('a server that is not Ray is called out', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/api/version') {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html>login</html>');
      } else {
        res.writeHead(404);
        res.end('nope');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      await assert.rejects(createRayClient({ address }).version(), /not JSON .*a Ray dashboard, or a proxy's page/);
      await assert.rejects(createRayClient({ address }).list(), /404/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('Ray Jobs client over https', () => {
  const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

  it(
    'an untrusted certificate gets the NODE_EXTRA_CA_CERTS fix; a trusted one works (tested in a child process)',
    { skip: hasOpenssl ? false : 'openssl is not installed: no certificate to serve https with' },
    async () => {
      const dir = tempDir('w2s-tls-');
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      const r = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      const ray = await startRayJobsServer({
        tls: { key: fs.readFileSync(key), cert: fs.readFileSync(cert) },
        token: 't',
      });
      try {
        assert.match(ray.url, /^https:/);
        await assert.rejects(
          createRayClient({ address: ray.url, token: 't' }).version(),
          (e: Error & { code?: string }) => e.code === 'RAY_TLS' && /NODE_EXTRA_CA_CERTS/.test(e.message),
        );
        // Node reads NODE_EXTRA_CA_CERTS when it starts: a child process with it trusts the certificate.
        const script = `require('tsx/cjs');const {createRayClient}=require(${JSON.stringify(path.resolve(__dirname, '../../../src/core/jobs/ray-client.ts'))});createRayClient({address:${JSON.stringify(ray.url)},token:'t'}).version().then(v=>console.log(v.ray_version),e=>{console.error(e.message);process.exit(1)})`;
        const child = await new Promise<{ code: number | null; out: string }>((resolve) => {
          const c = spawn(process.execPath, ['-e', script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: cert } });
          let out = '';
          c.stdout.on('data', (d: Buffer) => (out += d));
          c.stderr.on('data', (d: Buffer) => (out += d));
          c.on('close', (code) => resolve({ code, out }));
        });
        assert.equal(child.code, 0, child.out);
        assert.equal(child.out.trim(), CURRENT_RAY);
      } finally {
        await ray.close();
      }
    },
  );
});
