import * as os from 'node:os';
import { accuracy, verdictCountsByRun } from '../../core/grading/counts';
import { gradeTraces, type RegradeMode } from '../../core/grading/grade-traces';
import { createGraderPool, GRADER_VERSION } from '../../core/grader';
import type { Command } from '../command';
import { intOption } from '../numbers';
import { UsageError } from '../usage-error';

export const gradeCommand: Command = {
  name: 'grade',
  summary: 'grade stored traces (extract each answer, compare with the gold answer)',
  usage: '[--run NAME]... [--regrade | --all] [--threads N]',
  details:
    'Grades the traces that have no grade yet, in worker threads, committing as it goes (interrupt and run\n' +
    'again to resume). --regrade also re-grades traces graded by another grader version; --all re-grades\n' +
    `everything. This grader is ${GRADER_VERSION}.`,
  options: {
    run: { type: 'string', multiple: true, description: 'only this run (default: all runs)', valueName: 'NAME' },
    regrade: { type: 'boolean', description: 'also re-grade traces graded by another grader version' },
    all: { type: 'boolean', description: 're-grade every trace' },
    threads: {
      type: 'string',
      description: `worker threads (default: ${os.availableParallelism()}, the cores)`,
      valueName: 'N',
    },
  },
  async run(v, _p, ctx) {
    if (v.regrade && v.all) throw new UsageError('give --regrade or --all, not both.');
    const threads = intOption(v.threads, 'threads', 1, 1024);
    const mode: RegradeMode = v.all ? 'all' : v.regrade ? 'stale' : 'missing';
    const store = ctx.store();
    const pool = createGraderPool({ size: threads });
    const progress = ctx.progress('grade');
    try {
      const summary = await gradeTraces(store, pool, {
        runs: (v.run as string[] | undefined) ?? [],
        mode,
        signal: ctx.signal,
        onProgress: (p) => progress.update(p.done, p.total, fmtCounts(p.counts)),
      });
      progress.done();
      const byRun = verdictCountsByRun(store);
      const runs = (store.db.prepare('SELECT id, name FROM runs ORDER BY id').all() as { id: number; name: string }[])
        .filter((r) => !(v.run as string[] | undefined)?.length || (v.run as string[]).includes(r.name))
        .map((r) => {
          const c = byRun.get(r.id) ?? { correct: 0, incorrect: 0, 'no-answer': 0, error: 0, ungraded: 0 };
          const ch = summary.changes.get(r.id) ?? { regraded: 0, changed: 0 };
          return { run: r.name, ...c, accuracy: accuracy(c), regraded: ch.regraded, changed: ch.changed };
        });
      ctx.print(
        `graded ${summary.graded} trace(s) with ${summary.graderVersion}${summary.cancelled ? ' (interrupted: run again to resume)' : ''}`,
      );
      for (const r of runs) {
        const acc = r.accuracy === null ? '—' : `${(r.accuracy * 100).toFixed(1)}%`;
        const changed = r.regraded ? `; ${r.changed} of ${r.regraded} re-graded verdict(s) changed` : '';
        ctx.print(
          `  ${r.run}: ${acc} correct  (${r.correct} correct, ${r.incorrect} incorrect, ${r['no-answer']} no answer, ${r.error} error, ${r.ungraded} ungraded${changed})`,
        );
      }
      // a worker that died took its items with it (graded error): say so, and never exit 0
      const crashed = pool.stats.crashed;
      const gradingError = crashed
        ? `a grading worker died ${crashed} time(s) (last: ${pool.stats.lastCrash}); the traces it held were marked error without being graded. Run again with --all to grade them again.`
        : undefined;
      if (gradingError) ctx.warn(`w2s grade: ${gradingError}`);
      const { changes: _changes, ...rest } = summary;
      return {
        json: { ...rest, runs, ...(gradingError ? { gradingError } : {}) },
        exitCode: summary.cancelled || gradingError ? 1 : 0,
      };
    } finally {
      progress.done();
      await pool.close();
    }
  },
};

function fmtCounts(c: Record<string, number>): string {
  return Object.entries(c)
    .map(([k, n]) => `${k} ${n}`)
    .join(' · ');
}
