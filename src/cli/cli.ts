import { runCli } from './main';

// First Ctrl-C: stop cleanly (long commands keep what they stored); second: exit at once.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write('\nw2s: stopping… (Ctrl-C again to quit at once)\n');
  controller.abort();
});
process.on('SIGTERM', () => controller.abort());

runCli({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`w2s: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
