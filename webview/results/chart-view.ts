import { html, svg, type TemplateResult } from 'lit';
import type { ComparisonView } from '../../src/protocol/results';
import { pct } from './text';

const BAR = 16;
const STEP = 22;

/** Accuracy per benchmark and model as grouped bars with their intervals; partial evaluations hatched. */
export function chartView(c: ComparisonView): TemplateResult {
  const rows = c.rows;
  const groupW = Math.max(60, rows.length * STEP + 24);
  const left = 40;
  const top = 12;
  const h = 180;
  const width = left + c.sets.length * groupW + 10;
  const height = top + h + 40;
  const y = (v: number) => top + h - v * h;
  const grid = [0, 0.25, 0.5, 0.75, 1].map(
    (t) =>
      svg`<line x1=${left} x2=${width - 4} y1=${y(t)} y2=${y(t)} class="grid"></line><text x=${left - 6} y=${y(t) + 4} class="axis" text-anchor="end">${t * 100}</text>`,
  );
  const groups = c.sets.map((s, si) => {
    const x0 = left + si * groupW + 12;
    const bars = rows.map((r, ri) => {
      const cell = r.cells[s.name];
      const acc = cell?.metrics.accuracy;
      if (!cell || acc === null || acc === undefined) return svg``;
      const x = x0 + ri * STEP;
      const ci = cell.metrics.interval;
      const partial = cell.coverage.partial
        ? ` (partial: ${cell.coverage.graded} of ${cell.coverage.of} problems)`
        : '';
      return svg`<rect x=${x} y=${y(acc)} width=${BAR} height=${Math.max(0.5, acc * h)} class="bar series-${ri % 8} ${cell.coverage.partial ? 'partial' : ''}" data-model=${r.model} data-set=${s.name}
          ><title>${r.model} on ${s.label}: ${pct(acc)}%${partial}</title></rect
        >${
          ci
            ? svg`<line x1=${x + BAR / 2} x2=${x + BAR / 2} y1=${y(ci.low)} y2=${y(ci.high)} class="whisker"></line>${[
                ci.low,
                ci.high,
              ].map((v) => svg`<line x1=${x + 4} x2=${x + 12} y1=${y(v)} y2=${y(v)} class="whisker"></line>`)}`
            : svg``
        }`;
    });
    return svg`${bars}<text x=${x0 + (rows.length * STEP) / 2 - 3} y=${top + h + 16} class="axis" text-anchor="middle">${s.label}</text>`;
  });
  return html`<h2>Accuracy (%)</h2>
    <svg viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height} role="img" class="bars">
      <title>Accuracy per benchmark and model, with ${Math.round(c.settings.confidence * 100)}% intervals</title>
      ${grid}${groups}
    </svg>
    <div class="legend">
      ${rows.map(
        (r, ri) =>
          html`<span class="legend-item"
            ><svg width="12" height="12" class="swatch">
              <rect width="12" height="12" class=${`series-${ri % 8}`}></rect>
            </svg>
            ${r.model}</span
          >`,
      )}
    </div>`;
}
