import type { Cell, Comparison, Row } from './comparison';
import type { Interval } from './interval';
import { partialText } from './problem-results';
import type { MeanRgr, Rgr } from './rgr';

/**
 * The comparison as text: a terminal table, Markdown (full, or compact for a paper), booktabs LaTeX and
 * CSV. One minus sign throughout: U+2212 in text and Markdown, math-mode $-$ in LaTeX (a hyphen is a
 * hyphen); CSV holds plain machine-readable numbers.
 */

export const MINUS = '\u2212';

/** Percent with one decimal, as W2SR's tables print accuracy. */
export const pct = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined ? '–' : (x * 100).toFixed(digits);
/** A percentage with its sign: "+3.2", "−1.0" (a rounded −0.0 reads "0.0"). */
export const signed = (x: number, digits = 1): string => {
  const s = Math.abs(x * 100).toFixed(digits);
  if (Number(s) === 0) return s;
  return `${x > 0 ? '+' : MINUS}${s}`;
};
/** A percentage that may be negative, with the one minus sign. */
export const plain = (x: number, digits = 1): string => {
  const s = Math.abs(x * 100).toFixed(digits);
  return x < 0 && Number(s) !== 0 ? `${MINUS}${s}` : s;
};
const interval = (i: Interval, f: (x: number) => string) => `[${f(i.low)}, ${f(i.high)}]`;

const of = (common: number, total: number) => (common < total ? ` on ${common} of ${total}` : '');

/** RGR in percent with its interval, or why there is none: "50.0% [31.2, 70.4] on 50 of 100". */
export function rgrText(r: Rgr): string {
  if (r.value === null) return `undefined (${(r.reason ?? '').replace(/^undefined: /, '')})`;
  let s = `${plain(r.value)}%`;
  s += r.interval ? ` ${interval(r.interval, plain)}` : ` (no interval: ${r.intervalNote})`;
  if (r.unstable) s += ` (${r.reason})`;
  return s;
}

function meanRgrText(r: MeanRgr): string {
  if (r.value === null) return `undefined (${(r.reason ?? '').replace(/^undefined: /, '')})`;
  let s = `${plain(r.value)}%`;
  s += r.interval ? ` ${interval(r.interval, plain)}` : ` (no interval: ${r.intervalNote})`;
  const out = [
    r.leftOut.undefined && `${r.leftOut.undefined} undefined`,
    r.leftOut.unstable && `${r.leftOut.unstable} unstable`,
    r.leftOut.noCommon && `${r.leftOut.noCommon} without common problems`,
  ].filter(Boolean);
  s += ` over ${r.over} of ${r.of}${out.length ? ` (left out: ${out.join(', ')})` : ''}`;
  return s;
}

function roleText(r: Row): string {
  return r.roles.map((x) => (x === 'rl' ? 'RL' : x)).join(', ');
}

/** "partial: 4 of 500 problems graded" where the evaluation covers part of its set. */
export function coverageText(c: Cell): string {
  return partialText(c.coverage);
}

/** "72.4 [68.2, 76.4] · Δ +3.2 [+1.0, +5.4] on 100 of 500 · RGR 50.0% [31.2, 70.4]"; partial evaluations say so. */
export function cellText(c: Cell | null, withRgr = false): string {
  if (!c) return '–';
  const m = c.metrics;
  if (m.accuracy === null) return m.ungradedProblems ? 'ungraded' : '–';
  const parts = [`${pct(m.accuracy)}${m.interval ? ` ${interval(m.interval, pct)}` : ''}`];
  if (c.coverage.partial) parts.push(coverageText(c));
  if (c.delta)
    parts.push(`Δ ${signed(c.delta.value)} ${interval(c.delta.interval, signed)}${of(c.delta.common, c.delta.of)}`);
  else if (c.deltaNote) parts.push(`Δ: ${c.deltaNote}`);
  if (withRgr) parts.push(`RGR ${rgrText(c.rgr)}${c.rgr.common ? of(c.rgr.common, c.setProblems) : ''}`);
  return parts.join(' · ');
}

