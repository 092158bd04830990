/** The 400 real Qwen2.5-Math responses: agreement with Math-Verify's labels (and Qwen's). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gradeResponse } from '../../../src/core/grader';
import { REAL_TRACES } from '../../support/tmp';

/**
 * Known disagreements with math_verify_correct, as "problem_index:sample" keys, each explained in
 * MATH_VERIFY_DIFFS.md. Any change to this set (new disagreement or a fixed one) fails the test.
 */
const KNOWN_MATH_VERIFY_DIFFS: string[] = [];

interface Trace {
  problem_index: number;
  sample: number;
  gold: string;
  response: string;
  qwen_grader_correct: boolean;
  math_verify_correct: boolean;
}

const file = REAL_TRACES;

test('agrees with Math-Verify on the 400 real responses (exact set of known diffs)', (t) => {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Trace);
  assert.equal(rows.length, 400);
  const diffs: string[] = [];
  let qwenAgree = 0;
  let mvAgree = 0;
  for (const r of rows) {
    const g = gradeResponse({ gold: r.gold, response: r.response, type: 'math' });
    assert.notEqual(g.verdict, 'error', `error on ${r.problem_index}:${r.sample}: ${g.detail}`);
    const ok = g.verdict === 'correct';
    if (ok === r.math_verify_correct) mvAgree++;
    else diffs.push(`${r.problem_index}:${r.sample}`);
    if (ok === r.qwen_grader_correct) qwenAgree++;
  }
  t.diagnostic(`Math-Verify agreement ${mvAgree}/400, Qwen math_equal agreement ${qwenAgree}/400`);
  assert.deepEqual(
    diffs.sort(),
    [...KNOWN_MATH_VERIFY_DIFFS].sort(),
    `disagreements with Math-Verify changed: ${diffs.join(', ')}`,
  );
  // with the answer type inferred from the gold instead of forced to math
  let inferred = 0;
  for (const r of rows)
    if ((gradeResponse({ gold: r.gold, response: r.response }).verdict === 'correct') === r.math_verify_correct)
      inferred++;
  t.diagnostic(`Math-Verify agreement with inferred answer types ${inferred}/400`);
  assert.equal(inferred, mvAgree);
});
