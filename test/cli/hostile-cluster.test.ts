// The built `w2s` against cluster addresses that misbehave (like test/cli/hostile-servers.test.ts for
// the sampler): every command ends within its time bound, in bounded memory, with a clear message and
// no stack, and a cluster token echoed back is never printed or stored. And the acceptance: through a
// proxy applying current Ray's browser guard and body cap, `w2s jobs sft --detach` gets its job in.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { startRayGuardProxy, type GuardProxy } from '../fakes/ray-guard-proxy';
import { startRayJobsServer, type RayJobsServer } from '../fakes/ray-jobs-server';
import { w2s, type CliResult } from '../support/cli';
import { tempDir } from '../support/tmp';

/** The acceptance bound is 600 MB; a normal command stays near 120 MB, buffering any of these would pass 1 GB. */
const MEMORY_BOUND_KB = 400 * 1024;
const TIME_BOUND_MS = 60_000;

let dir: string;
let db: string;

function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  extra: { interruptAfterMs?: number } = {},
): Promise<CliResult> {
  return w2s([...args, '--db', db], {
    cwd: dir,
    timeoutMs: TIME_BOUND_MS,
    ...extra,
    env: {
      W2S_CLUSTER_ADDRESS: '',
      W2S_CLUSTER_TOKEN: '',
      RAY_ADDRESS: '',
      W2S_CHECKPOINT_ROOT: '',
      W2S_CLUSTER_RUNTIME: '',
      ...env,
    },
  });
}

function bounded(what: string, r: CliResult): void {
  assert.equal(r.timedOut, false, `${what}: killed after ${TIME_BOUND_MS} ms\n${r.stderr}`);
  assert.ok(
    r.peakRssKb !== undefined && r.peakRssKb < MEMORY_BOUND_KB,
    `${what}: peak RSS ${r.peakRssKb} kB\n${r.stderr.slice(0, 2000)}`,
  );
  assert.doesNotMatch(r.stderr, /unexpected error|please report|\n\s+at /, `${what}: ${r.stderr.slice(0, 2000)}`);
}

/** An address answering every request with what `mode` says. */
let mode: 'endless-line' | 'trickle' | 'gzip-bomb' = 'endless-line';
let hostile: http.Server;
let hostileUrl: string;
let bomb: Buffer;

before(async () => {
  dir = tempDir('w2s-hostile-cluster-');
  db = path.join(dir, 'w2s.db');
  fs.writeFileSync(
    path.join(dir, 'train.jsonl'),
    `${JSON.stringify({ instruction: 'What is 1+1?', output: '\\boxed{2}' })}\n`,
  );
  // one gzip member of 64 MiB of zeros (64 KiB on the wire), sent again and again: gigabytes once inflated
  bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  hostile = http.createServer((req, res) => {
    req.resume();
    if (mode === 'gzip-bomb') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      const pump = () => {
        while (res.write(bomb)) if (res.destroyed) return;
        res.once('drain', pump);
      };
      return pump();
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (mode === 'trickle') {
      // a byte now and then, forever: never the cap, never the end
      const t = setInterval(() => res.write('{'), 100);
      res.on('close', () => clearInterval(t));
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
  hostileUrl = `http://127.0.0.1:${(hostile.address() as { port: number }).port}`;
});
after(() => {
  hostile.closeAllConnections();
  hostile.close();
});

describe('w2s against hostile cluster addresses (built CLI)', { timeout: 5 * 60_000 }, () => {
  it('an address streaming one endless line: cluster check stops reading at the cap and says so', async () => {
    mode = 'endless-line';
    const r = await cli(['cluster', 'check', '--address', hostileUrl]);
    bounded('endless line', r);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /answered GET \/api\/authentication_mode with more than 1 MiB, far more than Ray sends there: stopped reading\. Is the address a Ray dashboard/,
    );
  });

  it('an endless body that never reaches the cap ends at the request deadline with a user message', async () => {
    mode = 'trickle';
    const r = await cli(['cluster', 'check', '--address', hostileUrl], { W2S_CLUSTER_TIMEOUT: '2' });
    bounded('trickle', r);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /did not answer within 2 s while asking for its authentication mode\. Is the address right/);
    assert.ok(r.ms < 20_000, `${r.ms} ms`);
  });

  it('a gzip bomb is never inflated: read as capped bytes', async () => {
    mode = 'gzip-bomb';
    const r = await cli(['cluster', 'check', '--address', hostileUrl]);
    bounded('gzip bomb', r);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /with more than 1 MiB, far more than Ray sends there: stopped reading/);
  });
});

