import { html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ref } from 'lit/directives/ref.js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricName } from '../../src/model/metrics';
import { JobActionRequest, JobStateNotification, type JobPanelState } from '../../src/protocol/jobs';
import { connect } from '../shared/ipc';
import { chartRows, chartSummary, type CurveText } from './chart-text';
import './styles.css';

interface State {
  name?: string;
}

/** One chart: which metrics it draws, in which theme colour. */
interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly metrics: readonly { name: MetricName; label: string; color: string; dash?: number[] }[];
  /** Tick labels in scientific notation (learning rates are around 1e-5). */
  readonly sci?: boolean;
}

const CHARTS: readonly ChartSpec[] = [
  {
    id: 'loss',
    title: 'Loss',
    metrics: [
      { name: 'train_loss', label: 'train', color: '--vscode-charts-blue' },
      { name: 'valid_loss', label: 'validation', color: '--vscode-charts-orange', dash: [6, 4] },
    ],
  },
  {
    id: 'lr',
    title: 'Learning rate',
    sci: true,
    metrics: [{ name: 'learning_rate', label: 'learning rate', color: '--vscode-charts-green' }],
  },
  {
    id: 'grad',
    title: 'Gradient norm',
    metrics: [{ name: 'grad_norm', label: 'grad norm', color: '--vscode-charts-purple' }],
  },
  {
    id: 'tps',
    title: 'Tokens per second (real tokens)',
    metrics: [{ name: 'tokens_per_second', label: 'tokens/s', color: '--vscode-charts-yellow' }],
  },
  {
    id: 'acc',
    title: 'Token accuracy',
    metrics: [
      { name: 'train_mean_token_accuracy', label: 'train', color: '--vscode-charts-blue' },
      { name: 'valid_mean_token_accuracy', label: 'validation', color: '--vscode-charts-orange', dash: [6, 4] },
    ],
  },
];

type Action = 'stop' | 'log' | 'openRun';

const ipc = connect<State>();
const css = (name: string, fallback: string) =>
  getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

/** The points of a chart as uPlot wants them: one x axis (the union of the steps), nulls where a metric has no point. */
function chartData(spec: ChartSpec, state: JobPanelState): uPlot.AlignedData | undefined {
  const present = spec.metrics.filter((m) => state.series[m.name]?.[0].length);
  if (!present.length) return undefined;
  const steps = [...new Set(spec.metrics.flatMap((m) => state.series[m.name]?.[0] ?? []))].sort((a, b) => a - b);
  const index = new Map(steps.map((s, i) => [s, i]));
  const ys = spec.metrics.map((m) => {
    const col: (number | null)[] = new Array<number | null>(steps.length).fill(null);
    const [xs, vs] = state.series[m.name] ?? [[], []];
    xs.forEach((x, i) => (col[index.get(x)!] = vs[i]!));
    return col;
  });
  return [steps, ...ys] as uPlot.AlignedData;
}

/** A chart's curves for its text alternative (the metrics the chart draws that have points). */
function curves(spec: ChartSpec, state: JobPanelState): CurveText[] {
  return spec.metrics
    .filter((m) => state.series[m.name]?.[0].length)
    .map((m) => ({
      label: m.label,
      color: m.color,
      dashed: Boolean(m.dash),
      steps: state.series[m.name]![0],
      values: state.series[m.name]![1],
    }));
}

/**
 * What a screen reader gets instead of the canvas and its legend swatches (issue 27): a summary sentence
 * and, folded, the points as a table. The canvas box is aria-hidden; everything here is text nodes.
 */
function chartText(spec: ChartSpec, state: JobPanelState): TemplateResult {
  const cs = curves(spec, state);
  const rows = chartRows(cs, spec.sci);
  return html`<p class="chart-summary" id=${`summary-${spec.id}`}>${chartSummary(cs, spec.sci)}</p>
    <details class="chart-data">
      <summary>${spec.title}: data as a table (${rows.length} steps)</summary>
      <!-- a scrolling box is a tab stop and a named region, so the keyboard scrolls it too -->
      <div class="table-scroll" tabindex="0" role="region" aria-label=${`${spec.title} data`}>
        <table>
          <caption class="sr-only">
            ${spec.title}, by step
          </caption>
          <thead>
            <tr>
              <th scope="col">step</th>
              ${cs.map((c) => html`<th scope="col">${c.label}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (r) =>
                html`<tr>
                  <th scope="row">${r.step}</th>
                  ${r.cells.map((v) => html`<td>${v}</td>`)}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>`;
}

