import * as vscode from 'vscode';
import { registerExperiments } from './experiments';
import { registerGrading } from './grading';
import type { GraderService } from './grading/grader-service';
import { registerJobs } from './jobs';
import { registerProblems } from './problems';
import { registerResults, type ResultsApi } from './results';
import { registerSampling } from './sampling';
import { storeApiKey } from './sampling/endpoints';
import { registerTraces, type TracesApi } from './traces';
import { importTracesCommand } from './traces/import-traces-command';
import { registerCommand } from './ui/commands';
import { checkNativeModule } from './ui/native-check';
import { setting } from './ui/settings';
import { StoreService } from './ui/store-service';

/** What the extension exposes to its own extension-host tests (and later to other extensions). */
export interface W2sApi {
  readonly stores: StoreService;
  readonly grader: GraderService;
  readonly traces: TracesApi;
  readonly results: ResultsApi;
  /**
   * What "W2S: Set API Key…" does, without its prompts: the key of an endpoint profile (or URL) saved in
   * SecretStorage, an empty one removed. Write-only: no key is ever readable through this API.
   */
  readonly setApiKey: (endpointName: string, key: string) => Promise<void>;
}

/** The features, each registering its own commands, views and panels, over one log and one store. */
export function activate(context: vscode.ExtensionContext): W2sApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('W2S', { log: true });
  const native = checkNativeModule(context, log);
  const stores = new StoreService(log);
  stores.setNativeProblem(native.problem);
  // (the grader is disposed first: its workers finish before the store closes)
  const grader = registerGrading(context, stores, log);
  context.subscriptions.push(
    log,
    stores,
    registerCommand('w2s.showLog', () => log.show()),
  );
  registerProblems(context, stores, log, native.problem?.message);
  const sampling = registerSampling(context, stores, log);
  const traces = registerTraces(context, stores, log);
  // Traces are graded as sampling stores them, unless the setting says later.
  context.subscriptions.push(
    sampling.onTracesStored(({ traceIds }) => setting('grading.gradeOnArrival') && grader.enqueue(traceIds)),
  );
  context.subscriptions.push(
    registerCommand('w2s.importTraces', (uri?: vscode.Uri) =>
      importTracesCommand(stores, grader, log, uri instanceof vscode.Uri ? uri : undefined),
    ),
  );
  registerJobs(context, stores, grader, log);
  const results = registerResults(context, stores, log, sampling, grader);
  registerExperiments(context, stores, log);
  log.info(
    `W2S Studio ${context.extension.packageJSON.version as string} activated in ${(performance.now() - started).toFixed(1)} ms (SQLite module check ${native.ms.toFixed(1)} ms)`,
  );
  return {
    stores,
    grader,
    traces,
    results,
    setApiKey: (name, key) => storeApiKey(context.secrets, name, key),
  };
}

export function deactivate(): void {
  // Disposables in context.subscriptions close the store.
}
