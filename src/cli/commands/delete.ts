import { deleteDataset, planDatasetDeletion } from '../../core/export/delete-dataset';
import { deleteSet, planSetDeletion } from '../../core/problems/delete-set';
import { deleteRun, planRunDeletion, type TraceRecordCounts } from '../../core/runs/delete-run';
import type { CliContext, Command, CommandResult } from '../command';

const YES = {
  yes: {
    type: 'boolean',
    description: 'delete without asking (scripts; without a terminal the command only says what would go)',
  },
} as const;

/** "400 traces with 400 grades, 12 labels and 400 signal rows" */
export function describeTraceRecords(c: TraceRecordCounts): string {
  return `${c.traces} trace(s) with their ${c.grades} grade(s), ${c.labels} label(s) and ${c.signals} signal row(s)`;
}

/**
 * Shows what goes, asks (or takes --yes), then deletes. Without --yes and without a terminal nothing is
 * deleted and the exit code is 1, so a script that forgot --yes never deletes by accident.
 */
async function confirmThen<P>(
  ctx: CliContext,
  yes: boolean,
  what: string,
  plan: P,
  del: () => P,
): Promise<CommandResult> {
  ctx.print(`Deletes ${what}.`);
  if (!yes && !(await ctx.confirm('Delete?'))) {
    ctx.warn('Nothing was deleted. Run again with --yes to delete.');
    return { json: { deleted: false, ...plan }, exitCode: 1 };
  }
  const done = del();
  ctx.print('Deleted.');
  return { json: { deleted: true, ...done } };
}

export const runsDeleteCommand: Command = {
  name: 'runs delete',
  summary: 'delete a run with its traces, grades, labels and signals',
  usage: 'NAME [--yes]',
  positionals: { min: 1, max: 1 },
  details:
    'Everything of the run goes in one transaction: its traces, their grades, labels, signals and search index\n' +
    'rows (and the re-runs of an evaluation). Refused while the run is being sampled or filled by a cluster job,\n' +
    'and while a dataset snapshot holds some of its traces (w2s datasets delete NAME first).',
  options: { ...YES },
  async run(v, [name], ctx) {
    const store = ctx.store();
    const plan = planRunDeletion(store, name!);
    const reruns = plan.reruns.length ? ` and its re-run(s) ${plan.reruns.join(', ')}` : '';
    return confirmThen(
      ctx,
      Boolean(v.yes),
      `run ${plan.run} (${plan.kind} of ${plan.model} on ${plan.set})${reruns}: ${describeTraceRecords(plan)}`,
      plan,
      () => deleteRun(store, name!),
    );
  },
};

export const setsDeleteCommand: Command = {
  name: 'sets delete',
  summary: 'delete a problem set (with --cascade, also its runs and their traces)',
  usage: 'NAME [--cascade] [--yes]',
  positionals: { min: 1, max: 1 },
  details:
    'A set with runs is refused unless --cascade, which deletes those runs as w2s runs delete does, all in one transaction.',
  options: { cascade: { type: 'boolean', description: 'also delete the runs on this set, with their traces' }, ...YES },
  async run(v, [name], ctx) {
    const store = ctx.store();
    const cascade = Boolean(v.cascade);
    const plan = planSetDeletion(store, name!, { cascade });
    const runs = plan.runs.length
      ? `, and ${plan.runs.length} run(s) (${plan.runs.join(', ')}): ${describeTraceRecords(plan)}`
      : '';
    return confirmThen(ctx, Boolean(v.yes), `problem set ${plan.set}: ${plan.problems} problem(s)${runs}`, plan, () =>
      deleteSet(store, name!, { cascade }),
    );
  },
};

export const datasetsDeleteCommand: Command = {
  name: 'datasets delete',
  summary: 'delete a dataset snapshot (its traces and files stay)',
  usage: 'NAME [--yes]',
  positionals: { min: 1, max: 1 },
  details:
    "The snapshot's frozen list of trace ids and its model lineage go; the traces and the exported files stay.\nA run a snapshot was made from can be deleted once its snapshots are.",
  options: { ...YES },
  async run(v, [name], ctx) {
    const store = ctx.store();
    const plan = planDatasetDeletion(store, name!);
    const lineage = plan.models.length
      ? `; ${plan.models.join(', ')} lose${plan.models.length === 1 ? 's' : ''} its lineage in results`
      : '';
    return confirmThen(
      ctx,
      Boolean(v.yes),
      `dataset snapshot ${plan.dataset} (${plan.traces} trace id(s); the traces${plan.file ? ` and ${plan.file}` : ''} stay)${lineage}`,
      plan,
      () => deleteDataset(store, name!),
    );
  },
};
