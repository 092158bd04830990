import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { gradePair, gradeResponse } from '../../src/core/grader';
import { openStore } from '../../src/core/store/open';
import { w2s } from '../support/cli';
import { seedRealTraces, seedTraces, tracesWithKnownVerdicts } from '../support/traces-fixture';
import { tempDir, writeFile } from '../support/tmp';

describe('w2s grade', () => {
  it('grades every stored trace in worker threads, reports per-run verdicts, and resumes with nothing left to do', async () => {
    const cwd = tempDir();
    const db = path.join(cwd, '.w2s', 'w2s.db');
    const store = openStore(db);
    const { traces } = seedRealTraces(store, 'qwen');
    const known = tracesWithKnownVerdicts();
    const knownRun = seedTraces(store, 'known', known.map((k) => k.trace));
    store.close();
    const r = await w2s(['grade', '--json', '--threads', '2'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { graded: number; runs: { run: string; correct: number; ungraded: number; accuracy: number }[] };
    assert.equal(doc.graded, traces.length + known.length);
    const expectedCorrect = traces.filter((t) => gradeResponse({ gold: t.gold, response: t.response, type: 'math' }).verdict === 'correct').length;
    const qwen = doc.runs.find((x) => x.run === 'qwen')!;
    assert.equal(qwen.correct, expectedCorrect);
    assert.equal(qwen.ungraded, 0);
    // Verdicts written down by hand, so a grading regression fails here too (not only a plumbing one).
    const check = openStore(db);
    try {
      const stored = check.db
        .prepare('SELECT g.extracted, g.verdict FROM grades g JOIN traces t ON t.id = g.trace_id WHERE t.run_id = ? ORDER BY t.id')
        .all(knownRun);
      assert.deepEqual(stored, known.map((k) => ({ extracted: k.extracted, verdict: k.verdict })));
    } finally {
      check.close();
    }
    assert.equal(doc.runs.find((x) => x.run === 'known')!.correct, 1);
    const again = await w2s(['grade', '--run', 'qwen'], { cwd });
    assert.equal(again.code, 0);
    assert.match(again.stdout, /graded 0 trace/);
    assert.match(again.stdout, new RegExp(`qwen: ${((expectedCorrect / traces.length) * 100).toFixed(1)}% correct`));
    const unknown = await w2s(['grade', '--run', 'nope'], { cwd });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No run named "nope"/);
    const usage = await w2s(['grade', '--regrade', '--all'], { cwd });
    assert.equal(usage.code, 2);
  });
});

describe('w2s grade-pairs', () => {
  const pairs = [
    { gold: '\\frac{1}{2}', pred: 'So the answer is $\\boxed{0.5}$.' },
    { gold: 'We compute ... so the answer is $\\boxed{10}$.', pred: '$10$' },
    { gold: '72', pred: 'She earned $72 in total. #### 72', type: 'number' },
    { gold: 'C', pred: 'The answer is (B).' },
    { gold: '(1,2]', pred: '[1,2)' },
  ];

  it('writes one line per input, in order, with extracted, verdict and equal, from stdin', async () => {
    const cwd = tempDir();
    const r = await w2s(['grade-pairs'], { cwd, input: pairs.map((p) => JSON.stringify(p)).join('\n') + '\n' });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(out.length, pairs.length);
    out.forEach((o, i) => {
      const p = pairs[i]!;
      assert.equal(o.gold, p.gold);
      assert.equal(o.pred, p.pred);
      const expected = gradePair(p as { gold: string; pred: string; type?: 'number' });
      assert.equal(o.extracted, expected.extracted);
      assert.equal(o.verdict, expected.verdict);
      assert.equal(o.equal, expected.equal);
    });
    assert.deepEqual(out.map((o) => o.equal), [true, true, true, false, false]);
  });

  it('reads a file; a bad line yields an error line naming it, keeps the order, and exits 1', async () => {
    const cwd = tempDir();
    const file = writeFile(cwd, 'pairs.jsonl', [JSON.stringify(pairs[0]), '{not json', JSON.stringify({ gold: '1' }), JSON.stringify(pairs[1])].join('\n'));
    const r = await w2s(['grade-pairs', file], { cwd });
    assert.equal(r.code, 1);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(out.length, 4);
    assert.equal(out[0]!.equal, true);
    assert.match(String(out[1]!.error), /pairs\.jsonl:2: not valid JSON/);
    assert.match(String(out[2]!.error), /pairs\.jsonl:3: the "pred" field is missing/);
    assert.equal(out[3]!.equal, true);
    assert.match(r.stderr, /pairs\.jsonl:2/);
  });
});
