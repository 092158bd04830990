import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/core/store/open';
import { w2s } from '../support/cli';
import { seedBrowseFixture, type FixtureTrace } from '../support/browse-fixture';
import { tempDir } from '../support/tmp';

/** A workspace folder whose store holds the browser fixture, signals not yet computed. */
function workspace(): { cwd: string; traces: FixtureTrace[] } {
  const cwd = tempDir();
  const store = openStore(path.join(cwd, '.w2s', 'w2s.db'));
  const traces = seedBrowseFixture(store);
  store.close();
  return { cwd, traces };
}

interface TracesJson {
  total: number;
  offset: number;
  rows: {
    id: number;
    run: string;
    verdict: string;
    label: { decision: string | null; star: boolean };
    present: string[];
    tokens: { total: number };
  }[];
  facets?: Record<string, { value: string; count: number; selected: boolean }[]>;
  warnings: string[];
}

describe('w2s traces', () => {
  it('computes missing signals first, then lists what a filter selects, sorted and paged, with facets', async () => {
    const { cwd, traces } = workspace();
    const r = await w2s(
      [
        'traces',
        '--filter',
        'verdict:incorrect,no-answer run:teacher-a',
        '--sort',
        'length:desc',
        '--limit',
        '3',
        '--facets',
        '--json',
      ],
      { cwd },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /signals/); // the catch-up's progress, on stderr
    const doc = JSON.parse(r.stdout) as TracesJson;
    const want = traces.filter(
      (t) => t.run === 'teacher-a' && (t.verdict === 'incorrect' || t.verdict === 'no-answer'),
    );
    assert.equal(doc.total, want.length);
    assert.equal(doc.rows.length, 3);
    assert.ok(doc.rows.every((x) => x.run === 'teacher-a' && ['incorrect', 'no-answer'].includes(x.verdict)));
    assert.ok(
      doc.rows[0]!.tokens.total >= doc.rows[1]!.tokens.total && doc.rows[1]!.tokens.total >= doc.rows[2]!.tokens.total,
    );
    // verdict facet counts the other verdicts of teacher-a as well (the other facets applied, not its own)
    const verdicts = Object.fromEntries(doc.facets!.verdict.map((v) => [v.value, v.count]));
    assert.equal(verdicts.correct, traces.filter((t) => t.run === 'teacher-a' && t.verdict === 'correct').length);

    const next = await w2s(
      [
        'traces',
        '--filter',
        'verdict:incorrect,no-answer run:teacher-a',
        '--sort',
        'length:desc',
        '--limit',
        '3',
        '--offset',
        '3',
        '--json',
      ],
      { cwd },
    );
    const ids = (JSON.parse(next.stdout) as TracesJson).rows.map((x) => x.id);
    assert.ok(
      ids.every((id) => !doc.rows.some((x) => x.id === id)),
      'the next page continues the list',
    );

    const text = await w2s(['traces', '--filter', 'signal:truncated', '--limit', '2'], { cwd });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^\d+ trace\(s\)/);
    assert.match(text.stdout, /\[[^\]]*trunc/);
  });

  it('a bad filter is bad usage (exit 2) and the message names the token', async () => {
    const { cwd } = workspace();
    const cases: [string, RegExp][] = [
      ['verdikt:incorrect', /unknown key "verdikt" in verdikt:incorrect \(column 1\)\. Did you mean "verdict"\?/],
      [
        'run:a verdict:maybe',
        /verdict:maybe \(column 7\): "maybe" is not one of correct, incorrect, no-answer, error, ungraded/,
      ],
      ['len:>lots', /len:>lots \(column 1\): "lots" is not a number/],
      ['signal:loops', /unknown signal "loops"/],
      ['"let me check', /the quote at column 1 is never closed/],
      ['verdict:correct OR', /OR at column 17 must stand between two words/],
      ['-run:a', /only verdict and signal can be negated/],
    ];
    for (const [expr, message] of cases) {
      // --filter=EXPR: an expression starting with "-" would read as an option otherwise
      const r = await w2s(['traces', `--filter=${expr}`], { cwd });
      assert.equal(r.code, 2, expr);
      assert.match(r.stderr, message, expr);
      assert.match(r.stderr, /Usage: w2s traces/);
    }
    const sort = await w2s(['traces', '--sort', 'colour'], { cwd });
    assert.equal(sort.code, 2);
    assert.match(sort.stderr, /--sort: unknown key "colour"/);
    const unknownRun = await w2s(['traces', '--filter', 'run:nobody', '--json'], { cwd });
    assert.equal(unknownRun.code, 0);
    assert.deepEqual((JSON.parse(unknownRun.stdout) as TracesJson).warnings, ['no run named "nobody"']);
    assert.match(unknownRun.stderr, /warning: no run named "nobody"/);
  });

  it('without a store it says so and creates nothing', async () => {
    const cwd = tempDir();
    const r = await w2s(['traces', '--json'], { cwd });
    assert.equal(r.code, 0);
    assert.equal((JSON.parse(r.stdout) as TracesJson).total, 0);
    const again = await w2s(['traces'], { cwd });
    assert.match(again.stdout, /No store yet/);
  });
});

