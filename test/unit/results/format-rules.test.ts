// The comparison as text (src/core/results/format.ts), on comparisons written by hand so that every
// number's text follows from the rules stated in each title: one minus sign (U+2212 in text, $-$ in
// LaTeX), percent with one decimal, intervals in brackets, "on N of M" where a number covers part of a
// set, footnote marks by first appearance, and CSV with plain fractions. Pure functions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Cell, Comparison, Row, Settings } from '../../../src/core/results/comparison';
import {
  averageName,
  cellText,
  comparisonCells,
  coverageText,
  MINUS,
  notes,
  pct,
  plain,
  rgrText,
  signed,
  toCompactMarkdown,
  toCsv,
  toLatex,
  toMarkdown,
  toTextTable,
} from '../../../src/core/results/format';
import type { Lineage } from '../../../src/core/results/lineage';
import type { Metrics } from '../../../src/core/results/metrics';
import type { MeanRgr, Rgr } from '../../../src/core/results/rgr';

const M = MINUS;
const metrics = (m: Partial<Metrics> = {}): Metrics => ({
  problems: 10,
  ungradedProblems: 0,
  samples: 10,
  gradedSamples: 10,
  failedSamples: 0,
  accuracy: 0.5,
  correctSamples: 5,
  interval: null,
  passAtK: [],
  majAtK: [],
  majVote: 'exact',
  avgLength: null,
  longIgnored: 0,
  longTokens: 32768,
  truncationRate: null,
  truncated: 0,
  breakdowns: {},
  ...m,
});
const noRgr: Rgr = {
  value: null,
  reason: 'undefined: no base or RL chosen',
  unstable: false,
  common: 0,
  gap: null,
  gapProblems: null,
  interval: null,
};
const rgr = (r: Partial<Rgr>): Rgr => ({ ...noRgr, ...r });
const cell = (c: Partial<Cell> & { metrics?: Metrics }): Cell => ({
  run: 'run',
  reruns: [],
  kind: 'eval',
  status: 'done',
  samplesPerProblem: 1,
  setProblems: 100,
  coverage: { graded: 100, of: 100, partial: false },
  metrics: metrics(),
  delta: null,
  rgr: noRgr,
  ...c,
});
const meanRgr = (r: Partial<MeanRgr>): MeanRgr => ({
  aggregation: 'mean-of-ratios',
  weighting: 'macro',
  value: null,
  interval: null,
  over: 0,
  of: 2,
  leftOut: { undefined: 0, unstable: 0, noCommon: 0 },
  ...r,
});
const SETTINGS: Settings = {
  confidence: 0.95,
  interval: 'bootstrap',
  resamples: 1000,
  seed: 7,
  longTokens: 32768,
  weighting: 'macro',
  rgrAggregation: 'mean-of-ratios',
  rgrMinGap: 5,
  majVote: 'exact',
};
const row = (r: Partial<Row> & { model: string }): Row => ({
  roles: [],
  lineage: null,
  cells: {},
  average: { weighting: 'macro', accuracy: null, over: 0, of: 2, partial: 0, delta: null },
  rgr: null,
  ...r,
});
const LINEAGE: Lineage = {
  snapshot: 'snap1',
  preset: 'correct only (W2SR-P)',
  traces: 10,
  teachers: [
    { run: 't1', model: 'Teacher', set: 'a', traces: 5, accuracy: 0.724 },
    { run: 't2', model: 'T2', set: 'a', traces: 5, accuracy: null },
  ],
  job: 'sft-1',
};

