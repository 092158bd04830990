import { isatty } from 'node:tty';
import { runCli } from './main';

// First Ctrl-C: stop cleanly (long commands keep what they stored); second: exit at once.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write('\nw2s: stopping… (Ctrl-C again to quit at once)\n');
  controller.abort();
});
process.on('SIGTERM', () => controller.abort());

// A reader that stopped early (`w2s traces | head -1`) closes the pipe: the next write fails with
// EPIPE. That ends the command quietly with exit 0, as `git log | head` does; what was stored is kept
// (every write is a transaction). Nothing can be said on stderr once it is gone either.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`w2s: cannot write the output: ${e.message}\n`);
  process.exit(1);
});
process.stderr.on('error', () => undefined);

// The command's promise still pending when the event loop runs dry means work was lost silently (a
// worker thread gone without a word): never let that look like success.
let finished = false;
process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  process.stderr.write(
    'w2s: internal error: the command stopped before it finished (a worker thread may have died); what was stored is kept, run it again to resume.\n',
  );
  process.exitCode = 1;
});

runCli({
  argv: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  // only a terminal is ever read (a confirmation), and only when asked: tty.isatty avoids opening a pipe
  stdin: () => (isatty(0) ? process.stdin : undefined),
  signal: controller.signal,
}).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (e) => {
    finished = true;
    process.stderr.write(`w2s: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
