import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstErrorLine } from '../../../src/core/jobs/error-line';
import { failureMessage } from '../../../src/core/jobs/follow';
import type { JobRow } from '../../../src/core/jobs/job-store';
import type { RayJobDetails } from '../../../src/core/jobs/ray-api';

const job = { output: {} } as unknown as JobRow;
const ray = (logs: string) =>
  ({
    status: 'FAILED',
    message: `Job entrypoint command failed with exit code 1, last available logs (truncated to 20,000 chars):\n${logs}`,
    driver_exit_code: 1,
  }) as unknown as RayJobDetails;

// what replay-player.mjs printed when its log path did not exist (Node 20)
const NODE_STACK = [
  'node:fs:573',
  '  return binding.open(',
  '                 ^',
  '',
  "Error: ENOENT: no such file or directory, open 'test/fixtures/runner-replay/sft.log'",
  '    at Object.openSync (node:fs:573:18)',
  '    at Object.readFileSync (node:fs:452:35)',
  '    at file:///repo/test/fakes/replay-player.mjs:9:20',
  '    at ModuleJob.run (node:internal/modules/esm/module_job:234:25)',
  '',
  'Node.js v20.19.0',
].join('\n');

const PY_TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/srv/ray/w2s_runner/__main__.py", line 4, in <module>',
  '    main()',
  '  File "/srv/ray/w2s_runner/sft.py", line 88, in main',
  '    import torch',
  "ModuleNotFoundError: No module named 'torch'",
].join('\n');

describe("a failed job's message", () => {
  it("leads with the first error line, not the stack's last frames", () => {
    assert.equal(
      failureMessage(job, ray(NODE_STACK)),
      "Error: ENOENT: no such file or directory, open 'test/fixtures/runner-replay/sft.log' (Job entrypoint command failed with exit code 1)",
    );
    assert.equal(
      failureMessage(job, ray(PY_TRACEBACK)),
      "ModuleNotFoundError: No module named 'torch' (Job entrypoint command failed with exit code 1)",
    );
  });

  it("without an error line keeps the log's last line; the runner's own error still wins", () => {
    assert.equal(
      failureMessage(job, ray('step 1\nKilled')),
      'Job entrypoint command failed with exit code 1, last available logs (truncated to 20,000 chars): step 1 | Killed',
    );
    const runner = { output: { runnerError: { message: 'missing packages: torch' } } } as unknown as JobRow;
    assert.equal(failureMessage(runner, ray(PY_TRACEBACK)), 'missing packages: torch');
  });

  it('names errors of Python, Node and tools, and not lines that merely mention one', () => {
    assert.equal(
      firstErrorLine('loss 0.3\ntorch.cuda.OutOfMemoryError: CUDA out of memory.\n'),
      'torch.cuda.OutOfMemoryError: CUDA out of memory.',
    );
    assert.equal(
      firstErrorLine('ERROR: Could not find a version that satisfies torch'),
      'ERROR: Could not find a version that satisfies torch',
    );
    assert.equal(firstErrorLine('fatal: not a git repository'), 'fatal: not a git repository');
    assert.equal(firstErrorLine('[Errno 28] No space left on device'), '[Errno 28] No space left on device');
    assert.equal(firstErrorLine('no error here\nthe error rate fell to 3%\nErrors: 0'), null);
  });
});
