// A filter from outside (a webview message, a saved view, an experiment's view, JSON on the command
// line) is checked field by field before it reaches SQL: what it keeps, what it drops, and the error that
// names the field. And two filters at once (a preset and a view), which must never select more than either.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  andFilters,
  checkFilter,
  isEmptyFilter,
  LENGTH_BUCKETS,
  type TraceFilter,
} from '../../../src/core/curation/filter';

/** The error's message, for a check that must throw BAD_FILTER. */
function refusal(input: unknown, where?: string): string {
  try {
    checkFilter(input, where);
  } catch (e) {
    assert.equal((e as { code?: string }).code, 'BAD_FILTER');
    return (e as Error).message;
  }
  assert.fail(`accepted ${JSON.stringify(input)}`);
}

describe('checkFilter', () => {
  it('no filter is the empty filter; anything but an object is refused', () => {
    assert.deepEqual(checkFilter(null), {});
    assert.deepEqual(checkFilter(undefined), {});
    assert.equal(refusal('runs'), 'filter: must be an object.');
    assert.equal(refusal(['runs']), 'filter: must be an object.');
    assert.equal(refusal(3, 'view "x"'), 'view "x": must be an object.');
  });

  it('an unknown field is refused with the fields there are', () => {
    assert.equal(
      refusal({ run: ['a'] }),
      'filter.run: unknown field (fields: runs, models, sets, verdicts, labels, finishReasons, length, latencyMs, subjects, levels, signals, problems, traceIds, text).',
    );
  });

  it('lists of names: kept once each, an empty list dropped, anything but strings refused', () => {
    assert.deepEqual(
      checkFilter({
        runs: ['a', 'b', 'a'],
        models: ['m'],
        sets: ['s'],
        finishReasons: ['stop'],
        subjects: ['Algebra'],
        levels: ['Level 5'],
        problems: ['p1'],
        text: '',
      }),
      {
        runs: ['a', 'b'],
        models: ['m'],
        sets: ['s'],
        finishReasons: ['stop'],
        subjects: ['Algebra'],
        levels: ['Level 5'],
        problems: ['p1'],
      },
    );
    assert.deepEqual(checkFilter({ runs: [], models: [], sets: [], levels: [] }), {});
    assert.equal(refusal({ models: 'm' }), 'filter.models: must be a list of strings.');
    assert.equal(refusal({ problems: ['p', 3] }, 'f'), 'f.problems: must be a list of strings.');
  });

  it('verdicts and labels are each one of their values', () => {
    assert.deepEqual(checkFilter({ verdicts: ['correct', 'ungraded', 'correct'], labels: ['star', 'none'] }), {
      verdicts: ['correct', 'ungraded'],
      labels: ['star', 'none'],
    });
    assert.equal(
      refusal({ verdicts: ['right'] }),
      'filter.verdicts: "right" is not one of correct, incorrect, no-answer, error, ungraded.',
    );
    assert.equal(
      refusal({ labels: ['accepted'] }),
      'filter.labels: "accepted" is not one of accept, reject, star, none.',
    );
    assert.equal(refusal({ labels: 'star' }), 'filter.labels: must be a list of strings.');
    assert.equal(refusal({ verdicts: 'correct' }), 'filter.verdicts: must be a list of strings.');
    assert.deepEqual(checkFilter({ verdicts: [], labels: [] }), {});
  });

  it('ranges: min and max, either alone, finite numbers, min not above max; an empty range is dropped', () => {
    assert.deepEqual(checkFilter({ length: { min: 10, max: 20 }, latencyMs: { max: 5 } }), {
      length: { min: 10, max: 20 },
      latencyMs: { max: 5 },
    });
    assert.deepEqual(checkFilter({ length: { min: 0 } }), { length: { min: 0 } });
    assert.deepEqual(checkFilter({ length: { min: 7, max: 7 } }), { length: { min: 7, max: 7 } });
    assert.deepEqual(checkFilter({ length: {} }), {});
    assert.equal(refusal({ length: null }), 'filter.length: must be {min?, max?}.');
    assert.equal(refusal({ length: 5 }), 'filter.length: must be {min?, max?}.');
    assert.equal(refusal({ length: { min: 1, step: 2 } }), 'filter.length: only min and max are allowed.');
    assert.equal(refusal({ latencyMs: { min: '1' } }), 'filter.latencyMs.min: must be a number.');
    assert.equal(refusal({ length: { max: Number.NaN } }), 'filter.length.max: must be a number.');
    assert.equal(refusal({ length: { max: Infinity } }), 'filter.length.max: must be a number.');
    assert.equal(refusal({ length: { min: 9, max: 3 } }), 'filter.length: min 9 is above max 3.');
  });

  it('signal conditions: a known signal, present or absent, or compared with a number', () => {
    assert.deepEqual(
      checkFilter({
        signals: [
          { signal: 'reflection' },
          { signal: 'verification', present: true },
          { signal: 'backtracking', present: false },
          { signal: 'answers', op: '>=', value: 2 },
          { signal: 'reasoning-tokens', op: '<', value: 100 },
        ],
      }).signals,
      [
        { signal: 'reflection' },
        { signal: 'verification' },
        { signal: 'backtracking', present: false },
        { signal: 'answers', op: '>=', value: 2 },
        { signal: 'reasoning-tokens', op: '<', value: 100 },
      ],
    );
    // a size signal has no presence bit: present is a value of at least 1, absent below it
    assert.deepEqual(checkFilter({ signals: [{ signal: 'answer-tokens', present: true }] }).signals, [
      { signal: 'answer-tokens', op: '>=', value: 1 },
    ]);
    assert.deepEqual(checkFilter({ signals: [{ signal: 'answer-tokens', present: false }] }).signals, [
      { signal: 'answer-tokens', op: '<', value: 1 },
    ]);
    assert.deepEqual(checkFilter({ signals: [{ signal: 'answer-tokens' }] }).signals, [{ signal: 'answer-tokens' }]);
    assert.deepEqual(checkFilter({ signals: [] }), {});
    for (const op of ['>', '>=', '<', '<=', '='])
      assert.deepEqual(checkFilter({ signals: [{ signal: 'answers', op, value: 1 }] }).signals, [
        { signal: 'answers', op, value: 1 },
      ]);
  });

  it('a wrong signal condition names its place in the list', () => {
    // half a comparison is refused here (compile.ts reads one that skipped this check as a presence test)
    assert.equal(refusal({ signals: [{ signal: 'answers', op: '>' }] }), 'filter.signals[0].value: must be a number.');
    assert.equal(
      refusal({ signals: [{ signal: 'answers', value: 2 }] }),
      'filter.signals[0].op: must be one of > >= < <= =.',
    );
    assert.equal(refusal({ signals: { signal: 'reflection' } }), 'filter.signals: must be a list of conditions.');
    assert.equal(
      refusal({ signals: [{ signal: 'reflection' }, 'x'] }),
      'filter.signals[1]: must be {signal, present?} or {signal, op, value}.',
    );
    assert.equal(refusal({ signals: [null] }), 'filter.signals[0]: must be {signal, present?} or {signal, op, value}.');
    assert.equal(refusal({ signals: [{ signal: 'doubt' }] }), 'filter.signals[0].signal: unknown signal "doubt".');
    assert.equal(refusal({ signals: [{ signal: 7 }] }), 'filter.signals[0].signal: unknown signal "7".');
    assert.equal(
      refusal({ signals: [{ signal: 'answers', op: '!=', value: 1 }] }),
      'filter.signals[0].op: must be one of > >= < <= =.',
    );
    assert.equal(
      refusal({ signals: [{ signal: 'answers', op: '>', value: '1' }] }),
      'filter.signals[0].value: must be a number.',
    );
    assert.equal(
      refusal({ signals: [{ signal: 'answers', op: '>', value: Infinity }] }),
      'filter.signals[0].value: must be a number.',
    );
    assert.equal(
      refusal({ signals: [{ signal: 'reflection', present: 'yes' }] }),
      'filter.signals[0].present: must be true or false.',
    );
  });

  it('trace ids are integers; text is trimmed, blank text dropped', () => {
    assert.deepEqual(checkFilter({ traceIds: [3, 1], text: '  sqrt  ' }), { traceIds: [3, 1], text: 'sqrt' });
    assert.deepEqual(checkFilter({ traceIds: [], text: '   ' }), {});
    assert.equal(refusal({ traceIds: [1.5] }), 'filter.traceIds: must be a list of integers.');
    assert.equal(refusal({ traceIds: '1' }), 'filter.traceIds: must be a list of integers.');
    assert.equal(refusal({ text: 3 }), 'filter.text: must be a string.');
  });

  it('isEmptyFilter: nothing a check keeps', () => {
    assert.equal(isEmptyFilter({}), true);
    assert.equal(isEmptyFilter({ runs: [], text: '  ' } as TraceFilter), true);
    assert.equal(isEmptyFilter({ runs: ['a'] }), false);
    assert.equal(isEmptyFilter({ length: { min: 0 } }), false);
  });
});

