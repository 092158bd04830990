// Metric functions against fixtures computed by hand (the arithmetic is in the comments).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { majorityVote, passAtK, reportedKs } from '../../../src/core/results/estimators';
import { bootstrapMeanInterval, quantile, seededRandom } from '../../../src/core/results/interval';
import { computeMetrics, pairedDelta } from '../../../src/core/results/metrics';
import type { ProblemOutcome, SampleOutcome } from '../../../src/core/results/outcomes';
import { meanRgr, rgr } from '../../../src/core/results/rgr';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

describe('pass@k (unbiased estimator), n = 16, k = 4', () => {
  // C(16,4) = 16·15·14·13/24 = 1820; C(15,4) = 1365; C(14,4) = 1001; C(8,4) = 70; C(4,4) = 1.
  test('per problem: 1 − C(n−c, 4) / C(16, 4)', () => {
    close(passAtK(16, 0, 4), 0);
    close(passAtK(16, 1, 4), 1 - 1365 / 1820); // = 0.25 = k/n
    close(passAtK(16, 1, 4), 0.25);
    close(passAtK(16, 2, 4), 1 - 1001 / 1820); // = 0.45
    close(passAtK(16, 2, 4), 0.45);
    close(passAtK(16, 8, 4), 1 - 70 / 1820); // = 25/26
    close(passAtK(16, 12, 4), 1 - 1 / 1820);
    close(passAtK(16, 13, 4), 1); // n − c = 3 < k: every draw of 4 holds a correct one
    close(passAtK(16, 16, 4), 1);
  });

  test('k = 1 is the fraction correct, k = n is "any correct"', () => {
    close(passAtK(16, 5, 1), 5 / 16);
    close(passAtK(16, 1, 16), 1);
    close(passAtK(16, 0, 16), 0);
  });

  test('averaged over problems, as a benchmark reports it', () => {
    const cs = [0, 1, 2, 8, 13];
    const avg = cs.map((c) => passAtK(16, c, 4)).reduce((a, b) => a + b) / cs.length;
    close(avg, (0 + 0.25 + 0.45 + 25 / 26 + 1) / 5);
  });

  test('large n does not overflow (C(1000, 500) has 300 digits)', () => {
    close(passAtK(1000, 500, 500), 1);
    close(passAtK(1000, 1, 500), 0.5, 1e-9);
  });

  test('refuses impossible arguments', () => {
    assert.throws(() => passAtK(16, 17, 4), RangeError);
    assert.throws(() => passAtK(4, 1, 5), RangeError);
    assert.throws(() => passAtK(4, 1, 0), RangeError);
  });

  test('reported k values', () => {
    assert.deepEqual(reportedKs(1), [1]);
    assert.deepEqual(reportedKs(4), [1, 2, 4]);
    assert.deepEqual(reportedKs(16), [1, 2, 4, 8, 16]);
    assert.deepEqual(reportedKs(6), [1, 2, 4, 6]);
  });
});

describe('maj@k', () => {
  const v = (answer: string | null, correct: boolean) => ({ answer, correct });

  test('the most frequent answer decides', () => {
    const r = majorityVote([v('7', false), v('5', true), v('5', true), v('7', false), v('5', true)]);
    assert.deepEqual(r, { answer: '5', correct: true, count: 3 });
  });

  test('a tie goes to the answer seen first (Counter.most_common order)', () => {
    assert.deepEqual(majorityVote([v('5', true), v('7', false), v('7', false), v('5', true)]), { answer: '5', correct: true, count: 2 });
    assert.deepEqual(majorityVote([v('7', false), v('5', true), v('5', true), v('7', false)]), { answer: '7', correct: false, count: 2 });
    // three-way tie of singletons: the first sample's answer
    assert.deepEqual(majorityVote([v('1', false), v('2', true), v('3', false)]), { answer: '1', correct: false, count: 1 });
  });

  test('only the first k samples vote', () => {
    const votes = [v('7', false), v('5', true), v('5', true), v('7', false), v('7', false)];
    assert.equal(majorityVote(votes, 3).answer, '5'); // 5,5 vs 7
    assert.equal(majorityVote(votes, 5).answer, '7'); // 7,7,7 vs 5,5
    assert.equal(majorityVote(votes, 1).answer, '7');
  });

  test('"no answer" is a vote of its own and can win a tie', () => {
    assert.deepEqual(majorityVote([v(null, false), v('3', true), v(null, false), v('3', true)]), { answer: null, correct: false, count: 2 });
    assert.deepEqual(majorityVote([v('3', true), v(null, false), v(null, false), v('3', true)]), { answer: '3', correct: true, count: 2 });
  });

  test('answers are grouped by their exact text (as W2SR groups raw predictions)', () => {
    // "1/2" and "\frac{1}{2}" are two votes of one each: the first wins the tie
    assert.equal(majorityVote([v('1/2', true), v('\\frac{1}{2}', true), v('3', false)], 3).answer, '1/2');
  });
});

