// The comparison on a real store built from the synthetic fixture with known answers
// (test/support/results-fixture.ts: every expected number is worked out there).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGraderPool, type GraderPool } from '../../../src/core/grader';
import { gradeTraces } from '../../../src/core/grading/grade-traces';
import { importProblemSet } from '../../../src/core/problems/import';
import { comparisonChoices } from '../../../src/core/results/choices';
import {
  buildComparison,
  createComparisonCache,
  type Comparison,
  type Row,
} from '../../../src/core/results/comparison';
import { toCompactMarkdown, toLatex, toTextTable } from '../../../src/core/results/format';
import { openStore, type Store } from '../../../src/core/store/open';
import { importTraces } from '../../../src/core/traces/import-traces';
import { writeResultsFixture } from '../../support/results-fixture';
import { REPO_ROOT, tempDir, writeFile } from '../../support/tmp';

const close = (a: number | null | undefined, b: number, eps = 1e-12) =>
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

let store: Store;
let dir: string;
let pool: GraderPool;
let c: Comparison;
const row = (m: string, comparison = c): Row => comparison.rows.find((r) => r.model === m)!;

before(async () => {
  dir = tempDir('w2s-comparison-');
  store = openStore(path.join(dir, 'w2s.db'));
  pool = createGraderPool({ size: 1, workerPath: path.join(REPO_ROOT, 'src', 'core', 'grader', 'worker.ts') });
  const fixture = writeResultsFixture(dir);
  for (const s of fixture.sets) await importProblemSet(store, { file: s.file, name: s.name });
  for (const t of fixture.traces) importTraces(store, { file: t.file, setName: t.set, runName: t.run, model: t.model });
  await gradeTraces(store, pool, {});
  c = await buildComparison(store, { base: 'base', rl: 'rl', sets: ['hundred', 'below', 'tiny'] });
});
after(async () => {
  await pool.close();
  store.close();
});

