import {
  CopyResultsRequest,
  ResultsStateNotification,
  RevealRunRequest,
  SelectResultsRequest,
  type CellView,
  type ComparisonView,
  type ResultsState,
  type RowView,
} from '../../src/protocol/results';
import { el } from '../shared/dom';
import { connect } from '../shared/ipc';
import './styles.css';

interface State {
  /** the cell whose details are open: model and set */
  selected?: { model: string; set: string };
}

const ipc = connect<State>();
const root = document.getElementById('root')!;
let viewState: State = ipc.getState() ?? {};
let state: ResultsState | undefined;

const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '–' : (x * 100).toFixed(digits));
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;
const rgrText = (v: number | null) => (v === null ? 'undefined' : v.toFixed(2));

// ---- controls ----------------------------------------------------------------------------------------
const baseSelect = el('select', { className: 'base' });
const rlSelect = el('select', { className: 'rl' });
baseSelect.setAttribute('aria-label', 'Base model');
rlSelect.setAttribute('aria-label', 'RL reference');
const setBoxes = el('fieldset', { className: 'sets' });
const copyMd = el('button', { className: 'copy-md', text: 'Copy as Markdown' });
const copyCsv = el('button', { className: 'copy-csv', text: 'Copy as CSV' });
const status = el('span', { className: 'status' });
const header = el(
  'header',
  { className: 'header' },
  el('h1', { text: 'Results' }),
  el('label', { className: 'pick' }, el('span', { text: 'Base ' }), baseSelect),
  el('label', { className: 'pick' }, el('span', { text: 'RL reference ' }), rlSelect),
  copyMd,
  copyCsv,
  status,
);
const error = el('div', { className: 'error' });
const table = el('table', { className: 'comparison' });
const chart = el('section', { className: 'chart' });
const details = el('section', { className: 'details' });
const notes = el('p', { className: 'notes' });
const empty = el('div', { className: 'empty' });
root.append(header, setBoxes, error, empty, table, chart, details, notes);

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  const o = el('option', { text: label });
  o.value = value;
  o.selected = selected;
  return o;
}

async function select(): Promise<void> {
  if (!state) return;
  const sets = [...setBoxes.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].filter((b) => b.checked).map((b) => b.value);
  status.textContent = 'computing…';
  try {
    render(await ipc.request(SelectResultsRequest, { base: baseSelect.value || null, rl: rlSelect.value || null, sets: sets.length === state.availableSets.length ? null : sets }));
  } catch (e) {
    error.textContent = (e as Error).message;
  }
}
baseSelect.addEventListener('change', () => void select());
rlSelect.addEventListener('change', () => void select());
setBoxes.addEventListener('change', () => void select());
for (const [button, format] of [[copyMd, 'md'], [copyCsv, 'csv']] as const) {
  button.addEventListener('click', () => {
    void ipc.request(CopyResultsRequest, { format }).then(
      (r) => (status.textContent = `copied ${r.chars} characters as ${format === 'md' ? 'Markdown' : 'CSV'}`),
      (e: Error) => (status.textContent = e.message),
    );
  });
}