function makePlot(spec: ChartSpec, box: HTMLElement, data: uPlot.AlignedData): uPlot {
  const fg = css('--vscode-foreground', '#ccc');
  const grid = css('--vscode-panel-border', 'rgba(128,128,128,0.3)');
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const opts: uPlot.Options = {
    width: plotWidth(box),
    height: 220,
    scales: { x: { time: false } },
    axes: [
      { ...axis, label: 'step' },
      {
        ...axis,
        size: 70,
        ...(spec.sci
          ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => (v === 0 ? '0' : v.toExponential(1))) }
          : {}),
      },
    ],
    legend: { show: true },
    series: [
      { label: 'step' },
      ...spec.metrics.map((m) => ({
        label: m.label,
        stroke: css(m.color, '#3794ff'),
        width: 2,
        spanGaps: true,
        dash: m.dash,
        points: { show: m.name.startsWith('valid') },
        ...(spec.sci ? { value: (_u: uPlot, v: number | null) => (v === null ? '--' : v.toExponential(2)) } : {}),
      })),
    ],
  };
  return new uPlot(opts, data, box);
}

/** The box's width: no floor above what a narrow (or 200% zoomed) panel has, so the chart never scrolls sideways. */
const plotWidth = (box: HTMLElement) => Math.max(120, box.clientWidth);

/**
 * The panel of one cluster job: status, progress, live curves (uPlot, drawn into the boxes the template
 * renders), checkpoints, notes and the buttons. What it shows is its reactive properties: the newest
 * state from the extension, the message of a failed action, and the actions under way.
 */
class JobApp extends LitElement {
  static override properties: PropertyDeclarations = {
    job: { state: true },
    actionMessage: { state: true },
    pending: { state: true },
  };
  /** Nothing but the frame until the first state arrives (a panel restored after a reload waits for the extension). */
  declare job: JobPanelState | undefined;
  /** Why the last button press did not work (until the next state). */
  declare actionMessage: string | null;
  declare pending: ReadonlySet<Action>;
  private readonly plots = new Map<string, { u: uPlot; box: HTMLElement }>();
  private readonly resize = new ResizeObserver(() => {
    for (const { u, box } of this.plots.values()) u.setSize({ width: plotWidth(box), height: 220 });
  });

