import type { Cell, Comparison, Row } from './comparison';

/** Percent with one decimal, as W2SR's tables print accuracy. */
export const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '–' : (x * 100).toFixed(digits));
const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(digits)}`;
const rgrText = (v: number | null) => (v === null ? 'undefined' : v.toFixed(2));

function roleText(r: Row): string {
  return r.roles.map((x) => (x === 'rl' ? 'RL' : x)).join(', ');
}

/** "72.4 [68.2, 76.4]"; against the base "(+3.2 [1.0, 5.4])"; with a base and an RL reference " · RGR 0.75". */
export function cellText(c: Cell | null, withRgr = false): string {
  if (!c) return '–';
  const m = c.metrics;
  if (m.accuracy === null) return m.ungradedProblems ? 'ungraded' : '–';
  let s = pct(m.accuracy);
  if (m.interval) s += ` [${pct(m.interval.low)}, ${pct(m.interval.high)}]`;
  if (c.delta) s += ` (${signed(c.delta.value)} [${signed(c.delta.interval.low)}, ${signed(c.delta.interval.high)}])`;
  if (m.problems < c.setProblems) s += ` (${m.problems}/${c.setProblems})`;
  if (withRgr) s += ` · RGR ${rgrText(c.rgr.value)}`;
  return s;
}

function lineageText(r: Row): string {
  if (!r.lineage) return '';
  const t = r.lineage.teachers.map((x) => `${x.model} (${x.run}, ${pct(x.accuracy)}%)`).join('; ');
  return `${r.lineage.snapshot}: ${r.lineage.preset}${t ? ` from ${t}` : ''}`;
}

/** Header and rows of the comparison as text cells (shared by the text table and Markdown). */
export function comparisonCells(c: Comparison): { header: string[]; rows: string[][] } {
  const withLineage = c.rows.some((r) => r.lineage);
  const header = ['Model', 'Role', ...c.sets.map((s) => s.label), 'Avg.', 'RGR'];
  if (withLineage) header.push('Trained on (teacher accuracy)');
  const rows = c.rows.map((r) => {
    const avg = r.average.accuracy === null ? '–' : `${pct(r.average.accuracy)}${r.average.delta !== null ? ` (${signed(r.average.delta)})` : ''}${r.average.over < r.average.of ? ` (${r.average.over}/${r.average.of} sets)` : ''}`;
    const rgr = c.base && c.rl ? `${rgrText(r.rgr.value)}${r.rgr.value !== null && r.rgr.over < r.rgr.of ? ` (${r.rgr.over}/${r.rgr.of})` : ''}` : '–';
    // per-benchmark RGR for the students (the base and the RL reference are 0 and 1 by definition)
    const withRgr = Boolean(c.base && c.rl) && r.model !== c.base && r.model !== c.rl;
    const line = [r.model, roleText(r), ...c.sets.map((s) => cellText(r.cells[s.name] ?? null, withRgr)), avg, rgr];
    if (withLineage) line.push(lineageText(r));
    return line;
  });
  return { header, rows };
}

function notes(c: Comparison): string[] {
  const out = [
    `Accuracy: pass@1 averaged over samples, in %; ${Math.round(c.settings.confidence * 100)}% ${c.settings.interval}, ${c.settings.resamples} resamples, seed ${c.settings.seed}.`,
  ];
  if (c.base) out.push(`Δ against ${c.base} on the problems both were graded on.`);
  if (c.base && c.rl) out.push(`RGR = (acc − acc(${c.base})) / (acc(${c.rl}) − acc(${c.base})), per benchmark; its mean over the benchmarks where it is defined.`);
  return out;
}

/** A plain-text table for the terminal. */
export function toTextTable(c: Comparison): string {
  if (c.rows.length === 0) return 'No evaluations yet. Evaluate a model: w2s eval --base-url URL --model ID --sets math500,aime24,amc23\n';
  const { header, rows } = comparisonCells(c);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), '', ...notes(c)].join('\n') + '\n';
}

const mdEscape = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A GitHub-flavoured Markdown table with its notes, ready to paste into a paper draft. */
export function toMarkdown(c: Comparison): string {
  const { header, rows } = comparisonCells(c);
  const lines = [`| ${header.map(mdEscape).join(' | ')} |`, `|${header.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(mdEscape).join(' | ')} |`);
  return [...lines, '', ...notes(c).map((n) => `_${mdEscape(n)}_`)].join('\n') + '\n';
}

const CSV_COLUMNS = [
  'model', 'roles', 'set', 'run', 'kind', 'status', 'samples_per_problem', 'problems', 'set_problems', 'accuracy', 'ci_low', 'ci_high',
  'delta', 'delta_low', 'delta_high', 'delta_problems', 'rgr', 'pass_at_k', 'maj_at_k', 'avg_length', 'long_ignored', 'truncation_rate',
  'failed_samples', 'lineage_snapshot', 'lineage_preset', 'teacher_runs', 'teacher_accuracy',
] as const;

function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(Number(v.toFixed(6))) : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line per model and benchmark with every number (fractions, not percent), for spreadsheets and plots. */
export function toCsv(c: Comparison): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of c.rows) {
    for (const s of c.sets) {
      const cell = r.cells[s.name];
      const m = cell?.metrics;
      const values: (string | number | null | undefined)[] = [
        r.model, r.roles.join(' '), s.name, cell?.run, cell?.kind, cell?.status, cell?.samplesPerProblem, m?.problems, s.problems,
        m?.accuracy, m?.interval?.low, m?.interval?.high, cell?.delta?.value, cell?.delta?.interval.low, cell?.delta?.interval.high, cell?.delta?.common,
        cell ? cell.rgr.value : null,
        m?.passAtK.map((x) => `${x.k}:${Number(x.value.toFixed(6))}`).join(' '),
        m?.majAtK.map((x) => `${x.k}:${Number(x.value.toFixed(6))}`).join(' '),
        m?.avgLength, m?.longIgnored, m?.truncationRate, m?.failedSamples,
        r.lineage?.snapshot, r.lineage?.preset, r.lineage?.teachers.map((t) => t.run).join(' '),
        r.lineage?.teachers.map((t) => (t.accuracy === null ? '' : Number(t.accuracy.toFixed(6)))).join(' '),
      ];
      lines.push(values.map(csvField).join(','));
    }
  }
  return lines.join('\n') + '\n';
}
