import * as vscode from 'vscode';
import { addBuiltinBenchmark, importProblemSetFile } from './problems/import-commands';
import { registerGrading } from './grading';
import { registerJobs } from './jobs';
import { openProblemSetPanel, registerProblemSetPanelSerializer } from './problems/problem-set-panel';
import { checkNativeModule } from './ui/native-check';
import { registerResults, type ResultsApi } from './results';
import { registerSampling } from './sampling';
import type { GraderService } from './grading/grader-service';
import { StoreService } from './ui/store-service';
import { registerTraces, type TracesApi } from './traces';
import { ProblemSetsTree } from './problems/problem-sets-tree';
import { registerRunDetails } from './sampling/run-details';
import { setting } from './ui/settings';
import { registerCommand } from './ui/commands';

/** What the extension exposes to its own extension-host tests (and later to other extensions). */
export interface W2sApi {
  readonly stores: StoreService;
  readonly grader: GraderService;
  readonly traces: TracesApi;
  readonly results: ResultsApi;
}

export function activate(context: vscode.ExtensionContext): W2sApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('W2S', { log: true });
  const native = checkNativeModule(context, log);
  const stores = new StoreService(log);
  stores.setNativeProblem(native.problem);
  const setsTree = new ProblemSetsTree(stores);
  const setsView = vscode.window.createTreeView('w2s.problemSets', { treeDataProvider: setsTree });
  // The one place the failure shows (the Runs view stays empty and points here).
  if (native.problem) setsView.message = native.problem.message;
  const grader = registerGrading(context, stores, log);
  context.subscriptions.push(
    log,
    stores,
    setsTree,
    setsView,
    registerCommand('w2s.addBuiltinBenchmark', (ids?: string[]) => addBuiltinBenchmark(stores, log, Array.isArray(ids) ? ids : undefined)),
    registerCommand('w2s.importProblemSet', (uri?: vscode.Uri) => importProblemSetFile(stores, log, uri instanceof vscode.Uri ? uri : undefined)),
    registerCommand('w2s.openProblemSet', (arg?: string | { set?: { name: string } }) => {
      const name = typeof arg === 'string' ? arg : arg?.set?.name;
      if (name) openProblemSetPanel(context, stores, log, name);
    }),
    registerProblemSetPanelSerializer(context, stores, log),
    registerCommand('w2s.refresh', () => setsTree.refresh()),
    registerCommand('w2s.showLog', () => log.show()),
    registerRunDetails(stores),
  );
  const sampling = registerSampling(context, stores, log);
  const traces = registerTraces(context, stores, log);
  context.subscriptions.push(
    sampling.onTracesStored(({ traceIds }) => {
      if (setting('grading.gradeOnArrival')) grader.enqueue(traceIds);
    }),
  );
  registerJobs(context, stores, grader, log);
  const results = registerResults(context, stores, log, sampling, grader);
  log.info(`W2S Studio ${context.extension.packageJSON.version as string} activated in ${(performance.now() - started).toFixed(1)} ms (SQLite module check ${native.ms.toFixed(1)} ms)`);
  return { stores, grader, traces, results };
}

export function deactivate(): void {
  // Disposables in context.subscriptions close the store.
}