// base, RL and a student (partial on A, trained on a snapshot) on sets A (100 problems) and B (30)
const baseA = cell({
  run: 'base-a',
  metrics: metrics({ accuracy: 0.2, interval: { low: 0.12, high: 0.28, method: 'bootstrap' } }),
});
const baseB = cell({
  run: 'base-b',
  setProblems: 30,
  coverage: { graded: 30, of: 30, partial: false },
  metrics: metrics({ accuracy: 0.1 }),
});
const rlA = cell({ run: 'rl-a', metrics: metrics({ accuracy: 0.52 }) });
const studentA = cell({
  run: 's-a',
  coverage: { graded: 50, of: 100, partial: true },
  metrics: metrics({ accuracy: 0.6, interval: { low: 0.5, high: 0.7, method: 'bootstrap' } }),
  delta: { value: 0.2, interval: { low: 0.1, high: 0.3 }, common: 50, of: 100 },
  rgr: rgr({ value: 0.5, interval: { low: 0.3, high: 0.7 }, common: 50 }),
});
const studentB = cell({
  run: 's-b',
  setProblems: 30,
  coverage: { graded: 30, of: 30, partial: false },
  metrics: metrics({ accuracy: 0.4 }),
  delta: { value: -0.1, interval: { low: -0.2, high: 0 }, common: 30, of: 30 },
  rgr: rgr({ reason: 'undefined: RL does not beat the base (gap ≤ 0)' }),
});
const FULL: Comparison = {
  sets: [
    { name: 'a', label: 'A', problems: 100 },
    { name: 'b', label: 'B', problems: 30 },
  ],
  base: 'base',
  rl: 'rl',
  settings: SETTINGS,
  models: ['base', 'rl', 'student'],
  rows: [
    row({
      model: 'base',
      roles: ['base'],
      cells: { a: baseA, b: baseB },
      average: { weighting: 'macro', accuracy: 0.15, over: 2, of: 2, partial: 0, delta: null },
    }),
    row({
      model: 'rl',
      roles: ['rl', 'teacher'],
      cells: { a: rlA, b: null },
      average: {
        weighting: 'macro',
        accuracy: 0.52,
        over: 1,
        of: 2,
        partial: 0,
        delta: { weighting: 'macro', value: 0.3, interval: null, over: 1, common: 100 },
      },
    }),
    row({
      model: 'student',
      roles: ['student'],
      lineage: LINEAGE,
      cells: { a: studentA, b: studentB },
      average: {
        weighting: 'macro',
        accuracy: 0.5,
        over: 2,
        of: 2,
        partial: 1,
        delta: { weighting: 'macro', value: 0.05, interval: { low: -0.05, high: 0.15 }, over: 2, common: 80 },
      },
      rgr: meanRgr({
        value: 0.5,
        interval: { low: 0.3, high: 0.7 },
        over: 1,
        of: 2,
        leftOut: { undefined: 1, unstable: 0, noCommon: 0 },
      }),
    }),
  ],
};
/** The same sets with no base and no RL chosen: plain accuracies. */
const PLAIN: Comparison = {
  ...FULL,
  base: null,
  rl: null,
  rows: [
    row({
      model: 'm',
      roles: [],
      cells: { a: baseA, b: null },
      average: { weighting: 'macro', accuracy: 0.2, over: 1, of: 2, partial: 0, delta: null },
    }),
  ],
};

describe('numbers', () => {
  test('rule: percent with one decimal (or as many as asked); no number is an en dash', () => {
    assert.equal(pct(0.1234), '12.3');
    assert.equal(pct(0.1234, 2), '12.34');
    assert.equal(pct(0), '0.0');
    assert.equal(pct(null), '–');
    assert.equal(pct(undefined), '–');
  });

  test('rule: a signed percent is "+x" or "−x" with U+2212; one that rounds to zero has no sign', () => {
    assert.equal(signed(0.032), '+3.2');
    assert.equal(signed(-0.01), `${M}1.0`);
    assert.equal(signed(-0.0004), '0.0');
    assert.equal(signed(0.0004), '0.0');
    assert.equal(signed(0), '0.0');
    assert.equal(signed(0.01234, 2), '+1.23');
    assert.equal(signed(-0.01234, 2), `${M}1.23`);
  });

  test('rule: a plain percent has no "+", a negative one U+2212, one that rounds to zero none', () => {
    assert.equal(plain(0.5), '50.0');
    assert.equal(plain(-0.25), `${M}25.0`);
    assert.equal(plain(-0.0004), '0.0');
    assert.equal(plain(-0.01234, 2), `${M}1.23`);
    assert.equal(plain(0.01234, 2), '1.23');
  });
});

describe('RGR as text', () => {
  test('rule: an undefined RGR says why, without its "undefined: " prefix (only a leading one)', () => {
    assert.equal(
      rgrText(rgr({ reason: 'undefined: RL does not beat the base' })),
      'undefined (RL does not beat the base)',
    );
    assert.equal(
      rgrText(rgr({ reason: 'gap undefined: no common problems' })),
      'undefined (gap undefined: no common problems)',
    );
    assert.equal(rgrText(rgr({ reason: undefined })), 'undefined ()');
  });

  test('rule: a value in percent with its interval, or why it has none; an unstable one says why', () => {
    assert.equal(rgrText(rgr({ value: 0.5, interval: { low: 0.3, high: 0.7 } })), '50.0% [30.0, 70.0]');
    assert.equal(
      rgrText(rgr({ value: -0.25, intervalNote: 'a bound is unbounded' })),
      `${M}25.0% (no interval: a bound is unbounded)`,
    );
    assert.equal(
      rgrText(
        rgr({
          value: 4,
          interval: { low: 3, high: 5 },
          unstable: true,
          reason: 'unstable: RL beats the base by 1 problem',
        }),
      ),
      '400.0% [300.0, 500.0] (unstable: RL beats the base by 1 problem)',
    );
  });
});

