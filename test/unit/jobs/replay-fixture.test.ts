// The replay fixtures the fake Ray server plays must be what the runner really printed on a GPU
// (runner/scripts/gpu_check.py; how and when: test/fixtures/runner-replay/README.md): a real, complete run.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseRecord, type RunnerRecord } from '../../../src/core/jobs/records';
import { REPLAY_DIR } from './helpers';

const real = (kind: string) => path.join(REPLAY_DIR, `${kind}.log`);
const records = (file: string): RunnerRecord[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map(parseRecord)
    .filter((r): r is RunnerRecord => r !== undefined);
describe('replay fixtures from the GPU check', () => {
  it('sft.log is a whole real training run on a GPU: the loss falls, checkpoints, a final model, done ok', () => {
    const recs = records(real('sft'));
    assert.ok(!recs.some((r) => r.placeholder), 'not a placeholder');
    assert.ok(
      recs.some((r) => r.type === 'status' && r.cuda === true && /NVIDIA/.test(String(r.gpu))),
      'made on an NVIDIA GPU',
    );
    const losses = recs
      .filter((r) => r.type === 'metrics' && typeof r.train_loss === 'number')
      .map((r) => r.train_loss as number);
    assert.ok(losses.length >= 10, `${losses.length} train_loss records`);
    assert.ok(losses.at(-1)! < losses[0]! * 0.5, `the loss falls (${losses[0]} -> ${losses.at(-1)})`);
    assert.ok(recs.some((r) => r.type === 'checkpoint' && r.final === true));
    const done = recs.find((r) => r.type === 'done')!;
    assert.equal(done.ok, true);
    assert.ok(Number(done.tokens_per_second) > 0);
  });

  it('eval.log has one sample for each held-out problem of problems.jsonl, and ends done ok', () => {
    const recs = records(real('eval'));
    const keys = new Set(
      fs
        .readFileSync(path.join(REPLAY_DIR, 'problems.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id),
    );
    const samples = recs.filter((r) => r.type === 'sample');
    assert.equal(samples.length, keys.size);
    for (const s of samples) assert.ok(keys.has(String(s.problem)), String(s.problem));
    assert.equal(recs.find((r) => r.type === 'done')?.ok, true);
  });
});