// ---- rendering ---------------------------------------------------------------------------------------
function render(s: ResultsState): void {
  state = s;
  status.textContent = '';
  error.textContent = s.error ?? '';
  error.hidden = !s.error;
  const c = s.comparison;
  const models = c?.models ?? [];
  baseSelect.replaceChildren(option('', '(none)', !s.selection.base), ...models.map((m) => option(m, m, m === c?.base)));
  rlSelect.replaceChildren(option('', '(none)', !s.selection.rl), ...models.map((m) => option(m, m, m === c?.rl)));
  const chosen = new Set(c?.sets.map((x) => x.name) ?? []);
  setBoxes.replaceChildren(
    el('legend', { text: 'Benchmarks' }),
    ...s.availableSets.map((name) => {
      const box = el('input', { className: 'set' });
      box.type = 'checkbox';
      box.value = name;
      box.checked = chosen.has(name);
      return el('label', { className: 'set-choice' }, box, el('span', { text: ` ${name}` }));
    }),
  );
  if (!c || c.rows.length === 0) {
    empty.textContent = 'No evaluations yet. Run "W2S: Evaluate Endpoint Model…" (or w2s eval) on a few benchmarks, then choose a base and an RL reference here.';
    empty.hidden = false;
    table.replaceChildren();
    chart.replaceChildren();
    details.replaceChildren();
    notes.textContent = '';
    return;
  }
  empty.hidden = true;
  renderTable(c);
  renderChart(c);
  renderDetails(c);
  notes.textContent =
    `Accuracy: pass@1 averaged over samples, in %, with its ${Math.round(c.settings.confidence * 100)}% ${c.settings.interval} (${c.settings.resamples} resamples, seed ${c.settings.seed}). ` +
    (c.base ? `Δ against ${c.base} on the problems both were graded on. ` : 'Choose a base model for Δ. ') +
    (c.base && c.rl ? `RGR = (acc − acc(base)) / (acc(RL) − acc(base)); "undefined" where RL equals the base.` : 'Choose a base and an RL reference for RGR.');
}

function renderTable(c: ComparisonView): void {
  const head = el('tr', {}, el('th', { text: 'Model' }), ...c.sets.map((s) => el('th', { text: s.label, title: `${s.name}: ${s.problems} problems` })), el('th', { text: 'Avg.' }), el('th', { text: 'RGR' }));
  const body = c.rows.map((r) => {
    const tr = el('tr', { className: `row ${r.roles.map((x) => `role-${x}`).join(' ')}` }, modelCell(r));
    tr.dataset.model = r.model;
    for (const s of c.sets) tr.appendChild(metricCell(c, r, s.name, r.cells[s.name] ?? null));
    const avg = el('td', { className: 'avg' }, el('div', { className: 'acc', text: pct(r.average.accuracy) }));
    if (r.average.delta !== null) avg.appendChild(el('div', { className: `delta ${r.average.delta.value >= 0 ? 'up' : 'down'}`, text: signed(r.average.delta.value) }));
    if (r.average.accuracy !== null && r.average.over < r.average.of) avg.appendChild(el('div', { className: 'ci', text: `${r.average.over} of ${r.average.of} sets` }));
    tr.appendChild(avg);
    const rgr = el('td', { className: 'rgr-mean' });
    if (c.base && c.rl && r.rgr) {
      rgr.appendChild(el('div', { className: r.rgr.value === null ? 'undefined' : 'acc', text: rgrText(r.rgr.value) }));
      if (r.rgr.value !== null && r.rgr.over < r.rgr.of) rgr.appendChild(el('div', { className: 'ci', text: `over ${r.rgr.over} of ${r.rgr.of}` }));
    } else rgr.textContent = '–';
    tr.appendChild(rgr);
    return tr;
  });
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
}

function modelCell(r: RowView): HTMLTableCellElement {
  const th = el('th', { className: 'model' }, el('span', { className: 'name', text: r.model }));
  for (const role of r.roles) th.appendChild(el('span', { className: `role role-${role}`, text: role === 'rl' ? 'RL' : role }));
  if (r.lineage) {
    const l = r.lineage;
    const teachers = l.teachers.map((t) => `${t.model} (${t.run}: ${pct(t.accuracy)}% correct)`).join(', ');
    th.appendChild(el('div', { className: 'lineage', text: `trained on ${l.snapshot}: ${l.preset}, ${l.traces} traces${teachers ? ` from ${teachers}` : ''}` }));
  }
  return th;
}

