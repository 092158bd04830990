// The text alternative of a job chart (issue 27): uPlot draws on a canvas, which a screen reader cannot
// read, and its legend swatches are colour alone. Each chart gets a one-sentence summary per curve and the
// points as a table. Pure functions of the panel state, so they are unit-tested without a browser.

/** One curve of a chart as the text needs it: its name, how it is drawn, its points in step order. */
export interface CurveText {
  readonly label: string;
  /** The theme colour variable it is drawn in, e.g. --vscode-charts-blue. */
  readonly color: string;
  readonly dashed: boolean;
  readonly steps: readonly number[];
  readonly values: readonly number[];
}

/** A value as the chart's axis shows it: learning rates in scientific notation, large counts whole. */
export function formatValue(v: number, sci = false): string {
  if (sci) return v === 0 ? '0' : v.toExponential(2);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return String(Number(v.toPrecision(3)));
}

/** What the legend swatch shows, in words: "blue solid line". */
export function swatchText(c: Pick<CurveText, 'color' | 'dashed'>): string {
  const hue = /--vscode-charts-(\w+)/.exec(c.color)?.[1] ?? 'coloured';
  return `${hue} ${c.dashed ? 'dashed' : 'solid'} line`;
}

/**
 * One sentence per curve: "train (blue solid line): 5.81 → 0.84 over 154 points, steps 1 to 770, last at
 * step 770". A curve without points says so.
 */
export function curveSummary(c: CurveText, sci = false): string {
  const n = c.steps.length;
  const head = `${c.label} (${swatchText(c)})`;
  if (n === 0) return `${head}: no points yet`;
  const first = formatValue(c.values[0]!, sci);
  const last = formatValue(c.values[n - 1]!, sci);
  if (n === 1) return `${head}: ${last} at step ${c.steps[0]}`;
  return `${head}: ${first} → ${last} over ${n} points, steps ${c.steps[0]} to ${c.steps[n - 1]}, last at step ${c.steps[n - 1]}`;
}

/** The chart's summary: its curves' sentences, joined. */
export function chartSummary(curves: readonly CurveText[], sci = false): string {
  return `${curves.map((c) => curveSummary(c, sci)).join('; ')}.`;
}

/** The points as table rows: one row per step (the union of the curves' steps), an empty cell where a curve has none. */
export function chartRows(curves: readonly CurveText[], sci = false): { step: number; cells: string[] }[] {
  const steps = [...new Set(curves.flatMap((c) => c.steps))].sort((a, b) => a - b);
  const byCurve = curves.map((c) => new Map(c.steps.map((s, i) => [s, c.values[i]!])));
  return steps.map((step) => ({
    step,
    cells: byCurve.map((m) => {
      const v = m.get(step);
      return v === undefined ? '' : formatValue(v, sci);
    }),
  }));
}
