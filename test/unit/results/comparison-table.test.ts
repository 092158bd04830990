// What the comparison table is made of, through buildComparison on a real store: which benchmark columns
// and in which order, which models and in which order, what a base or RL selector may name (and the error
// that says what there is), why a cell has no Δ or RGR, and the settings the table was computed with.
// Every set has 4 problems; a model is right on the first `right` of them.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isW2sError } from '../../../src/core/errors';
import { exportDataset } from '../../../src/core/export/export';
import { GRADER_VERSION } from '../../../src/core/grader';
import { importProblemSet } from '../../../src/core/problems/import';
import { buildComparison, createComparisonCache, type Comparison } from '../../../src/core/results/comparison';
import { linkModel } from '../../../src/core/results/lineage';
import { computeStoredSignals } from '../../../src/core/signals/record';
import { openStore, type Store } from '../../../src/core/store/open';
import { importTraces } from '../../../src/core/traces/import-traces';
import { tempDir, writeFile } from '../../support/tmp';

let store: Store;
let dir: string;
const question = (set: string, i: number) => `In set ${set}, what is ${i} + ${i}?`;

/**
 * An evaluation of `set` by `model`, right on the first `right` of the 4 problems, graded as the grader
 * would (`right` null: not graded yet).
 */
function evaluation(set: string, run: string, model: string, right: number | null, to = store): void {
  const file = writeFile(
    dir,
    `${run}.jsonl`,
    [0, 1, 2, 3]
      .map((i) =>
        JSON.stringify({
          question: question(set, i),
          response: [`\\boxed{${right !== null && i < right ? 2 * i : 999}}`],
          gt_answer: String(2 * i),
        }),
      )
      .join('\n'),
  );
  importTraces(to, { file, setName: set, runName: run, model });
  if (right === null) return;
  const traces = to.db
    .prepare(
      'SELECT t.id, t.answer, p.answer AS gold FROM traces t JOIN runs r ON r.id = t.run_id JOIN problems p ON p.id = t.problem_id WHERE r.name = ?',
    )
    .all(run) as { id: number; answer: string; gold: string }[];
  for (const t of traces) {
    const extracted = /\\boxed\{(\d+)\}/.exec(t.answer)![1]!;
    to.db
      .prepare('INSERT INTO grades (trace_id, extracted, verdict, grader_version) VALUES (?, ?, ?, ?)')
      .run(t.id, extracted, extracted === t.gold ? 'correct' : 'incorrect', GRADER_VERSION);
  }
}

/** The W2sError `fn` rejects with: its code and its whole message. */
/** A set of 4 problems named `set`. */
async function problemSet(to: Store, set: string, sourceLabel?: string): Promise<void> {
  const file = writeFile(
    dir,
    `${set}.jsonl`,
    [0, 1, 2, 3]
      .map((i) => JSON.stringify({ id: `${set}${i}`, problem: question(set, i), answer: String(2 * i) }))
      .join('\n'),
  );
  await importProblemSet(to, { file, name: set, ...(sourceLabel ? { sourceLabel } : {}) });
}

async function w2sError(fn: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (e) {
    assert.ok(isW2sError(e), String(e));
    return { code: e.code, message: e.message };
  }
  assert.fail('no error');
}

const models = (c: Comparison) => c.rows.map((r) => r.model);
const row = (c: Comparison, m: string) => c.rows.find((r) => r.model === m)!;

