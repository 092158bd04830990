import { html, nothing, type TemplateResult } from 'lit';
import type { CellView, ComparisonView, RowView } from '../../src/protocol/results';
import { coverageText, intervalText, leftOutText, onCommon, pct, reasonText, rgrValueText, signed } from './text';

/** The models × benchmarks table: accuracy, coverage, Δ and RGR per cell; the row's named averages. */
export function tableView(
  c: ComparisonView,
  selected: { model: string; set: string } | undefined,
  onSelect: (model: string, set: string, byKeyboard: boolean) => void,
): TemplateResult {
  const averageTitle =
    c.settings.weighting === 'macro'
      ? `macro mean over the ${c.sets.length} benchmarks (each counts once)`
      : `micro mean over the ${c.sets.length} benchmarks (each problem counts once)`;
  return html`<table class="comparison">
    <thead>
      <tr>
        <th>Model</th>
        ${c.sets.map((s) => html`<th title=${`${s.name}: ${s.problems} problems`}>${s.label}</th>`)}
        <th class="avg-head" title=${averageTitle}>Avg. <span class="muted">(${c.settings.weighting})</span></th>
        <th
          title=${c.settings.rgrAggregation === 'mean-of-ratios' ? 'mean of the per-benchmark RGRs that are defined and stable' : 'ratio of the mean gain to the mean gap'}
          class="rgr-head"
        >
          RGR <span class="muted">(${c.settings.rgrAggregation.replace(/-/g, ' ')}, %)</span>
        </th>
      </tr>
    </thead>
    <tbody>
      ${c.rows.map((r) => rowView(c, r, selected, onSelect))}
    </tbody>
  </table>`;
}

function rowView(
  c: ComparisonView,
  r: RowView,
  selected: { model: string; set: string } | undefined,
  onSelect: (model: string, set: string, byKeyboard: boolean) => void,
): TemplateResult {
  return html`<tr class="row ${r.roles.map((x) => `role-${x}`).join(' ')}" data-model=${r.model}>
    ${modelCell(r)}
    ${c.sets.map((s) => metricCell(c, r, s.name, r.cells[s.name] ?? null, selected?.model === r.model && selected.set === s.name, onSelect))}
    ${averageCell(r)} ${meanRgrCell(c, r)}
  </tr>`;
}

function modelCell(r: RowView): TemplateResult {
  const l = r.lineage;
  const teachers = l ? l.teachers.map((t) => `${t.model} (${t.run}: ${pct(t.accuracy)}% correct)`).join(', ') : '';
  return html`<th class="model">
    <span class="name">${r.model}</span
    >${r.roles.map((role) => html`<span class="role role-${role}">${role === 'rl' ? 'RL' : role}</span>`)}
    ${l ? html`<div class="lineage">trained on ${l.snapshot}: ${l.preset}, ${l.traces} traces${teachers ? ` from ${teachers}` : ''}</div>` : nothing}
  </th>`;
}

