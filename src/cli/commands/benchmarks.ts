import { BUILTIN_BENCHMARKS } from '../../core/problems/builtin';
import type { Command } from '../command';

export const benchmarksCommand: Command = {
  name: 'benchmarks',
  summary: 'list the built-in benchmarks (import one with "w2s import --builtin NAME")',
  usage: '',
  options: {},
  async run(_v, _p, ctx) {
    const width = Math.max(...BUILTIN_BENCHMARKS.map((b) => b.id.length));
    for (const b of BUILTIN_BENCHMARKS) {
      ctx.print(
        `${b.id.padEnd(width)}  ${String(b.problems).padStart(5)}  ${b.label} — ${b.description} (${b.license})`,
      );
    }
    return { json: BUILTIN_BENCHMARKS.map(({ file: _f, ...rest }) => rest) };
  },
};