describe('a cell', () => {
  test('rule: no evaluation is "–"; nothing graded is "ungraded" where generations wait for grading, else "–"', () => {
    assert.equal(cellText(null), '–');
    assert.equal(cellText(cell({ metrics: metrics({ accuracy: null, ungradedProblems: 3 }) })), 'ungraded');
    assert.equal(cellText(cell({ metrics: metrics({ accuracy: null, ungradedProblems: 0 }) })), '–');
  });

  test('rule: accuracy [interval] · partial · Δ [interval] on N of M · RGR on N of M, joined by " · "', () => {
    assert.equal(
      cellText(studentA, true),
      '60.0 [50.0, 70.0] · partial: 50 of 100 problems graded · Δ +20.0 [+10.0, +30.0] on 50 of 100 · RGR 50.0% [30.0, 70.0] on 50 of 100',
    );
    assert.equal(
      cellText(studentA),
      '60.0 [50.0, 70.0] · partial: 50 of 100 problems graded · Δ +20.0 [+10.0, +30.0] on 50 of 100',
    );
  });

  test('rule: "on N of M" only where N is less than the whole set; an RGR without common problems has none', () => {
    // Δ on all 30 of 30; RGR undefined on 0 common problems
    assert.equal(
      cellText(studentB, true),
      `40.0 · Δ ${M}10.0 [${M}20.0, 0.0] · RGR undefined (RL does not beat the base (gap ≤ 0))`,
    );
    const whole = cell({
      metrics: metrics({ accuracy: 0.3 }),
      rgr: rgr({ value: 0.5, interval: { low: 0.3, high: 0.7 }, common: 100 }),
    });
    assert.equal(cellText(whole, true), '30.0 · RGR 50.0% [30.0, 70.0]');
  });

  test('rule: where there is no Δ, its note says why', () => {
    assert.equal(
      cellText(cell({ metrics: metrics({ accuracy: 0.3 }), deltaNote: 'no common problems' })),
      '30.0 · Δ: no common problems',
    );
  });

  test("rule: a partial evaluation's coverage reads as partialText", () => {
    assert.equal(coverageText(studentA), 'partial: 50 of 100 problems graded');
    assert.equal(coverageText(baseA), '');
  });
});

describe("the table's cells", () => {
  test('rule: the average is named for its weighting and number of benchmarks (one benchmark: singular)', () => {
    assert.equal(averageName(FULL), 'macro mean over 2 benchmarks');
    assert.equal(averageName({ ...FULL, sets: [FULL.sets[0]!] }), 'macro mean over 1 benchmark');
    const micro = { ...FULL, settings: { ...SETTINGS, weighting: 'micro' as const } };
    assert.equal(averageName(micro), 'micro mean (weighted by problems) over 2 benchmarks');
    assert.equal(
      averageName({ ...micro, sets: [FULL.sets[0]!] }),
      'micro mean (weighted by problems) over 1 benchmark',
    );
  });

  test('rule: header: Model, Role, the sets, Avg., Avg. Δ with a base, RGR with base and RL, lineage where any row has one', () => {
    assert.deepEqual(comparisonCells(FULL).header, [
      'Model',
      'Role',
      'A',
      'B',
      'Avg. (macro)',
      'Avg. Δ',
      'RGR (mean-of-ratios)',
      'Trained on (teacher accuracy)',
    ]);
    assert.deepEqual(comparisonCells(PLAIN).header, ['Model', 'Role', 'A', 'B', 'Avg. (macro)']);
    assert.deepEqual(
      comparisonCells({ ...FULL, rl: null, rows: FULL.rows.map((r) => ({ ...r, lineage: null })) }).header,
      ['Model', 'Role', 'A', 'B', 'Avg. (macro)', 'Avg. Δ'],
    );
  });

  test('rule: per-set RGR and the mean RGR only for students (the base and RL are 0 and 1 by definition); roles "RL" and joined', () => {
    const { rows } = comparisonCells(FULL);
    assert.deepEqual(rows[0], ['base', 'base', '20.0 [12.0, 28.0]', '10.0', '15.0', '–', '–', '']);
    assert.deepEqual(rows[1], ['rl', 'RL, teacher', '52.0', '–', `52.0 (1 of 2 sets)`, '+30.0 (1 of 2 sets)', '–', '']);
    assert.deepEqual(rows[2], [
      'student',
      'student',
      cellText(studentA, true),
      cellText(studentB, true),
      '50.0 (1 partial)',
      `+5.0 [${M}5.0, +15.0]`,
      '50.0% [30.0, 70.0] over 1 of 2 (left out: 1 undefined)',
      `snap1: correct only (W2SR-P) from Teacher (t1, 72.4%); T2 (t2, –%) → SFT job sft-1`,
    ]);
  });

  test('rule: an average over part of the sets and with partial evaluations says both; none is "–"', () => {
    const r = row({
      model: 'x',
      average: { weighting: 'macro', accuracy: 0.25, over: 1, of: 2, partial: 1, delta: null },
      rgr: meanRgr({ value: null, reason: 'undefined: no stable benchmark' }),
    });
    const c = { ...FULL, rows: [r] };
    assert.deepEqual(comparisonCells(c).rows[0]!.slice(4), [
      '25.0 (1 of 2 sets, 1 partial)',
      '–',
      'undefined (no stable benchmark)',
    ]);
    const none = {
      ...FULL,
      rows: [
        row({
          model: 'y',
          rgr: meanRgr({
            value: 0.1,
            intervalNote: 'too few',
            over: 2,
            leftOut: { undefined: 0, unstable: 2, noCommon: 3 },
          }),
        }),
      ],
    };
    assert.deepEqual(comparisonCells(none).rows[0]!.slice(4), [
      '–',
      '–',
      '10.0% (no interval: too few) over 2 of 2 (left out: 2 unstable, 3 without common problems)',
    ]);
    const noMean = { ...FULL, rows: [row({ model: 'z', rgr: meanRgr({ value: null, reason: undefined }) })] };
    assert.equal(comparisonCells(noMean).rows[0]![6], 'undefined ()');
    const noRow = { ...FULL, rows: [row({ model: 'w' })] };
    assert.equal(comparisonCells(noRow).rows[0]![6], '–', 'a student without a mean RGR');
  });

  test('rule: lineage names the snapshot and its preset; teachers and the SFT job only where known', () => {
    const bare = {
      ...FULL,
      rows: [row({ model: 's', lineage: { ...LINEAGE, preset: 'all (W2SR)', teachers: [], job: null } })],
    };
    assert.equal(comparisonCells(bare).rows[0]!.at(-1), 'snap1: all (W2SR)');
  });
});

