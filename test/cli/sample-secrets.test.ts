// The API key a server echoes inside the completion text never reaches the store or an export (issue
// 20): it is replaced by "[redacted API key]", with a warning naming the trace; `sample --help` says
// exactly what is redacted. And the failure summary counts the attempts each trace really had (a 400
// is not retried: one attempt, not "after 6 attempts").
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeServer, type FakeServer } from '../fakes/openai-server';
import { w2s } from '../support/cli';
import { tempDir, writeFile } from '../support/tmp';

const KEY = 'sk-live-w2s-test-0123456789abcdef';
let server: FakeServer;
before(async () => {
  server = await startFakeServer();
});
after(async () => {
  await server?.close();
});

function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isFile() && fs.readFileSync(file).includes(needle)) hits.push(name);
  }
  return hits;
}

describe('w2s sample and the key (built CLI)', () => {
  it('a key echoed in the completion is redacted before storing, with a warning; never in the store or an export', async () => {
    const cwd = tempDir();
    const env = { W2S_DB: path.join(cwd, 'w2s.db'), OPENAI_API_KEY: KEY };
    writeFile(
      cwd,
      'p.jsonl',
      Array.from({ length: 3 }, (_, i) =>
        JSON.stringify({ id: `p${i}`, question: `What is ${i} + ${i}?`, answer: String(2 * i) }),
      ).join('\n'),
    );
    assert.equal((await w2s(['import', 'p.jsonl', '--set', 's'], { cwd, env })).code, 0);
    // the server requires the key and puts it in every answer; its reasoning quotes it as well
    server.options = { apiKey: KEY, reasoning: 'reasoning_content', answer: () => `${KEY} (your key)` };
    const r = await w2s(['sample', '--set', 's', '--base-url', server.url, '--model', 'fake-model', '--json'], {
      cwd,
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      (
        r.stderr.match(
          /p\d #0: the response contained the API key once \(choice 0\): replaced by "\[redacted API key\]" before storing/g,
        ) ?? []
      ).length,
      3,
      r.stderr,
    );
    const traces = await w2s(['traces', '--json'], { cwd, env });
    const rows = (JSON.parse(traces.stdout) as { rows: { id: number }[] }).rows;
    assert.equal(rows.length, 3);
    assert.equal((await w2s(['export', '--preset', 'w2sr', '--out', 'out/all.jsonl'], { cwd, env })).code, 0);
    const exported = fs.readFileSync(path.join(cwd, 'out', 'all.jsonl'), 'utf8');
    assert.equal((exported.match(/\\\\boxed\{\[redacted API key\] \(your key\)\}/g) ?? []).length, 3, exported);
    assert.deepEqual(filesContaining(cwd, KEY), [], 'the key is in no file: store, WAL, export');
  });

  it('sample --help says what is and is not redacted', async () => {
    const help = (await w2s(['sample', '--help'], { cwd: tempDir() })).stdout.replace(/\s+/g, ' ');
    assert.match(
      help,
      /where a completion or its reasoning contains the key exactly as set, it is replaced by "\[redacted API key\]" before storing/,
    );
    assert.match(help, /Not redacted: pieces or encodings of the key/);
    assert.doesNotMatch(help, /It is never stored\./);
  });

  it('traces refused with a 400 fail after 1 attempt, and the summary says so', async () => {
    const cwd = tempDir();
    const env = { W2S_DB: path.join(cwd, 'w2s.db') };
    writeFile(
      cwd,
      'p.jsonl',
      Array.from({ length: 2 }, (_, i) =>
        JSON.stringify({ id: `p${i}`, question: `What is ${i} + ${i}?`, answer: String(2 * i) }),
      ).join('\n'),
    );
    assert.equal((await w2s(['import', 'p.jsonl', '--set', 's'], { cwd, env })).code, 0);
    server.options = { fault: () => ({ kind: 'status', status: 400, message: 'prompt too long' }) };
    const r = await w2s(['sample', '--set', 's', '--base-url', server.url, '--model', 'fake-model', '--json'], {
      cwd,
      env,
    });
    assert.equal(r.code, 1, r.stderr);
    const summary = JSON.parse(r.stdout) as { status: string; error: string };
    assert.equal(summary.status, 'failed');
    assert.match(
      summary.error,
      /^2 trace\(s\) failed after 1 attempt \(last: HTTP 400: prompt too long\); run again to retry them\.$/,
    );
    // a resume that fails again: 2 attempts each, in all
    const again = await w2s(['sample', '--set', 's', '--base-url', server.url, '--model', 'fake-model', '--json'], {
      cwd,
      env,
    });
    assert.match((JSON.parse(again.stdout) as { error: string }).error, /^2 trace\(s\) failed after 2 attempts /);
  });
});
