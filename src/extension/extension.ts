import * as vscode from 'vscode';
import { addBuiltinBenchmark, importProblemSetFile } from './commands/problem-sets';
import { registerGrading } from './grading';
import { openProblemSetPanel, registerProblemSetPanelSerializer } from './panels/problem-set-panel';
import { registerResults, type ResultsApi } from './results';
import { registerSampling } from './sampling';
import type { GraderService } from './grading/grader-service';
import { StoreService } from './store-service';
import { ProblemSetsTree } from './views/problem-sets-tree';

/** What the extension exposes to its own extension-host tests (and later to other extensions). */
export interface W2sApi {
  readonly stores: StoreService;
  readonly grader: GraderService;
  readonly results: ResultsApi;
}

export function activate(context: vscode.ExtensionContext): W2sApi {
  const log = vscode.window.createOutputChannel('W2S', { log: true });
  const stores = new StoreService(log);
  const setsTree = new ProblemSetsTree(stores);
  const grader = registerGrading(context, stores, log);
  context.subscriptions.push(
    log,
    stores,
    setsTree,
    vscode.window.registerTreeDataProvider('w2s.problemSets', setsTree),
    vscode.commands.registerCommand('w2s.addBuiltinBenchmark', (ids?: string[]) => addBuiltinBenchmark(stores, log, Array.isArray(ids) ? ids : undefined)),
    vscode.commands.registerCommand('w2s.importProblemSet', (uri?: vscode.Uri) => importProblemSetFile(stores, log, uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('w2s.openProblemSet', (arg?: string | { set?: { name: string } }) => {
      const name = typeof arg === 'string' ? arg : arg?.set?.name;
      if (name) openProblemSetPanel(context, stores, log, name);
    }),
    registerProblemSetPanelSerializer(context, stores, log),
    vscode.commands.registerCommand('w2s.refresh', () => setsTree.refresh()),
    vscode.commands.registerCommand('w2s.showLog', () => log.show()),
  );
  const sampling = registerSampling(context, stores, log);
  context.subscriptions.push(
    sampling.onTracesStored(({ traceIds }) => {
      if (vscode.workspace.getConfiguration('w2s').get<boolean>('grading.gradeOnArrival', true)) grader.enqueue(traceIds);
    }),
  );
  const results = registerResults(context, stores, log, sampling, grader);
  log.info(`W2S Studio ${context.extension.packageJSON.version as string} activated`);
  return { stores, grader, results };
}

export function deactivate(): void {
  // Disposables in context.subscriptions close the store.
}
