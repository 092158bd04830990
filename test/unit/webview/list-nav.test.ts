// The Traces list for a keyboard and a screen reader (webview/traces/list-nav.ts): each row's short
// accessible name with its label state, where each navigation key moves, and which chip takes focus when
// one is removed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { focusAfterRemoval, isNavKey, labelWords, navigate, rowLabel } from '../../../webview/traces/list-nav';

const row = { verdict: 'incorrect' as const, set: 'MATH500', problemKey: 'test/algebra/12', sampleIndex: 3 };

test('a row is named by its verdict, problem, sample and label state, not by its whole text', () => {
  assert.equal(
    rowLabel({ ...row, label: { decision: null, star: false, note: null } }),
    'incorrect, MATH500 test/algebra/12 sample 3',
  );
  assert.equal(
    rowLabel({ ...row, label: { decision: 'accept', star: true, note: null } }),
    'incorrect, MATH500 test/algebra/12 sample 3, accepted, starred',
  );
  assert.equal(
    rowLabel({ ...row, label: { decision: 'reject', star: false, note: 'off by one' } }),
    'incorrect, MATH500 test/algebra/12 sample 3, rejected, note',
  );
  assert.equal(labelWords({ decision: null, star: false, note: null }), '');
});

test('arrows and j/k step, Home/End jump to the ends, PageUp/PageDown move by a screenful, all clamped', () => {
  const total = 714;
  const page = 10;
  assert.equal(navigate('ArrowDown', 4, total, page), 5);
  assert.equal(navigate('j', 4, total, page), 5);
  assert.equal(navigate('ArrowUp', 4, total, page), 3);
  assert.equal(navigate('k', 0, total, page), 0, 'no wrap above the first row');
  assert.equal(navigate('ArrowDown', 713, total, page), 713, 'no wrap below the last row');
  assert.equal(navigate('Home', 300, total, page), 0);
  assert.equal(navigate('End', 3, total, page), 713);
  // a screenful less one row, so the row at the edge stays in view as context
  assert.equal(navigate('PageDown', 0, total, page), 9);
  assert.equal(navigate('PageUp', 20, total, page), 11);
  assert.equal(navigate('PageDown', 710, total, page), 713);
  assert.equal(navigate('PageUp', 4, total, page), 0);
  assert.equal(navigate('PageDown', 0, total, 1), 1, 'a one-row screen still moves');
});

test('with nothing selected, End starts at the last row and every other key at the first; an empty list selects nothing', () => {
  assert.equal(navigate('End', -1, 50, 10), 49);
  for (const key of ['ArrowDown', 'ArrowUp', 'Home', 'PageDown', 'PageUp', 'j', 'k'] as const)
    assert.equal(navigate(key, -1, 50, 10), 0, key);
  assert.equal(navigate('ArrowDown', -1, 0, 10), -1);
  assert.ok(isNavKey('PageDown') && isNavKey('Home') && !isNavKey('Enter') && !isNavKey(' ') && !isNavKey('a'));
});

test('a removed chip hands focus to the chip that took its place, else the one before it', () => {
  assert.equal(focusAfterRemoval(0, 3), 0);
  assert.equal(focusAfterRemoval(1, 3), 1);
  assert.equal(focusAfterRemoval(2, 3), 1, 'the last chip: the one before it');
  assert.equal(focusAfterRemoval(0, 1), -1, 'none left');
});