before(async () => {
  dir = tempDir('w2s-comparison-table-');
  store = openStore(path.join(dir, 'w2s.db'));
  // math500 is a file of that name, not the built-in set; gsm8k is the built-in one (its label is GSM8K)
  for (const [set, sourceLabel] of [
    ['zeta', undefined],
    ['gsm8k', 'builtin:gsm8k'],
    ['alpha', undefined],
    ['math500', undefined],
    ['empty', undefined],
    ['pending', undefined],
  ] as const)
    await problemSet(store, set, sourceLabel);
  // the base sorts after RL and after another model by name; the table still puts it first
  evaluation('gsm8k', 'm-base-gsm8k', 'm-base', 1);
  evaluation('alpha', 'm-base-alpha', 'm-base', 1);
  evaluation('math500', 'm-base-math500', 'm-base', 2);
  evaluation('gsm8k', 'b-rl-gsm8k-old', 'b-rl', 2);
  evaluation('gsm8k', 'b-rl-gsm8k', 'b-rl', 3);
  evaluation('zeta', 'b-rl-zeta', 'b-rl', 3);
  evaluation('gsm8k', 'student-gsm8k', 'student', 2);
  evaluation('alpha', 'student-alpha', 'student', 2);
  evaluation('zeta', 'student-zeta', 'student', 1);
  evaluation('math500', 'student-math500', 'student', 3);
  evaluation('alpha', 'a-other-alpha', 'a-other', 4);
  evaluation('pending', 'student-pending', 'student', null);
  // the student was trained on a-other's traces: a-other is a teacher
  await computeStoredSignals(store, { mode: 'missing' });
  await exportDataset(store, {
    name: 'from-a-other',
    filter: { runs: ['a-other-alpha'] },
    format: 'openai',
    out: path.join(dir, 'from-a-other.jsonl'),
  });
  linkModel(store, { model: 'student' }, 'from-a-other');
});
after(() => store.close());

