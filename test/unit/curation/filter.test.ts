import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compileFilter } from '../../../src/core/curation/compile';
import { createTraceIndex } from '../../../src/core/curation/trace-index';
import { findTraceDetail } from '../../../src/core/curation/detail';
import { facetCounts } from '../../../src/core/curation/facets';
import { andFilters, checkFilter, type TraceFilter, type TraceSort } from '../../../src/core/curation/filter';
import { countTraces, queryTraces, selectTraceIds } from '../../../src/core/curation/query';
import { computeStoredSignals } from '../../../src/core/signals/record';
import { FACET_SIGNALS } from '../../../src/core/signals/definitions';
import { openStore, type Store } from '../../../src/core/store/open';
import { seedBrowseFixture } from '../../support/browse-fixture';
import {
  oracleFacets,
  oracleSelect,
  oracleSort,
  randomFilters,
  withSignals,
  type OracleTrace,
} from '../../support/filter-oracle';
import { tempDir } from '../../support/tmp';

let store: Store;
let traces: OracleTrace[];

before(async () => {
  store = openStore(path.join(tempDir(), 'w2s.db'));
  traces = withSignals(seedBrowseFixture(store));
  await computeStoredSignals(store);
});
after(() => store.close());

const ids = (f: TraceFilter) => [...selectTraceIds(store, f)].sort((a, b) => a - b);
const expected = (f: TraceFilter) =>
  oracleSelect(traces, f)
    .map((t) => t.id)
    .sort((a, b) => a - b);

function assertSelects(f: TraceFilter, note = JSON.stringify(f)): number[] {
  const got = ids(f);
  assert.deepEqual(got, expected(f), note);
  return got;
}

