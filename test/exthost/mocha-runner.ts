// Runs mocha suites inside an extension host and reports each finished test as one line
// `W2S-MOCHA {json}` (besides mocha's spec output), so that a runner outside VS Code can report every
// mocha test as its own test. Used by the test entry (test/exthost/index.ts) and the extension-host
// benchmark's entry (bench/exthost/index.ts).
import Mocha from 'mocha';

export const RESULT_PREFIX = 'W2S-MOCHA ';

export interface MochaResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

/** Runs the suites that `load` requires (static requires, so esbuild bundles them) in one Mocha instance. */
export function runMocha(load: () => void, file: string, timeoutMs = 120_000): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: timeoutMs, reporter: 'spec' });
  const grep = process.env.W2S_EXTHOST_GREP;
  if (grep) mocha.grep(grep);
  // Define suite()/test() globals, then load the bundled suites into this Mocha instance.
  mocha.suite.emit('pre-require', globalThis, file, mocha);
  load();
  const emit = (r: MochaResult) => console.log(RESULT_PREFIX + JSON.stringify(r));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) =>
      failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve(),
    );
    runner.on('pass', (t) => emit({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
    runner.on('pending', (t) => emit({ title: t.fullTitle(), state: 'pending' }));
    runner.on('fail', (t, err: Error) =>
      emit({ title: t.fullTitle(), state: 'failed', durationMs: t.duration, error: err?.stack ?? String(err) }),
    );
  });
}