describe('the comparison table', () => {
  it("columns: every evaluated set, W2SR's reporting order first, then by name; built-in sets by their label", async () => {
    const c = await buildComparison(store, {});
    assert.deepEqual(c.sets, [
      { name: 'math500', label: 'math500', problems: 4 },
      { name: 'gsm8k', label: 'GSM8K', problems: 4 },
      { name: 'alpha', label: 'alpha', problems: 4 },
      { name: 'pending', label: 'pending', problems: 4 },
      { name: 'zeta', label: 'zeta', problems: 4 },
    ]);
    assert.deepEqual(c.models, ['a-other', 'b-rl', 'm-base', 'student']);
  });

  it('asked columns come in the order asked, once each; an asked set nobody evaluated is an empty column', async () => {
    const c = await buildComparison(store, { sets: ['zeta', 'empty', 'alpha', 'zeta'] });
    assert.deepEqual(
      c.sets.map((s) => s.name),
      ['zeta', 'empty', 'alpha'],
    );
    assert.deepEqual(models(c), ['a-other', 'b-rl', 'm-base', 'student']);
    for (const r of c.rows) assert.equal(r.cells.empty, null, r.model);
    assert.deepEqual([row(c, 'student').average.over, row(c, 'student').average.of], [2, 3]);
    // a model with no evaluation of the asked sets has no row
    const zeta = await buildComparison(store, { sets: ['zeta'] });
    assert.deepEqual(models(zeta), ['b-rl', 'student']);
  });

  it("W2SR's reporting order: MATH500, AIME 2024, AMC 2023, Minerva, OlympiadBench, GSM8K, then the others by name", async () => {
    const other = openStore(path.join(dir, 'order.db'));
    try {
      const names = ['zzz', 'gsm8k', 'olympiadbench', 'aaa', 'minerva', 'amc23', 'aime24', 'math500'];
      for (const set of names) {
        await problemSet(other, set);
        evaluation(set, `m-${set}`, 'm', 2, other);
      }
      const c = await buildComparison(other, {});
      assert.deepEqual(
        c.sets.map((s) => s.name),
        ['math500', 'aime24', 'amc23', 'minerva', 'olympiadbench', 'gsm8k', 'aaa', 'zzz'],
      );
    } finally {
      other.close();
    }
  });

  it('only the evaluations of the columns are computed, a pinned run of another set included', async () => {
    const cache = createComparisonCache();
    await buildComparison(store, { sets: ['alpha'], base: 'm-base', rl: 'b-rl-gsm8k-old', cache });
    // alpha: m-base, student, a-other (b-rl has none there; its pinned run is of gsm8k)
    assert.equal(cache.runs.size, 3);
  });

  it('an evaluation not graded yet is a cell without accuracy, left out of the average', async () => {
    const c = await buildComparison(store, { sets: ['alpha', 'pending'] });
    const student = row(c, 'student');
    assert.equal(student.cells.pending!.metrics.accuracy, null);
    assert.equal(student.cells.pending!.metrics.ungradedProblems, 4);
    assert.deepEqual([student.average.over, student.average.of, student.average.accuracy], [1, 2, 0.5]);
  });

  it('an unknown set is refused, naming every set there is', async () => {
    assert.deepEqual(await w2sError(() => buildComparison(store, { sets: ['alpha', 'nope', 'gone'] })), {
      code: 'NO_SET',
      message: '--sets: no problem set named "nope", "gone" (sets: alpha, empty, gsm8k, math500, pending, zeta).',
    });
  });

  it('rows: the base first, then RL, then the others by name, each with its roles', async () => {
    const c = await buildComparison(store, { base: 'm-base', rl: 'b-rl' });
    assert.deepEqual(models(c), ['m-base', 'b-rl', 'a-other', 'student']);
    assert.deepEqual(
      c.rows.map((r) => r.roles),
      [['base'], ['rl'], ['teacher'], ['student']],
    );
    assert.equal(row(c, 'student').lineage!.snapshot, 'from-a-other');
    assert.deepEqual([c.base, c.rl], ['m-base', 'b-rl']);
    // a base or RL with no evaluation of the columns still has its (empty) row
    const zeta = await buildComparison(store, { base: 'm-base', rl: 'b-rl', sets: ['zeta'] });
    assert.deepEqual(models(zeta), ['m-base', 'b-rl', 'student']);
    assert.equal(row(zeta, 'm-base').cells.zeta, null);
    const alpha = await buildComparison(store, { base: 'm-base', rl: 'b-rl', sets: ['alpha'] });
    assert.deepEqual(models(alpha), ['m-base', 'b-rl', 'a-other', 'student']);
    assert.equal(row(alpha, 'b-rl').cells.alpha, null);
    // without a base and RL: by name
    const plain = await buildComparison(store, {});
    assert.deepEqual(models(plain), ['a-other', 'b-rl', 'm-base', 'student']);
    assert.deepEqual(
      plain.rows.map((r) => r.roles),
      [['teacher'], [], [], ['student']],
    );
  });

  it('a base or RL that names nothing evaluated is refused, naming the models; an empty one is no choice', async () => {
    assert.deepEqual(await w2sError(() => buildComparison(store, { base: 'nobody' })), {
      code: 'NO_MODEL',
      message:
        '--base nobody: no evaluated model or evaluation run of that name (models: m-base, b-rl, student, a-other).',
    });
    assert.deepEqual(await w2sError(() => buildComparison(store, { base: 'm-base', rl: 'gsm8k' })), {
      code: 'NO_MODEL',
      message:
        '--rl gsm8k: no evaluated model or evaluation run of that name (models: m-base, b-rl, student, a-other).',
    });
    const none = await buildComparison(store, { base: '', rl: '' });
    assert.deepEqual([none.base, none.rl], [null, null]);
    const empty = openStore(path.join(dir, 'empty.db'));
    try {
      assert.deepEqual(await w2sError(() => buildComparison(empty, { base: 'm-base' })), {
        code: 'NO_MODEL',
        message:
          '--base m-base: no evaluated model or evaluation run of that name (nothing is evaluated yet: w2s eval).',
      });
      assert.deepEqual(await w2sError(() => buildComparison(empty, { sets: ['alpha'] })), {
        code: 'NO_SET',
        message: '--sets: no problem set named "alpha" (sets: none).',
      });
    } finally {
      empty.close();
    }
  });

  it('a pinned RL run stands for its set; the cell names its run and what it is', async () => {
    const latest = await buildComparison(store, { base: 'm-base', rl: 'b-rl', sets: ['gsm8k'] });
    const pinned = await buildComparison(store, { base: 'm-base', rl: 'b-rl-gsm8k-old', sets: ['gsm8k'] });
    assert.equal(pinned.rl, 'b-rl');
    assert.equal(row(latest, 'b-rl').cells.gsm8k!.run, 'b-rl-gsm8k');
    assert.equal(row(pinned, 'b-rl').cells.gsm8k!.run, 'b-rl-gsm8k-old');
    // student 2/4, base 1/4: RGR (0.5 − 0.25) / (0.75 − 0.25) with the latest RL, / (0.5 − 0.25) with the pinned one
    const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} ≉ ${b}`);
    close(row(latest, 'student').cells.gsm8k!.rgr.value, 0.5);
    close(row(pinned, 'student').cells.gsm8k!.rgr.value, 1);
    const cell = row(latest, 'student').cells.gsm8k!;
    assert.deepEqual(
      [cell.run, cell.reruns, cell.kind, cell.status, cell.samplesPerProblem, cell.setProblems],
      ['student-gsm8k', [], 'import', 'done', 1, 4],
    );
  });

  it('a cell without Δ or RGR says why', async () => {
    const noBase = await buildComparison(store, { sets: ['alpha'] });
    assert.equal(row(noBase, 'student').cells.alpha!.rgr.reason, 'no base chosen');
    assert.equal(row(noBase, 'student').cells.alpha!.deltaNote, undefined);
    assert.equal(row(noBase, 'student').rgr, null);
    const noRl = await buildComparison(store, { base: 'm-base', sets: ['alpha'] });
    assert.equal(row(noRl, 'student').cells.alpha!.rgr.reason, 'no RL reference chosen');
    assert.equal(row(noRl, 'student').rgr, null);
    const c = await buildComparison(store, { base: 'm-base', rl: 'b-rl', sets: ['alpha', 'zeta'] });
    const student = row(c, 'student');
    assert.equal(student.cells.alpha!.rgr.reason, 'the RL reference (b-rl) is not evaluated on this set');
    assert.equal(student.cells.alpha!.deltaNote, undefined, 'the base is there: a Δ');
    assert.equal(student.cells.zeta!.rgr.reason, 'the base (m-base) is not evaluated on this set');
    assert.equal(student.cells.zeta!.deltaNote, 'the base (m-base) is not evaluated on this set');
    assert.equal(student.cells.zeta!.delta, null);
    assert.equal(row(c, 'm-base').cells.alpha!.deltaNote, undefined, 'the base is no Δ of its own, and says nothing');
    assert.deepEqual(student.rgr!.leftOut, { undefined: 0, unstable: 0, noCommon: 2 });
  });

  it('the settings the table was computed with: the defaults, or what was asked', async () => {
    const c = await buildComparison(store, { sets: ['alpha'] });
    assert.deepEqual(c.settings, {
      confidence: 0.95,
      interval:
        'percentile bootstrap over problems (Wilson score interval where fewer than 5 problems are correct, or incorrect)',
      resamples: 2000,
      seed: 0,
      longTokens: 5000,
      weighting: 'macro',
      rgrAggregation: 'mean-of-ratios',
      rgrMinGap: 5,
      majVote: 'exact',
    });
    const asked = await buildComparison(store, {
      sets: ['alpha'],
      confidence: 0.9,
      resamples: 300,
      seed: 7,
      longTokens: 100,
      majVote: 'equivalent',
    });
    assert.deepEqual(
      [asked.settings.confidence, asked.settings.resamples, asked.settings.seed, asked.settings.longTokens],
      [0.9, 300, 7, 100],
    );
    assert.equal(asked.settings.majVote, 'equivalent');
    // and the metrics were computed with them
    const cell = row(asked, 'student').cells.alpha!;
    assert.deepEqual([cell.metrics.longTokens, cell.metrics.majVote], [100, 'equivalent']);
  });

  it('a cached comparison yields to its caller only for what it computes', async () => {
    const cache = createComparisonCache();
    let yields = 0;
    const options = { base: 'm-base', rl: 'b-rl', cache, yieldEvery: () => ((yields += 1), Promise.resolve()) };
    const first = await buildComparison(store, options);
    assert.ok(yields > 0);
    yields = 0;
    const again = await buildComparison(store, options);
    assert.equal(yields, 0, 'nothing changed: nothing computed');
    assert.deepEqual(again, first);
  });

  it('a cached RGR is recomputed when the instability threshold changes', async () => {
    const cache = createComparisonCache();
    const options = { base: 'm-base', rl: 'b-rl', sets: ['gsm8k'], cache };
    // RL beats the base by 2 of 4 problems: unstable under 5, stable under 1
    const strict = await buildComparison(store, { ...options, rgrMinGap: 5 });
    assert.equal(row(strict, 'student').cells.gsm8k!.rgr.unstable, true);
    const loose = await buildComparison(store, { ...options, rgrMinGap: 1 });
    assert.equal(row(loose, 'student').cells.gsm8k!.rgr.unstable, false);
    assert.equal(row(loose, 'student').rgr!.over, 1);
  });
});
