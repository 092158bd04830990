import { W2sError } from '../errors';
import type { TraceFilter } from '../curation/filter';

/**
 * The W2SR datasets (Yuan et al. 2025, as its released code builds them) and the curated one:
 * - `w2sr`: every trace (the paper's main setting: incorrect traces teach too);
 * - `w2sr-p`: correct traces only (W2SR-P, the "-delfalse" files; trains ~25x faster);
 * - `incorrect`: incorrect and no-answer traces (the "-deltrue" files; the grader found no box or a wrong
 *   one; grader errors and ungraded traces are left out since their correctness is unknown);
 * - `accepted`: traces a person accepted in the browser.
 */
export const EXPORT_PRESETS = ['w2sr', 'w2sr-p', 'incorrect', 'accepted'] as const;
export type ExportPreset = (typeof EXPORT_PRESETS)[number];

const FILTERS: Record<ExportPreset, TraceFilter> = {
  w2sr: {},
  'w2sr-p': { verdicts: ['correct'] },
  incorrect: { verdicts: ['incorrect', 'no-answer'] },
  accepted: { labels: ['accept'] },
};

export function presetFilter(preset: ExportPreset): TraceFilter {
  return FILTERS[preset];
}

export function checkPreset(s: string): ExportPreset {
  if ((EXPORT_PRESETS as readonly string[]).includes(s)) return s as ExportPreset;
  throw new W2sError(`Unknown preset "${s}" (presets: ${EXPORT_PRESETS.join(', ')}).`, 'BAD_PRESET');
}
