import type { TraceRow } from '../../src/protocol/traces';

/**
 * The Traces list as a screen reader and a keyboard meet it (pure, so it is unit-tested): the short name
 * each row is announced by, and where each navigation key moves the selection. The list follows the
 * WAI-ARIA listbox pattern with aria-activedescendant (https://www.w3.org/WAI/ARIA/apg/patterns/listbox/):
 * focus stays on the list, the selected row is its active descendant.
 */

/** The label state in words ("accepted, starred, note"); empty when the trace has none. */
export function labelWords(label: TraceRow['label']): string {
  const words: string[] = [];
  if (label.decision === 'accept') words.push('accepted');
  if (label.decision === 'reject') words.push('rejected');
  if (label.star) words.push('starred');
  if (label.note) words.push('note');
  return words.join(', ');
}

/**
 * A row's accessible name: verdict, which problem and sample, and its label state. Short on purpose: the
 * row itself shows ~230 characters (question, answers, signals), too much to hear on every arrow key.
 */
export function rowLabel(r: Pick<TraceRow, 'verdict' | 'set' | 'problemKey' | 'sampleIndex' | 'label'>): string {
  const parts = [r.verdict, `${r.set} ${r.problemKey} sample ${r.sampleIndex}`];
  const labels = labelWords(r.label);
  if (labels) parts.push(labels);
  return parts.join(', ');
}

export type NavKey = 'ArrowDown' | 'ArrowUp' | 'j' | 'k' | 'Home' | 'End' | 'PageDown' | 'PageUp';

export function isNavKey(key: string): key is NavKey {
  return ['ArrowDown', 'ArrowUp', 'j', 'k', 'Home', 'End', 'PageDown', 'PageUp'].includes(key);
}

/**
 * The row a navigation key selects, from `current` (-1: none yet) in a list of `total` rows of which
 * `page` fit on screen. Nothing selected yet: End selects the last row, every other key the first.
 * Returns -1 only for an empty list.
 */
export function navigate(key: NavKey, current: number, total: number, page: number): number {
  if (total <= 0) return -1;
  const last = total - 1;
  const step = Math.max(1, page - 1);
  const clamp = (i: number) => Math.min(last, Math.max(0, i));
  if (current < 0) return key === 'End' ? last : 0;
  switch (key) {
    case 'ArrowDown':
    case 'j':
      return clamp(current + 1);
    case 'ArrowUp':
    case 'k':
      return clamp(current - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageDown':
      return clamp(current + step);
    case 'PageUp':
      return clamp(current - step);
  }
}

/**
 * Which of the remaining chips takes focus when chip `removed` of `count` goes (the one that moved into
 * its place, else the one before it); -1 when none remain.
 */
export function focusAfterRemoval(removed: number, count: number): number {
  const remaining = count - 1;
  if (remaining <= 0) return -1;
  return Math.min(removed, remaining - 1);
}
