import { accuracy, verdictCountsByRun } from '../../core/grading/counts';
import { listRuns } from '../../core/runs/runs';
import { redactSecrets } from '../../core/untrusted-text';
import { signalSummaryByRun } from '../../core/signals/rates';
import type { Command } from '../command';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'list sampling and import runs with their status, counts and tokens',
  usage: '',
  options: {},
  async run(_v, _p, ctx) {
    const store = ctx.existingStore();
    if (!store) {
      ctx.print(`No store yet at ${ctx.storePath}. Import a problem set first: w2s import FILE --set NAME.`);
      return { json: [] };
    }
    const verdicts = verdictCountsByRun(store);
    const signals = signalSummaryByRun(store);
    const runs = listRuns(store).map((r) => {
      const grades = verdicts.get(r.id);
      const s = signals.get(r.id);
      // errors are stored redacted; a store written by an older version may still hold a key. Each
      // signal's rate is over the run's traces (w2s signals computes what is missing).
      return {
        ...r,
        error: r.error === null ? null : redactSecrets(r.error),
        grades,
        accuracy: grades ? accuracy(grades) : null,
        signals: s ? { traces: s.traces, rates: s.rates, means: s.means, estimatedTokens: s.estimatedTokens } : null,
      };
    });
    if (runs.length === 0) ctx.print('No runs yet. Sample one: w2s sample --set NAME --base-url URL --model ID.');
    const w = Math.max(4, ...runs.map((r) => r.name.length));
    for (const r of runs) {
      ctx.print(
        `${r.name.padEnd(w)}  ${r.status.padEnd(11)}  ${(r.kind === 'import' ? `${r.done} imported` : `${r.done}/${r.total}`).padStart(13)}` +
          (r.kind === 'import'
            ? `  (${r.problems} of ${r.setProblems} problems${r.imported ? `; ${r.imported.matched} of the file's ${r.imported.fileTraces} traces matched a problem` : ''})`
            : r.problems < r.setProblems
              ? `  (${r.problems} of ${r.setProblems} problems; more: w2s sample --run ${r.name} --limit N|all)`
              : '') +
          `${r.failed ? `  ${r.failed} failed` : ''}${r.truncated ? `  ${r.truncated} truncated` : ''}` +
          `${r.accuracy !== null ? `  ${(r.accuracy * 100).toFixed(1)}% correct` : ''}` +
          `  ${r.completionTokens} tokens  ${r.kind} ${r.model} on ${r.setName}${r.error ? `  — ${r.error}` : ''}`,
      );
    }
    return { json: runs.map(({ owner: _o, heartbeatAt: _h, ...r }) => r) };
  },
};
