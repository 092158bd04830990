import * as path from 'node:path';
import { importTraces } from '../../core/traces/import-traces';
import type { Command } from '../command';
import { UsageError } from '../usage-error';

export const importTracesCommand: Command = {
  name: 'import-traces',
  summary: 'import traces made elsewhere (W2SR layout, one trace per line, OpenAI chat JSONL) as a run',
  usage: 'FILE --set NAME --run NAME --model NAME',
  positionals: { min: 1, max: 1 },
  details:
    'Layouts: W2SR {prompt, question, response: [...], gt_answer}; one trace per line {question|problem,\n' +
    'response|output|completion, sample?, id?}; OpenAI chat {messages: [..., user, assistant]}. Each trace is\n' +
    'matched to a problem of the set by id (the problem\'s key) or by exact question text; what does not match\n' +
    'is reported and skipped. Importing again adds only what is missing. A bad line names the file and line\n' +
    'and imports nothing.',
  options: {
    set: { type: 'string', description: 'problem set the traces answer', valueName: 'NAME' },
    run: { type: 'string', description: 'run to create (or add to)', valueName: 'NAME' },
    model: { type: 'string', description: 'model that made the traces', valueName: 'NAME' },
  },
  async run(v, positionals, ctx) {
    const set = v.set as string | undefined;
    const run = v.run as string | undefined;
    const model = v.model as string | undefined;
    if (!set || !run || !model) throw new UsageError('give --set NAME, --run NAME and --model NAME.');
    const r = importTraces(ctx.store(), { file: path.resolve(ctx.cwd, positionals[0]!), setName: set, runName: run, model });
    const layouts = Object.entries(r.layouts).map(([k, n]) => `${n} ${k}`).join(', ');
    ctx.print(
      `${r.run}: imported ${r.imported} trace(s) from ${path.basename(r.file)} (${r.records} records: ${layouts})` +
        `${r.alreadyPresent ? `, ${r.alreadyPresent} already there` : ''}; matched ${r.matchedById} by id, ${r.matchedByQuestion} by question` +
        `${r.duplicates ? `; ${r.duplicates} duplicate(s) in the file skipped` : ''}.`,
    );
    if (r.unmatched) {
      ctx.warn(`w2s import-traces: ${r.unmatched} trace(s) match no problem of ${r.set} (by id or exact question) and were skipped:`);
      for (const u of r.unmatchedExamples) ctx.warn(`  line ${u.line}${u.id !== null ? ` (id ${u.id})` : ''}: ${JSON.stringify(u.question)}`);
      if (r.unmatched > r.unmatchedExamples.length) ctx.warn(`  … and ${r.unmatched - r.unmatchedExamples.length} more.`);
    }
    return { json: r, exitCode: r.imported === 0 && r.alreadyPresent === 0 ? 1 : 0 };
  },
};
