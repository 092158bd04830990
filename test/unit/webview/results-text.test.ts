// The results panel writes numbers by core's rules (webview/results/text.ts repeats them, as the webview
// sees only the protocol): one minus sign, RGR in percent, the reason instead of a number.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MeanRgrView, RgrView } from '../../../src/protocol/results';
import { leftOutText, onCommon, plain, reasonText, rgrValueText, signed } from '../../../webview/results/text';
import { plain as corePlain, signed as coreSigned } from '../../../src/core/results/format';

test('signed and plain percentages: U+2212 for a minus, no sign on a value that rounds to 0, the same as core', () => {
  for (const x of [0.2, -0.1, 0, -0.0004, 0.0004, -1.25, 0.05]) {
    assert.equal(signed(x), coreSigned(x), `signed(${x})`);
    assert.equal(plain(x), corePlain(x), `plain(${x})`);
  }
  assert.equal(signed(-0.1), '\u221210.0');
  assert.equal(signed(0.25), '+25.0');
  assert.equal(signed(-0.0004), '0.0');
  assert.equal(plain(-0.3125), '\u221231.3');
  assert.equal(plain(0.5), '50.0');
});

test('RGR: percent with its interval, "undefined" with the reason apart, the mean with what it left out', () => {
  const r: RgrView = {
    value: 0.5,
    unstable: false,
    common: 50,
    gap: 0.4,
    gapProblems: 20,
    interval: { low: 0.278, high: 0.727 },
  };
  assert.equal(rgrValueText(r), '50.0% [27.8, 72.7]');
  assert.equal(rgrValueText({ ...r, interval: null, intervalNote: 'unbounded' }), '50.0%');
  const undef: RgrView = {
    value: null,
    reason: 'undefined: RL is below the base (−5.0 points on the 20 common problems)',
    unstable: false,
    common: 20,
    gap: -0.05,
    gapProblems: -1,
    interval: null,
  };
  assert.equal(rgrValueText(undef), 'undefined');
  assert.equal(reasonText(undef), 'RL is below the base (−5.0 points on the 20 common problems)');
  const mean: MeanRgrView = {
    aggregation: 'mean-of-ratios',
    weighting: 'macro',
    value: 0.5,
    interval: null,
    over: 1,
    of: 3,
    leftOut: { undefined: 1, unstable: 1, noCommon: 0 },
  };
  assert.equal(leftOutText(mean), 'over 1 of 3 (left out: 1 undefined, 1 unstable)');
  assert.equal(leftOutText({ ...mean, over: 3, leftOut: { undefined: 0, unstable: 0, noCommon: 0 } }), 'over 3 of 3');
  assert.equal(onCommon(50, 100), 'on 50 of 100');
  assert.equal(onCommon(100, 100), '');
});