describe('notes', () => {
  test('rule: what accuracy is, its interval at the stated confidence, and the bootstrap settings', () => {
    assert.equal(
      notes(PLAIN)[0],
      'Accuracy: pass@1 averaged over samples, in %, with its 95% bootstrap; bootstrap: 1000 resamples, seed 7.',
    );
    assert.match(notes({ ...PLAIN, settings: { ...SETTINGS, confidence: 0.899 } })[0]!, /with its 90% bootstrap/);
  });

  test('rule: the average note says what a partial evaluation means only when a row has one', () => {
    assert.equal(
      notes(PLAIN)[1],
      'Avg.: macro mean over 2 benchmarks, over the benchmarks each model has a graded result on.',
    );
    assert.equal(
      notes(FULL)[1],
      'Avg.: macro mean over 2 benchmarks, over the benchmarks each model has a graded result on. A partial evaluation covers part of its set; its accuracy is on the problems it graded.',
    );
    assert.equal(notes(PLAIN).length, 2, 'no base, no RL, no maj@k: two notes');
  });

  test('rule: with a base, the Δ note; with base and RL, the RGR notes, for the chosen aggregation', () => {
    const n = notes(FULL);
    assert.equal(
      n[2],
      'Δ against base, on the problems both were graded on ("on N of M" where that is not the whole set), with a paired bootstrap interval. Avg. Δ: the macro mean of the paired per-benchmark Δs, stratified paired bootstrap.',
    );
    assert.equal(
      n[3],
      'RGR = (acc − acc(base)) / (acc(rl) − acc(base)), in %, on the problems all three were graded on; interval: paired bootstrap resampling those problems jointly for the three models (1000 resamples, seed 7). Undefined where rl does not beat base (gap ≤ 0); unstable where the gap is under 5 problems.',
    );
    assert.equal(
      n[4],
      'Mean RGR: macro mean of the per-benchmark RGRs (mean of ratios, the default, as W2SR reports it), leaving out undefined and unstable ones (counted).',
    );
    assert.equal(n.length, 5);
    const gains = notes({ ...FULL, settings: { ...SETTINGS, rgrAggregation: 'ratio-of-gains', weighting: 'micro' } });
    assert.equal(
      gains[4],
      'Mean RGR: ratio of the micro mean gain to the micro mean gap over the benchmarks with common problems (ratio of gains; the default is the mean of ratios).',
    );
    assert.equal(notes({ ...FULL, rl: null }).length, 3, 'a base without RL: no RGR notes');
    assert.equal(notes({ ...FULL, base: null }).length, 2, 'RL without a base: no Δ, no RGR notes');
  });

  test('rule: a maj@k note, for the vote chosen, only where some cell has maj@k', () => {
    const withMaj = (majVote: Settings['majVote']): Comparison => ({
      ...PLAIN,
      settings: { ...SETTINGS, majVote },
      rows: [
        row({
          model: 'm',
          cells: { a: cell({ metrics: metrics({ majAtK: [{ k: 2, value: 0.5, problems: 10 }] }) }), b: null },
        }),
      ],
    });
    assert.equal(
      notes(withMaj('exact'))[2],
      "maj@k: votes grouped by exact answer text (W2SR's way); pass@k and maj@k over the problems with at least k graded samples.",
    );
    assert.equal(
      notes(withMaj('equivalent'))[2],
      'maj@k: votes grouped by equivalent answers, as the grader judges them; pass@k and maj@k over the problems with at least k graded samples.',
    );
  });
});

