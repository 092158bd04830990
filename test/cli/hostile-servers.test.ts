// The built `w2s sample` against a zoo of misbehaving servers (test/fakes/openai-server.ts faults):
// every run must end within its time bound, in bounded memory, with the outcome and message it
// should have, and without a key or a terminal escape reaching the store or the screen.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqlite } from '../../src/core/store/sqlite';
import { startFakeServer, type FakeServer, type FakeServerOptions } from '../fakes/openai-server';
import { w2s, type CliResult } from '../support/cli';
import { tempDir, writeFile } from '../support/tmp';

/** Far below what buffering the hostile responses would take (hundreds of MB), far above a normal run (~120 MB). */
const MEMORY_BOUND_KB = 300 * 1024;
/** Per command: the runs below take seconds; a hang is killed here and fails its test. */
const TIME_BOUND_MS = 60_000;

let server: FakeServer;
let dir: string;
let db: string;

before(async () => {
  server = await startFakeServer();
  dir = tempDir('w2s-hostile-');
  db = path.join(dir, 'w2s.db');
  writeFile(
    dir,
    's.jsonl',
    [1, 2]
      .map((i) => JSON.stringify({ id: `q${i}`, problem: `Compute ${i} + ${i}.`, answer: String(2 * i) }))
      .join('\n'),
  );
  assert.equal((await cli(['import', 's.jsonl', '--set', 's'])).code, 0);
});
after(() => server.close());

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return w2s([...args, '--db', db], { cwd: dir, env: { OPENAI_API_KEY: '', ...env }, timeoutMs: TIME_BOUND_MS });
}

/** Samples set `s` (2 problems) as run `run` against the server behaving as `options`. */
async function sample(
  run: string,
  options: FakeServerOptions,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult & { json: Record<string, unknown> }> {
  server.options = options;
  server.clearRequests();
  const r = await cli(
    [
      'sample',
      '--set',
      's',
      '--base-url',
      server.url,
      '--model',
      'fake-model',
      '--run',
      run,
      '--no-grade',
      '--json',
      '--max-attempts',
      '1',
      ...args,
    ],
    env,
  );
  assert.equal(r.timedOut, false, `${run}: killed after ${TIME_BOUND_MS} ms\n${r.stderr}`);
  assert.ok(
    r.peakRssKb !== undefined && r.peakRssKb < MEMORY_BOUND_KB,
    `${run}: peak RSS ${r.peakRssKb} kB\n${r.stderr}`,
  );
  assert.doesNotMatch(r.stderr, /unexpected error|please report/, r.stderr);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    assert.fail(`${run}: --json printed no document (exit ${r.code})\n${r.stdout}\n${r.stderr}`);
  }
  return { ...r, json };
}

function rows(
  run: string,
): { finish_reason: string | null; answer: string | null; reasoning: string | null; error: string | null }[] {
  const conn = openSqlite(db, { readonly: true });
  try {
    return conn
      .prepare(
        'SELECT t.finish_reason, t.answer, t.reasoning, t.error FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = ? ORDER BY t.problem_id',
      )
      .all(run) as never;
  } finally {
    conn.close();
  }
}

