import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricName } from '../../src/model/metrics';
import { JobActionRequest, JobStateNotification, type JobPanelState } from '../../src/protocol/jobs';
import { el } from '../shared/dom';
import { connect } from '../shared/ipc';
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
  { id: 'loss', title: 'Loss', metrics: [{ name: 'train_loss', label: 'train', color: '--vscode-charts-blue' }, { name: 'valid_loss', label: 'validation', color: '--vscode-charts-orange', dash: [6, 4] }] },
  { id: 'lr', title: 'Learning rate', sci: true, metrics: [{ name: 'learning_rate', label: 'learning rate', color: '--vscode-charts-green' }] },
  { id: 'grad', title: 'Gradient norm', metrics: [{ name: 'grad_norm', label: 'grad norm', color: '--vscode-charts-purple' }] },
  { id: 'tps', title: 'Tokens per second (real tokens)', metrics: [{ name: 'tokens_per_second', label: 'tokens/s', color: '--vscode-charts-yellow' }] },
  { id: 'acc', title: 'Token accuracy', metrics: [{ name: 'train_mean_token_accuracy', label: 'train', color: '--vscode-charts-blue' }, { name: 'valid_mean_token_accuracy', label: 'validation', color: '--vscode-charts-orange', dash: [6, 4] }] },
];

const ipc = connect<State>();
const root = document.getElementById('root')!;
const css = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

const header = el('header', { className: 'header' });
const actions = el('div', { className: 'actions' });
const stopButton = el('button', { className: 'button stop', text: 'Stop job' });
const logButton = el('button', { className: 'button secondary', text: 'Show log' });
const runButton = el('button', { className: 'button secondary', text: 'Open runs' });
actions.append(stopButton, logButton, runButton);
const message = el('div', { className: 'message' });
const errorBox = el('pre', { className: 'error' });
const progress = el('div', { className: 'progress' });
const bar = el('div', { className: 'bar' });
progress.append(bar);
const charts = el('section', { className: 'charts' });
const details = el('section', { className: 'details' });
const empty = el('p', { className: 'empty', text: 'No metrics yet: the curves appear as the runner reports them.' });
root.append(header, actions, message, progress, errorBox, empty, charts, details);
// Nothing but the frame until the first state arrives (a panel restored after a reload waits for the extension).
for (const e of [stopButton, runButton, errorBox, progress, empty]) e.hidden = true;

const plots = new Map<string, { u: uPlot; box: HTMLElement }>();

function chartData(spec: ChartSpec, state: JobPanelState): uPlot.AlignedData | undefined {
  const present = spec.metrics.filter((m) => state.series[m.name]?.[0].length);
  if (!present.length) return undefined;
  // uPlot wants one x axis: the union of the steps, with nulls where a metric has no point.
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

function makePlot(spec: ChartSpec, box: HTMLElement, data: uPlot.AlignedData): uPlot {
  const fg = css('--vscode-foreground', '#ccc');
  const grid = css('--vscode-panel-border', 'rgba(128,128,128,0.3)');
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const opts: uPlot.Options = {
    width: Math.max(240, box.clientWidth),
    height: 220,
    scales: { x: { time: false } },
    axes: [{ ...axis, label: 'step' }, { ...axis, size: 70, ...(spec.sci ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => (v === 0 ? '0' : v.toExponential(1))) } : {}) }],
    legend: { show: true },
    series: [
      { label: 'step' },
      ...spec.metrics.map((m) => ({
        label: m.label, stroke: css(m.color, '#3794ff'), width: 2, spanGaps: true, dash: m.dash, points: { show: m.name.startsWith('valid') },
        ...(spec.sci ? { value: (_u: uPlot, v: number | null) => (v === null ? '--' : v.toExponential(2)) } : {}),
      })),
    ],
  };
  return new uPlot(opts, data, box);
}

function renderCharts(state: JobPanelState): void {
  let drawn = 0;
  for (const spec of CHARTS) {
    const data = chartData(spec, state);
    let entry = plots.get(spec.id);
    if (!data) {
      entry?.box.parentElement?.remove();
      if (entry) plots.delete(spec.id);
      continue;
    }
    drawn++;
    if (!entry) {
      const figure = el('figure', { className: 'chart' });
      figure.dataset.metric = spec.id;
      const box = el('div', { className: 'plot' });
      figure.append(el('figcaption', { text: spec.title }), box);
      charts.append(figure);
      entry = { u: makePlot(spec, box, data), box };
      plots.set(spec.id, entry);
    } else entry.u.setData(data);
    // What the e2e test reads: how many points of the chart's first metric are drawn.
    const first = spec.metrics.find((m) => state.series[m.name]);
    entry.box.parentElement!.dataset.points = String(first ? state.series[first.name]![0].length : 0);
  }
  empty.hidden = drawn > 0 || state.kind === 'eval';
}

function render(state: JobPanelState): void {
  ipc.setState({ name: state.name });
  header.replaceChildren(
    el('h1', { text: state.name }),
    el('span', { className: `status status-${state.status}`, text: state.status }),
    el('span', { className: 'meta', text: [state.kind === 'sft' ? 'SFT' : 'eval', state.progress, state.elapsed, state.cluster].filter(Boolean).join(' · ') }),
  );
  stopButton.hidden = !state.running;
  runButton.hidden = !state.evalRun;
  message.textContent = (state.running ? state.phase : state.finalMessage) ?? '';
  errorBox.hidden = !state.error;
  errorBox.textContent = state.error ?? '';
  progress.hidden = !state.total;
  bar.style.width = `${state.total ? Math.min(100, (100 * (state.step ?? 0)) / state.total) : 0}%`;
  renderCharts(state);
  const rows: HTMLElement[] = [];
  if (state.evalRun) {
    const pct = state.evalRun.graded ? ` (${((100 * state.evalRun.correct) / state.evalRun.graded).toFixed(1)}%)` : '';
    rows.push(el('p', { className: 'eval', text: `Eval run ${state.evalRun.name}: ${state.evalRun.correct} of ${state.evalRun.graded} graded samples correct${pct}` }));
  }
  if (state.checkpoints.length) {
    rows.push(el('h2', { text: 'Checkpoints' }), el('ul', { className: 'checkpoints' }, ...state.checkpoints.map((c) => el('li', {}, el('span', { className: 'step', text: c.final ? 'final model' : `step ${c.step}` }), el('code', { text: c.path })))));
  }
  if (state.notes.length) rows.push(el('h2', { text: 'Notes' }), el('ul', { className: 'notes' }, ...state.notes.map((n) => el('li', { text: n }))));
  details.replaceChildren(...rows);
}

async function act(action: 'stop' | 'log' | 'openRun', button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const r = await ipc.request(JobActionRequest, { action });
    if (!r.ok && r.message) message.textContent = r.message;
  } finally {
    button.disabled = false;
  }
}
stopButton.addEventListener('click', () => void act('stop', stopButton));
logButton.addEventListener('click', () => void act('log', logButton));
runButton.addEventListener('click', () => void act('openRun', runButton));

new ResizeObserver(() => {
  for (const { u, box } of plots.values()) u.setSize({ width: Math.max(240, box.clientWidth), height: 220 });
}).observe(charts);

ipc.onNotification(JobStateNotification, (state) => render(state));
ipc.ready();