describe('terminal table and Markdown', () => {
  test('rule: no rows: say how to evaluate a model', () => {
    assert.equal(
      toTextTable({ ...PLAIN, rows: [] }),
      'No evaluations yet. Evaluate a model: w2s eval --base-url URL --model ID --sets math500,aime24,amc23\n',
    );
  });

  test('rule: columns padded to their widest cell, two spaces apart, no trailing blanks; a dash rule; then the notes', () => {
    const c: Comparison = {
      ...PLAIN,
      rows: [
        row({
          model: 'a-long-model',
          roles: ['teacher'],
          cells: { a: baseA, b: null },
          average: { weighting: 'macro', accuracy: 0.2, over: 2, of: 2, partial: 0, delta: null },
        }),
        row({
          model: 'm',
          cells: {},
          average: { weighting: 'macro', accuracy: null, over: 0, of: 2, partial: 0, delta: null },
        }),
      ],
    };
    assert.equal(
      toTextTable(c),
      [
        'Model         Role     A                  B  Avg. (macro)',
        '------------  -------  -----------------  -  ------------',
        'a-long-model  teacher  20.0 [12.0, 28.0]  –  20.0',
        'm                      –                  –  –',
        '',
        ...notes(c),
      ].join('\n') + '\n',
    );
  });

  test('rule: Markdown escapes \\ | * _ and puts newlines on one line; text columns left, numbers right', () => {
    const c: Comparison = {
      ...PLAIN,
      rows: [
        row({
          model: 'a|b*c_d\\e\nf',
          cells: { a: baseA, b: null },
          average: { weighting: 'macro', accuracy: 0.2, over: 2, of: 2, partial: 0, delta: null },
        }),
      ],
    };
    assert.equal(
      toMarkdown(c),
      [
        '| Model | Role | A | B | Avg. (macro) |',
        '| --- | --- | ---: | ---: | ---: |',
        '| a\\|b\\*c\\_d\\\\e f |  | 20.0 [12.0, 28.0] | – | 20.0 |',
        '',
        ...notes(c).map((n) => `_${n}_`),
      ].join('\n') + '\n',
    );
  });
});

/** A comparison whose students' RGRs need footnote marks: unstable, undefined (twice the same reason), no mean. */
const MARKS: Comparison = {
  ...FULL,
  rows: [
    FULL.rows[0]!,
    FULL.rows[1]!,
    row({
      model: 's1',
      cells: {
        a: cell({
          metrics: metrics({ accuracy: 0.3 }),
          rgr: rgr({ value: 4, unstable: true, reason: 'unstable: RL beats the base by 1 problem', common: 100 }),
        }),
        b: cell({ metrics: metrics({ accuracy: null }), rgr: rgr({ reason: 'undefined: gap ≤ 0' }) }),
      },
      rgr: meanRgr({ value: null, reason: 'undefined: no stable benchmark' }),
    }),
    row({
      model: 's2',
      cells: { a: null, b: cell({ metrics: metrics({ accuracy: 0.1 }), rgr: rgr({ reason: 'undefined: gap ≤ 0' }) }) },
      rgr: null,
    }),
  ],
};

