// The two rules every metric starts from (src/core/results/outcomes.ts): which samples count as graded,
// in what order, and a problem's score. Pure functions on hand-made outcomes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  gradedSamples,
  problemScore,
  type ProblemOutcome,
  type SampleOutcome,
} from '../../../src/core/results/outcomes';

const sample = (index: number, verdict: SampleOutcome['verdict']): SampleOutcome => ({
  traceId: 100 + index,
  index,
  verdict,
  extracted: verdict === null ? null : String(index),
  tokens: 10,
  truncated: false,
});
const problem = (samples: SampleOutcome[]): ProblemOutcome => ({
  key: 'p',
  position: 0,
  metadata: {},
  samples,
  failed: 0,
});

describe('gradedSamples', () => {
  test('rule: an ungraded sample (verdict null) is left out; every graded verdict, wrong included, stays', () => {
    const p = problem([sample(0, 'correct'), sample(1, null), sample(2, 'incorrect'), sample(3, null)]);
    assert.deepEqual(
      gradedSamples(p).map((s) => s.index),
      [0, 2],
    );
  });

  test('rule: graded samples come in sample order (index ascending), whatever order the store gave', () => {
    const p = problem([sample(3, 'correct'), sample(0, 'incorrect'), sample(2, 'correct'), sample(1, 'incorrect')]);
    assert.deepEqual(
      gradedSamples(p).map((s) => s.index),
      [0, 1, 2, 3],
    );
  });
});

describe('problemScore', () => {
  test('rule: the fraction of graded samples that are correct (ungraded ones are not in the denominator)', () => {
    // 2 correct of 3 graded; the ungraded fourth changes nothing (2/4 if it counted)
    const p = problem([sample(0, 'correct'), sample(1, 'incorrect'), sample(2, 'correct'), sample(3, null)]);
    assert.equal(problemScore(p), 2 / 3);
  });

  test('rule: only the verdict "correct" scores (incorrect and the other verdicts count as not correct)', () => {
    const p = problem([sample(0, 'incorrect'), sample(1, 'incorrect')]);
    assert.equal(problemScore(p), 0);
    assert.equal(problemScore(problem([sample(0, 'correct')])), 1);
  });

  test('rule: a problem with no graded sample has no score (null), not 0', () => {
    assert.equal(problemScore(problem([sample(0, null), sample(1, null)])), null);
    assert.equal(problemScore(problem([])), null);
  });
});
