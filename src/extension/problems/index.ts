import * as vscode from 'vscode';
import { registerCommand } from '../ui/commands';
import { deleteProblemSetCommand } from '../ui/delete-commands';
import type { StoreService } from '../ui/store-service';
import { addBuiltinBenchmark, importProblemSetFile } from './import-commands';
import { problemSetPanels } from './problem-set-panel';
import { ProblemSetsTree } from './problem-sets-tree';

/**
 * Problem sets: the Problem Sets view (which also shows a native-module failure, the one place it shows),
 * import and built-in benchmark commands, and the problem-set panels.
 */
export function registerProblems(
  context: vscode.ExtensionContext,
  stores: StoreService,
  log: vscode.LogOutputChannel,
  nativeProblem: string | undefined,
): void {
  const tree = new ProblemSetsTree(stores);
  const view = vscode.window.createTreeView('w2s.problemSets', { treeDataProvider: tree });
  if (nativeProblem) view.message = nativeProblem;
  const panels = problemSetPanels(context, stores, log);
  context.subscriptions.push(
    tree,
    view,
    // (panels are not closed on deactivate: VS Code restores them after a reload)
    panels.registerSerializer(),
    registerCommand('w2s.addBuiltinBenchmark', (ids?: string[]) =>
      addBuiltinBenchmark(stores, log, Array.isArray(ids) ? ids : undefined),
    ),
    registerCommand('w2s.importProblemSet', (uri?: vscode.Uri) =>
      importProblemSetFile(stores, log, uri instanceof vscode.Uri ? uri : undefined),
    ),
    registerCommand('w2s.openProblemSet', (arg?: string | { set?: { name: string } }) => {
      const name = typeof arg === 'string' ? arg : arg?.set?.name;
      if (name) panels.open(name);
    }),
    registerCommand('w2s.refresh', () => tree.refresh()),
    registerCommand('w2s.deleteProblemSet', (arg?: string | { set?: { name: string } }) =>
      deleteProblemSetCommand(stores, log, arg),
    ),
  );
}
