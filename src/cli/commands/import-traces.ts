import * as os from 'node:os';
import * as path from 'node:path';
import { createGraderPool } from '../../core/grader';
import { accuracy, verdictCountsByRun } from '../../core/grading/counts';
import { gradeTraces } from '../../core/grading/grade-traces';
import { findRun } from '../../core/runs/runs';
import { importTraces } from '../../core/traces/import-traces';
import type { Command } from '../command';
import { nameFromFile } from './export';
import { UsageError } from '../usage-error';

export const importTracesCommand: Command = {
  name: 'import-traces',
  summary: 'import traces made elsewhere (W2SR layout, one trace per line, OpenAI chat JSONL) as a run, graded',
  usage: 'FILE (--set NAME | --create-set NAME) [--run NAME] [--model NAME] [--no-grade]',
  positionals: { min: 1, max: 1 },
  details:
    'Layouts: W2SR {prompt, question, response: [...], gt_answer}; one trace per line {question|problem,\n' +
    'response|output|completion, sample?, id?}; OpenAI chat {messages: [..., user, assistant]}. With --set each\n' +
    "trace is matched to a problem of that set by id (the problem's key) or by exact question text; what does not\n" +
    'match is reported and skipped. With --create-set the set is made from the traces themselves: one problem per\n' +
    'distinct question, its gold answer from gt_answer, gold or answer. Importing again adds only what is missing.\n' +
    'The imported traces are graded at once (--no-grade: later, with w2s grade). A bad line names the file and line\n' +
    'and imports nothing.',
  options: {
    set: { type: 'string', description: 'problem set the traces answer', valueName: 'NAME' },
    'create-set': {
      type: 'string',
      description: "make this problem set from the traces' questions and gold answers",
      valueName: 'NAME',
    },
    run: { type: 'string', description: "run to create (or add to) (default: the set's name)", valueName: 'NAME' },
    model: {
      type: 'string',
      description: 'model that made the traces (default: the records\' "model" field, else the file name)',
      valueName: 'NAME',
    },
    'no-grade': { type: 'boolean', description: 'store the traces ungraded (grade later: w2s grade --run NAME)' },
  },
  async run(v, positionals, ctx) {
    const given = v.set as string | undefined;
    const create = v['create-set'] as string | undefined;
    if (given && create)
      throw new UsageError(
        'give --set NAME (an existing set) or --create-set NAME (a new one from the traces), not both.',
      );
    if (!given && !create)
      throw new UsageError(
        "give --set NAME (the problems the traces answer), or --create-set NAME to make the set from the traces' own questions and gold answers.",
      );
    const setName = (given ?? create)!;
    const file = path.resolve(ctx.cwd, positionals[0]!);
    const run = (v.run as string | undefined) ?? setName;
    const model = (v.model as string | undefined) ?? nameFromFile(file);
    const store = ctx.store();
    const r = importTraces(store, { file, setName, runName: run, model, createSet: Boolean(create) });
    if (r.createdSet) {
      const c = r.createdSet;
      const types = Object.entries(c.answerTypes)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ');
      ctx.print(
        `${c.name}: ${c.outcome === 'created' ? 'made' : 'unchanged (made from this file before)'}, ${c.problems} problems (${types}) from the traces' questions${c.idField ? `, ids from "${c.idField}"` : ''}`,
      );
    }
    if (v.model === undefined) ctx.warn(`w2s import-traces: model recorded as "${model}" (name it with --model NAME).`);
    const layouts = Object.entries(r.layouts)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    ctx.print(
      `${r.run}: imported ${r.imported} trace(s) from ${path.basename(r.file)} (${r.records} records: ${layouts})` +
        `${r.alreadyPresent ? `, ${r.alreadyPresent} already there` : ''}; matched ${r.matchedById} by id, ${r.matchedByQuestion} by question` +
        `${r.duplicates ? `; ${r.duplicates} duplicate(s) in the file skipped` : ''}.`,
    );
    if (r.unmatched) {
      ctx.warn(
        `w2s import-traces: ${r.unmatched} of ${r.traces} trace(s) match no problem of ${r.set} (by id or exact question) and were skipped:`,
      );
      for (const u of r.unmatchedExamples)
        ctx.warn(`  line ${u.line}${u.id !== null ? ` (id ${u.id})` : ''}: ${JSON.stringify(u.question)}`);
      if (r.unmatched > r.unmatchedExamples.length)
        ctx.warn(`  … and ${r.unmatched - r.unmatchedExamples.length} more.`);
      if (given)
        ctx.warn(
          `  If these traces answer problems of their own, make the set from them: w2s import-traces FILE --create-set NAME.`,
        );
    }
    let grading: { graded: number; accuracy: number | null; counts: Record<string, number> } | undefined;
    let exitCode = r.imported === 0 && r.alreadyPresent === 0 ? 1 : 0;
    if (!v['no-grade'] && (r.imported > 0 || r.alreadyPresent > 0)) {
      // Graded at once, so the run's accuracy and the browser's verdict facet are there when the import ends.
      const pool = createGraderPool({ size: Math.min(4, os.availableParallelism()) });
      const progress = ctx.progress(`grade ${r.run}`);
      try {
        const summary = await gradeTraces(store, pool, {
          runs: [r.run],
          mode: 'missing',
          signal: ctx.signal,
          onProgress: (p) => progress.update(p.done, p.total),
        });
        progress.done();
        const counts = verdictCountsByRun(store).get(findRun(store, r.run)!.id);
        grading = { graded: summary.graded, accuracy: counts ? accuracy(counts) : null, counts: { ...counts } };
        const acc = grading.accuracy === null ? '' : `: ${(grading.accuracy * 100).toFixed(1)}% correct`;
        ctx.print(
          `  graded ${summary.graded} trace(s)${acc}${summary.cancelled ? ' (interrupted: w2s grade --run ' + r.run + ' finishes it)' : ''}`,
        );
        if (summary.cancelled || pool.stats.crashed) exitCode = 1;
      } finally {
        progress.done();
        await pool.close();
      }
    }
    return { json: { ...r, ...(grading ? { grading } : {}) }, exitCode };
  },
};
