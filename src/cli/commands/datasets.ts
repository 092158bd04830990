import { formatFilterExpression } from '../../core/curation/filter-expr';
import { listDatasets } from '../../core/export/snapshots';
import type { Command } from '../command';

export const datasetsCommand: Command = {
  name: 'datasets',
  summary: 'list dataset snapshots (what each export selected, frozen by name)',
  usage: '',
  details:
    'Each snapshot holds the exact trace ids of an export, in order, with their split; w2s export --snapshot NAME\nwrites its files again, byte for byte.',
  options: {},
  async run(_v, _p, ctx) {
    const store = ctx.existingStore();
    const datasets = store ? listDatasets(store) : [];
    if (datasets.length === 0)
      ctx.print('No dataset snapshots yet. Make one: w2s export --preset w2sr-p --out data/w2sr-p.jsonl');
    for (const d of datasets) {
      const sel = [d.selection.preset ?? '', formatFilterExpression(d.selection.filter)].filter(Boolean).join(' ');
      const opts = [
        d.options.maxPerProblem ? `k=${d.options.maxPerProblem}` : '',
        d.options.dropTruncated ? 'no truncated' : '',
        d.options.dedupe ? 'deduped' : '',
        d.options.valFraction ? `val ${d.options.valFraction} seed ${d.options.seed}` : '',
        `reasoning ${d.options.reasoning}`,
        d.options.system ? 'system prompt' : '',
      ].filter(Boolean);
      ctx.print(
        `${d.name}  ${d.format}  ${d.counts.train + d.counts.val} traces (${d.counts.train} train, ${d.counts.val} val) of ${d.counts.problems} problems` +
          `  [${sel || 'all'}]  ${opts.join(', ')}  ${d.createdAt}${d.file ? `  ${d.file}` : ''}`,
      );
    }
    return { json: datasets };
  },
};