describe('the length buckets', () => {
  it('cover every length from 0 up, each starting where the one before ends', () => {
    assert.deepEqual(
      LENGTH_BUCKETS.map((b) => b.value),
      ['<500', '500–1k', '1k–2k', '2k–4k', '4k–8k', '≥8k'],
    );
    assert.equal(LENGTH_BUCKETS[0]!.range.min, 0);
    for (let i = 1; i < LENGTH_BUCKETS.length; i++)
      assert.equal(LENGTH_BUCKETS[i]!.range.min, LENGTH_BUCKETS[i - 1]!.range.max + 1, LENGTH_BUCKETS[i]!.value);
    assert.deepEqual(
      LENGTH_BUCKETS.map((b) => b.range.min),
      [0, 500, 1000, 2000, 4000, 8000],
    );
    assert.equal(LENGTH_BUCKETS.at(-1)!.range.max, Number.MAX_SAFE_INTEGER);
  });
});

describe('andFilters', () => {
  it('lists are intersected, and an empty intersection selects nothing (never everything)', () => {
    assert.deepEqual(andFilters({ runs: ['a', 'b'] }, { runs: ['b', 'c'] }), { runs: ['b'] });
    assert.deepEqual(andFilters({ runs: ['a'] }, { runs: ['c'] }), { runs: ['\u0000none'] });
    assert.deepEqual(andFilters({ traceIds: [1, 2] }, { traceIds: [2, 3] }), { traceIds: [2] });
    assert.deepEqual(andFilters({ traceIds: [1] }, { traceIds: [3] }), { traceIds: [-1] });
  });

  it('a field in one filter only is kept as it is; the first filter is not changed', () => {
    const a: TraceFilter = { verdicts: ['correct'] };
    assert.deepEqual(andFilters(a, { runs: ['r'] }), { verdicts: ['correct'], runs: ['r'] });
    assert.deepEqual(andFilters({}, { labels: ['star'] }), { labels: ['star'] });
    assert.deepEqual(a, { verdicts: ['correct'] });
  });

  it('signal conditions add up, texts are both searched, ranges narrow to what both allow', () => {
    assert.deepEqual(
      andFilters({ signals: [{ signal: 'reflection' }] }, { signals: [{ signal: 'answers', op: '>', value: 1 }] }),
      {
        signals: [{ signal: 'reflection' }, { signal: 'answers', op: '>', value: 1 }],
      },
    );
    assert.deepEqual(andFilters({ text: 'sqrt' }, { text: 'pi' }), { text: 'sqrt pi' });
    assert.deepEqual(andFilters({ length: { min: 100, max: 900 } }, { length: { min: 300, max: 2000 } }), {
      length: { min: 300, max: 900 },
    });
    assert.deepEqual(andFilters({ latencyMs: { min: 5 } }, { latencyMs: { max: 50 } }), {
      latencyMs: { min: 5, max: 50 },
    });
    assert.deepEqual(andFilters({ length: { max: 10 } }, { length: { max: 20 } }), { length: { max: 10 } });
    assert.deepEqual(andFilters({ length: { min: 10 } }, { length: { min: 20 } }), { length: { min: 20 } });
    assert.deepEqual(andFilters({ length: { max: 10 } }, { length: { min: 3 } }), { length: { min: 3, max: 10 } });
  });
});
