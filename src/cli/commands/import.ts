import * as path from 'node:path';
import { ANSWER_TYPES, type AnswerType } from '../../core/problems/answer-type';
import { builtinFile, requireBuiltin } from '../../core/problems/builtin';
import { importProblemSet, type ImportResult } from '../../core/problems/import';
import type { Command } from '../command';
import { numberOption } from '../numbers';
import { UsageError } from '../usage-error';

export const importCommand: Command = {
  name: 'import',
  summary: 'import a problem set (JSONL, JSON array or CSV) or a built-in benchmark',
  usage:
    'FILE --set NAME [--replace] [--question-field F] [--answer-field F] [--id-field F]\n       w2s import --builtin NAME [--set NAME]',
  positionals: { min: 0, max: 1 },
  details:
    'Fields are detected (problem/question; answer/gt_answer/final_answer, a MATH solution\'s \\boxed{}, GSM8K\'s "#### N";\n' +
    'id/unique_id/idx, else the line number, or in a JSON array the element index from 0). Numbers a double\n' +
    'cannot hold exactly (integers beyond 2^53, long decimals) are read as written. Everything else is kept as\n' +
    'metadata. Importing the same file\n' +
    'again changes nothing; a different file under an existing name needs --replace. A bad line fails the\n' +
    'whole import and names the line; nothing of that file is stored.',
  options: {
    set: {
      type: 'string',
      description: 'name of the problem set (default: the file name without extension)',
      valueName: 'NAME',
    },
    builtin: {
      type: 'string',
      description:
        'import a built-in set: a benchmark (see "w2s benchmarks") or math-l3to5, the W2SR training problems',
      valueName: 'NAME',
    },
    replace: { type: 'boolean', description: 'replace a set of the same name that came from different content' },
    'question-field': { type: 'string', description: 'field holding the question', valueName: 'F' },
    'answer-field': { type: 'string', description: 'field holding the gold answer', valueName: 'F' },
    'id-field': { type: 'string', description: 'field holding a unique problem id', valueName: 'F' },
    'answer-type': {
      type: 'string',
      description: `grade every answer as ${ANSWER_TYPES.join(' | ')} (default: per problem)`,
      valueName: 'T',
    },
    'shuffle-choices': {
      type: 'string',
      description: 'shuffle multiple-choice options with this seed (GPQA lists the answer first)',
      valueName: 'SEED',
    },
    'max-line-mb': { type: 'string', description: 'refuse lines longer than this many MB (default 4)', valueName: 'N' },
  },
  async run(v, positionals, ctx) {
    const builtinName = v.builtin as string | undefined;
    if (builtinName && positionals.length) throw new UsageError('give either FILE or --builtin, not both.');
    if (!builtinName && !positionals.length) throw new UsageError('give a FILE to import, or --builtin NAME.');
    const answerType = v['answer-type'] as string | undefined;
    if (answerType && !ANSWER_TYPES.includes(answerType as AnswerType)) {
      throw new UsageError(`--answer-type must be one of ${ANSWER_TYPES.join(', ')}.`);
    }
    const maxLineMb = numberOption(
      v['max-line-mb'],
      'max-line-mb',
      (x) => x > 0 && x <= 1024,
      'a positive number of MB (at most 1024)',
    );

    let file: string;
    let name: string;
    let sourceLabel: string | undefined;
    if (builtinName) {
      const b = requireBuiltin(builtinName);
      file = builtinFile(b);
      name = (v.set as string | undefined) ?? b.id;
      sourceLabel = `builtin:${b.id}`;
    } else {
      file = path.resolve(ctx.cwd, positionals[0]!);
      name = (v.set as string | undefined) ?? path.basename(file).replace(/\.[^.]+$/, '');
    }
    const progress = ctx.progress(`import ${name}`);
    let result: ImportResult;
    try {
      result = await importProblemSet(ctx.store(), {
        file,
        name,
        sourceLabel,
        replace: Boolean(v.replace),
        questionField: v['question-field'] as string | undefined,
        answerField: v['answer-field'] as string | undefined,
        idField: v['id-field'] as string | undefined,
        answerType: answerType as AnswerType | undefined,
        shuffleSeed: v['shuffle-choices'] as string | undefined,
        maxLineBytes: maxLineMb === undefined ? undefined : maxLineMb * 1024 * 1024,
        signal: ctx.signal,
        onProgress: (p) => p.phase === 'write' && progress.update(p.done, p.total),
      });
    } finally {
      progress.done();
    }
    const types = Object.entries(result.answerTypes)
      .map(([t, n]) => `${n} ${t}`)
      .join(', ');
    const verb = { created: 'imported', replaced: 'replaced', unchanged: 'unchanged (already imported)' }[
      result.outcome
    ];
    ctx.print(`${result.name}: ${verb}, ${result.problems} problems (${types}) from ${result.source}`);
    if (result.repeatedQuestions > 0) {
      const distinct = result.problems - result.repeatedQuestions;
      ctx.warn(
        `w2s import: warning: ${result.problems} problems but only ${distinct} distinct question(s): ${result.repeatedQuestions} repeat an earlier one word for word. ` +
          `If this file holds traces (several samples per question), import it as traces instead: ` +
          `w2s sets delete ${result.name} --yes, then w2s import-traces ${builtinName ? 'FILE' : positionals[0]} --create-set ${result.name}`,
      );
    }
    return { json: result };
  },
};
