import * as vscode from 'vscode';
import { pct } from '../../core/results/format';
import { partialText } from '../../core/results/problem-results';
import { shortMarkdownText as esc, VERDICT_MARK as MARK } from '../ui/markdown-text';
import { BUILTIN_SCHEME } from './documents';
import { lineageSuffix, trainedOnSection } from './lineage-text';
import type { ResultsIndex } from './results-index';

// Model output and dataset text are data (escaped as markdown text), and a hover line stays short: esc.

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
        const lineage = index.lineages();
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
          // a fine-tuned student names the teacher and dataset it was trained on
          md.appendMarkdown(
            `- ${esc(e.model)}: ${verdict}${answer} · ${esc(e.run.name)}${partial}${lineageSuffix(lineage.get(e.model))}\n`,
          );
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
      md.appendMarkdown(trainedOnSection(set.name, key, index.lineage(set.name, key)));
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
