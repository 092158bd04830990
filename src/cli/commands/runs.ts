import * as fs from 'node:fs';
import { listRuns } from '../../core/sampling/runs';
import type { Command } from '../command';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'list sampling and import runs with their status, counts and tokens',
  usage: '',
  options: {},
  async run(_v, _p, ctx) {
    if (!fs.existsSync(ctx.storePath)) {
      ctx.print(`No store yet at ${ctx.storePath}. Import a problem set first: w2s import FILE --set NAME.`);
      return { json: [] };
    }
    const runs = listRuns(ctx.store());
    if (runs.length === 0) ctx.print('No runs yet. Sample one: w2s sample --set NAME --base-url URL --model ID.');
    const w = Math.max(4, ...runs.map((r) => r.name.length));
    for (const r of runs) {
      ctx.print(
        `${r.name.padEnd(w)}  ${r.status.padEnd(11)}  ${`${r.done}/${r.total}`.padStart(13)}` +
          `${r.failed ? `  ${r.failed} failed` : ''}${r.truncated ? `  ${r.truncated} truncated` : ''}` +
          `  ${r.completionTokens} tokens  ${r.kind} ${r.model} on ${r.setName}${r.error ? `  — ${r.error}` : ''}`,
      );
    }
    return { json: runs.map(({ owner: _o, heartbeatAt: _h, ...r }) => r) };
  },
};