describe('RGR', () => {
  test('(student − base) / (RL − base)', () => {
    close(rgr(0.6, 0.5, 0.7).value!, 0.5); // 0.1 / 0.2
    close(rgr(0.7, 0.5, 0.7).value!, 1);
    close(rgr(0.5, 0.5, 0.7).value!, 0);
    close(rgr(0.8, 0.5, 0.7).value!, 1.5); // beyond RL
    close(rgr(0.45, 0.5, 0.4).value!, 0.5); // RL worse than base: the same ratio, signs and all
  });

  test('RL equal to base is "undefined", never a division by zero', () => {
    const r = rgr(0.7, 0.5, 0.5);
    assert.equal(r.value, null);
    assert.match(r.reason!, /undefined/);
    assert.equal(rgr(0.5, 0.5, 0.5).value, null);
    // the same accuracy computed two ways (3/10 and 0.1·3) is still equal
    assert.equal(rgr(0.4, 3 / 10, 0.1 * 3).value, null);
  });

  test('missing results say which one is missing', () => {
    assert.equal(rgr(0.6, null, 0.7).reason, 'no base result');
    assert.equal(rgr(0.6, 0.5, undefined).reason, 'no RL result');
    assert.equal(rgr(null, 0.5, 0.7).reason, 'not evaluated');
  });

  test('the mean is over the benchmarks where RGR is defined', () => {
    const m = meanRgr([rgr(0.6, 0.5, 0.7), rgr(0.7, 0.5, 0.5), rgr(0.9, 0.5, 1.0)]); // 0.5, undefined, 0.8
    close(m.value!, (0.5 + 0.8) / 2);
    assert.equal(m.over, 2);
    assert.equal(m.of, 3);
    assert.deepEqual(meanRgr([rgr(0.7, 0.5, 0.5)]), { value: null, over: 0, of: 1 });
  });
});

describe('95% intervals: percentile bootstrap over problems', () => {
  test('the same seed gives the same interval; another seed a slightly different one', () => {
    const xs = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    assert.deepEqual(bootstrapMeanInterval(xs), bootstrapMeanInterval(xs));
    assert.notDeepEqual(bootstrapMeanInterval(xs, { seed: 1 }), bootstrapMeanInterval(xs, { seed: 2 }));
  });

  test('a benchmark where every problem scores the same has a zero-width interval', () => {
    assert.deepEqual(bootstrapMeanInterval([1, 1, 1, 1]), { low: 1, high: 1 });
    assert.deepEqual(bootstrapMeanInterval([0.5, 0.5]), { low: 0.5, high: 0.5 });
    assert.equal(bootstrapMeanInterval([]), undefined);
  });

  test('200 of 400 correct: close to the normal approximation 0.5 ± 1.96·√(0.25/400) = [0.451, 0.549]', () => {
    const xs = Array.from({ length: 400 }, (_, i) => (i < 200 ? 1 : 0));
    const ci = bootstrapMeanInterval(xs, { resamples: 10_000 })!;
    const half = 1.96 * Math.sqrt(0.25 / 400); // 0.049
    close(ci.low, 0.5 - half, 0.006);
    close(ci.high, 0.5 + half, 0.006);
  });

  test('covers the true accuracy about 95% of the time (300 simulated benchmarks of 150 problems, p = 0.3)', () => {
    const random = seededRandom(12345);
    let covered = 0;
    for (let t = 0; t < 300; t++) {
      const xs = Array.from({ length: 150 }, () => (random() < 0.3 ? 1 : 0));
      const ci = bootstrapMeanInterval(xs, { resamples: 1000, seed: t })!;
      if (ci.low <= 0.3 && 0.3 <= ci.high) covered++;
    }
    // binomial(300, 0.95): mean 285, sd 3.8; the percentile bootstrap runs slightly short on small samples
    assert.ok(covered >= 270 && covered <= 296, `coverage ${covered}/300`);
  });

  test('quantile interpolates linearly (numpy default)', () => {
    close(quantile([0, 10], 0.25), 2.5);
    close(quantile([1, 2, 3, 4, 5], 0.5), 3);
    close(quantile([1, 2, 3, 4], 0.975), 3.925); // h = 3·0.975 = 2.925 → 3 + 0.925·1
  });

  test('Δ is paired over the problems both models were graded on', () => {
    const student = new Map([['a', 1], ['b', 1], ['c', 0], ['d', 1]]);
    const base = new Map([['a', 1], ['b', 0], ['c', 0], ['e', 1]]); // d and e are not shared
    const d = pairedDelta(student, base)!;
    assert.equal(d.common, 3);
    close(d.value, 1 / 3); // (0 + 1 + 0) / 3
    assert.ok(d.interval.low <= d.value && d.value <= d.interval.high);
    assert.equal(pairedDelta(new Map([['x', 1]]), base), null);
    // identical models: Δ = 0 with a zero-width interval (an unpaired interval would be wide)
    const same = pairedDelta(student, student)!;
    assert.deepEqual([same.value, same.interval.low, same.interval.high], [0, 0, 0]);
  });
});

