// Extension-host test entry: the `run()` module that VS Code loads from extensionTestsPath (the
// @vscode/test-electron convention). esbuild bundles it with every suite into out/test/exthost/index.js
// (mocha stays external and is loaded from node_modules). Used by test/e2e/exthost.test.ts (code-server)
// and scripts/test-desktop.mjs (desktop VS Code). Each finished test is logged as a `W2S-MOCHA {json}`
// line (mocha-runner.ts).
import { runMocha } from './mocha-runner';

/** Every suite, in order. Add new suites here (static requires, so esbuild bundles them). */
function loadSuites(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha's globals must exist before a suite loads
  require('./problem-sets.test');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./sampling-grading.test');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./results.test');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./experiments.test');
}

export function run(): Promise<void> {
  return runMocha(loadSuites, 'test/exthost/index.ts');
}