describe('comparisons on common problems', () => {
  it('student on 50 of 100 problems: RGR 0.50 on the 50 all three answered, not 1.25', () => {
    const cell = row('student').cells.hundred!;
    assert.deepEqual(cell.coverage, { graded: 50, of: 100, partial: true });
    close(cell.metrics.accuracy, 0.6);
    assert.equal(cell.rgr.common, 50);
    close(cell.rgr.value, 0.5);
    close(cell.rgr.gapProblems, 20);
    assert.equal(cell.rgr.unstable, false);
    assert.ok(
      cell.rgr.interval && cell.rgr.interval.low < 0.5 && 0.5 < cell.rgr.interval.high,
      JSON.stringify(cell.rgr.interval),
    );
    // Δ on the same 50: 0.6 − 0.4, not 0.6 − 0.2
    close(cell.delta!.value, 0.2);
    assert.deepEqual([cell.delta!.common, cell.delta!.of], [50, 100]);
  });

  it('RL below the base: RGR undefined with the reason, never 2.00; a one-problem gap is unstable', () => {
    const below = row('student').cells.below!.rgr;
    assert.equal(below.value, null);
    assert.match(below.reason!, /^undefined: RL is below the base \(−5\.0 points on the 20 common problems\)$/);
    assert.equal(below.interval, null);
    const tiny = row('student').cells.tiny!.rgr;
    close(tiny.value, 4);
    assert.equal(tiny.unstable, true);
    assert.match(tiny.reason!, /unstable: RL beats the base by 1 problem \(fewer than 5\)/);
  });

  it('mean RGR leaves out undefined and unstable benchmarks and counts them', () => {
    const m = row('student').rgr!;
    assert.equal(m.aggregation, 'mean-of-ratios');
    close(m.value, 0.5);
    assert.deepEqual([m.over, m.of, m.leftOut], [1, 3, { undefined: 1, unstable: 0 + 1, noCommon: 0 }]);
    assert.ok(m.interval && m.interval.low < 0.5 && m.interval.high > 0.5);
  });

  it('Avg. Δ is the mean of the paired per-set Δs; the average says how many sets and how many partial', () => {
    const a = row('student').average;
    close(a.delta!.value, (0.2 - 0.1 + 4 / 30) / 3);
    assert.deepEqual(
      [a.delta!.over, a.delta!.common, a.over, a.of, a.partial, a.weighting],
      [3, 50 + 20 + 30, 3, 3, 1, 'macro'],
    );
    close(a.accuracy, (0.6 + 0.4 + 7 / 30) / 3);
  });

  it('a model worse than the base gets a negative RGR on its common problems, with one minus sign in every format', async () => {
    close(row('worse').cells.hundred!.rgr.value, -0.3125);
    assert.equal(row('worse').cells.below, null);
    assert.equal(row('worse').rgr!.leftOut.noCommon, 2);
    const text = toTextTable(c);
    assert.doesNotMatch(text, /-\d/, 'no hyphen-minus before a number in the text table');
    assert.match(text, /−31\.3%/);
    const md = toCompactMarkdown(c);
    assert.doesNotMatch(md, /-\d/);
    assert.match(md, /\| worse \| 10\.0 ± \d\.\d \| – \| – \| 10\.0 \| −10\.0 \| −31\.3 ± \d+\.\d \|/);
    const tex = toLatex(c);
    assert.doesNotMatch(tex, /−/, 'LaTeX has no Unicode minus');
    assert.match(tex, /\$-31\.3 \\pm \d+\.\d\$/);
  });

  it('a comparison with no common problems says so: no Δ, no RGR, the reason in the cell', async () => {
    const apart = await buildComparison(store, { base: 'base', rl: 'rl', sets: ['apart'] });
    const cell = row('student', apart).cells.apart!;
    assert.deepEqual(cell.coverage, { graded: 5, of: 10, partial: true });
    assert.equal(cell.delta, null);
    assert.equal(cell.deltaNote, 'no common problems with the base (base)');
    assert.equal(cell.rgr.value, null);
    assert.match(cell.rgr.reason!, /^no common problems/);
    assert.equal(row('student', apart).average.delta, null);
    assert.deepEqual(row('student', apart).rgr!.leftOut, { undefined: 0, unstable: 0, noCommon: 1 });
    assert.match(
      toTextTable(apart),
      /Δ: no common problems with the base \(base\) · RGR undefined \(no common problems/,
    );
    // RL shares the base's five problems: its Δ is on 5 of 10
    assert.deepEqual([row('rl', apart).cells.apart!.delta!.common, row('rl', apart).cells.apart!.delta!.of], [5, 10]);
  });

  it('micro weighting and the ratio of gains are there on request, named in the result', async () => {
    const micro = await buildComparison(store, {
      base: 'base',
      rl: 'rl',
      sets: ['hundred', 'below', 'tiny'],
      weighting: 'micro',
      rgrAggregation: 'ratio-of-gains',
    });
    const a = row('student', micro).average;
    // problem-weighted: (0.2·50 − 0.1·20 + 4/30·30) / 100 = 0.12
    close(a.delta!.value, 0.12);
    close(a.accuracy, (30 + 8 + 7) / (50 + 20 + 30));
    const g = row('student', micro).rgr!;
    // gains over gaps, weighted by common problems: (10 − 2 + 4) / (20 − 1 + 1) = 0.6 over all three sets
    close(g.value, 0.6);
    assert.deepEqual([g.aggregation, g.weighting, g.over], ['ratio-of-gains', 'micro', 3]);
  });

  it('the panel settings become the same options as the CLI flags; a value that is no choice keeps the default', () => {
    const settings: Record<string, unknown> = {
      rgrMinGap: 1,
      average: 'micro',
      rgrMean: 'ratio-of-gains',
      majVote: 'equivalent',
    };
    assert.deepEqual(
      comparisonChoices((k) => settings[k]),
      { rgrMinGap: 1, weighting: 'micro', rgrAggregation: 'ratio-of-gains', majVote: 'equivalent' },
    );
    const bad: Record<string, unknown> = { rgrMinGap: -1, average: 'mean', rgrMean: 2, majVote: null };
    assert.deepEqual(
      comparisonChoices((k) => bad[k]),
      { rgrMinGap: undefined, weighting: undefined, rgrAggregation: undefined, majVote: undefined },
    );
    assert.equal(comparisonChoices(() => 2.5).rgrMinGap, undefined);
    assert.equal(comparisonChoices(() => 0).rgrMinGap, 0);
  });

  it('the threshold is configurable: with a gap of 1 problem allowed, AIME-sized RGR 4.0 enters the mean', async () => {
    const loose = await buildComparison(store, {
      base: 'base',
      rl: 'rl',
      sets: ['hundred', 'below', 'tiny'],
      rgrMinGap: 1,
    });
    const m = row('student', loose).rgr!;
    close(m.value, (0.5 + 4) / 2);
    assert.equal(loose.settings.rgrMinGap, 1);
  });
  // last: it changes the store
  it('a cached comparison recomputes what a changed evaluation is behind, and only that', async () => {
    const cache = createComparisonCache();
    const options = { base: 'base', rl: 'rl', sets: ['hundred', 'below', 'tiny'], cache };
    const before = await buildComparison(store, options);
    close(row('student', before).rgr!.value, 0.5);
    const again = await buildComparison(store, options);
    assert.equal(row('student', again).rgr, row('student', before).rgr, 'unchanged: the same cached result');
    // the student's other 50 problems arrive, all wrong: on all 100, (0.3 − 0.2) / (0.52 − 0.2) = 0.3125
    const file = writeFile(
      dir,
      'more.jsonl',
      Array.from({ length: 50 }, (_, j) =>
        JSON.stringify({
          id: `q${50 + j}`,
          question: `Compute ${50 + j} * 3. (#${50 + j})`,
          response: '\\boxed{999999}',
        }),
      ).join('\n'),
    );
    importTraces(store, { file, setName: 'hundred', runName: 'student-hundred', model: 'student' });
    await gradeTraces(store, pool, {});
    const after = await buildComparison(store, options);
    const cell = row('student', after).cells.hundred!;
    assert.deepEqual([cell.coverage.partial, cell.rgr.common, cell.delta!.common], [false, 100, 100]);
    close(cell.rgr.value, 0.3125);
    close(row('student', after).rgr!.value, 0.3125);
    close(row('student', after).average.delta!.value, (0.1 - 0.1 + 4 / 30) / 3);
    assert.equal(row('worse', after).rgr, row('worse', before).rgr, 'a row whose evaluations did not change is reused');
  });
});
