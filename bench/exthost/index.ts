// The extension-host benchmark's entry: the `run()` module VS Code loads from extensionTestsPath,
// bundled by esbuild into out/bench/exthost/index.js and run in code-server by bench/exthost.bench.ts.
import { runMocha } from '../../test/exthost/mocha-runner';

export function run(): Promise<void> {
  return runMocha(
    () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha's globals must exist before the suite loads
      require('./sampling-stall');
    },
    'bench/exthost/index.ts',
    10 * 60_000,
  );
}