describe('the filter compiled to SQL', () => {
  it('an empty filter selects every trace with text, never the failed ones', () => {
    const all = assertSelects({});
    assert.equal(all.length, traces.length);
    const failed = store.db.prepare('SELECT id FROM traces WHERE error IS NOT NULL').pluck().all() as number[];
    assert.equal(failed.length, 3);
    for (const id of failed) assert.ok(!all.includes(id));
  });

  it('every facet field alone, every value', () => {
    const cases: TraceFilter[] = [
      { runs: ['teacher-a'] },
      { runs: ['teacher-b', 'teacher-c'] },
      { models: ['m1'] },
      { models: ['m2'] },
      { sets: ['gsm-b'] },
      ...(['correct', 'incorrect', 'no-answer', 'error', 'ungraded'] as const).map((v) => ({ verdicts: [v] })),
      { verdicts: ['incorrect', 'ungraded'] },
      ...(['accept', 'reject', 'star', 'none'] as const).map((l) => ({ labels: [l] })),
      { labels: ['accept', 'star'] },
      { finishReasons: ['length'] },
      { finishReasons: ['stop'] },
      { finishReasons: ['none'] },
      { length: { min: 300 } },
      { length: { max: 299 } },
      { length: { min: 200, max: 400 } },
      { latencyMs: { min: 5000 } },
      { latencyMs: { max: 3000 } },
      { subjects: ['Geometry'] },
      { levels: ['2'] },
      { levels: ['1', '4'] },
      { problems: ['math-a-1', 'gsm-b-0'] },
      { traceIds: [traces[0]!.id, traces[5]!.id, 999_999] },
    ];
    for (const f of cases) {
      const got = assertSelects(f);
      // each of these selects something and not everything, or the test would not tell much
      if (!f.traceIds)
        assert.ok(got.length > 0 && got.length < traces.length, `${JSON.stringify(f)} selects ${got.length}`);
    }
  });

  it('every signal: present, absent, and compared', () => {
    for (const s of FACET_SIGNALS) {
      const present = assertSelects({ signals: [{ signal: s.name }] });
      const absent = assertSelects({ signals: [{ signal: s.name, present: false }] });
      assert.equal(present.length + absent.length, traces.length, s.name);
      assert.ok(present.length > 0, `the fixture has a trace with ${s.name}`);
    }
    assertSelects({ signals: [{ signal: 'reflection', op: '>=', value: 2 }] });
    assertSelects({
      signals: [
        { signal: 'answer-tokens', op: '>', value: 250 },
        { signal: 'answer-tokens', op: '<=', value: 500 },
      ],
    });
    assertSelects({ signals: [{ signal: 'reasoning-tokens', op: '>=', value: 1 }] });
    assertSelects({ signals: [{ signal: 'truncated' }, { signal: 'repetition' }] });
  });

  it('combinations, and 200 random filters, select what the filter means', () => {
    assertSelects({ runs: ['teacher-a'], verdicts: ['incorrect'], signals: [{ signal: 'reflection' }] });
    assertSelects({ sets: ['math-a'], labels: ['none'], length: { min: 250 }, subjects: ['Algebra'] });
    for (const f of randomFilters(200)) assertSelects(f);
  });

  it('names the store does not know give a warning and select nothing for that field', () => {
    const c = compileFilter(store, { runs: ['nope'], models: ['m1'] });
    assert.deepEqual(c.warnings, ['no run named "nope"']);
    assert.equal(countTraces(store, { runs: ['nope'] }), 0);
  });

  it('the warning names every unknown name of each field: runs, models and problem sets', () => {
    const c = compileFilter(store, { runs: ['nope', 'zip'], models: ['m9'], sets: ['nowhere'] });
    assert.deepEqual(c.warnings, [
      'no run named "nope", "zip"',
      'no model named "m9"',
      'no problem set named "nowhere"',
    ]);
  });

  it('a filter not passed through checkFilter: an empty range limits nothing, an unknown label selects nothing', () => {
    assert.equal(ids({ length: {} }).length, traces.length);
    assert.equal(ids({ latencyMs: {} }).length, traces.length);
    assert.deepEqual(ids({ labels: ['maybe' as 'accept'] }), []);
    assert.deepEqual(ids({ labels: ['maybe' as 'accept', 'star'] }), expected({ labels: ['star'] }));
  });

  it('a size signal (no presence bit) is present at a value of 1 or more, absent below, even unconverted', () => {
    for (const signal of ['reasoning-tokens', 'answer-tokens'] as const) {
      const present = assertSelects({ signals: [{ signal }] });
      const absent = assertSelects({ signals: [{ signal, present: false }] });
      assert.equal(present.length + absent.length, traces.length, signal);
    }
    assert.ok(ids({ signals: [{ signal: 'reasoning-tokens', present: false }] }).length > 0, 'some have no reasoning');
  });

  it('a signal condition with only one of operator and value is a presence test, not a half comparison', () => {
    const present = expected({ signals: [{ signal: 'reflection' }] });
    for (const half of [{ op: '>=' }, { value: 2 }]) {
      const f = { signals: [{ signal: 'reflection', ...half }] } as unknown as TraceFilter;
      assert.deepEqual(ids(f), present, JSON.stringify(half));
    }
  });

  it('finish reason "none" selects the traces with no finish reason and those whose file says "none", as its facet counts them', async () => {
    const own = openStore(path.join(tempDir(), 'w2s.db'));
    const seeded = seedBrowseFixture(own);
    const literal = seeded.find((t) => t.finish === 'stop')!;
    own.db.prepare("UPDATE traces SET finish_reason = 'none' WHERE id = ?").run(literal.id);
    literal.finish = 'none';
    await computeStoredSignals(own);
    const mine = withSignals(seeded);
    const none = [...selectTraceIds(own, { finishReasons: ['none'] })].sort((a, b) => a - b);
    assert.ok(none.includes(literal.id), 'the literal "none"');
    assert.ok(
      mine.some((t) => t.finish === null && none.includes(t.id)),
      'and no finish reason',
    );
    const filters: TraceFilter[] = [
      { finishReasons: ['none'] },
      { finishReasons: ['stop', 'none'] },
      { finishReasons: ['stop'] },
    ];
    for (const f of filters) {
      const want = oracleSelect(mine, f)
        .map((t) => t.id)
        .sort((a, b) => a - b);
      assert.deepEqual(
        [...selectTraceIds(own, f)].sort((a, b) => a - b),
        want,
        JSON.stringify(f),
      );
    }
    const facet = facetCounts(own, {}).facets.finish.find((v) => v.value === 'none')!;
    assert.equal(facet.count, none.length, 'the facet counts what selecting it selects');
    const index = createTraceIndex(own);
    await index.load();
    for (const f of filters) {
      assert.deepEqual(
        index.ids(f, { key: 'id' }),
        queryTraces(own, { filter: f, sort: { key: 'id' }, limit: 500 }).rows.map((r) => r.id),
        `the in-memory index agrees: ${JSON.stringify(f)}`,
      );
    }
    own.close();
  });

  it('values travel as parameters: quotes and SQL in a value are just text', () => {
    assert.equal(countTraces(store, { runs: ["x') OR 1=1 --"] }), 0);
    assert.equal(countTraces(store, { subjects: ["' OR '1'='1"] }), 0);
    assertSelects({ text: "x') OR y=1" }); // searched as the words x, y and 1, nothing more
  });

  it('checkFilter refuses what a webview or a file could send wrong, naming the field', () => {
    assert.throws(() => checkFilter({ verdicts: ['wrong'] }), /filter\.verdicts: "wrong" is not one of correct/);
    assert.throws(() => checkFilter({ runz: ['a'] }), /filter\.runz: unknown field/);
    assert.throws(() => checkFilter({ length: { min: 5, max: 1 } }), /filter\.length: min 5 is above max 1/);
    assert.throws(
      () => checkFilter({ signals: [{ signal: 'nope' }] }),
      /filter\.signals\[0\]\.signal: unknown signal "nope"/,
    );
    assert.throws(
      () => checkFilter({ signals: [{ signal: 'reflection', op: '~', value: 1 }] }),
      /filter\.signals\[0\]\.op/,
    );
    assert.throws(() => checkFilter({ traceIds: ['1'] }), /filter\.traceIds: must be a list of integers/);
    assert.deepEqual(checkFilter({ runs: [], text: '  ', verdicts: ['correct', 'correct'] }), {
      verdicts: ['correct'],
    });
  });

  it('andFilters intersects: an empty intersection selects nothing', () => {
    assert.deepEqual(ids(andFilters({ verdicts: ['correct'] }, { verdicts: ['incorrect'] })), []);
    assertSelects(andFilters({ verdicts: ['correct', 'incorrect'] }, { runs: ['teacher-a'] }));
    assert.deepEqual(
      ids(andFilters({ length: { min: 100 } }, { length: { max: 300 } })),
      expected({ length: { min: 100, max: 300 } }),
    );
  });
});

