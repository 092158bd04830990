// Runs the extension-host mocha suites (test/exthost, bundled into out/test/exthost/index.js) inside
// code-server, the way @vscode/test-web does: the workbench URL carries extensionDevelopmentPath and
// extensionTestsPath, and the page reports logs and the exit code through codeAutomationLog/Exit.
// Each mocha test becomes a subtest here.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ROOT, launchWorkbench, tempFolder } from './harness';
import type { MochaResult } from '../exthost/index';

const TESTS = path.join(ROOT, 'out', 'test', 'exthost', 'index.js');
const RESULT_PREFIX = 'W2S-MOCHA ';

test('extension-host suites in code-server', { timeout: 10 * 60_000 }, async (t) => {
  assert.ok(fs.existsSync(TESTS), `${TESTS} is missing: run "node esbuild.mjs" (npm test does it)`);
  const folder = tempFolder('exthost-workspace');
  const lines: string[] = [];
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const wb = await launchWorkbench({
    folder,
    waitForWorkbench: false,
    query: (server) => {
      const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
      return { payload: JSON.stringify([['extensionDevelopmentPath', remote(ROOT)], ['extensionTestsPath', remote(TESTS.replace(/\.js$/, ''))]]) };
    },
    expose: {
      codeAutomationLog: (_type: string, args: unknown[]) => {
        for (const a of Array.isArray(args) ? args : [args]) lines.push(...String(typeof a === 'string' ? a : JSON.stringify(a)).split('\n'));
      },
      codeAutomationExit: (code: number) => exit(code),
    },
  });
  let code: number;
  try {
    code = await Promise.race([exited, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`no exit from the extension host in 5 minutes; log:\n${lines.join('\n')}`)), 5 * 60_000).unref())]);
  } finally {
    await wb.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
  const results: MochaResult[] = [];
  for (const line of lines) {
    const at = line.indexOf(RESULT_PREFIX);
    if (at >= 0) results.push(JSON.parse(line.slice(at + RESULT_PREFIX.length).replace(/\s*$/, '')) as MochaResult);
  }
  for (const r of results) {
    await t.test(r.title, { skip: r.state === 'pending' }, () => {
      // Mocha's own stack, pointing into out/test/exthost/index.js (source maps alongside).
      if (r.state === 'failed') throw Object.assign(new Error(r.error ?? 'failed'), { stack: r.error ?? 'failed' });
    });
  }
  // Measurements the suites report (e.g. the event-loop stall while sampling) go to this run's output.
  for (const l of lines) if (l.includes('longest event-loop stall')) console.log(l.trim());
  const log = lines.filter((l) => !l.includes(RESULT_PREFIX)).join('\n');
  assert.ok(results.length > 0, `no mocha results came back (exit ${code}); log:\n${log}`);
  assert.equal(code, 0, `the extension host exited with ${code}; log:\n${log}`);
});