/** The store file and its WAL, as bytes (what a key must never be found in). */
function storeBytes(): Buffer {
  return Buffer.concat([db, `${db}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}

describe('w2s sample against hostile servers (built CLI)', () => {
  it('a stream that never ends is cut at the cap from max_tokens and stored as truncated', async () => {
    const r = await sample('endless', { fault: () => ({ kind: 'endless' }) }, ['--max-tokens', '100']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.status, 'done');
    assert.equal(r.json.truncated, 2);
    assert.match(
      r.stderr,
      /more than \d+ characters for max_tokens 100, far more than that many tokens can be: stopped reading/,
    );
    for (const t of rows('endless')) {
      assert.equal(t.finish_reason, 'length');
      assert.match(t.answer!, /^all work and no play/);
      assert.ok(t.answer!.length < 100_000, `${t.answer!.length} characters kept`);
    }
  });

  it('400 MB of text, in events or as one endless line, never grows the sampler', async () => {
    const events = await sample('huge', { fault: () => ({ kind: 'huge', megabytes: 400 }) }, ['--max-tokens', '1000']);
    assert.equal(events.code, 0, events.stderr);
    assert.equal(events.json.truncated, 2);
    const line = await sample('huge-line', { fault: () => ({ kind: 'huge', megabytes: 400, oneEvent: true }) }, [
      '--max-tokens',
      '1000',
    ]);
    assert.equal(line.code, 1);
    assert.equal(line.json.status, 'failed');
    assert.match(String(line.json.error), /one event of more than [\d.]+ MB without a line break/);
    assert.equal(rows('huge-line').filter((t) => t.error !== null).length, 2);
  });

  it('keep-alive is not progress: empty events or comments forever end at the idle timeout', async () => {
    for (const style of ['empty', 'comment'] as const) {
      const r = await sample(`keepalive-${style}`, { fault: () => ({ kind: 'keepalive', style, intervalMs: 50 }) }, [
        '--timeout',
        '1',
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.json.status, 'failed');
      assert.match(String(r.json.error), /no response within 1 s \(timeout\)/);
    }
  });

  it('text that keeps coming slowly ends at the per-request deadline', async () => {
    const r = await sample('slow-endless', { fault: () => ({ kind: 'endless', chars: 8, delayMs: 20 }) }, [
      '--max-tokens',
      '100000',
      '--timeout',
      '5',
      '--deadline',
      '2',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(String(r.json.error), /did not finish within 2 s \(the per-request deadline\)/);
    assert.match(rows('slow-endless')[0]!.error!, /per-request deadline/);
  });

  it('a key the server echoes (ours, tgp_, gsk_, hf_, after Bearer) is never stored, logged or printed', async () => {
    const key = 'tgp_v1_Zq8XKe3Lr9PW7mN2vB5cT4yH';
    const custom = 'company-gateway-key-77d1e0c9';
    const secrets = [
      key,
      custom,
      'G'.repeat(40),
      'H'.repeat(34),
      'T'.repeat(40),
      'Zq8XKe3Lr9PW7mN2vB5cT4yH',
      '77d1e0c9',
    ];
    const outputs: string[] = [];
    for (const [run, k] of [
      ['echo-tgp', key],
      ['echo-custom', custom],
    ] as const) {
      const r = await sample(run, { fault: () => ({ kind: 'echo-key' }) }, [], { OPENAI_API_KEY: k });
      assert.equal(r.code, 1);
      assert.match(String(r.json.error), /HTTP 500: Upstream rejected the request/);
      outputs.push(r.stdout, r.stderr, rows(run)[0]!.error!);
    }
    // a wrong key whose 401 echoes it: refused before any run is made
    server.options = { apiKey: 'the-right-key-000000', echoKeyOn401: true };
    const denied = await cli(
      ['sample', '--set', 's', '--base-url', server.url, '--model', 'fake-model', '--run', 'echo-401', '--json'],
      { OPENAI_API_KEY: key },
    );
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /HTTP 401: Incorrect API key provided\. You sent "Authorization: Bearer \*\*\*/);
    outputs.push(denied.stdout, denied.stderr);
    const runs = await cli(['runs']);
    const runsJson = await cli(['runs', '--json']);
    outputs.push(runs.stdout, runs.stderr, runsJson.stdout);
    const bytes = storeBytes();
    for (const s of secrets) {
      for (const o of outputs) assert.ok(!o.includes(s), `${s} printed or stored: ${o.slice(0, 300)}`);
      assert.equal(bytes.indexOf(s), -1, `${s} is in the store file`);
    }
  });

  it('an HTML error page is stored as a few KB of its text, and no terminal escape reaches the screen', async () => {
    const r = await sample('html', { fault: () => ({ kind: 'html', status: 502, kilobytes: 112 }) });
    assert.equal(r.code, 1);
    const t = rows('html');
    assert.equal(t.length, 2);
    for (const x of t) {
      assert.match(x.error!, /^HTTP 502: 502 Bad Gateway The upstream server is unavailable\. Lorem ipsum/);
      assert.ok(x.error!.length < 3000, `${x.error!.length} characters stored`);
      assert.doesNotMatch(x.error!, /[\u001b\u0007]|<p>/);
    }
    const runs = await cli(['runs']);
    for (const out of [r.stdout, r.stderr, runs.stdout, runs.stderr])
      assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.match(runs.stdout, /html\s+failed .*HTTP 502: 502 Bad Gateway/);
  });

  it('odd chunks (indices out of range, non-text content, odd finish_reason and usage) are skipped or stringified with a warning', async () => {
    const r = await sample('odd', { reasoning: 'none', fault: () => ({ kind: 'odd-chunks' }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.status, 'done');
    for (const w of [
      /skipped a choice with index 7 \(asked for index 0\)/,
      /skipped a choice with index -1/,
      /skipped a choice with index 0\.5/,
      /choice 0's content is an object, not text; stored as JSON text/,
      /choice 0's content is a number/,
      /choice 0's content is an array/,
      /finish_reason is an object/,
      /skipped "choices" that is a string/,
      /skipped a choice that is null/,
      /ignored usage\.prompt_tokens that is a string/,
    ])
      assert.match(r.stderr, w);
    for (const t of rows('odd')) {
      assert.equal(t.error, null);
      assert.equal(t.finish_reason, 'stop', 'the real finish wins over the odd one');
      assert.ok(
        t.answer!.startsWith('{"type":"text","text":"an object"}42["an","array"]Sample 0.'),
        t.answer!.slice(0, 80),
      );
      assert.doesNotMatch(t.answer!, /never asked for|negative index|fractional/);
    }
  });

  it('a request worker that runs out of memory fails the run loudly: exit 1, the --json document, the reason stored', async () => {
    // a 64 MB heap for every thread, and a response far bigger than that which max_tokens still allows
    const r = await sample('oom', { fault: () => ({ kind: 'huge', megabytes: 400 }) }, ['--max-tokens', '5000000'], {
      NODE_OPTIONS: '--max-old-space-size=64',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json.status, 'failed');
    assert.match(String(r.json.error), /a request worker ran out of memory/);
    const listed = (
      JSON.parse((await cli(['runs', '--json'])).stdout) as { name: string; status: string; error: string }[]
    ).find((x) => x.name === 'oom')!;
    assert.equal(listed.status, 'failed');
    assert.match(listed.error, /ran out of memory.*run again to resume/);
  });

  it('two samplers starting the same new run: one samples it, the other gets RUN_BUSY', async () => {
    server.options = { chunkDelayMs: 30, completionChars: 400, chunkChars: 20 };
    const args = [
      'sample',
      '--set',
      's',
      '--base-url',
      server.url,
      '--model',
      'fake-model',
      '--run',
      'twice',
      '--no-grade',
      '--json',
    ];
    const [a, b] = await Promise.all([cli(args), cli(args)]);
    const codes = [a.code, b.code].sort();
    assert.deepEqual(codes, [0, 1], `${a.stderr}\n${b.stderr}`);
    const loser = a.code === 1 ? a : b;
    assert.equal((JSON.parse(loser.stdout) as { error: { code: string } }).error.code, 'RUN_BUSY');
    assert.doesNotMatch(loser.stderr, /UNIQUE|unexpected error/);
    assert.equal(rows('twice').length, 2);
  });

  it('numbers are decimal integers: 1e23, 0x10, 1.5 and " 8" are refused before any request', async () => {
    server.options = {};
    server.clearRequests();
    for (const [flag, value] of [
      ['--max-tokens', '1e23'],
      ['--max-tokens', '0x10'],
      ['--n', '0x10'],
      ['--n', '1.5'],
      ['--concurrency', '1e3'],
      ['--concurrency', ' 8'],
      ['--limit', '0b11'],
      ['--timeout', '0x10'],
      ['--seed', '1e3'],
    ]) {
      const r = await cli([
        'sample',
        '--set',
        's',
        '--base-url',
        server.url,
        '--model',
        'fake-model',
        '--run',
        'nums',
        flag,
        value,
      ]);
      assert.equal(r.code, 2, `${flag} ${value}: ${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(`${flag} must be .*(decimal digits|in decimal) \\(got "${value.replace(/[.+]/g, '\\$&')}"\\)`),
      );
    }
    assert.equal(server.requests.length, 0, 'nothing was sent');
  });
});