describe('facet counts', () => {
  const filters: TraceFilter[] = [
    {},
    { verdicts: ['incorrect'] },
    { verdicts: ['incorrect', 'no-answer'], runs: ['teacher-a'] },
    {
      labels: ['none'],
      signals: [{ signal: 'reflection' }, { signal: 'truncated', present: false }],
      length: { min: 200 },
    },
    { subjects: ['Algebra'], levels: ['1', '2'], text: 'boxed' },
    // two conditions on one signal are one dimension: the reflection facet counts without both
    {
      signals: [
        { signal: 'reflection', op: '>=', value: 2 },
        { signal: 'reflection', op: '<', value: 5 },
      ],
    },
    {
      verdicts: ['incorrect'],
      signals: [
        { signal: 'reflection', op: '>=', value: 2 },
        { signal: 'reflection', op: '<', value: 4 },
      ],
    },
    ...randomFilters(40, 7),
  ];

  it('count each facet value with every other facet applied (as the plain definition counts them)', () => {
    for (const f of filters) {
      const got = facetCounts(store, f);
      const want = oracleFacets(traces, f);
      for (const [facet, values] of Object.entries(got.facets)) {
        const counts = Object.fromEntries(values.filter((v) => v.count > 0).map((v) => [v.value, v.count]));
        assert.deepEqual(counts, want[facet] ?? {}, `${facet} under ${JSON.stringify(f)}`);
      }
      assert.equal(got.total, oracleSelect(traces, f).length, `total under ${JSON.stringify(f)}`);
    }
  });

  it('list every known value (zero counts too) and mark the selected ones', () => {
    const f = facetCounts(store, { verdicts: ['error'], runs: ['teacher-c'] });
    assert.deepEqual(
      f.facets.verdict.map((v) => v.value),
      ['correct', 'incorrect', 'no-answer', 'error', 'ungraded'],
    );
    assert.deepEqual(
      f.facets.verdict.filter((v) => v.selected).map((v) => v.value),
      ['error'],
    );
    assert.deepEqual(
      f.facets.run.map((v) => v.value),
      ['teacher-a', 'teacher-b', 'teacher-c'],
    );
    assert.equal(f.facets.run.find((v) => v.value === 'teacher-a')!.detail, 'm1 on math-a');
    assert.equal(f.facets.length.length, 6);
    assert.equal(f.all, traces.length);
    assert.equal(f.pendingSignals, 0);
  });
});

