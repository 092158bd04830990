/**
 * Signals as chips a reader understands: the signal's name in words ("mixed language", not "mix 0"),
 * its value when it counts something, a tooltip that says what it measures, and nothing for a signal
 * that found nothing (a row of "refl 0 verif 0 back 0 loop 0" says nothing and hides what is there).
 * Pure, so it is unit-tested in Node.
 */
export interface SignalMeta {
  /** style | failure | size */
  readonly kind: string;
  readonly description: string;
}

export interface Chip {
  readonly name: string;
  readonly kind: string;
  readonly text: string;
  readonly tooltip: string;
  /** at or past the value from which the trace counts as having the signal (its facet) */
  readonly present: boolean;
}

/** "mixed-language" → "mixed language" */
export function signalWords(name: string): string {
  return name.replace(/-/g, ' ');
}

/** Signals that are a yes or no: their value is 1 when present and says nothing more. */
const YES_NO = new Set(['truncated', 'no-box']);

export function signalChip(name: string, value: number, present: boolean, meta: SignalMeta | undefined): Chip {
  const words = signalWords(name);
  const text = YES_NO.has(name) ? words : `${words} ${value.toLocaleString('en-US')}`;
  const tooltip = `${words}: ${meta?.description ?? name}${YES_NO.has(name) ? '' : ` — value ${value.toLocaleString('en-US')}`}${present ? '' : ' (below the threshold that marks the trace)'}`;
  return { name, kind: meta?.kind ?? 'style', text, tooltip, present };
}

/**
 * The chips of a trace's signals: zero values left out, and sizes (token counts, shown with the trace's
 * facts) too; those that mark the trace first, then the rest in the given order.
 */
export function signalChips(
  values: Readonly<Record<string, number>>,
  present: readonly string[],
  meta: (name: string) => SignalMeta | undefined,
): Chip[] {
  const chips = Object.entries(values)
    .filter(([name, value]) => value !== 0 && meta(name)?.kind !== 'size')
    .map(([name, value]) => signalChip(name, value, present.includes(name), meta(name)));
  return [...chips.filter((c) => c.present), ...chips.filter((c) => !c.present)];
}
