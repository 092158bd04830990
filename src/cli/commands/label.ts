import { formatFilterExpression } from '../../core/curation/filter-expr';
import {
  labelFiltered,
  labelTraces,
  listActions,
  traceLabel,
  undoAction,
  type LabelAction,
  type LabelChange,
} from '../../core/curation/labels';
import type { Command } from '../command';
import { catchUpSignals, FILTER_OPTIONS, filterFromOptions } from '../trace-filter';
import { UsageError } from '../usage-error';

const CHANGES: Record<string, LabelChange> = {
  accept: { decision: 'accept' },
  reject: { decision: 'reject' },
  star: { star: true },
  unstar: { star: false },
  clear: { decision: null, star: false, note: null },
};

function ids(list: string[]): number[] {
  return list.map((s) => {
    if (!/^\d+$/.test(s)) throw new UsageError(`"${s}" is not a trace id (w2s traces lists them).`);
    return Number(s);
  });
}

function describe(a: LabelAction): string {
  return `#${a.id} ${a.createdAt}  ${a.description}  (${a.count} changed)${a.undoneAt ? `  undone ${a.undoneAt}` : ''}${a.filter ? `  filter: ${formatFilterExpression(a.filter)}` : ''}`;
}

export const labelCommand: Command = {
  name: 'label',
  summary: 'accept, reject or star traces and note them, one by one or everything a filter selects; undo',
  usage:
    'accept|reject|star|unstar|clear ID… | --filter EXPR | --view NAME\n' +
    '       w2s label note ID TEXT        (an empty TEXT clears the note)\n' +
    '       w2s label show ID\n' +
    '       w2s label undo [ACTION]       (default: the last action not undone)\n' +
    '       w2s label history [--limit N]',
  details:
    'accept and reject exclude each other; a star goes with either; clear removes all three and the note.\n' +
    "Every command is one action that remembers each trace's labels before it: undo puts them back exactly\n" +
    '(traces labelled again since keep their newer labels). With --filter or --view, every trace the filter\n' +
    'selects now is labelled (w2s traces --filter EXPR shows them first).',
  positionals: { min: 1, max: 100_000 },
  options: {
    ...FILTER_OPTIONS,
    limit: { type: 'string', description: 'history: how many actions (default 20)', valueName: 'N' },
  },
  async run(v, positionals, ctx) {
    const [action, ...rest] = positionals as [string, ...string[]];
    const store = ctx.store();
    if (action === 'history') {
      const limit = v.limit === undefined ? 20 : Number(v.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer.');
      const actions = listActions(store, limit);
      if (actions.length === 0) ctx.print('No labelling actions yet.');
      for (const a of actions) ctx.print(describe(a));
      return { json: actions };
    }
    if (action === 'undo') {
      if (rest.length > 1) throw new UsageError('undo takes at most one action number (w2s label history lists them).');
      const r = undoAction(store, rest.length ? ids(rest)[0] : undefined);
      ctx.print(
        `undid ${describe(r.action)}: ${r.restored} trace(s) restored${r.skipped ? `, ${r.skipped} labelled again since (left as they are)` : ''}`,
      );
      return { json: r };
    }
    if (action === 'show') {
      if (rest.length !== 1) throw new UsageError('show takes one trace id.');
      const label = traceLabel(store, ids(rest)[0]!);
      ctx.print(
        `${label.decision ?? 'no decision'}${label.star ? ', starred' : ''}${label.note ? `\nnote: ${label.note}` : ''}`,
      );
      return { json: label };
    }
    let change: LabelChange;
    let targets: string[];
    if (action === 'note') {
      if (rest.length !== 2)
        throw new UsageError('note takes a trace id and the text: w2s label note 12 "wrong unit in step 3".');
      change = { note: rest[1] === '' ? null : rest[1]! };
      targets = [rest[0]!];
    } else if (CHANGES[action]) {
      change = CHANGES[action]!;
      targets = rest;
    } else {
      throw new UsageError(
        `unknown label action "${action}" (accept, reject, star, unstar, clear, note, show, undo, history).`,
      );
    }
    const { filter, given } = filterFromOptions(v, store);
    if (given && targets.length) throw new UsageError('give trace ids or --filter/--view, not both.');
    if (!given && targets.length === 0)
      throw new UsageError(
        `say what to ${action}: trace ids, or --filter EXPR / --view NAME for everything they select.`,
      );
    let a: LabelAction;
    if (given) {
      await catchUpSignals(ctx, store);
      a = labelFiltered(
        store,
        filter,
        change,
        typeof v.view === 'string' ? `view ${v.view}` : `filter ${formatFilterExpression(filter)}`,
      );
    } else a = labelTraces(store, ids(targets), change);
    ctx.print(`${describe(a)} — undo with: w2s label undo ${a.id}`);
    return { json: a };
  },
};
