// Metric functions against fixtures computed by hand (the arithmetic is in the comments).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { majorityVote, passAtK, reportedKs } from '../../../src/core/results/estimators';
import { averageAccuracy, averageDelta, commonScores, pairedDelta } from '../../../src/core/results/common-problems';
import {
  accuracyInterval,
  bootstrapMeanInterval,
  normalQuantile,
  quantile,
  seededRandom,
  stratifiedBootstrap,
  wilsonInterval,
} from '../../../src/core/results/interval';
import { computeMetrics } from '../../../src/core/results/metrics';
import type { ProblemOutcome, SampleOutcome } from '../../../src/core/results/outcomes';
import { meanRgr, noRgr, ratio, RGR_AGGREGATIONS, rgrOnCommon, type RgrColumns } from '../../../src/core/results/rgr';

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
    assert.deepEqual(majorityVote([v('5', true), v('7', false), v('7', false), v('5', true)]), {
      answer: '5',
      correct: true,
      count: 2,
    });
    assert.deepEqual(majorityVote([v('7', false), v('5', true), v('5', true), v('7', false)]), {
      answer: '7',
      correct: false,
      count: 2,
    });
    // three-way tie of singletons: the first sample's answer
    assert.deepEqual(majorityVote([v('1', false), v('2', true), v('3', false)]), {
      answer: '1',
      correct: false,
      count: 1,
    });
  });

  test('only the first k samples vote', () => {
    const votes = [v('7', false), v('5', true), v('5', true), v('7', false), v('7', false)];
    assert.equal(majorityVote(votes, 3).answer, '5'); // 5,5 vs 7
    assert.equal(majorityVote(votes, 5).answer, '7'); // 7,7,7 vs 5,5
    assert.equal(majorityVote(votes, 1).answer, '7');
  });

  test('"no answer" is a vote of its own and can win a tie', () => {
    assert.deepEqual(majorityVote([v(null, false), v('3', true), v(null, false), v('3', true)]), {
      answer: null,
      correct: false,
      count: 2,
    });
    assert.deepEqual(majorityVote([v('3', true), v(null, false), v(null, false), v('3', true)]), {
      answer: '3',
      correct: true,
      count: 2,
    });
  });

  test('answers are grouped by their exact text (as W2SR groups raw predictions)', () => {
    // "1/2" and "\frac{1}{2}" are two votes of one each: the first wins the tie
    assert.equal(majorityVote([v('1/2', true), v('\\frac{1}{2}', true), v('3', false)], 3).answer, '1/2');
  });
});

/** Per-problem 0/1 scores: the first `correct` of `n` problems solved. */
const solved = (n: number, correct: number) => Array.from({ length: n }, (_, i) => (i < correct ? 1 : 0));
const columns = (n: number, student: number, base: number, rl: number): RgrColumns => ({
  student: solved(n, student),
  base: solved(n, base),
  rl: solved(n, rl),
});

