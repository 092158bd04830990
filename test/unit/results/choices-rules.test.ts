// What the comparison takes from the editor's settings (src/core/results/choices.ts): each setting is read
// under its own name, a value outside its choices is left out (the default then holds and is stated), and
// the RGR gap is a whole number of problems, 0 or more. Pure: a settings getter over a plain object.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { comparisonChoices } from '../../../src/core/results/choices';
import { MAJ_VOTES } from '../../../src/core/results/metrics';
import { RGR_AGGREGATIONS } from '../../../src/core/results/rgr';

const from = (settings: Record<string, unknown>) =>
  comparisonChoices((k) => (Object.hasOwn(settings, k) ? settings[k] : undefined));

describe('comparisonChoices', () => {
  test('rule: each choice is read from its own setting (rgrMinGap, average, rgrMean, majVote), no other', () => {
    assert.deepEqual(from({ rgrMinGap: 2, average: 'macro', rgrMean: 'mean-of-ratios', majVote: 'exact' }), {
      rgrMinGap: 2,
      weighting: 'macro',
      rgrAggregation: 'mean-of-ratios',
      majVote: 'exact',
    });
    // the same values under other names are not read
    assert.deepEqual(from({ weighting: 'macro', rgrAggregation: 'mean-of-ratios', gap: 2, '': 'exact' }), {
      rgrMinGap: undefined,
      weighting: undefined,
      rgrAggregation: undefined,
      majVote: undefined,
    });
  });

  test('rule: average accepts both weightings, macro and micro', () => {
    assert.equal(from({ average: 'macro' }).weighting, 'macro');
    assert.equal(from({ average: 'micro' }).weighting, 'micro');
  });

  test('rule: rgrMean and majVote accept every one of their choices', () => {
    for (const a of RGR_AGGREGATIONS) assert.equal(from({ rgrMean: a }).rgrAggregation, a);
    for (const v of MAJ_VOTES) assert.equal(from({ majVote: v }).majVote, v);
  });

  test("rule: a value outside a setting's choices is left out, even a choice of another setting", () => {
    const c = from({ average: 'exact', rgrMean: 'macro', majVote: 'mean-of-ratios' });
    assert.equal(c.weighting, undefined);
    assert.equal(c.rgrAggregation, undefined);
    assert.equal(c.majVote, undefined);
    assert.equal(from({ average: '' }).weighting, undefined);
    assert.equal(from({ average: 'MACRO' }).weighting, undefined);
  });

  test('rule: rgrMinGap is a whole number of problems, 0 or more; anything else is left out', () => {
    assert.equal(from({ rgrMinGap: 0 }).rgrMinGap, 0);
    assert.equal(from({ rgrMinGap: 5 }).rgrMinGap, 5);
    for (const bad of [-1, 2.5, '3', NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, null, true])
      assert.equal(from({ rgrMinGap: bad }).rgrMinGap, undefined, `rgrMinGap ${String(bad)}`);
  });
});