function lineageText(r: Row): string {
  if (!r.lineage) return '';
  const t = r.lineage.teachers.map((x) => `${x.model} (${x.run}, ${pct(x.accuracy)}%)`).join('; ');
  const job = r.lineage.job ? ` → SFT job ${r.lineage.job}` : '';
  return `${r.lineage.snapshot}: ${r.lineage.preset}${t ? ` from ${t}` : ''}${job}`;
}

/** "macro mean over 3 benchmarks" / "micro mean over 1,040 problems of 3 benchmarks". */
export function averageName(c: Comparison): string {
  return c.settings.weighting === 'macro'
    ? `macro mean over ${c.sets.length} benchmark${c.sets.length === 1 ? '' : 's'}`
    : `micro mean (weighted by problems) over ${c.sets.length} benchmark${c.sets.length === 1 ? '' : 's'}`;
}

function averageText(r: Row): string {
  const a = r.average;
  if (a.accuracy === null) return '–';
  const notes = [a.over < a.of && `${a.over} of ${a.of} sets`, a.partial && `${a.partial} partial`].filter(Boolean);
  return `${pct(a.accuracy)}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

function averageDeltaText(r: Row): string {
  const d = r.average.delta;
  if (!d) return '–';
  return `${signed(d.value)}${d.interval ? ` ${interval(d.interval, signed)}` : ''}${d.over < r.average.of ? ` (${d.over} of ${r.average.of} sets)` : ''}`;
}

/** Header and rows of the comparison as text cells (shared by the text table and full Markdown). */
export function comparisonCells(c: Comparison): { header: string[]; rows: string[][] } {
  const withLineage = c.rows.some((r) => r.lineage);
  const withRgr = Boolean(c.base && c.rl);
  const header = [
    'Model',
    'Role',
    ...c.sets.map((s) => s.label),
    `Avg. (${c.settings.weighting})`,
    ...(c.base ? ['Avg. Δ'] : []),
    ...(withRgr ? [`RGR (${c.settings.rgrAggregation})`] : []),
  ];
  if (withLineage) header.push('Trained on (teacher accuracy)');
  const rows = c.rows.map((r) => {
    // per-benchmark RGR for the students (the base and the RL reference are 0 and 1 by definition)
    const student = withRgr && r.model !== c.base && r.model !== c.rl;
    const line = [
      r.model,
      roleText(r),
      ...c.sets.map((s) => cellText(r.cells[s.name] ?? null, student)),
      averageText(r),
    ];
    if (c.base) line.push(averageDeltaText(r));
    if (withRgr) line.push(r.rgr && student ? meanRgrText(r.rgr) : '–');
    if (withLineage) line.push(lineageText(r));
    return line;
  });
  return { header, rows };
}

/** What every number is, how its interval was made, and the choices behind the averages. */
export function notes(c: Comparison): string[] {
  const s = c.settings;
  const conf = `${Math.round(s.confidence * 100)}%`;
  const out = [
    `Accuracy: pass@1 averaged over samples, in %, with its ${conf} ${s.interval}; bootstrap: ${s.resamples} resamples, seed ${s.seed}.`,
    `Avg.: ${averageName(c)}, over the benchmarks each model has a graded result on.${c.rows.some((r) => r.average.partial) ? ' A partial evaluation covers part of its set; its accuracy is on the problems it graded.' : ''}`,
  ];
  if (c.base) {
    out.push(
      `Δ against ${c.base}, on the problems both were graded on ("on N of M" where that is not the whole set), with a paired bootstrap interval. ` +
        `Avg. Δ: the ${s.weighting} mean of the paired per-benchmark Δs, stratified paired bootstrap.`,
    );
  }
  if (c.base && c.rl) {
    out.push(
      `RGR = (acc − acc(${c.base})) / (acc(${c.rl}) − acc(${c.base})), in %, on the problems all three were graded on; ` +
        `interval: paired bootstrap resampling those problems jointly for the three models (${s.resamples} resamples, seed ${s.seed}). ` +
        `Undefined where ${c.rl} does not beat ${c.base} (gap ≤ 0); unstable where the gap is under ${s.rgrMinGap} problems.`,
    );
    out.push(
      s.rgrAggregation === 'mean-of-ratios'
        ? `Mean RGR: ${s.weighting} mean of the per-benchmark RGRs (mean of ratios, the default, as W2SR reports it), leaving out undefined and unstable ones (counted).`
        : `Mean RGR: ratio of the ${s.weighting} mean gain to the ${s.weighting} mean gap over the benchmarks with common problems (ratio of gains; the default is the mean of ratios).`,
    );
  }
  if (c.rows.some((r) => Object.values(r.cells).some((x) => x && x.metrics.majAtK.length))) {
    out.push(
      `maj@k: ${s.majVote === 'exact' ? "votes grouped by exact answer text (W2SR's way)" : 'votes grouped by equivalent answers, as the grader judges them'}; pass@k and maj@k over the problems with at least k graded samples.`,
    );
  }
  return out;
}

/** A plain-text table for the terminal. */
export function toTextTable(c: Comparison): string {
  if (c.rows.length === 0)
    return 'No evaluations yet. Evaluate a model: w2s eval --base-url URL --model ID --sets math500,aime24,amc23\n';
  const { header, rows } = comparisonCells(c);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return (
    [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), '', ...notes(c)].join('\n') + '\n'
  );
}

const mdEscape = (s: string) =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/([|*_])/g, '\\$1')
    .replace(/\n/g, ' ');

function mdTable(header: string[], rows: string[][], textColumns = 2): string[] {
  return [
    `| ${header.map(mdEscape).join(' | ')} |`,
    `|${header.map((_, i) => (i < textColumns ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(mdEscape).join(' | ')} |`),
  ];
}

/** A GitHub-flavoured Markdown table with every number and its notes. */
export function toMarkdown(c: Comparison): string {
  const { header, rows } = comparisonCells(c);
  return [...mdTable(header, rows), '', ...notes(c).map((n) => `_${mdEscape(n)}_`)].join('\n') + '\n';
}

/** A paper table's cells: accuracy ± half its interval per benchmark, Avg., Avg. Δ and mean RGR (%) as columns. */
interface PaperTable {
  readonly header: string[];
  readonly rows: { model: string; cells: string[] }[];
  /** per-benchmark RGR of the students, in % */
  readonly rgr: { header: string[]; rows: { model: string; cells: string[] }[] } | null;
  readonly footnotes: string[];
}

type Numbers = {
  number: (x: number) => string;
  signed: (x: number) => string;
  pm: (x: number, half: number) => string;
  dash: string;
  dagger: string;
};

function paperTable(c: Comparison, n: Numbers): PaperTable {
  const withRgr = Boolean(c.base && c.rl);
  const partial = new Set<string>();
  const reasons = new Map<string, string>();
  const mark = (reason: string) => {
    if (!reasons.has(reason)) reasons.set(reason, '*'.repeat(reasons.size + 1));
    return reasons.get(reason)!;
  };
  const accCell = (cell: Cell | null) => {
    if (!cell || cell.metrics.accuracy === null) return n.dash;
    const m = cell.metrics;
    const half = m.interval ? (m.interval.high - m.interval.low) / 2 : null;
    const text = half === null ? n.number(m.accuracy!) : n.pm(m.accuracy!, half);
    if (cell.coverage.partial) partial.add(`${cell.run}: ${cell.coverage.graded} of ${cell.coverage.of}`);
    return cell.coverage.partial ? `${text}${n.dagger}` : text;
  };
  const rgrCell = (r: Rgr | MeanRgr | null) => {
    if (!r) return n.dash;
    // the footnote keeps the reason whole ("undefined: …"), unlike the cell text that drops the prefix
    if (r.value === null) return `${n.dash}${mark(r.reason ?? '')}`;
    const half = r.interval ? (r.interval.high - r.interval.low) / 2 : null;
    const text = half === null ? n.number(r.value) : n.pm(r.value, half);
    return 'unstable' in r && r.unstable ? `${text}${mark(r.reason!)}` : text;
  };
  const header = [
    'Model',
    ...c.sets.map((s) => s.label),
    `Avg. (${c.settings.weighting})`,
    ...(c.base ? ['Δ'] : []),
    ...(withRgr ? ['RGR (%)'] : []),
  ];
  const students = c.rows.filter((r) => r.model !== c.base && r.model !== c.rl);
  const rows = c.rows.map((r) => {
    const cells = c.sets.map((s) => accCell(r.cells[s.name] ?? null));
    cells.push(r.average.accuracy === null ? n.dash : n.number(r.average.accuracy));
    if (c.base) cells.push(r.average.delta ? n.signed(r.average.delta.value) : n.dash);
    if (withRgr) cells.push(students.includes(r) ? rgrCell(r.rgr) : n.dash);
    return { model: r.model, cells };
  });
  const rgr = withRgr
    ? {
        header: ['RGR (%)', ...c.sets.map((s) => s.label), 'Mean'],
        rows: students.map((r) => ({
          model: r.model,
          cells: [...c.sets.map((s) => rgrCell(r.cells[s.name]?.rgr ?? null)), rgrCell(r.rgr)],
        })),
      }
    : null;
  const s = c.settings;
  const footnotes = [
    `Accuracy (%) ± half the width of its ${Math.round(s.confidence * 100)}% interval (${s.interval}; ${s.resamples} resamples, seed ${s.seed}). Avg.: ${averageName(c)}.`,
  ];
  if (c.base)
    footnotes.push(
      `Δ: the ${s.weighting} mean of the paired per-benchmark differences against ${c.base}, each on the problems both were graded on.`,
    );
  if (withRgr) {
    footnotes.push(
      `RGR (%): (acc − acc(${c.base})) / (acc(${c.rl}) − acc(${c.base})) on the problems all three were graded on, ± half its paired-bootstrap interval; ` +
        `mean: ${s.rgrAggregation === 'mean-of-ratios' ? `${s.weighting} mean of the defined, stable per-benchmark RGRs` : `ratio of the ${s.weighting} mean gain to the mean gap`}; unstable under a gap of ${s.rgrMinGap} problems.`,
    );
  }
  if (partial.size) footnotes.push(`† partial evaluation (problems graded of the set): ${[...partial].join('; ')}.`);
  for (const [reason, m] of reasons) footnotes.push(`${m} ${reason}`);
  return { header, rows, rgr, footnotes };
}

const textNumbers: Numbers = {
  number: (x) => plain(x),
  signed: (x) => signed(x),
  pm: (x, half) => `${plain(x)} ± ${pct(half)}`,
  dash: '–',
  dagger: '†',
};

/** Compact Markdown for a paper draft: accuracy ± CI per cell, Avg., Δ and RGR (%) columns, then RGR per benchmark. */
export function toCompactMarkdown(c: Comparison): string {
  const t = paperTable(c, textNumbers);
  const lines = mdTable(
    t.header,
    t.rows.map((r) => [r.model, ...r.cells]),
    1,
  );
  if (t.rgr && t.rgr.rows.length)
    lines.push(
      '',
      ...mdTable(
        t.rgr.header,
        t.rgr.rows.map((r) => [r.model, ...r.cells]),
        1,
      ),
    );
  return [...lines, '', ...t.footnotes.map((n) => `_${mdEscape(n)}_`)].join('\n') + '\n';
}

const TEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  '^': '\\^{}',
  _: '\\_',
  '%': '\\%',
  '~': '\\~{}',
};
const texEscape = (s: string) => s.replace(/[\\{}$&#^_%~]/g, (ch) => TEX_SPECIAL[ch]!);
/** Numbers in math mode, so that a negative one gets a minus sign and not a hyphen. */
const texNumbers: Numbers = {
  number: (x) => `$${plain(x).replace(MINUS, '-')}$`,
  signed: (x) => `$${signed(x).replace(MINUS, '-')}$`,
  pm: (x, half) => `$${plain(x).replace(MINUS, '-')} \\pm ${pct(half)}$`,
  dash: '--',
  // a text superscript, never $^\dagger$: after a number's closing $ that would open display math ($$)
  dagger: '\\textsuperscript{\\dag}',
};

function texTable(header: string[], rows: { model: string; cells: string[] }[]): string[] {
  // footnote marks (*, **) go to superscripts
  const cell = (s: string) => s.replace(/(\*+)$/, (m) => `\\textsuperscript{${m}}`);
  return [
    `\\begin{tabular}{l${'r'.repeat(header.length - 1)}}`,
    '\\toprule',
    `${header.map(texEscape).join(' & ')} \\\\`,
    '\\midrule',
    ...rows.map((r) => `${[texEscape(r.model), ...r.cells.map(cell)].join(' & ')} \\\\`),
    '\\bottomrule',
    '\\end{tabular}',
  ];
}

/** A booktabs table (\usepackage{booktabs}) with its notes as LaTeX comments and a caption draft. */
export function toLatex(c: Comparison): string {
  const t = paperTable(c, texNumbers);
  const notesTex = t.footnotes.map((f) =>
    texEscape(f)
      .replace(/^(\*+)/, '\\textsuperscript{$1}')
      .replace(/\u2212/g, '$-$')
      .replace(/Δ/g, '$\\Delta$')
      .replace(/±/g, '$\\pm$')
      .replace(/†/g, '\\textsuperscript{\\dag}')
      .replace(/≤/g, '$\\le$'),
  );
  const lines = ['\\begin{table}[t]', '\\centering', '\\small', ...texTable(t.header, t.rows)];
  if (t.rgr && t.rgr.rows.length) lines.push('\\\\[1ex]', ...texTable(t.rgr.header, t.rgr.rows));
  lines.push(`\\caption{${notesTex.join(' ')}}`, '\\end{table}');
  // Δ in a header: math mode
  return lines.join('\n').replace(/Δ/g, '$\\Delta$') + '\n';
}

const CSV_COLUMNS = [
  'model',
  'roles',
  'set',
  'run',
  'kind',
  'status',
  'samples_per_problem',
  'problems',
  'set_problems',
  'partial',
  'accuracy',
  'ci_low',
  'ci_high',
  'ci_method',
  'delta',
  'delta_low',
  'delta_high',
  'delta_problems',
  'rgr',
  'rgr_low',
  'rgr_high',
  'rgr_problems',
  'rgr_unstable',
  'rgr_reason',
  'pass_at_k',
  'pass_at_k_problems',
  'maj_at_k',
  'maj_at_k_problems',
  'maj_vote',
  'avg_length',
  'long_ignored',
  'truncation_rate',
  'failed_samples',
  'lineage_snapshot',
  'lineage_preset',
  'teacher_runs',
  'teacher_accuracy',
] as const;

function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? String(Number(v.toFixed(6))) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line per model and benchmark with every number (fractions, not percent), for spreadsheets and plots. */
export function toCsv(c: Comparison): string {
  const lines = [CSV_COLUMNS.join(',')];
  const ks = (
    xs: readonly { k: number; value: number; problems: number }[] | undefined,
    f: (x: { k: number; value: number; problems: number }) => string,
  ) => xs?.map((x) => `${x.k}:${f(x)}`).join(' ');
  for (const r of c.rows) {
    for (const s of c.sets) {
      const cell = r.cells[s.name];
      const m = cell?.metrics;
      const rgr = cell?.rgr;
      const values: (string | number | boolean | null | undefined)[] = [
        r.model,
        r.roles.join(' '),
        s.name,
        cell?.run,
        cell?.kind,
        cell?.status,
        cell?.samplesPerProblem,
        m?.problems,
        s.problems,
        cell?.coverage.partial,
        m?.accuracy,
        m?.interval?.low,
        m?.interval?.high,
        m?.interval?.method,
        cell?.delta?.value,
        cell?.delta?.interval.low,
        cell?.delta?.interval.high,
        cell?.delta?.common,
        rgr?.value,
        rgr?.interval?.low,
        rgr?.interval?.high,
        rgr?.common || null,
        rgr?.unstable,
        rgr?.reason,
        ks(m?.passAtK, (x) => String(Number(x.value.toFixed(6)))),
        ks(m?.passAtK, (x) => String(x.problems)),
        ks(m?.majAtK, (x) => String(Number(x.value.toFixed(6)))),
        ks(m?.majAtK, (x) => String(x.problems)),
        m?.majVote,
        m?.avgLength,
        m?.longIgnored,
        m?.truncationRate,
        m?.failedSamples,
        r.lineage?.snapshot,
        r.lineage?.preset,
        r.lineage?.teachers.map((t) => t.run).join(' '),
        r.lineage?.teachers.map((t) => (t.accuracy === null ? '' : Number(t.accuracy.toFixed(6)))).join(' '),
      ];
      lines.push(values.map(csvField).join(','));
    }
  }
  return lines.join('\n') + '\n';
}
