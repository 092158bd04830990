import { html, nothing, type TemplateResult } from 'lit';
import type { ComparisonView } from '../../src/protocol/results';
import { coverageText, intervalText, leftOutText, onCommon, pct, reasonText, rgrValueText, signed } from './text';

/** Every number of one cell: coverage, Δ and RGR with their counts, pass@k / maj@k with theirs, breakdowns. */
export function detailsView(
  c: ComparisonView,
  selected: { model: string; set: string } | undefined,
  onReveal: (run: string, set: string) => void,
): TemplateResult {
  const row = selected ? c.rows.find((r) => r.model === selected.model) : undefined;
  const cell = row && selected ? row.cells[selected.set] : undefined;
  if (!row || !cell || !selected)
    return html`<p class="hint">
      Click a result for its details: coverage, pass@k, maj@k, length, truncation and breakdowns.
    </p>`;
  const m = cell.metrics;
  const items: [string, string][] = [
    [
      'run',
      `${cell.run}${cell.reruns.length ? ` + re-runs ${cell.reruns.join(', ')}` : ''} (${cell.kind}, ${cell.status})`,
    ],
    ['samples per problem', String(cell.samplesPerProblem)],
    [
      'problems graded',
      `${m.problems} of ${cell.setProblems}${cell.coverage.partial ? ' (partial evaluation)' : ''}${m.ungradedProblems ? ` (${m.ungradedProblems} not graded yet)` : ''}`,
    ],
    [
      'accuracy (pass@1)',
      `${pct(m.accuracy)}%${m.interval ? ` ${intervalText(m.interval)} (${m.interval.method === 'wilson' ? 'Wilson score interval' : 'percentile bootstrap'})` : ''}`,
    ],
  ];
  if (cell.delta) {
    const d = cell.delta;
    items.push([
      `Δ against ${c.base}`,
      `${signed(d.value)} ${intervalText(d.interval, signed)} on ${d.common} of ${d.of} problems (both graded), paired bootstrap`,
    ]);
  }
  if (cell.deltaNote) items.push([`Δ against ${c.base}`, cell.deltaNote]);
  if (c.base && c.rl && row.model !== c.base && row.model !== c.rl) {
    const r = cell.rgr;
    const where = r.common ? ` on ${r.common} of ${cell.setProblems} problems (all three graded)` : '';
    items.push([
      'RGR',
      r.value === null
        ? `undefined: ${reasonText(r)}`
        : `${rgrValueText(r)}${where}${r.unstable ? ` — ${r.reason}` : ''}${!r.interval && r.intervalNote ? ` — no interval: ${r.intervalNote}` : ''}`,
    ]);
    if (row.rgr)
      items.push([
        `mean RGR (${row.rgr.aggregation.replace(/-/g, ' ')}, ${row.rgr.weighting})`,
        `${rgrValueText(row.rgr)} ${leftOutText(row.rgr)}`,
      ]);
  }
  const over = (problems: number) =>
    problems < m.problems ? ` ${onCommon(problems, m.problems)} problems (those with k graded samples)` : '';
  for (const p of m.passAtK) if (p.k > 1) items.push([`pass@${p.k}`, `${pct(p.value)}%${over(p.problems)}`]);
  for (const p of m.majAtK)
    items.push([
      `maj@${p.k} (${m.majVote === 'exact' ? 'exact-text vote' : 'equivalent-answer vote'})`,
      `${pct(p.value)}%${over(p.problems)}`,
    ]);
  items.push([
    'average length',
    m.avgLength === null
      ? '–'
      : `${Math.round(m.avgLength)} tokens${m.longIgnored ? ` (${m.longIgnored} generation(s) of ${m.longTokens}+ tokens left out)` : ''}`,
  ]);
  items.push(['truncated (hit max_tokens)', m.truncationRate === null ? '–' : `${pct(m.truncationRate)}%`]);
  if (m.failedSamples) items.push(['failed requests', String(m.failedSamples)]);
  const label = c.sets.find((s) => s.name === selected.set)?.label ?? selected.set;
  // tabindex -1: the focus comes here when a cell is opened from the keyboard (main.ts)
  return html`<h2 tabindex="-1">${row.model} on ${label}</h2>
    ${cell.coverage.partial ? html`<p class="coverage partial">${coverageText(cell)}: its accuracy is on those problems; Δ and RGR on the problems it shares with the others.</p>` : nothing}
    <dl class="facts">
      ${items.map(
        ([k, v]) =>
          html`<dt>${k}</dt>
            <dd>${v}</dd>`,
      )}
    </dl>
    ${Object.entries(m.breakdowns).map(
      ([name, rows]) =>
        html`<h3>By ${name}</h3>
          <table class="breakdown">
            <thead>
              <tr>
                <th>${name}</th>
                <th>problems</th>
                <th>accuracy</th>
              </tr>
            </thead>
            <tbody>
              ${rows.map(
                (b) =>
                  html`<tr>
                    <td>${b.value}</td>
                    <td>${b.problems}</td>
                    <td>${pct(b.accuracy)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
    )}
    <button class="reveal" @click=${() => onReveal(cell.run, selected.set)}>Open the problem set with results</button>`;
}