describe('w2s label, views, signals, runs', () => {
  it('labels ids and filters, bulk-labels with undo, and keeps a history', async () => {
    const { cwd, traces } = workspace();
    const plain = traces.filter((t) => !t.decision && !t.star && !t.note);
    const one = await w2s(['label', 'accept', String(plain[0]!.id), String(plain[1]!.id), '--json'], { cwd });
    assert.equal(one.code, 0, one.stderr);
    assert.equal((JSON.parse(one.stdout) as { count: number }).count, 2);
    await w2s(['label', 'note', String(plain[0]!.id), 'clear steps'], { cwd });
    const show = await w2s(['label', 'show', String(plain[0]!.id), '--json'], { cwd });
    assert.deepEqual(JSON.parse(show.stdout), { decision: 'accept', star: false, note: 'clear steps' });

    const incorrect = traces.filter((t) => t.verdict === 'incorrect');
    const bulk = await w2s(['label', 'reject', '--filter', 'verdict:incorrect', '--json'], { cwd });
    assert.equal(bulk.code, 0, bulk.stderr);
    const action = JSON.parse(bulk.stdout) as { id: number; count: number };
    assert.equal(action.count, incorrect.filter((t) => t.decision !== 'reject').length);
    const rejected = await w2s(['traces', '--filter', 'label:reject', '--json'], { cwd });
    assert.equal(
      (JSON.parse(rejected.stdout) as TracesJson).total,
      new Set([...incorrect, ...traces.filter((t) => t.decision === 'reject')].map((t) => t.id)).size,
    );

    const undo = await w2s(['label', 'undo', '--json'], { cwd });
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal((JSON.parse(undo.stdout) as { restored: number }).restored, action.count);
    const after = await w2s(['traces', '--filter', 'label:reject', '--json'], { cwd });
    assert.equal((JSON.parse(after.stdout) as TracesJson).total, traces.filter((t) => t.decision === 'reject').length);

    const history = await w2s(['label', 'history'], { cwd });
    assert.match(history.stdout, new RegExp(`#${action.id} .*reject: filter verdict:incorrect .*undone`));
    assert.equal((await w2s(['label', 'reject'], { cwd })).code, 2, 'no ids and no filter');
    assert.equal((await w2s(['label', 'approve', '1'], { cwd })).code, 2);
    const missing = await w2s(['label', 'star', '999999'], { cwd });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no trace 999999/);
  });

  it('saves views, lists them, uses them with traces --view, and deletes them', async () => {
    const { cwd, traces } = workspace();
    const save = await w2s(
      ['views', 'save', 'wrong', '--filter', 'verdict:incorrect set:math-a', '--sort', 'length:desc'],
      { cwd },
    );
    assert.equal(save.code, 0, save.stderr);
    const list = await w2s(['views'], { cwd });
    assert.match(list.stdout, /^wrong {2}set:math-a verdict:incorrect {2}sort length:desc$/m);
    const r = await w2s(['traces', '--view', 'wrong', '--json'], { cwd });
    assert.equal(
      (JSON.parse(r.stdout) as TracesJson).total,
      traces.filter((t) => t.verdict === 'incorrect' && t.set === 'math-a').length,
    );
    const narrowed = await w2s(['traces', '--view', 'wrong', '--filter', 'run:teacher-b', '--json'], { cwd });
    assert.equal(
      (JSON.parse(narrowed.stdout) as TracesJson).total,
      traces.filter((t) => t.verdict === 'incorrect' && t.run === 'teacher-b').length,
    );
    assert.equal((await w2s(['views', 'save', 'wrong', '--filter', ''], { cwd })).code, 1, 'exists');
    assert.equal((await w2s(['views', 'save', 'bad', '--filter', 'verdict:nope'], { cwd })).code, 2);
    const gone = await w2s(['traces', '--view', 'nope'], { cwd });
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No saved view named "nope" \(views: wrong\)/);
    assert.equal((await w2s(['views', 'delete', 'wrong'], { cwd })).code, 0);
    assert.match((await w2s(['views'], { cwd })).stdout, /No saved views yet/);
  });

  it("signals reports each run's rates, and runs --json carries them", async () => {
    const { cwd, traces } = workspace();
    const r = await w2s(['signals', '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      computed: number;
      runs: { run: string; traces: number; rates: Record<string, number> }[];
    };
    assert.equal(doc.computed, traces.length);
    const a = doc.runs.find((x) => x.run === 'teacher-a')!;
    const mine = traces.filter((t) => t.run === 'teacher-a');
    assert.equal(a.traces, mine.length);
    assert.equal(a.rates.truncated, mine.filter((t) => t.finish === 'length').length / mine.length);
    const again = await w2s(['signals', '--recompute', '--json'], { cwd });
    assert.equal((JSON.parse(again.stdout) as { computed: number }).computed, 0, 'nothing stale');
    const all = await w2s(['signals', '--all', '--run', 'teacher-c', '--json'], { cwd });
    assert.equal(
      (JSON.parse(all.stdout) as { computed: number }).computed,
      traces.filter((t) => t.run === 'teacher-c').length,
    );
    const runs = JSON.parse((await w2s(['runs', '--json'], { cwd })).stdout) as {
      name: string;
      signals: { rates: Record<string, number> };
    }[];
    assert.equal(runs.find((x) => x.name === 'teacher-a')!.signals.rates.truncated, a.rates.truncated);
    assert.equal((await w2s(['signals', '--run', 'nope'], { cwd })).code, 1);
  });
});