describe('compact Markdown (paper table)', () => {
  test('rule: accuracy ± half its interval, † where partial; Avg., Δ and mean RGR columns; only the model column is text', () => {
    const lines = toCompactMarkdown(FULL).split('\n');
    assert.deepEqual(lines.slice(0, 5), [
      '| Model | A | B | Avg. (macro) | Δ | RGR (%) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      '| base | 20.0 ± 8.0 | 10.0 | 15.0 | – | – |',
      '| rl | 52.0 | – | 52.0 | +30.0 | – |',
      '| student | 60.0 ± 10.0† | 40.0 | 50.0 | +5.0 | 50.0 ± 20.0 |',
    ]);
  });

  test("rule: a second table of the students' per-benchmark RGR and their mean", () => {
    const lines = toCompactMarkdown(FULL).split('\n');
    assert.deepEqual(lines.slice(5, 10), [
      '',
      '| RGR (%) | A | B | Mean |',
      '| --- | ---: | ---: | ---: |',
      '| student | 50.0 ± 20.0 | –\\* | 50.0 ± 20.0 |',
      '',
    ]);
  });

  test('rule: footnotes: accuracy and its interval, Δ, RGR, partial runs, then each reason by its mark', () => {
    const lines = toCompactMarkdown(FULL).split('\n');
    assert.deepEqual(lines.slice(10), [
      '_Accuracy (%) ± half the width of its 95% interval (bootstrap; 1000 resamples, seed 7). Avg.: macro mean over 2 benchmarks._',
      '_Δ: the macro mean of the paired per-benchmark differences against base, each on the problems both were graded on._',
      '_RGR (%): (acc − acc(base)) / (acc(rl) − acc(base)) on the problems all three were graded on, ± half its paired-bootstrap interval; mean: macro mean of the defined, stable per-benchmark RGRs; unstable under a gap of 5 problems._',
      '_† partial evaluation (problems graded of the set): s-a: 50 of 100._',
      '_\\* undefined: RL does not beat the base (gap ≤ 0)_',
      '',
    ]);
    const gains = toCompactMarkdown({ ...FULL, settings: { ...SETTINGS, rgrAggregation: 'ratio-of-gains' } });
    assert.match(gains, /mean: ratio of the macro mean gain to the mean gap; unstable under a gap of 5 problems\._/);
  });

  test('rule: marks are *, **, *** by first appearance (the main table, then the RGR table), one per reason', () => {
    const md = toCompactMarkdown(MARKS);
    const lines = md.split('\n');
    // s1's mean RGR in the main table comes first, then the RGR table's cells left to right
    assert.ok(lines.includes('| s1 | 30.0 | – | – | – | –\\* |'), md);
    assert.ok(lines.includes('| s2 | – | 10.0 | – | – | – |'), md);
    assert.ok(lines.includes('| s1 | 400.0\\*\\* | –\\*\\*\\* | –\\* |'), md);
    assert.ok(lines.includes('| s2 | – | –\\*\\*\\* | – |'), `the same reason, the same mark: ${md}`);
    assert.deepEqual(lines.slice(-4), [
      '_\\* undefined: no stable benchmark_',
      '_\\*\\* unstable: RL beats the base by 1 problem_',
      '_\\*\\*\\* undefined: gap ≤ 0_',
      '',
    ]);
  });

  test('rule: without base and RL: no Δ or RGR columns, no RGR table, only the accuracy footnote', () => {
    assert.equal(
      toCompactMarkdown(PLAIN),
      [
        '| Model | A | B | Avg. (macro) |',
        '| --- | ---: | ---: | ---: |',
        '| m | 20.0 ± 8.0 | – | 20.0 |',
        '',
        '_Accuracy (%) ± half the width of its 95% interval (bootstrap; 1000 resamples, seed 7). Avg.: macro mean over 2 benchmarks._',
      ].join('\n') + '\n',
    );
    // base and RL but no student: no RGR table
    const noStudent = toCompactMarkdown({ ...FULL, rows: FULL.rows.slice(0, 2) });
    assert.doesNotMatch(noStudent, /\| RGR \(%\) \| A/);
  });
});

describe('LaTeX', () => {
  const tex = toLatex(FULL);
  const lines = tex.split('\n');

  test('rule: a booktabs table in a table float: l then one r per number column, rules, rows ending in \\\\', () => {
    assert.deepEqual(lines.slice(0, 12), [
      '\\begin{table}[t]',
      '\\centering',
      '\\small',
      '\\begin{tabular}{lrrrrr}',
      '\\toprule',
      'Model & A & B & Avg. (macro) & $\\Delta$ & RGR (\\%) \\\\',
      '\\midrule',
      'base & $20.0 \\pm 8.0$ & $10.0$ & $15.0$ & -- & -- \\\\',
      'rl & $52.0$ & -- & $52.0$ & $+30.0$ & -- \\\\',
      'student & $60.0 \\pm 10.0$\\textsuperscript{\\dag} & $40.0$ & $50.0$ & $+5.0$ & $50.0 \\pm 20.0$ \\\\',
      '\\bottomrule',
      '\\end{tabular}',
    ]);
  });

  test('rule: the RGR table follows after \\\\[1ex], footnote marks as superscripts', () => {
    assert.deepEqual(lines.slice(12, 21), [
      '\\\\[1ex]',
      '\\begin{tabular}{lrrr}',
      '\\toprule',
      'RGR (\\%) & A & B & Mean \\\\',
      '\\midrule',
      'student & $50.0 \\pm 20.0$ & --\\textsuperscript{*} & $50.0 \\pm 20.0$ \\\\',
      '\\bottomrule',
      '\\end{tabular}',
      lines[20]!,
    ]);
    assert.deepEqual(lines.slice(21), ['\\end{table}', '']);
  });

  test('rule: the caption holds the footnotes in LaTeX: − as $-$, Δ, ±, †, ≤ in math or text marks, specials escaped', () => {
    assert.equal(
      lines[20],
      '\\caption{' +
        [
          'Accuracy (\\%) $\\pm$ half the width of its 95\\% interval (bootstrap; 1000 resamples, seed 7). Avg.: macro mean over 2 benchmarks.',
          '$\\Delta$: the macro mean of the paired per-benchmark differences against base, each on the problems both were graded on.',
          'RGR (\\%): (acc $-$ acc(base)) / (acc(rl) $-$ acc(base)) on the problems all three were graded on, $\\pm$ half its paired-bootstrap interval; mean: macro mean of the defined, stable per-benchmark RGRs; unstable under a gap of 5 problems.',
          '\\textsuperscript{\\dag} partial evaluation (problems graded of the set): s-a: 50 of 100.',
          '\\textsuperscript{*} undefined: RL does not beat the base (gap $\\le$ 0)',
        ].join(' ') +
        '}',
    );
  });

  test('rule: negative numbers get a math minus ($-x$), never U+2212 or a bare hyphen', () => {
    const neg: Comparison = {
      ...FULL,
      rows: [
        row({
          model: 'n',
          cells: {
            a: cell({
              metrics: metrics({ accuracy: 0.1 }),
              rgr: rgr({ value: -0.25, interval: { low: -0.5, high: 0 }, common: 100 }),
            }),
            b: null,
          },
          average: {
            weighting: 'macro',
            accuracy: 0.1,
            over: 1,
            of: 2,
            partial: 0,
            delta: { weighting: 'macro', value: -0.1, interval: null, over: 1, common: 100 },
          },
          rgr: meanRgr({ value: -0.25, over: 1 }),
        }),
      ],
    };
    const t = toLatex(neg);
    assert.ok(t.includes('n & $10.0$ & -- & $10.0$ & $-10.0$ & $-25.0$ \\\\'), t);
    assert.ok(t.includes('n & $-25.0 \\pm 25.0$ & -- & $-25.0$ \\\\'), t);
    assert.doesNotMatch(t, /\u2212/);
  });

  test('rule: footnote marks of any length are whole superscripts, in cells and in the caption', () => {
    const t = toLatex(MARKS);
    assert.ok(
      t.includes('s1 & $400.0$\\textsuperscript{**} & --\\textsuperscript{***} & --\\textsuperscript{*} \\\\'),
      t,
    );
    assert.ok(t.includes(' \\textsuperscript{**} unstable: RL beats the base by 1 problem '), t);
    assert.ok(t.includes(' \\textsuperscript{***} undefined: gap $\\le$ 0}'), t);
  });

  test('rule: base and RL without a student: no RGR table', () => {
    assert.doesNotMatch(toLatex({ ...FULL, rows: FULL.rows.slice(0, 2) }), /\\\\\[1ex\]/);
  });

  test('rule: LaTeX specials in names are escaped (\\ { } $ & # ^ _ % ~)', () => {
    const c: Comparison = {
      ...PLAIN,
      rows: [row({ model: 'a\\b{c}d$e&f#g^h_i%j~k', cells: {}, average: PLAIN.rows[0]!.average })],
    };
    assert.ok(
      toLatex(c).includes('a\\textbackslash{}b\\{c\\}d\\$e\\&f\\#g\\^{}h\\_i\\%j\\~{}k & -- & -- & $20.0$ \\\\'),
      toLatex(c),
    );
    assert.doesNotMatch(toLatex(PLAIN), /\\\\\[1ex\]/, 'no RGR table without base and RL');
  });
});

