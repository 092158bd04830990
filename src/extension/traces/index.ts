import * as vscode from 'vscode';
import type { LabelChange } from '../../core/curation';
import type { StoreService } from '../ui/store-service';
import { deleteSavedViewInteractive, pickSavedView, saveViewInteractive } from './saved-views';
import { catchUpSignals } from './signals-backlog';
import { tracePanel, type TracePanel } from './trace-panel';
import { TRACES_VIEW_ID, TracesViewProvider } from './traces-view';
import { filterFromWebview, sortFromWebview } from './browser-data';
import { exportDatasetCommand, type ExportArgs } from './export-command';
import { registerCommand } from '../ui/commands';

export interface TracesApi {
  readonly view: TracesViewProvider;
  readonly panels: TracePanel;
}

type RunArg = string | { run?: { name: string } } | undefined;

/** The trace browser: the Traces view, the detail panel, saved views, bulk labels and undo. */
export function registerTraces(
  context: vscode.ExtensionContext,
  stores: StoreService,
  log: vscode.LogOutputChannel,
): TracesApi {
  const panels = tracePanel(context.extensionUri, stores, log);
  const view = new TracesViewProvider(context.extensionUri, stores, log, (sel) => panels.open(sel));
  const bulk = async (change?: LabelChange) => {
    const picked =
      change ??
      (
        await vscode.window.showQuickPick(
          [
            { label: '$(check) Accept', change: { decision: 'accept' } as LabelChange },
            { label: '$(close) Reject', change: { decision: 'reject' } as LabelChange },
            { label: '$(star-full) Star', change: { star: true } as LabelChange },
            { label: '$(star-empty) Unstar', change: { star: false } as LabelChange },
            { label: '$(clear-all) Clear accept/reject', change: { decision: null } as LabelChange },
          ],
          { title: `W2S: Label every trace the filter selects (${view.filter.total.toLocaleString('en-US')})` },
        )
      )?.change;
    if (picked) await view.bulkLabel(view.filter.filter, picked);
  };
  context.subscriptions.push(
    view,
    panels,
    vscode.window.registerWebviewViewProvider(TRACES_VIEW_ID, view),
    panels.registerSerializer(),
    registerCommand('w2s.openTrace', (id?: number, text?: string) => {
      if (typeof id === 'number') panels.open({ traceId: id, text });
    }),
    registerCommand('w2s.showRunTraces', async (arg: RunArg) => {
      const name = typeof arg === 'string' ? arg : arg?.run?.name;
      if (name) await view.applyFilter({ runs: [name] }, undefined);
    }),
    // the traces of one problem, from the results' hover and Testing view (`{set, problemKey, traceIds?}`):
    // trace ids narrow it to those a student was trained on
    registerCommand(
      'w2s.openTraceBrowser',
      async (arg?: { set?: unknown; problemKey?: unknown; traceIds?: unknown }) => {
        const filter: { sets?: string[]; problems?: string[]; traceIds?: number[] } = {};
        if (typeof arg?.set === 'string') filter.sets = [arg.set];
        if (typeof arg?.problemKey === 'string') filter.problems = [arg.problemKey];
        if (Array.isArray(arg?.traceIds) && arg.traceIds.length && arg.traceIds.every((x) => Number.isInteger(x)))
          filter.traceIds = arg.traceIds as number[];
        await view.applyFilter(filter, undefined);
      },
    ),
    registerCommand('w2s.traces.applyView', async () => {
      const v = await pickSavedView(stores);
      if (v) await view.applyFilter(v.filter, v.sort, v.name);
    }),
    registerCommand('w2s.traces.saveView', async () => {
      await saveViewInteractive(stores, filterFromWebview(view.filter.filter), sortFromWebview(view.filter.sort));
    }),
    registerCommand('w2s.traces.deleteView', () => deleteSavedViewInteractive(stores)),
    registerCommand('w2s.traces.bulkLabel', (change?: LabelChange) => bulk(change)),
    registerCommand('w2s.traces.undoLabel', () => view.undo()),
    registerCommand('w2s.traces.clearFilter', () => view.command('clearFilter')),
    registerCommand('w2s.traces.search', () => view.command('focusSearch')),
    registerCommand('w2s.traces.openInEditor', () => void view.openInEditor()),
    registerCommand('w2s.traces.computeSignals', () => catchUpSignals(stores, log)),
    registerCommand('w2s.exportDataset', (args?: ExportArgs) =>
      exportDatasetCommand(
        stores,
        log,
        () => filterFromWebview(view.filter.filter),
        args && typeof args === 'object' && !('scheme' in args) ? args : {},
      ),
    ),
  );
  // Traces stored before signals existed (an older store) reach the browser once their signals are in:
  // caught up when the view first shows (never at activation: the store opens on first use).
  context.subscriptions.push(view.onDidResolve(() => void catchUpSignals(stores, log)));
  return { view, panels };
}
