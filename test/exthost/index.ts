// Extension-host test entry: the `run()` module that VS Code loads from extensionTestsPath (the
// @vscode/test-electron convention). esbuild bundles it with every suite into out/test/exthost/index.js
// (mocha stays external and is loaded from node_modules). Used by test/e2e/exthost.test.ts (code-server)
// and scripts/test-desktop.mjs (desktop VS Code).
//
// Besides mocha's spec output, each finished test is logged as one line `W2S-MOCHA {json}` so that a
// runner outside VS Code can report every mocha test as its own test.
import Mocha from 'mocha';

/** Every suite, in order. Add new suites here (static requires, so esbuild bundles them). */
function loadSuites(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha's globals must exist before a suite loads
  require('./problem-sets.test');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./sampling-grading.test');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./results.test');
}

export const RESULT_PREFIX = 'W2S-MOCHA ';

export interface MochaResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000, reporter: 'spec' });
  const grep = process.env.W2S_EXTHOST_GREP;
  if (grep) mocha.grep(grep);
  // Define suite()/test() globals, then load the bundled suites into this Mocha instance.
  mocha.suite.emit('pre-require', globalThis, 'test/exthost/index.ts', mocha);
  loadSuites();
  const emit = (r: MochaResult) => console.log(RESULT_PREFIX + JSON.stringify(r));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
    runner.on('pass', (t) => emit({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
    runner.on('pending', (t) => emit({ title: t.fullTitle(), state: 'pending' }));
    runner.on('fail', (t, err: Error) => emit({ title: t.fullTitle(), state: 'failed', durationMs: t.duration, error: err?.stack ?? String(err) }));
  });
}