describe(
  'w2s against a cluster that echoes its token, or floods the log tail (fake Ray)',
  { timeout: 5 * 60_000 },
  () => {
    let echo: RayJobsServer;
    let flood: RayJobsServer;
    const right = 'ray-right-5d0b6c3e81f4';
    const wrong = 'ray-wrong-77c1f0a9e2b3';
    before(async () => {
      echo = await startRayJobsServer({ token: right, echoToken: true, pendingMs: 10 });
      flood = await startRayJobsServer({ endlessFramesBytes: 1024 * 1024, pendingMs: 10 });
    });
    after(async () => {
      await echo.close();
      await flood.close();
    });

    it('a token echoed by a 403 or a 500 appears in no output, log or store row', async () => {
      const outputs: string[] = [];
      const check = await cli(['cluster', 'check', '--address', echo.url, '--no-probe'], { W2S_CLUSTER_TOKEN: wrong });
      bounded('403 echo', check);
      assert.equal(check.code, 1);
      assert.match(
        check.stderr,
        /refused the token \(403 Forbidden: Invalid authentication token: Incorrect API key provided: Bearer \*\*\*\)/,
      );
      const sft = await cli(
        [
          'jobs',
          'sft',
          '--address',
          echo.url,
          '--base-model',
          'm',
          '--dataset',
          'train.jsonl',
          '--output-dir',
          '/shared/x',
          '--name',
          'echoed',
          '--detach',
          '--json',
        ],
        { W2S_CLUSTER_TOKEN: right },
      );
      bounded('500 echo', sft);
      assert.equal(sft.code, 1);
      assert.match(
        sft.stderr,
        /failed \(500\) while submitting the job \(POST \/api\/jobs\/\): RuntimeError: upstream refused the job; request headers were Authorization: Bearer \*\*\*/,
      );
      const list = await cli(['jobs', 'list', '--json']);
      const show = await cli(['jobs', 'show', 'echoed']);
      const listed = (JSON.parse(list.stdout) as { name: string; status: string; error: string }[]).find(
        (j) => j.name === 'echoed',
      )!;
      assert.equal(listed.status, 'submit-failed');
      assert.match(listed.error, /Authorization: Bearer \*\*\*/);
      outputs.push(
        check.stdout,
        check.stderr,
        sft.stdout,
        sft.stderr,
        list.stdout,
        list.stderr,
        show.stdout,
        show.stderr,
      );
      const bytes = Buffer.concat([db, `${db}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
      for (const secret of [right, wrong, right.slice(4), wrong.slice(4)]) {
        for (const o of outputs) assert.ok(!o.includes(secret), `${secret} printed: ${o.slice(0, 400)}`);
        assert.equal(bytes.indexOf(secret), -1, `${secret} is in the store file`);
      }
    });

    it('a log tail of 1 MB frames without a newline stays bounded, warns once, and detaches on Ctrl-C', async () => {
      const sub = await cli([
        'jobs',
        'sft',
        '--address',
        flood.url,
        '--base-model',
        'm',
        '--dataset',
        'train.jsonl',
        '--output-dir',
        '/shared/x',
        '--name',
        'flood',
        '--detach',
        '--runtime',
        'preinstalled',
      ]);
      assert.equal(sub.code, 0, sub.stderr);
      const r = await cli(['jobs', 'logs', '-f', 'flood', '--address', flood.url], {}, { interruptAfterMs: 8000 });
      bounded('1 MB frames', r);
      assert.match(
        r.stderr,
        /warning: a line of the job's log is longer than 1 MiB: kept its first 2000 characters \(it begins "xxxx/,
      );
      assert.equal(r.stderr.match(/longer than 1 MiB/g)?.length, 1, 'warned once');
      assert.match(r.stderr, /Detached from flood/);
    });
  },
);

describe('acceptance: a proxy applying current Ray rules in front of the fake', { timeout: 5 * 60_000 }, () => {
  let ray: RayJobsServer;
  let proxy: GuardProxy;
  before(async () => {
    // the fake itself as an older Ray (user-agent rule only): the proxy alone brings the current rules
    ray = await startRayJobsServer({ rayVersion: '2.52.0', pendingMs: 10 });
    proxy = await startRayGuardProxy(ray.url);
  });
  after(async () => {
    await proxy.close();
    await ray.close();
  });

  it('w2s jobs sft --detach uploads its package and submits its job (no 405); fetch through the same proxy gets 405', async () => {
    const r = await cli([
      'jobs',
      'sft',
      '--address',
      proxy.url,
      '--base-model',
      'm',
      '--dataset',
      'train.jsonl',
      '--output-dir',
      '/shared/x',
      '--name',
      'through-proxy',
      '--detach',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(proxy.refused, []);
    // the job's package, and the runner alone for the memory plan's config job (model m is not on this machine)
    assert.equal(ray.packages.size, 2, 'the packages were uploaded');
    assert.ok(
      ray.requests.some((q) => q.method === 'POST' && q.path === '/api/jobs/'),
      'the job was submitted',
    );
    const viaFetch = await fetch(`${proxy.url}/api/jobs/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"entrypoint":"true"}',
    });
    assert.equal(viaFetch.status, 405);
    assert.equal(proxy.refused.length, 1);
  });
});