describe('per-run metrics', () => {
  let id = 0;
  const s = (index: number, verdict: SampleOutcome['verdict'], extracted: string | null, tokens: number | null, truncated = false): SampleOutcome => ({
    traceId: ++id, index, verdict, extracted, tokens, truncated,
  });
  const p = (key: string, samples: SampleOutcome[], metadata: Record<string, unknown> = {}, failed = 0): ProblemOutcome => ({ key, position: Number(key.slice(1)), metadata, samples, failed });
  const outcomes = [
    p('p1', [s(0, 'correct', '7', 100), s(1, 'correct', '7', 200)], { subject: 'Algebra', level: 2 }),
    p('p2', [s(0, 'correct', '4', 6000), s(1, 'incorrect', '5', 300)], { subject: 'Algebra', level: 10 }),
    p('p3', [s(1, 'incorrect', '9', 4999, true), s(0, 'no-answer', null, null)], { subject: 'Geometry', level: 2 }, 1),
    p('p4', [s(0, null, null, 50)], { subject: 'Geometry', level: 3 }), // stored, not graded yet
  ];

  test('accuracy is pass@1 averaged over samples, then over problems', () => {
    const m = computeMetrics(outcomes);
    assert.equal(m.problems, 3);
    assert.equal(m.ungradedProblems, 1);
    close(m.accuracy!, (1 + 0.5 + 0) / 3);
    assert.equal(m.correctSamples, 3);
    assert.equal(m.gradedSamples, 6);
    assert.equal(m.failedSamples, 1);
  });

  test('pass@k and maj@k for n = 2', () => {
    const m = computeMetrics(outcomes);
    // pass@1 = accuracy; pass@2: p1 1, p2 1 (n − c = 1 < 2), p3 0
    assert.deepEqual(m.passAtK.map((x) => x.k), [1, 2]);
    close(m.passAtK[0]!.value, 0.5);
    close(m.passAtK[1]!.value, 2 / 3);
    // maj@2 in sample order: p1 "7","7" → correct; p2 "4","5" tie → "4" correct; p3 (index 0 first) none,"9" tie → none
    assert.deepEqual(m.majAtK.map((x) => x.k), [2]);
    close(m.majAtK[0]!.value, 2 / 3);
  });

  test('average length leaves out generations of 5,000 tokens or more (configurable); truncation rate', () => {
    const m = computeMetrics(outcomes);
    close(m.avgLength!, (100 + 200 + 300 + 4999 + 50) / 5);
    assert.equal(m.longIgnored, 1);
    close(m.truncationRate!, 1 / 7);
    const wide = computeMetrics(outcomes, { longTokens: 10_000 });
    close(wide.avgLength!, (100 + 200 + 6000 + 300 + 4999 + 50) / 6);
    assert.equal(wide.longIgnored, 0);
  });

  test('breakdowns by subject and level (levels in numeric order)', () => {
    const m = computeMetrics(outcomes);
    assert.deepEqual(m.breakdowns.subject, [
      { value: 'Algebra', problems: 2, accuracy: 0.75 },
      { value: 'Geometry', problems: 1, accuracy: 0 },
    ]);
    assert.deepEqual(m.breakdowns.level!.map((r) => [r.value, r.problems, r.accuracy]), [
      ['2', 2, 0.5],
      ['10', 1, 0.5],
    ]);
    assert.deepEqual(computeMetrics([p('p1', [s(0, 'correct', '1', 1)])]).breakdowns, {});
  });

  test('one sample per problem: no pass@k or maj@k beyond 1; nothing graded: no accuracy', () => {
    const m = computeMetrics([p('p1', [s(0, 'correct', '1', 1)]), p('p2', [s(0, 'incorrect', '2', 1)])]);
    assert.deepEqual(m.passAtK, []);
    assert.deepEqual(m.majAtK, []);
    close(m.accuracy!, 0.5);
    const none = computeMetrics([p('p1', [s(0, null, null, 1)])]);
    assert.equal(none.accuracy, null);
    assert.equal(none.interval, null);
  });
});
