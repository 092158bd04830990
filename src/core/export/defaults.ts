import type { ExportFormat } from './formats';
import type { DatasetCounts, DatasetOptions } from './snapshots';

/**
 * The export options a user has not chosen, the same for `w2s export` and "W2S: Export SFT Dataset…"
 * (whose options picker starts from these ticks). They reproduce the W2SR paper's datasets, which keep
 * every trace of the selection (docs: shared notes, w2sr-recipe.md, "all traces (W2SR), correct only,
 * incorrect only"): dropping truncated traces or duplicates is a curation choice the user makes, never a
 * default that changes how many lines a preset gives.
 */
export const EXPORT_DEFAULTS: Readonly<DatasetOptions & { format: ExportFormat }> = Object.freeze({
  format: 'openai',
  reasoning: 'think',
  system: null,
  maxPerProblem: null,
  dropTruncated: false,
  dedupe: false,
  valFraction: 0,
  seed: 0,
});

type Skipped = DatasetCounts['skipped'];

/** Why traces were left out, one reason each, in words: ["3 truncated (cut off by the token limit)", …]. */
export function skippedReasons(skipped: Skipped): string[] {
  const out: string[] = [];
  if (skipped.duplicates)
    out.push(
      `${skipped.duplicates} duplicate${skipped.duplicates === 1 ? '' : 's'} (same problem, same reasoning and answer as a kept trace)`,
    );
  if (skipped.truncated) out.push(`${skipped.truncated} truncated (cut off by the token limit)`);
  if (skipped.overMaxPerProblem)
    out.push(`${skipped.overMaxPerProblem} over k per problem (the problem already had its k traces)`);
  return out;
}

export function skippedTotal(skipped: Skipped): number {
  return skipped.duplicates + skipped.truncated + skipped.overMaxPerProblem;
}