describe('CSV', () => {
  const parse = (line: string) => line.split(',');
  test('rule: a header of every column, then one line per model and set, in row then set order', () => {
    const lines = toCsv(FULL).trimEnd().split('\n');
    assert.equal(
      lines[0],
      'model,roles,set,run,kind,status,samples_per_problem,problems,set_problems,partial,accuracy,ci_low,ci_high,ci_method,delta,delta_low,delta_high,delta_problems,rgr,rgr_low,rgr_high,rgr_problems,rgr_unstable,rgr_reason,pass_at_k,pass_at_k_problems,maj_at_k,maj_at_k_problems,maj_vote,avg_length,long_ignored,truncation_rate,failed_samples,lineage_snapshot,lineage_preset,teacher_runs,teacher_accuracy',
    );
    assert.deepEqual(
      lines.slice(1).map((l) => parse(l).slice(0, 3)),
      [
        ['base', 'base', 'a'],
        ['base', 'base', 'b'],
        ['rl', 'rl teacher', 'a'],
        ['rl', 'rl teacher', 'b'],
        ['student', 'student', 'a'],
        ['student', 'student', 'b'],
      ],
    );
    assert.ok(toCsv(FULL).endsWith('\n'));
  });

  test('rule: every number of a cell as a plain fraction (6 decimals at most); no cell leaves its fields empty', () => {
    const c: Comparison = {
      ...FULL,
      rows: [
        row({
          model: 's',
          roles: ['student'],
          lineage: LINEAGE,
          cells: {
            a: cell({
              ...studentA,
              kind: 'import',
              status: 'interrupted',
              samplesPerProblem: 4,
              metrics: metrics({
                problems: 50,
                accuracy: 0.6,
                interval: { low: 0.5, high: 0.7, method: 'wilson' },
                passAtK: [
                  { k: 1, value: 0.6, problems: 50 },
                  { k: 2, value: 2 / 3, problems: 40 },
                ],
                majAtK: [{ k: 2, value: 1 / 7, problems: 40 }],
                majVote: 'equivalent',
                avgLength: 123.4567891,
                longIgnored: 2,
                truncationRate: 0.25,
                failedSamples: 3,
              }),
              rgr: rgr({
                value: 4,
                interval: { low: 3, high: 5 },
                common: 50,
                unstable: true,
                reason: 'unstable: gap of 1',
              }),
            }),
            b: null,
          },
        }),
      ],
    };
    const [, a, b] = toCsv(c).split('\n');
    assert.deepEqual(parse(a!), [
      's',
      'student',
      'a',
      's-a',
      'import',
      'interrupted',
      '4',
      '50',
      '100',
      'true',
      '0.6',
      '0.5',
      '0.7',
      'wilson',
      '0.2',
      '0.1',
      '0.3',
      '50',
      '4',
      '3',
      '5',
      '50',
      'true',
      'unstable: gap of 1',
      '1:0.6 2:0.666667',
      '1:50 2:40',
      '2:0.142857',
      '2:40',
      'equivalent',
      '123.456789',
      '2',
      '0.25',
      '3',
      'snap1',
      'correct only (W2SR-P)',
      't1 t2',
      '0.724 ',
    ]);
    // no evaluation of b: only the model, its roles, the set and its size, and the lineage
    assert.deepEqual(parse(b!), [
      's',
      'student',
      'b',
      '',
      '',
      '',
      '',
      '',
      '30',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      'snap1',
      'correct only (W2SR-P)',
      't1 t2',
      '0.724 ',
    ]);
  });

  test('rule: RGR problems empty where none are common; false is written as false', () => {
    const [, a] = toCsv({ ...PLAIN, sets: [FULL.sets[0]!], rows: [row({ model: 'm', cells: { a: baseA } })] }).split(
      '\n',
    );
    const f = parse(a!);
    assert.equal(f[9], 'false', 'partial');
    assert.equal(f[21], '', 'rgr_problems with no common problem');
    assert.equal(f[22], 'false', 'rgr_unstable');
  });

  test('rule: a field with a comma, quote or line break is quoted, its quotes doubled', () => {
    const c: Comparison = {
      ...PLAIN,
      sets: [FULL.sets[0]!],
      rows: [row({ model: 'a,"b"', cells: {} }), row({ model: 'x\ny', cells: {} }), row({ model: 'r\rs', cells: {} })],
    };
    const lines = toCsv(c).split('\n');
    assert.ok(lines[1]!.startsWith('"a,""b""",,a,'), lines[1]);
    assert.equal(lines[2], '"x');
    assert.ok(lines[3]!.startsWith('y",,a,'));
    assert.ok(lines[4]!.startsWith('"r\rs",,a,'));
  });
});