function metricCell(
  c: ComparisonView,
  r: RowView,
  set: string,
  cell: CellView | null,
  isSelected: boolean,
  onSelect: (model: string, set: string, byKeyboard: boolean) => void,
): TemplateResult {
  if (!cell) return html`<td class="cell missing" data-set=${set}>–</td>`;
  const m = cell.metrics;
  const d = cell.delta;
  const significant = d && (d.interval.low > 0 || d.interval.high < 0);
  const student = Boolean(c.base && c.rl) && r.model !== c.base && r.model !== c.rl;
  const rgr = cell.rgr;
  const title =
    `${cell.run}${cell.reruns.length ? ` (+ ${cell.reruns.length} re-run)` : ''} · ${cell.status} · n=${cell.samplesPerProblem}` +
    `${m.interval ? ` · ${m.interval.method === 'wilson' ? 'Wilson score interval' : 'bootstrap interval'}` : ''}${cell.coverage.partial ? ` · ${coverageText(cell)}` : ''} · click for details`;
  const setLabel = c.sets.find((x) => x.name === set)?.label ?? set;
  // The cell's content is a button (issue 27: the details were mouse-only): Tab reaches it, Enter and Space
  // open the details, and its name starts with what opens. Inside a button only phrasing content is
  // valid, hence spans (shown as blocks by the stylesheet).
  return html`<td
    class="cell ${cell.status === 'running' ? 'running' : ''} ${isSelected ? 'selected' : ''} ${cell.coverage.partial ? 'partial' : ''}"
    data-set=${set}
    title=${title}
    @click=${(e: MouseEvent) => {
      if (!(e.target as Element).closest('button')) onSelect(r.model, set, false);
    }}
  >
    <button
      class="open-cell"
      aria-controls="details"
      aria-current=${isSelected ? 'true' : 'false'}
      @click=${(e: MouseEvent) => onSelect(r.model, set, e.detail === 0)}
    >
      <span class="sr-only">Details of ${r.model} on ${setLabel} (pass@k, maj@k, breakdowns): </span>
      <span class="acc">${m.accuracy === null ? (m.ungradedProblems ? 'ungraded' : '–') : pct(m.accuracy)}</span>
      ${m.interval ? html`<span class="ci">${intervalText(m.interval)}</span>` : nothing}
      ${cell.coverage.partial ? html`<span class="coverage partial">partial · ${cell.coverage.graded} of ${cell.coverage.of}</span>` : nothing}
      ${
        d
          ? html`<span
                class="delta ${d.value >= 0 ? 'up' : 'down'} ${significant ? 'significant' : ''}"
                title=${`Δ against ${c.base} on the ${d.common} problems both were graded on (of ${d.of}), paired bootstrap`}
              >
                ${signed(d.value)}
                ${intervalText(d.interval, signed)}${d.common < d.of ? html` <span class="common">${onCommon(d.common, d.of)}</span>` : nothing} </span
              >${significant ? html`<span class="sr-only"> (significant)</span>` : nothing}`
          : cell.deltaNote
            ? html`<span class="delta none">Δ: ${cell.deltaNote}</span>`
            : nothing
      }
      ${
        student
          ? html`<span
              class="rgr ${rgr.value === null ? 'undefined' : ''} ${rgr.unstable ? 'unstable' : ''}"
              title=${rgr.value === null ? (rgr.reason ?? '') : `on the ${rgr.common} problems base, RL and this model were graded on${rgr.intervalNote ? ` · no interval: ${rgr.intervalNote}` : ''}`}
            >
              RGR
              ${rgrValueText(rgr)}${rgr.value !== null && rgr.common < cell.setProblems ? html` <span class="common">${onCommon(rgr.common, cell.setProblems)}</span>` : nothing}
              ${rgr.value === null ? html`<span class="reason">${reasonText(rgr)}</span>` : nothing}
              ${rgr.unstable ? html`<span class="reason">${rgr.reason}</span>` : nothing}
              ${rgr.value !== null && !rgr.interval && rgr.intervalNote ? html`<span class="reason">no interval: ${rgr.intervalNote}</span>` : nothing}
            </span>`
          : nothing
      }
    </button>
  </td>`;
}

function averageCell(r: RowView): TemplateResult {
  const a = r.average;
  return html`<td class="avg">
    <div class="acc">${pct(a.accuracy)}</div>
    ${
      a.delta
        ? html`<div
            class="delta ${a.delta.value >= 0 ? 'up' : 'down'}"
            title=${`Avg. Δ: ${a.delta.weighting} mean of the paired per-benchmark Δs (${a.delta.over} benchmarks, ${a.delta.common} common problems)`}
          >
            Δ ${signed(a.delta.value)}${a.delta.interval ? ` ${intervalText(a.delta.interval, signed)}` : ''}
          </div>`
        : nothing
    }
    ${a.accuracy !== null && a.over < a.of ? html`<div class="ci">${a.over} of ${a.of} sets</div>` : nothing}
    ${a.partial ? html`<div class="coverage partial">${a.partial} partial</div>` : nothing}
  </td>`;
}

function meanRgrCell(c: ComparisonView, r: RowView): TemplateResult {
  const m = r.rgr;
  if (!c.base || !c.rl || !m || r.model === c.base || r.model === c.rl) return html`<td class="rgr-mean">–</td>`;
  return html`<td class="rgr-mean">
    <div class=${m.value === null ? 'undefined' : 'acc'}>${rgrValueText(m)}</div>
    ${m.value === null ? html`<div class="reason">${reasonText(m)}</div>` : nothing}
    ${m.value !== null && !m.interval && m.intervalNote ? html`<div class="reason">no interval: ${m.intervalNote}</div>` : nothing}
    <div class="ci">${leftOutText(m)}</div>
  </td>`;
}
