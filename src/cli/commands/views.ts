import { formatFilterExpression } from '../../core/curation/filter-expr';
import { deleteView, listViews, renameView, requireView, saveView, type SavedView } from '../../core/curation/views';
import type { Command } from '../command';
import { parseFilterOption } from '../trace-filter';
import { UsageError } from '../usage-error';
import { parseSort } from './traces';

function line(v: SavedView): string {
  return `${v.name}  ${formatFilterExpression(v.filter) || '(everything)'}${v.sort ? `  sort ${v.sort.key}${v.sort.desc ? ':desc' : ''}` : ''}`;
}

export const viewsCommand: Command = {
  name: 'views',
  summary: 'saved views: named filters shared by the Traces view, w2s traces --view and w2s export --view',
  usage:
    '[list]\n       w2s views save NAME --filter EXPR [--sort KEY[:desc]] [--replace]\n       w2s views show NAME | delete NAME | rename OLD NEW',
  positionals: { min: 0, max: 3 },
  options: {
    filter: { type: 'string', description: 'the filter expression to save (w2s traces --help)', valueName: 'EXPR' },
    sort: { type: 'string', description: 'a sort to save with it', valueName: 'KEY' },
    replace: { type: 'boolean', description: 'replace a view of the same name' },
  },
  async run(v, positionals, ctx) {
    const [action = 'list', ...rest] = positionals;
    if (action === 'list') {
      const store = ctx.existingStore();
      const views = store ? listViews(store) : [];
      if (views.length === 0) ctx.print('No saved views yet: w2s views save NAME --filter EXPR');
      for (const x of views) ctx.print(line(x));
      return { json: views };
    }
    const store = ctx.store();
    const need = (n: number, what: string) => {
      if (rest.length !== n) throw new UsageError(`${action} takes ${what}.`);
    };
    switch (action) {
      case 'save': {
        need(1, 'one name');
        if (v.filter === undefined)
          throw new UsageError('give the filter to save: --filter EXPR (an empty "" saves everything).');
        const view = saveView(
          store,
          rest[0]!,
          parseFilterOption(v.filter as string),
          parseSort(v.sort as string | undefined, false) ?? null,
          { replace: Boolean(v.replace) },
        );
        ctx.print(`saved ${line(view)}`);
        return { json: view };
      }
      case 'show': {
        need(1, 'one name');
        const view = requireView(store, rest[0]!);
        ctx.print(line(view));
        return { json: view };
      }
      case 'delete': {
        need(1, 'one name');
        requireView(store, rest[0]!);
        deleteView(store, rest[0]!);
        ctx.print(`deleted view ${rest[0]}`);
        return { json: { deleted: rest[0] } };
      }
      case 'rename': {
        need(2, 'the old and the new name');
        const view = renameView(store, rest[0]!, rest[1]!);
        ctx.print(`renamed ${rest[0]} to ${view.name}`);
        return { json: view };
      }
      default:
        throw new UsageError(`unknown action "${action}" (list, save, show, delete, rename).`);
    }
  },
};
