import type { Lineage } from '../../core/results/lineage';
import type { ProblemLineage } from '../../core/results/problem-lineage';
import { VERDICTS } from '../../model/verdicts';
import { shortMarkdownText as esc, VERDICT_MARK as MARK } from '../ui/markdown-text';

// The hover's "Trained on this problem" section, and a fine-tuned model's teacher → dataset, as Markdown.
// No vscode import: unit tests render it.

/** students named before "and N more" */
export const MAX_STUDENTS = 5;
/** teacher runs named per student before "+N" (a snapshot usually holds one) */
export const MAX_TEACHERS = 2;

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

/** The section, or '' when no linked student was trained on traces of the problem. */
export function trainedOnSection(set: string, key: string, trained: readonly ProblemLineage[]): string {
  if (trained.length === 0) return '';
  const lines = trained.slice(0, MAX_STUDENTS).map((l) => lineageLine(set, key, l));
  if (trained.length > MAX_STUDENTS) lines.push(`- and ${trained.length - MAX_STUDENTS} more\n`);
  return `Trained on this problem:\n\n${lines.join('')}\n`;
}

/**
 * After an evaluated model's verdict: ` · teacher → snapshot` for a model linked to the snapshot it was
 * fine-tuned on (its first teachers by traces), '' for any other.
 */
export function lineageSuffix(l: Lineage | undefined): string {
  if (!l) return '';
  const teachers = l.teachers.slice(0, MAX_TEACHERS).map((t) => esc(t.model, 40));
  const more = l.teachers.length > MAX_TEACHERS ? ` +${l.teachers.length - MAX_TEACHERS}` : '';
  return ` · ${teachers.length ? `${teachers.join(', ')}${more} → ` : ''}${esc(l.snapshot, 40)}`;
}
