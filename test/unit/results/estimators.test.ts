// The rules of pass@k and maj@k that a results table rests on, one case per rule: what each estimator
// refuses, and how maj@k groups votes (the mutation run of 2026-12-07 found each of these unpinned).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { majorityVote, passAtK, type Vote } from '../../../src/core/results/estimators';

const v = (answer: string | null, correct = false): Vote => ({ answer, correct });

describe('passAtK', () => {
  it('is 1 − C(n−c, k)/C(n, k): 3 of 10 correct gives 0.3 at k=1 and 1 − 21/45 at k=2', () => {
    assert.ok(Math.abs(passAtK(10, 3, 1) - 0.3) < 1e-12);
    assert.ok(Math.abs(passAtK(10, 3, 2) - (1 - 21 / 45)) < 1e-12);
    assert.equal(passAtK(4, 0, 2), 0);
  });

  it('one sample (n = 1) is a valid problem: 1 when it is correct, 0 when not', () => {
    assert.equal(passAtK(1, 1, 1), 1);
    assert.equal(passAtK(1, 0, 1), 0);
  });

  it('refuses each argument that is not an integer, naming the values it got', () => {
    for (const [n, c, k] of [
      [5.5, 2, 1],
      [5, 2.5, 1],
      [5, 2, 1.5],
    ]) {
      assert.throws(
        () => passAtK(n!, c!, k!),
        (e: unknown) =>
          e instanceof RangeError &&
          e.message === `pass@k needs integers 0 ≤ c ≤ n and 1 ≤ k ≤ n (got n=${n}, c=${c}, k=${k})`,
        `n=${n}, c=${c}, k=${k}`,
      );
    }
  });

  it('refuses a negative correct count (which would otherwise read as pass@k 0), more correct than samples, and k outside 1..n', () => {
    for (const [n, c, k] of [
      [5, -1, 1],
      [5, 6, 1],
      [5, 2, 0],
      [5, 2, 6],
      [0, 0, 1],
    ]) {
      assert.throws(() => passAtK(n!, c!, k!), RangeError, `n=${n}, c=${c}, k=${k}`);
    }
  });
});

describe('majorityVote', () => {
  it('refuses k below 1, above the number of votes, or not whole, naming the range', () => {
    const votes = [v('1'), v('2'), v('3')];
    for (const k of [0, 4, 1.5]) {
      assert.throws(
        () => majorityVote(votes, k),
        (e: unknown) => e instanceof RangeError && e.message === `maj@k needs 1 ≤ k ≤ 3 (got ${k})`,
        `k=${k}`,
      );
    }
    assert.equal(majorityVote(votes, 3).count, 1);
  });

  it('"no answer" is its own group, never the answer written "null"', () => {
    // no answer 1 vote, "7" 2 votes, "null" 1 vote: "7" wins; were "null" grouped with no answer, a tie
    // of 2 would go to no answer (it came first)
    const r = majorityVote([v(null), v('7', true), v('7', true), v('null')]);
    assert.deepEqual(r, { answer: '7', correct: true, count: 2 });
  });

  it('voting by equivalence never asks the grader about a sample with no answer', () => {
    const askedAbout: (string | null)[] = [];
    const anything = (a: string, b: string) => {
      askedAbout.push(b);
      return true;
    };
    // "a", then two samples without an answer: no answer wins 2 to 1, however lenient the grader is
    const r = majorityVote([v('a', true), v(null), v(null)], 3, anything);
    assert.deepEqual(r, { answer: null, correct: false, count: 2 });
    assert.deepEqual(askedAbout, []);
  });

  it('an answer joins a group only when the grader finds it equal (strict grader: no merging)', () => {
    const strict = (a: string, b: string) => a === b;
    // "1/2" (correct), then "3" twice (wrong): "3" wins 2 to 1
    const r = majorityVote([v('1/2', true), v('3'), v('3')], 3, strict);
    assert.deepEqual(r, { answer: '3', correct: false, count: 2 });
  });

  it('two answers both graded correct are one group without asking the grader; one correct and one wrong are not', () => {
    const never = () => false;
    // "1/2" and "0.5" both correct → 2 votes, "3" 2 votes: the tie goes to the group seen first
    assert.deepEqual(majorityVote([v('1/2', true), v('0.5', true), v('3'), v('3')], 4, never), {
      answer: '1/2',
      correct: true,
      count: 2,
    });
    // a correct first answer does not pull a wrong one into its group
    assert.deepEqual(majorityVote([v('1/2', true), v('3'), v('3')], 3, never), {
      answer: '3',
      correct: false,
      count: 2,
    });
  });
});