  constructor() {
    super();
    this.job = undefined;
    this.actionMessage = null;
    this.pending = new Set();
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  show(state: JobPanelState): void {
    ipc.setState({ name: state.name });
    this.job = state;
    this.actionMessage = null;
  }

  private async act(action: Action): Promise<void> {
    this.pending = new Set([...this.pending, action]);
    try {
      const r = await ipc.request(JobActionRequest, { action });
      if (!r.ok && r.message) this.actionMessage = r.message;
    } finally {
      this.pending = new Set([...this.pending].filter((a) => a !== action));
    }
  }

  protected override render(): TemplateResult {
    const s = this.job;
    const barWidth = `${s?.total ? Math.min(100, (100 * (s.step ?? 0)) / s.total) : 0}%`;
    const charts = s ? CHARTS.flatMap((spec) => (chartData(spec, s) ? [spec] : [])) : [];
    const button = (action: Action, label: string, className: string, hidden: boolean) =>
      html`<button
        class="button ${className}"
        ?hidden=${hidden}
        ?disabled=${this.pending.has(action)}
        @click=${() => void this.act(action)}
      >
        ${label}
      </button>`;
    return html`
      <header class="header">
        ${
          s
            ? html`<h1>${s.name}</h1>
                <!-- a status region: a change of state (running → succeeded) is announced -->
                <span class="status status-${s.status}" role="status"
                  ><span class="sr-only">Job status: </span>${s.status}</span
                >
                <span class="meta"
                  >${[s.kind === 'sft' ? 'SFT' : 'eval', s.progress, s.elapsed, s.cluster].filter(Boolean).join(' · ')}</span
                >`
            : nothing
        }
      </header>
      <div class="actions">
        ${button('stop', 'Stop job', 'stop', !s?.running)} ${button('log', 'Show log', 'secondary', false)}
        ${button('openRun', 'Open runs', 'secondary', !s?.evalRun)}
      </div>
      <div class="message">${this.actionMessage ?? (s ? ((s.running ? s.phase : s.finalMessage) ?? '') : '')}</div>
      <!-- the width is set through the CSSOM, which the CSP allows: a style attribute it blocks, and styleMap
           writes one on its first render (a console error in every job panel) -->
      <div class="progress" ?hidden=${!s?.total}>
        <div class="bar" ${ref((e) => e && ((e as HTMLElement).style.width = barWidth))}></div>
      </div>
      <pre class="error" ?hidden=${!s?.error}>${s?.error ?? ''}</pre>
      <p class="empty" ?hidden=${!s || charts.length > 0 || s.kind === 'eval'}>
        No metrics yet: the curves appear as the runner reports them.
      </p>
      <section class="charts">
        ${repeat(
          charts,
          (spec) => spec.id,
          (spec) => {
            // What the e2e test reads: how many points of the chart's first metric are drawn.
            const first = spec.metrics.find((m) => s!.series[m.name]);
            return html`<figure
              class="chart"
              data-metric=${spec.id}
              data-points=${first ? s!.series[first.name]![0].length : 0}
              aria-labelledby=${`caption-${spec.id}`}
              aria-describedby=${`summary-${spec.id}`}
            >
              <figcaption id=${`caption-${spec.id}`}>${spec.title}</figcaption>
              <!-- the canvas and its legend say nothing to a screen reader: the summary and table below do -->
              <div class="plot" aria-hidden="true"></div>
              ${chartText(spec, s!)}
            </figure>`;
          },
        )}
      </section>
      <section class="details">${s ? this.details(s) : nothing}</section>
    `;
  }

  private details(s: JobPanelState): TemplateResult {
    const pct = s.evalRun?.graded ? ` (${((100 * s.evalRun.correct) / s.evalRun.graded).toFixed(1)}%)` : '';
    return html`
      ${s.evalRun ? html`<p class="eval">Eval run ${s.evalRun.name}: ${s.evalRun.correct} of ${s.evalRun.graded} graded samples correct${pct}</p>` : nothing}
      ${
        s.checkpoints.length
          ? html`<h2>Checkpoints</h2>
              <ul class="checkpoints">
                ${s.checkpoints.map((c) => html`<li><span class="step">${c.final ? 'final model' : `step ${c.step}`}</span><code>${c.path}</code></li>`)}
              </ul>`
          : nothing
      }
      ${
        s.notes.length
          ? html`<h2>Notes</h2>
              <ul class="notes">
                ${s.notes.map((n) => html`<li>${n}</li>`)}
              </ul>`
          : nothing
      }
    `;
  }

  /** uPlot draws into the plot boxes the template made: a new box gets a new plot, a kept one new data. */
  protected override updated(): void {
    const s = this.job;
    if (!s) return;
    this.resize.observe(this.querySelector('.charts')!);
    for (const spec of CHARTS) {
      const data = chartData(spec, s);
      const box = this.querySelector<HTMLElement>(`.chart[data-metric="${spec.id}"] .plot`);
      const entry = this.plots.get(spec.id);
      if (entry && (!data || entry.box !== box)) {
        entry.u.destroy();
        this.plots.delete(spec.id);
      }
      if (!data || !box) continue;
      const kept = this.plots.get(spec.id);
      if (kept) kept.u.setData(data);
      else this.plots.set(spec.id, { u: makePlot(spec, box, data), box });
    }
  }
}

customElements.define('w2s-job', JobApp);
const app = document.createElement('w2s-job') as JobApp;
document.getElementById('root')!.appendChild(app);
ipc.onNotification(JobStateNotification, (state) => app.show(state));
ipc.ready();
