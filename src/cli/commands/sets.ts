import { listProblemSets } from '../../core/problems/sets';
import type { Command } from '../command';

export const setsCommand: Command = {
  name: 'sets',
  summary: 'list the problem sets in the store',
  usage: '',
  options: {},
  async run(_v, _p, ctx) {
    const store = ctx.existingStore();
    if (!store) {
      ctx.print(
        `No store yet at ${ctx.storePath}. Import a problem set: w2s import FILE --set NAME, or w2s import --builtin math500.`,
      );
      return { json: [] };
    }
    const sets = listProblemSets(store);
    if (sets.length === 0)
      ctx.print('No problem sets yet. Import one: w2s import FILE --set NAME, or w2s import --builtin math500.');
    const width = Math.max(4, ...sets.map((s) => s.name.length));
    for (const s of sets) {
      const types = Object.entries(s.answerTypes)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ');
      ctx.print(`${s.name.padEnd(width)}  ${String(s.problems).padStart(6)} problems  (${types})  ${s.source}`);
    }
    return { json: sets };
  },
};
