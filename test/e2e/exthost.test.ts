// Runs the extension-host mocha suites (test/exthost, bundled into out/test/exthost/index.js) inside
// code-server (see runExtensionHostTests in harness.ts). Each mocha test becomes a subtest here; a
// pending mocha test is a skipped subtest.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { ROOT, runExtensionHostTests } from './harness';

const TESTS = path.join(ROOT, 'out', 'test', 'exthost', 'index.js');

test(
  'the extension-host mocha suites pass in code-server, with no console errors',
  { timeout: 10 * 60_000 },
  async (t) => {
    const run = await runExtensionHostTests(TESTS);
    for (const r of run.results) {
      await t.test(r.title, { skip: r.state === 'pending' }, () => {
        // Mocha's own stack, pointing into out/test/exthost/index.js (source maps alongside).
        if (r.state === 'failed') throw Object.assign(new Error(r.error ?? 'failed'), { stack: r.error ?? 'failed' });
      });
    }
    const log = run.log.join('\n');
    assert.ok(run.results.length > 0, `no mocha results came back (exit ${run.code}); log:\n${log}`);
    assert.equal(run.code, 0, `the extension host exited with ${run.code}; log:\n${log}`);
    assert.deepEqual(run.consoleErrors, [], 'console errors in the workbench while the suites ran');
  },
);
