/** `accept`/`reject` are exclusive; `star` goes with either; `none`: neither accepted, rejected nor starred. */
export const LABEL_VALUES = ['accept', 'reject', 'star', 'none'] as const;
export type LabelValue = (typeof LABEL_VALUES)[number];

/** A trace's label as stored. */
export interface TraceLabel {
  readonly decision: 'accept' | 'reject' | null;
  readonly star: boolean;
  readonly note: string | null;
}

/** What to change; fields left out stay as they are. `decision: null` clears accept/reject, `note: null` the note. */
export interface LabelChange {
  readonly decision?: 'accept' | 'reject' | null;
  readonly star?: boolean;
  readonly note?: string | null;
}
