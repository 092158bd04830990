// The Traces view's pure parts: facet clicks become filters (webview/traces/filter-edit.ts) and the
// sparse row cache that pages the virtualised list (webview/traces/rows.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceRow } from '../../../src/protocol/traces';
import { activeParts, toggleFacet, withText } from '../../../webview/traces/filter-edit';
import { RowCache } from '../../../webview/traces/rows';

test('ticking and unticking facet values edits one field of the filter and leaves the rest', () => {
  let f = toggleFacet({ text: 'wait' }, 'verdict', { value: 'incorrect', count: 3, selected: false }, true);
  f = toggleFacet(f, 'verdict', { value: 'no-answer', count: 1, selected: false }, true);
  assert.deepEqual(f, { text: 'wait', verdicts: ['incorrect', 'no-answer'] });
  f = toggleFacet(f, 'run', { value: 'teacher', count: 1, selected: false }, true);
  f = toggleFacet(f, 'verdict', { value: 'incorrect', count: 3, selected: true }, false);
  f = toggleFacet(f, 'verdict', { value: 'no-answer', count: 1, selected: true }, false);
  assert.deepEqual(f, { text: 'wait', runs: ['teacher'] }, 'an emptied field is dropped, not left as []');
  f = toggleFacet(f, 'length', { value: '1k–2k', count: 5, selected: false, range: { min: 1000, max: 1999 } }, true);
  assert.deepEqual(f.length, { min: 1000, max: 1999 });
  f = toggleFacet(f, 'signal', { value: 'reflection', count: 5, selected: false }, true);
  f = toggleFacet(
    { ...f, signals: [...(f.signals ?? []), { signal: 'reflection', op: '>=', value: 3 }] },
    'signal',
    { value: 'reflection', count: 5, selected: true },
    false,
  );
  assert.deepEqual(
    f.signals,
    [{ signal: 'reflection', op: '>=', value: 3 }],
    'unticking keeps a threshold condition on the same signal',
  );
  assert.deepEqual(withText(f, '  ').text, undefined);
});

test('each active part of a filter can be removed on its own', () => {
  const f = {
    verdicts: ['incorrect' as const],
    runs: ['a', 'b'],
    signals: [{ signal: 'truncated' }, { signal: 'reflection', present: false }],
    text: 'wait',
  };
  const parts = activeParts(f);
  assert.deepEqual(
    parts.map((p) => p.label),
    ['run: a, b', 'verdict: incorrect', 'signal: truncated', 'signal: no reflection', 'search: wait'],
  );
  assert.deepEqual(parts[2]!.without, {
    verdicts: ['incorrect'],
    runs: ['a', 'b'],
    signals: [{ signal: 'reflection', present: false }],
    text: 'wait',
  });
  assert.deepEqual(activeParts({}), []);
});

const row = (id: number): TraceRow => ({ id }) as unknown as TraceRow;

test('the row cache pages on demand and, refreshed, keeps what is shown until the fresh page arrives', () => {
  const c = new RowCache(10);
  c.reset(35);
  assert.equal(c.length, 35);
  assert.deepEqual(c.due(0, 12), [0, 1], 'the pages covering the visible range');
  c.markLoading(0);
  assert.deepEqual(c.due(0, 12), [1], 'a page in flight is not asked again');
  c.fill(
    0,
    Array.from({ length: 10 }, (_, i) => row(i)),
  );
  c.fill(
    10,
    Array.from({ length: 10 }, (_, i) => row(10 + i)),
  );
  assert.deepEqual(c.due(0, 34), [2, 3]);
  assert.deepEqual(c.due(30, 40), [3], 'clipped to the length');
  // the store changed: 5 more traces; rows stay on screen but are due again
  c.refresh(40);
  assert.equal(c.length, 40);
  assert.equal(c.items[5]?.id, 5, 'still shown');
  assert.deepEqual(c.due(0, 19), [0, 1]);
  c.fill(
    0,
    Array.from({ length: 10 }, (_, i) => row(100 + i)),
  );
  assert.equal(c.items[0]?.id, 100);
  assert.deepEqual(c.due(0, 19), [1]);
  assert.equal(
    c.update(105, (r) => ({ ...r, question: 'x' })),
    true,
  );
  assert.equal(c.items[5]?.question, 'x');
  assert.equal(
    c.update(999, (r) => r),
    false,
  );
  c.reset(0);
  assert.deepEqual(c.due(0, 10), []);
});