describe('RGR on common problems', () => {
  test('(student − base) / (RL − base)', () => {
    close(rgrOnCommon(columns(100, 60, 50, 70)).value!, 0.5); // 0.1 / 0.2
    close(rgrOnCommon(columns(100, 70, 50, 70)).value!, 1);
    close(rgrOnCommon(columns(100, 50, 50, 70)).value!, 0);
    close(rgrOnCommon(columns(100, 80, 50, 70)).value!, 1.5); // beyond RL
    close(rgrOnCommon(columns(100, 40, 50, 70)).value!, -0.5); // below the base
  });

  test('ratio: gain / gap where the gap is positive, else ±∞ by the gain (a resample without a gap lands in a tail)', () => {
    assert.equal(ratio(1, 0.5), 2);
    assert.equal(ratio(-1, 0.5), -2);
    assert.equal(ratio(1, 0), Infinity);
    assert.equal(ratio(-1, 0), -Infinity);
    assert.equal(ratio(1, -0.5), Infinity); // a negative gap is no gap: the sign of the gain decides the tail
    assert.equal(ratio(-0.2, -0.5), -Infinity);
    assert.ok(Number.isNaN(ratio(0, 0)));
    assert.equal(ratio(1, 1e-12), Infinity, 'a gap of rounding size is no gap');
    assert.deepEqual(RGR_AGGREGATIONS, ['mean-of-ratios', 'ratio-of-gains']);
  });

  test('noRgr: a reason and nothing else', () => {
    assert.deepEqual(noRgr('not evaluated', 3), {
      value: null,
      reason: 'not evaluated',
      unstable: false,
      common: 3,
      gap: null,
      gapProblems: null,
      interval: null,
    });
  });

  test('RL below the base is undefined with the reason, never (0.40 − 0.50) / (0.45 − 0.50) = 2.00', () => {
    const r = rgrOnCommon(columns(100, 40, 50, 45));
    assert.equal(r.value, null);
    assert.equal(r.reason, 'undefined: RL is below the base (−5.0 points on the 100 common problems)');
    assert.deepEqual([r.interval, r.unstable, r.common], [null, false, 100]);
    close(r.gapProblems!, -5, 1e-9);
    close(r.gap!, -0.05);
    const same = rgrOnCommon(columns(100, 70, 50, 50));
    assert.equal(same.value, null);
    assert.equal(same.reason, 'undefined: RL equals the base on the 100 common problems');
    assert.equal(
      rgrOnCommon({ student: [], base: [], rl: [] }).reason,
      'no common problems: base, RL and this model were graded on no problem in common',
    );
    assert.throws(
      () => rgrOnCommon({ student: [1], base: [1, 0], rl: [1] }),
      /RGR needs aligned scores \(got 1, 2, 1\)/,
    );
    assert.throws(
      () => rgrOnCommon({ student: [1], base: [1], rl: [1, 0] }),
      /RGR needs aligned scores \(got 1, 1, 2\)/,
    );
    assert.equal(rgrOnCommon(columns(100, 60, 50, 49)).unstable, false);
  });

  test('a gap of fewer problems than the threshold is flagged unstable (AIME: 3/30 → 4/30 with a student at 7/30)', () => {
    const r = rgrOnCommon(columns(30, 7, 3, 4));
    close(r.value!, 4);
    assert.equal(r.unstable, true);
    close(r.gapProblems!, 1);
    assert.equal(r.reason, 'unstable: RL beats the base by 1 problem (fewer than 5)');
    // exactly at the threshold is stable; the threshold is the caller's
    assert.equal(rgrOnCommon(columns(30, 7, 3, 8)).unstable, false);
    assert.equal(rgrOnCommon(columns(30, 7, 3, 4), { minGap: 1 }).unstable, false);
    assert.equal(
      rgrOnCommon(columns(30, 7, 3, 5), { minGap: 3 }).reason,
      'unstable: RL beats the base by 2 problems (fewer than 3)',
    );
  });

  test('paired bootstrap interval: resamples the common problems jointly, seeded, around the value', () => {
    // student between base and RL on every problem it differs: base solves 0–39, RL 0–79, student 0–59
    const c = columns(200, 60, 40, 80);
    const r = rgrOnCommon(c);
    close(r.value!, 0.5);
    assert.ok(r.interval!.low < 0.5 && 0.5 < r.interval!.high);
    assert.deepEqual(rgrOnCommon(c).interval, r.interval, 'the same seed gives the same interval');
    assert.notDeepEqual(rgrOnCommon(c, { seed: 7 }).interval, r.interval);
    // jointly resampled, the problems the three share move together: the gain/gap ratio stays in [0, 1] here
    // (every resample's student gain is a part of its RL gap), which independent resampling would not keep
    assert.ok(r.interval!.low >= 0 && r.interval!.high <= 1, JSON.stringify(r.interval));
  });

  test('a bound that the gap can cross is unbounded, said so instead of a number', () => {
    // gap of 1 problem in 10: many resamples leave RL no better than base
    const r = rgrOnCommon(columns(10, 2, 1, 2), { minGap: 0 });
    close(r.value!, 1);
    assert.equal(r.interval, null);
    assert.match(r.intervalNote!, /^unbounded: RL does not beat the base in \d+ of 2000 resamples$/);
  });

  test('mean of ratios leaves out undefined and unstable benchmarks and counts them; ratio of gains weighs by gap', () => {
    const sets = [
      { c: columns(100, 60, 50, 70) }, // 0.5
      { c: columns(100, 40, 50, 45) }, // undefined
      { c: columns(30, 7, 3, 4) }, // 4.0, unstable
      { c: columns(100, 90, 50, 100) }, // 0.8
    ].map(({ c }) => ({ rgr: rgrOnCommon(c), columns: c }));
    const m = meanRgr([...sets, { rgr: noRgr('not evaluated'), columns: null }]);
    close(m.value!, (0.5 + 0.8) / 2);
    assert.deepEqual(
      [m.over, m.of, m.leftOut, m.aggregation, m.weighting],
      [2, 5, { undefined: 1, unstable: 1, noCommon: 1 }, 'mean-of-ratios', 'macro'],
    );
    assert.ok(m.interval!.low < m.value! && m.value! < m.interval!.high);
    // ratio of gains, macro: mean gain (0.1 − 0.1 + 4/30 + 0.4) / 4 over mean gap (0.2 − 0.05 + 1/30 + 0.5) / 4
    const g = meanRgr(sets, { aggregation: 'ratio-of-gains' });
    close(g.value!, (0.1 - 0.1 + 4 / 30 + 0.4) / (0.2 - 0.05 + 1 / 30 + 0.5));
    assert.equal(g.over, 4);
    // micro: weighted by common problems: (10 − 10 + 4 + 40) / (20 − 5 + 1 + 50)
    close(meanRgr(sets, { aggregation: 'ratio-of-gains', weighting: 'micro' }).value!, 44 / 66);
    const none = meanRgr([sets[1]!]);
    assert.deepEqual(
      [none.value, none.reason, none.over, none.interval, none.intervalNote],
      [null, 'no benchmark with a defined, stable RGR', 0, null, 'no value'],
    );
    // ratio of gains where the benchmarks' gaps add up to nothing: undefined, said so
    const flat = [columns(100, 60, 50, 45), columns(100, 60, 50, 55)].map((c) => ({ rgr: rgrOnCommon(c), columns: c }));
    const g0 = meanRgr(flat, { aggregation: 'ratio-of-gains' });
    assert.deepEqual(
      [g0.value, g0.reason, g0.interval, g0.intervalNote],
      [null, 'undefined: RL does not beat the base on the benchmarks averaged', null, 'no value'],
    );
    // a benchmark without columns (not evaluated) is left out of the ratio of gains too, and counted
    const withMissing = meanRgr([...flat.slice(1), { rgr: noRgr('not evaluated'), columns: null }], {
      aggregation: 'ratio-of-gains',
    });
    close(withMissing.value!, 2);
    assert.deepEqual([withMissing.over, withMissing.leftOut.noCommon], [1, 1]);
  });

  test('mean of ratios, micro: each benchmark weighs by its common problems; one with none is counted as such', () => {
    const empty: RgrColumns = { student: [], base: [], rl: [] };
    const sets = [
      { c: columns(100, 60, 50, 70) }, // 0.5 on 100
      { c: columns(20, 16, 10, 15) }, // (0.8 − 0.5) / (0.75 − 0.5) = 1.2 on 20, a gap of exactly 5 problems
      { c: empty },
    ].map(({ c }) => ({ rgr: rgrOnCommon(c), columns: c }));
    const micro = meanRgr(sets, { weighting: 'micro' });
    close(micro.value!, (100 * 0.5 + 20 * 1.2) / 120);
    assert.deepEqual(
      [micro.over, micro.of, micro.leftOut, micro.weighting],
      [2, 3, { undefined: 0, unstable: 0, noCommon: 1 }, 'micro'],
    );
    close(meanRgr(sets).value!, (0.5 + 1.2) / 2);
    // ratio of gains leaves it out too: (0.1 + 0.3) / (0.2 + 0.25), not a mean over an empty column
    const g = meanRgr(sets, { aggregation: 'ratio-of-gains' });
    close(g.value!, (0.1 + 0.3) / (0.2 + 0.25));
    assert.deepEqual([g.over, g.leftOut.noCommon], [2, 1]);
  });
});