describe('rules found by mutation (format.ts survivors)', () => {
  test('rule: a mean RGR drops only a leading "undefined: " from its reason', () => {
    const c = {
      ...FULL,
      rows: [row({ model: 'x', rgr: meanRgr({ value: null, reason: 'gap undefined: none common' }) })],
    };
    assert.equal(comparisonCells(c).rows[0]![6], 'undefined (gap undefined: none common)');
  });

  test('rule: the maj@k note appears when any row (not every row) has maj@k', () => {
    const c: Comparison = {
      ...PLAIN,
      rows: [
        row({ model: 'no-maj', cells: { a: cell({}), b: null } }),
        row({
          model: 'maj',
          cells: { a: cell({ metrics: metrics({ majAtK: [{ k: 2, value: 0.5, problems: 10 }] }) }), b: null },
        }),
      ],
    };
    assert.match(notes(c).at(-1)!, /^maj@k: /);
  });

  test('rule: the paper table has an RGR column only with both a base and an RL reference', () => {
    const md = toCompactMarkdown({ ...FULL, rl: null });
    assert.equal(md.split('\n')[0], '| Model | A | B | Avg. (macro) | Δ |');
    assert.doesNotMatch(md, /RGR/);
  });

  test('rule: an RGR with no value and no reason still gets a mark (an empty footnote), not a bare dash', () => {
    const c = { ...FULL, rows: [row({ model: 'z', rgr: meanRgr({ value: null, reason: undefined }) })] };
    const lines = toCompactMarkdown(c).split('\n');
    assert.equal(lines[2], '| z | – | – | – | – | –\\* |');
    assert.equal(lines.at(-2), '_\\* _');
  });

  test('rule: several partial evaluations are listed in the † footnote, separated by "; "', () => {
    const other = cell({
      run: 'x-b',
      setProblems: 30,
      coverage: { graded: 10, of: 30, partial: true },
      metrics: metrics({ accuracy: 0.3 }),
    });
    const c = { ...PLAIN, rows: [row({ model: 'p', cells: { a: studentA, b: other } })] };
    assert.match(
      toCompactMarkdown(c),
      /_† partial evaluation \(problems graded of the set\): s-a: 50 of 100; x-b: 10 of 30\._/,
    );
  });

  test("rule: in the LaTeX caption only a footnote's leading mark becomes a superscript (a * in a model name stays)", () => {
    const t = toLatex({ ...FULL, base: 'b*se' });
    assert.ok(t.includes('differences against b*se, each'), t);
  });
});
