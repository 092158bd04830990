import type { ComparisonOptions } from './comparison';
import { MAJ_VOTES, type MajVote } from './metrics';
import { RGR_AGGREGATIONS, type RgrAggregation, type Weighting } from './rgr';

const WEIGHTINGS: readonly Weighting[] = ['macro', 'micro'];

/**
 * The comparison choices from the editor's settings (w2s.results.rgrMinGap / average / rgrMean / majVote,
 * the `w2s results` flags). A value that is not one of the choices (a hand-edited settings.json) is left
 * out, so the default holds and is stated, rather than failing the whole table.
 */
export function comparisonChoices(
  get: (key: string) => unknown,
): Pick<ComparisonOptions, 'rgrMinGap' | 'weighting' | 'rgrAggregation' | 'majVote'> {
  const pick = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const v = get(key);
    return allowed.includes(v as T) ? (v as T) : undefined;
  };
  const gap = get('rgrMinGap');
  return {
    rgrMinGap: typeof gap === 'number' && Number.isSafeInteger(gap) && gap >= 0 ? gap : undefined,
    weighting: pick<Weighting>('average', WEIGHTINGS),
    rgrAggregation: pick<RgrAggregation>('rgrMean', RGR_AGGREGATIONS),
    majVote: pick<MajVote>('majVote', MAJ_VOTES),
  };
}
