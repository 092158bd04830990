import * as vscode from 'vscode';
import { pct } from '../../core/results/format';
import type { ProblemLineage } from '../../core/results/problem-lineage';
import { partialText } from '../../core/results/problem-results';
import { VERDICTS } from '../../model/verdicts';
import { escapeMarkdown } from '../ui/markdown-text';
import { BUILTIN_SCHEME } from './documents';
import type { ResultsIndex } from './results-index';

/** Model output and dataset text are data (escaped as markdown text), and a hover line stays short. */
function esc(s: string, max = 80): string {
  return escapeMarkdown(s.length > max ? `${s.slice(0, max)}…` : s);
}

const MARK = { correct: '✓', incorrect: '✗', 'no-answer': '∅', error: '⚠' } as const;
/** students named in "Trained on this problem" before "and N more" */
const MAX_STUDENTS = 5;
/** teacher runs named per student before "+N" (a snapshot usually holds one) */
const MAX_TEACHERS = 2;

/**
 * One student trained on traces of the problem: `student ← snapshot (N traces of this problem: ✓ a, ✗ b
 * from teacher (run))`, its SFT job, and a link to exactly those traces in the Traces view.
 */
function lineageLine(set: string, key: string, l: ProblemLineage): string {
  const n = l.traces.length;
  const counts = VERDICTS.map((v) => {
    const c = l.traces.filter((t) => t.verdict === v).length;
    return c === 0 ? '' : v === 'ungraded' ? `${c} ungraded` : `${MARK[v]} ${c}`;
  }).filter(Boolean);
  const teachers = [...new Map(l.traces.map((t) => [`${t.teacher}\u0000${t.run}`, t])).values()];
  const from = teachers
    .slice(0, MAX_TEACHERS)
    .map((t) => `${esc(t.teacher)} (${esc(t.run)})`)
    .join(', ');
  const more = teachers.length > MAX_TEACHERS ? ` +${teachers.length - MAX_TEACHERS}` : '';
  const val = l.traces.filter((t) => t.split === 'val').length;
  const split = val ? `, ${val === n ? 'all' : val} in validation` : '';
  const job = l.job ? ` · SFT job ${esc(l.job)}` : '';
  const args = encodeURIComponent(JSON.stringify([{ set, problemKey: key, traceIds: l.traces.map((t) => t.id) }]));
  return (
    `- ${esc(l.model)} ← ${esc(l.snapshot)} (${n} trace${n === 1 ? '' : 's'} of this problem: ${counts.join(', ')}` +
    ` from ${from}${more}${split})${job} · [traces](command:w2s.openProblemTraces?${args} "These traces in the Traces view")\n`
  );
}

/**
 * On a problem's line in a problem-set file: each evaluated model's verdict (and answer), the teacher
 * runs' pass rate on it, the students fine-tuned on teacher traces of it, and a link that opens its traces.
 */
export function registerProblemHover(index: ResultsIndex): vscode.Disposable {
  const selector: vscode.DocumentSelector = [
    { scheme: BUILTIN_SCHEME },
    { scheme: 'file', pattern: '**/*.{jsonl,ndjson,json,csv}' },
  ];
  return vscode.languages.registerHoverProvider(selector, {
    provideHover(document, position) {
      const set = index.setForDocument(document.uri);
      const lines = set && index.lines(set);
      if (!set || !lines) return undefined;
      let key: string | undefined;
      for (const [k, line] of lines.lines) {
        if (line === position.line + 1) {
          key = k;
          break;
        }
      }
      if (key === undefined) return undefined;
      const results = index.results(set.name);
      if (!results) return undefined;
      const md = new vscode.MarkdownString(undefined, true);
      md.isTrusted = { enabledCommands: ['w2s.openProblemTraces', 'w2s.openProblemTracesAsText'] };
      md.supportHtml = false;
      md.appendMarkdown(
        `**W2S · ${esc(set.name)} / ${esc(key)}** — gold answer: ${esc(results.gold.get(key) ?? '?')}\n\n`,
      );
      const evaluated = results.evaluations.filter((e) => e.byKey.has(key!));
      if (evaluated.length) {
        md.appendMarkdown('Evaluated models:\n\n');
        for (const e of evaluated) {
          const o = e.byKey.get(key)!;
          const graded = o.samples.filter((s) => s.verdict !== null);
          const correct = graded.filter((s) => s.verdict === 'correct').length;
          if (graded.length === 0) {
            md.appendMarkdown(`- ${esc(e.model)}: ${o.samples.length ? 'not graded yet' : 'request failed'}\n`);
            continue;
          }
          const first = graded[0]!;
          const verdict =
            graded.length === 1
              ? `${MARK[first.verdict!]} ${first.verdict}`
              : `${correct}/${graded.length} samples correct`;
          const answer =
            graded.length === 1 ? ` · answer ${first.extracted === null ? '(none)' : esc(first.extracted)}` : '';
          // a partial evaluation is no result on the whole set: say so next to its verdict
          const partial = e.coverage.partial ? ` · _${partialText(e.coverage)}_` : '';
          md.appendMarkdown(`- ${esc(e.model)}: ${verdict}${answer} · ${esc(e.run.name)}${partial}\n`);
        }
        md.appendMarkdown('\n');
      } else md.appendMarkdown('No model evaluated on this problem yet.\n\n');
      const teachers = results.teachers.filter((t) => t.byKey.has(key!));
      if (teachers.length) {
        md.appendMarkdown('Teacher pass rate:\n\n');
        for (const t of teachers) {
          const r = t.byKey.get(key)!;
          md.appendMarkdown(
            `- ${esc(t.model)} (${esc(t.run)}): ${r.correct}/${r.graded} (${pct(r.graded ? r.correct / r.graded : null, 0)}%)\n`,
          );
        }
        md.appendMarkdown('\n');
      }
      const trained = index.lineage(set.name, key);
      if (trained.length) {
        md.appendMarkdown('Trained on this problem:\n\n');
        for (const l of trained.slice(0, MAX_STUDENTS)) md.appendMarkdown(lineageLine(set.name, key, l));
        if (trained.length > MAX_STUDENTS) md.appendMarkdown(`- and ${trained.length - MAX_STUDENTS} more\n`);
        md.appendMarkdown('\n');
      }
      const args = encodeURIComponent(JSON.stringify([{ set: set.name, problemKey: key }]));
      md.appendMarkdown(
        `[Open traces](command:w2s.openProblemTraces?${args} "Every trace of this problem in the Traces view") · [as text](command:w2s.openProblemTracesAsText?${args} "Every trace of this problem in one read-only document")`,
      );
      return new vscode.Hover(
        md,
        new vscode.Range(position.line, 0, position.line, document.lineAt(position.line).text.length),
      );
    },
  });
}