describe('common problems', () => {
  test('scores aligned over the problems every model was graded on', () => {
    const a = new Map([
      ['p1', 1],
      ['p2', 0],
      ['p3', 1],
    ]);
    const b = new Map([
      ['p2', 1],
      ['p3', 0.5],
      ['p4', 1],
    ]);
    const c = new Map([
      ['p3', 0],
      ['p2', 0.25],
    ]);
    assert.deepEqual(commonScores([a, b, c]), [
      [0, 1],
      [1, 0.5],
      [0.25, 0],
    ]);
    assert.deepEqual(commonScores([a, new Map()]), [[], []]);
    assert.deepEqual(commonScores([]), []);
  });

  test('Avg.: macro mean of the benchmark accuracies, or micro (weighted by graded problems); none without results', () => {
    const sets = [
      { accuracy: 0.6, problems: 50 },
      { accuracy: 0.4, problems: 20 },
      { accuracy: 0.2, problems: 30 },
    ];
    close(averageAccuracy(sets, 'macro')!, 0.4);
    close(averageAccuracy(sets, 'micro')!, (30 + 8 + 6) / 100);
    assert.equal(averageAccuracy([], 'macro'), null);
    assert.equal(averageAccuracy([], 'micro'), null);
  });

  test('Avg. Δ: macro mean of the paired per-set Δs, or problem-weighted (micro)', () => {
    const pairs = [
      { student: solved(50, 30), base: solved(50, 20) }, // +0.2 on 50
      { student: solved(20, 8), base: solved(20, 10) }, // −0.1 on 20
      { student: [], base: [] }, // no common problems: not averaged
    ];
    const macro = averageDelta(pairs, 'macro')!;
    close(macro.value, (0.2 - 0.1) / 2);
    assert.deepEqual([macro.over, macro.common], [2, 70]);
    assert.ok(macro.interval!.low < macro.value && macro.value < macro.interval!.high);
    close(averageDelta(pairs, 'micro')!.value, (10 - 2) / 70);
    assert.equal(averageDelta([{ student: [], base: [] }], 'macro'), null);
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

  test('Δ is paired over the problems both models were graded on, and says of how many in the set', () => {
    const student = new Map([
      ['a', 1],
      ['b', 1],
      ['c', 0],
      ['d', 1],
    ]);
    const base = new Map([
      ['a', 1],
      ['b', 0],
      ['c', 0],
      ['e', 1],
    ]); // d and e are not shared
    const d = pairedDelta(student, base, 5)!;
    assert.deepEqual([d.common, d.of], [3, 5]);
    close(d.value, 1 / 3); // (0 + 1 + 0) / 3
    assert.ok(d.interval.low <= d.value && d.value <= d.interval.high);
    assert.equal(pairedDelta(new Map([['x', 1]]), base, 5), null);
    // identical models: Δ = 0 with a zero-width interval (an unpaired interval would be wide)
    const same = pairedDelta(student, student, 4)!;
    assert.deepEqual([same.value, same.interval.low, same.interval.high], [0, 0, 0]);
  });
});

describe('Wilson where the bootstrap degenerates', () => {
  test('normal quantile', () => {
    close(normalQuantile(0.975), 1.959963985, 1e-8);
    close(normalQuantile(0.5), 0, 1e-12);
    close(normalQuantile(0.005), -2.575829304, 1e-8);
    assert.throws(() => normalQuantile(1), RangeError);
  });

  test('0 of 30 is [0, 11.35%], not [0, 0]; 30 of 30 mirrors it; 5 of 10 is the textbook [23.7, 76.3]', () => {
    // z² = 3.8415: high = (z²/n) / (1 + z²/n) for p = 0 → 0.12805 / 1.12805 = 0.11352
    const zero = wilsonInterval(0, 30);
    close(zero.low, 0);
    close(zero.high, 0.11352, 1e-5);
    const all = wilsonInterval(1, 30);
    close(all.low, 1 - 0.11352, 1e-5);
    close(all.high, 1);
    const half = wilsonInterval(0.5, 10);
    close(half.low, 0.2366, 1e-4);
    close(half.high, 0.7634, 1e-4);
    assert.throws(() => wilsonInterval(0.5, 0), RangeError);
  });

  test('an accuracy gets Wilson where fewer than 5 problems are correct or incorrect (0%, 100%, AIME 3/30, tiny sets), and says which', () => {
    const zero = accuracyInterval(solved(30, 0))!;
    assert.equal(zero.method, 'wilson');
    assert.ok(zero.high > 0.1);
    assert.equal(accuracyInterval(solved(30, 30))!.method, 'wilson');
    // 3 of 30: the percentile bootstrap's lower bound is exactly 0 (4.2% of resamples draw no correct problem)
    assert.equal(bootstrapMeanInterval(solved(30, 3))!.low, 0);
    const aime = accuracyInterval(solved(30, 3))!;
    assert.equal(aime.method, 'wilson');
    assert.ok(aime.low > 0.03 && aime.low < 0.04, String(aime.low)); // Wilson: [3.46%, 25.6%]
    assert.equal(accuracyInterval(solved(30, 26))!.method, 'wilson'); // 4 incorrect
    assert.equal(accuracyInterval(solved(9, 4))!.method, 'wilson');
    assert.equal(accuracyInterval(solved(30, 5))!.method, 'bootstrap');
    const boot = accuracyInterval(solved(30, 12))!;
    assert.equal(boot.method, 'bootstrap');
    assert.deepEqual({ low: boot.low, high: boot.high }, bootstrapMeanInterval(solved(30, 12)));
    // fractional scores (several samples per problem) all 0: still Wilson over problems
    assert.equal(accuracyInterval(Array.from({ length: 40 }, () => 0))!.method, 'wilson');
    assert.equal(accuracyInterval([]), undefined);
  });

  test('stratified bootstrap: strata resampled separately, statistic of their column means', () => {
    const b = stratifiedBootstrap([[solved(50, 25)], [solved(50, 10)]], (m) => m[0]![0]! - m[1]![0]!)!;
    assert.ok(b.low! < 0.3 && 0.3 < b.high!);
    assert.equal(b.infinite, 0);
    assert.equal(
      stratifiedBootstrap([], () => 0),
      undefined,
    );
    assert.equal(
      stratifiedBootstrap([[[]]], () => 0),
      undefined,
    );
  });
});

describe('per-run metrics', () => {
  let id = 0;
  const s = (
    index: number,
    verdict: SampleOutcome['verdict'],
    extracted: string | null,
    tokens: number | null,
    truncated = false,
  ): SampleOutcome => ({
    traceId: ++id,
    index,
    verdict,
    extracted,
    tokens,
    truncated,
  });
  const p = (
    key: string,
    samples: SampleOutcome[],
    metadata: Record<string, unknown> = {},
    failed = 0,
  ): ProblemOutcome => ({ key, position: Number(key.slice(1)), metadata, samples, failed });
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
    assert.deepEqual(
      m.passAtK.map((x) => x.k),
      [1, 2],
    );
    close(m.passAtK[0]!.value, 0.5);
    close(m.passAtK[1]!.value, 2 / 3);
    // maj@2 in sample order: p1 "7","7" → correct; p2 "4","5" tie → "4" correct; p3 (index 0 first) none,"9" tie → none
    assert.deepEqual(
      m.majAtK.map((x) => x.k),
      [2],
    );
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
    // the boundary itself: 5,000 is left out, 4,999 is kept (eval_passk.py `if i < 5000`)
    const edge = computeMetrics([
      p('p1', [s(0, 'correct', '1', 4999), s(1, 'correct', '1', 5000), s(2, 'correct', '1', 5001)]),
    ]);
    close(edge.avgLength!, 4999);
    assert.equal(edge.longIgnored, 2);
    const edgeAt = computeMetrics([p('p1', [s(0, 'correct', '1', 10), s(1, 'correct', '1', 20)])], { longTokens: 20 });
    close(edgeAt.avgLength!, 10, 0);
    assert.equal(edgeAt.longIgnored, 1, 'a configured bound is exclusive too');
  });

  test('breakdowns by subject and level (levels in numeric order)', () => {
    const m = computeMetrics(outcomes);
    assert.deepEqual(m.breakdowns.subject, [
      { value: 'Algebra', problems: 2, accuracy: 0.75 },
      { value: 'Geometry', problems: 1, accuracy: 0 },
    ]);
    assert.deepEqual(
      m.breakdowns.level!.map((r) => [r.value, r.problems, r.accuracy]),
      [
        ['2', 2, 0.5],
        ['10', 1, 0.5],
      ],
    );
    assert.deepEqual(computeMetrics([p('p1', [s(0, 'correct', '1', 1)])]).breakdowns, {});
  });

  test('a failed sample leaves its problem out of pass@n and maj@n (counted), instead of turning pass@4 into pass@3', () => {
    const four = (key: string, verdicts: SampleOutcome['verdict'][], answers: (string | null)[], failed = 0) =>
      p(
        key,
        verdicts.map((v, i) => s(i, v, answers[i]!, 10)),
        {},
        failed,
      );
    const xs = [
      four('p1', ['correct', 'incorrect', 'incorrect', 'incorrect'], ['1', '2', '2', '3']),
      four('p2', ['incorrect', 'incorrect', 'incorrect', 'correct'], ['5', '6', '7', '4']),
      four('p3', ['incorrect', 'incorrect', 'correct'], ['8', '8', '9'], 1), // one request failed: 3 graded
    ];
    const m = computeMetrics(xs, { samplesPerProblem: 4 });
    assert.deepEqual(
      m.passAtK.map((x) => [x.k, x.problems]),
      [
        [1, 3],
        [2, 3],
        [4, 2],
      ],
    );
    close(m.passAtK[2]!.value, 1); // p1 and p2 each have a correct sample among 4
    assert.deepEqual(
      m.majAtK.map((x) => [x.k, x.problems]),
      [
        [2, 3],
        [4, 2],
      ],
    );
    // without the run's n, the most graded samples any problem has sets the k
    assert.deepEqual(
      computeMetrics(xs).passAtK.map((x) => x.k),
      [1, 2, 4],
    );
  });

  test('maj@k votes by exact text by default, by equivalent answers (the grader decides) on request', () => {
    // "1/2" and "0.5" are one answer to the grader: 2 votes against "3"'s 2, and the first group is correct
    const q = p('p1', [
      s(0, 'incorrect', '3', 1),
      s(1, 'correct', '\\frac{1}{2}', 1),
      s(2, 'incorrect', '3', 1),
      s(3, 'correct', '0.5', 1),
    ]);
    const exact = computeMetrics([{ ...q, answerType: 'math' }], { samplesPerProblem: 4 });
    assert.equal(exact.majVote, 'exact');
    assert.equal(exact.majAtK.find((x) => x.k === 4)!.value, 0); // "3" ×2 beats two singletons
    const wrongPair = p('p2', [
      s(0, 'incorrect', '2/4', 1),
      s(1, 'correct', '7', 1),
      s(2, 'incorrect', '0.5', 1),
      s(3, 'correct', '7', 1),
    ]);
    const eq = computeMetrics(
      [
        { ...q, answerType: 'math' },
        { ...wrongPair, answerType: 'math' },
      ],
      { samplesPerProblem: 4, majVote: 'equivalent' },
    );
    assert.equal(eq.majVote, 'equivalent');
    // p1: {3 ×2} vs {1/2, 0.5 ×2}: tie → "3" seen first → wrong. p2: {2/4, 0.5} ×2 vs {7 ×2}: tie, "2/4" first → wrong
    // With exact text, p2's "7" (2 votes) beats the singletons "2/4" and "0.5": the grouping changed the outcome.
    assert.equal(eq.majAtK.find((x) => x.k === 4)!.value, 0);
    const exact2 = computeMetrics([{ ...wrongPair, answerType: 'math' }], { samplesPerProblem: 4 });
    assert.equal(exact2.majAtK.find((x) => x.k === 4)!.value, 1);
    // equivalent answers win a vote they would split by text
    const split = p('p3', [
      s(0, 'correct', '\\frac{1}{2}', 1),
      s(1, 'incorrect', '3', 1),
      s(2, 'correct', '0.5', 1),
      s(3, 'incorrect', '3', 1),
      s(4, 'correct', '1/2', 1),
    ]);
    assert.equal(
      computeMetrics([{ ...split, answerType: 'math' }], { samplesPerProblem: 5 }).majAtK.find((x) => x.k === 5)!.value,
      0,
    );
    assert.equal(
      computeMetrics([{ ...split, answerType: 'math' }], { samplesPerProblem: 5, majVote: 'equivalent' }).majAtK.find(
        (x) => x.k === 5,
      )!.value,
      1,
    );
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