describe('pages', () => {
  const sorts: (TraceSort | undefined)[] = [
    undefined,
    { key: 'id', desc: true },
    { key: 'problem' },
    { key: 'problem', desc: true },
    { key: 'run' },
    { key: 'length', desc: true },
    { key: 'latency' },
    { key: 'latency', desc: true },
    { key: 'verdict' },
    { key: 'signal:reflection', desc: true },
    { key: 'signal:answer-tokens' },
  ];

  it("come in the sort's order, ties by id, and pages of any size tile the whole list", () => {
    for (const sort of sorts) {
      for (const f of [{}, { verdicts: ['correct', 'incorrect'] } as TraceFilter]) {
        const want = oracleSort(oracleSelect(traces, f), sort).map((t) => t.id);
        const whole = queryTraces(store, { filter: f, sort, limit: 500, count: true });
        assert.deepEqual(
          whole.rows.map((r) => r.id),
          want,
          JSON.stringify(sort),
        );
        assert.equal(whole.total, want.length);
        const tiled: number[] = [];
        for (let offset = 0; offset < want.length; offset += 7)
          tiled.push(...queryTraces(store, { filter: f, sort, offset, limit: 7 }).rows.map((r) => r.id));
        assert.deepEqual(tiled, want, `tiled ${JSON.stringify(sort)}`);
      }
    }
  });

  it('rows carry what a list row shows', () => {
    const t = traces.find((x) => x.decision === 'accept' && x.reasoning !== null)!;
    const row = queryTraces(store, { filter: { traceIds: [t.id] } }).rows[0]!;
    assert.equal(row.run, t.run);
    assert.equal(row.set, t.set);
    assert.equal(row.problemKey, t.problemKey);
    assert.equal(row.verdict, t.verdict);
    assert.deepEqual(row.label, { decision: 'accept', star: t.star, note: t.note });
    assert.equal(row.question, t.question.slice(0, 240));
    assert.deepEqual(row.present, t.signals.present);
    assert.equal(row.tokens.source, t.completionTokens === null ? 'estimate' : 'usage');
  });

  it('reject an unknown sort key', () => {
    assert.throws(() => queryTraces(store, { filter: {}, sort: { key: 'nope' as 'id' } }), /sort: unknown key "nope"/);
    assert.throws(
      () => queryTraces(store, { filter: {}, sort: { key: 'signal:nope' as 'id' } }),
      /unknown signal "nope"/,
    );
  });
});

describe('full-text search', () => {
  it('words, phrases, OR, exclusion, prefixes and CJK substrings select what they mean', () => {
    for (const text of [
      'boxed',
      'BOXED',
      '"the answer is"',
      '"answer the"',
      'wait OR hmm',
      'boxed -wait',
      '-boxed',
      'verif*',
      '等等',
      '验证 OR hmm',
      'answer -等等',
      'terms again',
    ]) {
      assertSelects({ text }, text);
    }
  });

  it('FTS5 syntax in the input is only text (quotes, stars, NEAR, column filters)', () => {
    for (const text of ['reasoning:wait', 'NEAR(a b)', 'a AND', '"a" "b"', '^boxed', 'x*y']) {
      assert.doesNotThrow(() => countTraces(store, { text }), text);
    }
    assert.throws(() => countTraces(store, { text: '"unclosed' }), /never closed/);
    assert.throws(() => countTraces(store, { text: 'OR boxed' }), /OR at column 1/);
    assert.throws(() => countTraces(store, { text: '+' }), /has no letters or digits/);
  });

  it('page rows carry a snippet whose hits are the searched words, as text and offsets', () => {
    const page = queryTraces(store, { filter: { text: '"let me check"' }, limit: 50 });
    assert.ok(page.rows.length > 0);
    for (const r of page.rows) {
      assert.ok(r.snippet && r.snippet.hits.length > 0, `snippet of ${r.id}`);
      for (const [s, e] of r.snippet.hits) assert.match(r.snippet.text.slice(s, e), /^let me check$/i);
    }
    const cjk = queryTraces(store, { filter: { text: '验证' }, limit: 5 }).rows[0]!;
    assert.equal(cjk.snippet!.text.slice(...cjk.snippet!.hits[0]!), '验证');
  });

  it('the detail of a trace gives every hit in reasoning and answer, and where the extracted answer stands', () => {
    const t = traces.find((x) => x.reasoning?.includes('Wait, let me check'))!;
    const d = findTraceDetail(store, t.id, { text: 'check OR wait' })!;
    assert.equal(d.reasoning, t.reasoning);
    assert.ok(d.hits!.reasoning.length >= 2);
    for (const [s, e] of d.hits!.reasoning) assert.match(d.reasoning!.slice(s, e), /^(check|wait)$/i);
    // the fixture's extracted answer is the trace's index; the box content is where it stands
    store.db
      .prepare('UPDATE grades SET extracted = ? WHERE trace_id = ?')
      .run(t.answer!.match(/\\boxed\{([^}]*)\}/)![1], t.id);
    const located = findTraceDetail(store, t.id)!;
    if (located.extractedAt) {
      const field = located.extractedAt.field === 'answer' ? located.answer! : located.reasoning!;
      assert.equal(field.slice(located.extractedAt.start, located.extractedAt.end), located.extracted);
    } else assert.equal(located.verdict, 'ungraded');
    assert.equal(findTraceDetail(store, 999_999), undefined);
  });
});