function metricCell(c: ComparisonView, r: RowView, set: string, cell: CellView | null): HTMLTableCellElement {
  const td = el('td', { className: 'cell' });
  td.dataset.set = set;
  if (!cell) {
    td.textContent = '–';
    td.classList.add('missing');
    return td;
  }
  const m = cell.metrics;
  td.appendChild(el('div', { className: 'acc', text: m.accuracy === null ? (m.ungradedProblems ? 'ungraded' : '–') : pct(m.accuracy) }));
  if (m.interval) td.appendChild(el('div', { className: 'ci', text: `[${pct(m.interval.low)}, ${pct(m.interval.high)}]` }));
  if (cell.delta) {
    const d = cell.delta;
    const significant = d.interval.low > 0 || d.interval.high < 0;
    td.appendChild(el('div', { className: `delta ${d.value >= 0 ? 'up' : 'down'}${significant ? ' significant' : ''}`, text: `${signed(d.value)} [${signed(d.interval.low)}, ${signed(d.interval.high)}]` }));
  }
  if (c.base && c.rl && r.model !== c.base && r.model !== c.rl) {
    td.appendChild(el('div', { className: cell.rgr.value === null ? 'rgr undefined' : 'rgr', text: `RGR ${rgrText(cell.rgr.value)}`, title: cell.rgr.reason }));
  }
  if (m.problems < cell.setProblems) td.appendChild(el('div', { className: 'ci', text: `${m.problems} of ${cell.setProblems} problems` }));
  if (cell.status === 'running') td.classList.add('running');
  td.title = `${cell.run}${cell.reruns.length ? ` (+ ${cell.reruns.length} re-run)` : ''} · ${cell.status} · n=${cell.samplesPerProblem} · click for details`;
  const sel = viewState.selected;
  if (sel && sel.model === r.model && sel.set === set) td.classList.add('selected');
  td.addEventListener('click', () => {
    viewState = { selected: { model: r.model, set } };
    ipc.setState(viewState);
    for (const x of table.querySelectorAll('td.selected')) x.classList.remove('selected');
    td.classList.add('selected');
    renderDetails(c);
  });
  return td;
}

// ---- bar chart (SVG built with DOM APIs) --------------------------------------------------------------
const SVG = 'http://www.w3.org/2000/svg';
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function renderChart(c: ComparisonView): void {
  const rows = c.rows;
  const groupW = Math.max(60, rows.length * 22 + 24);
  const left = 40;
  const top = 12;
  const h = 180;
  const width = left + c.sets.length * groupW + 10;
  const height = top + h + 40;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'bars' });
  root.appendChild(svg('title', {}, 'Accuracy per benchmark and model, with 95% intervals'));
  const y = (v: number) => top + h - v * h;
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    root.appendChild(svg('line', { x1: left, x2: width - 4, y1: y(t), y2: y(t), class: 'grid' }));
    root.appendChild(svg('text', { x: left - 6, y: y(t) + 4, class: 'axis', 'text-anchor': 'end' }, `${t * 100}`));
  }
  c.sets.forEach((s, si) => {
    const x0 = left + si * groupW + 12;
    rows.forEach((r, ri) => {
      const cell = r.cells[s.name];
      const acc = cell?.metrics.accuracy;
      if (acc === null || acc === undefined) return;
      const x = x0 + ri * 22;
      const bar = svg('rect', { x, y: y(acc), width: 16, height: Math.max(0.5, acc * h), class: `bar series-${ri % 8}` });
      bar.appendChild(svg('title', {}, `${r.model} on ${s.label}: ${pct(acc)}%`));
      bar.dataset.model = r.model;
      bar.dataset.set = s.name;
      root.appendChild(bar);
      const ci = cell!.metrics.interval;
      if (ci) {
        root.appendChild(svg('line', { x1: x + 8, x2: x + 8, y1: y(ci.low), y2: y(ci.high), class: 'whisker' }));
        for (const v of [ci.low, ci.high]) root.appendChild(svg('line', { x1: x + 4, x2: x + 12, y1: y(v), y2: y(v), class: 'whisker' }));
      }
    });
    root.appendChild(svg('text', { x: x0 + (rows.length * 22) / 2 - 3, y: top + h + 16, class: 'axis', 'text-anchor': 'middle' }, s.label));
  });
  const legend = el(
    'div',
    { className: 'legend' },
    ...rows.map((r, ri) => {
      const swatch = svg('svg', { width: 12, height: 12, class: 'swatch' });
      swatch.appendChild(svg('rect', { width: 12, height: 12, class: `series-${ri % 8}` }));
      return el('span', { className: 'legend-item' }, swatch, el('span', { text: ` ${r.model}` }));
    }),
  );
  chart.replaceChildren(el('h2', { text: 'Accuracy (%)' }), root, legend);
}

// ---- details of one cell -------------------------------------------------------------------------------
function renderDetails(c: ComparisonView): void {
  const sel = viewState.selected;
  const row = sel ? c.rows.find((r) => r.model === sel.model) : undefined;
  const cell = row && sel ? row.cells[sel.set] : undefined;
  if (!row || !cell || !sel) {
    details.replaceChildren(el('p', { className: 'hint', text: 'Click a result for its details: pass@k, maj@k, length, truncation and breakdowns.' }));
    return;
  }
  const m = cell.metrics;
  const items: [string, string][] = [
    ['run', `${cell.run}${cell.reruns.length ? ` + re-runs ${cell.reruns.join(', ')}` : ''} (${cell.kind}, ${cell.status})`],
    ['samples per problem', String(cell.samplesPerProblem)],
    ['problems graded', `${m.problems} of ${cell.setProblems}${m.ungradedProblems ? ` (${m.ungradedProblems} not graded yet)` : ''}`],
    ['accuracy (pass@1)', `${pct(m.accuracy)}%${m.interval ? ` [${pct(m.interval.low)}, ${pct(m.interval.high)}]` : ''}`],
  ];
  if (cell.delta) items.push([`Δ against ${c.base}`, `${signed(cell.delta.value)} [${signed(cell.delta.interval.low)}, ${signed(cell.delta.interval.high)}] over ${cell.delta.common} shared problems`]);
  if (c.base && c.rl) items.push(['RGR', cell.rgr.value === null ? cell.rgr.reason ?? 'undefined' : rgrText(cell.rgr.value)]);
  for (const p of m.passAtK) if (p.k > 1) items.push([`pass@${p.k}`, `${pct(p.value)}%`]);
  for (const p of m.majAtK) items.push([`maj@${p.k}`, `${pct(p.value)}%`]);
  items.push(['average length', m.avgLength === null ? '–' : `${Math.round(m.avgLength)} tokens${m.longIgnored ? ` (${m.longIgnored} generation(s) of ${m.longTokens}+ tokens left out)` : ''}`]);
  items.push(['truncated (hit max_tokens)', m.truncationRate === null ? '–' : `${pct(m.truncationRate)}%`]);
  if (m.failedSamples) items.push(['failed requests', String(m.failedSamples)]);
  const dl = el('dl', { className: 'facts' });
  for (const [k, v] of items) dl.append(el('dt', { text: k }), el('dd', { text: v }));
  const open = el('button', { className: 'reveal', text: 'Open the problem set with results' });
  open.addEventListener('click', () => void ipc.request(RevealRunRequest, { run: cell.run, set: sel.set }));
  const parts: Node[] = [el('h2', { text: `${row.model} on ${c.sets.find((s) => s.name === sel.set)?.label ?? sel.set}` }), dl];
  for (const [name, rows] of Object.entries(m.breakdowns)) {
    parts.push(
      el('h3', { text: `By ${name}` }),
      el(
        'table',
        { className: 'breakdown' },
        el('thead', {}, el('tr', {}, el('th', { text: name }), el('th', { text: 'problems' }), el('th', { text: 'accuracy' }))),
        el('tbody', {}, ...rows.map((b) => el('tr', {}, el('td', { text: b.value }), el('td', { text: String(b.problems) }), el('td', { text: pct(b.accuracy) })))),
      ),
    );
  }
  parts.push(open);
  details.replaceChildren(...parts);
}

ipc.onNotification(ResultsStateNotification, render);
ipc.ready();
