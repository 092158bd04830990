import * as path from 'node:path';
import * as vscode from 'vscode';
import { requireRunnerDir } from '../../core/jobs/runner-files';
import { registerCommand } from '../ui/commands';
import type { StoreService } from '../ui/store-service';
import { EXPERIMENT_GLOB, ExperimentsTree } from './experiments-tree';
import { newExperiment, type NewExperimentArgs } from './new-command';
import { dryRunExperiment, runExperimentCommand, type ExperimentDeps } from './run-command';

/** "Run experiment" and "Dry run" above the first line of every experiment file. */
const codeLenses: vscode.CodeLensProvider = {
  provideCodeLenses(doc) {
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { command: 'w2s.runExperiment', title: '$(play) Run experiment', arguments: [doc.uri] }),
      new vscode.CodeLens(top, { command: 'w2s.dryRunExperiment', title: 'Dry run', arguments: [doc.uri] }),
    ];
  },
};

/** Experiment files (*.w2s.yaml): New Experiment…, the Experiments view, the CodeLens, Run and Dry run. */
export function registerExperiments(
  context: vscode.ExtensionContext,
  stores: StoreService,
  log: vscode.LogOutputChannel,
): void {
  const tree = new ExperimentsTree(stores);
  let output: vscode.OutputChannel | undefined;
  const deps: ExperimentDeps = {
    stores,
    secrets: context.secrets,
    log,
    runnerDir: requireRunnerDir(path.join(context.extensionPath, 'dist')),
    output: () => (output ??= vscode.window.createOutputChannel('W2S Experiment')),
    refresh: () => tree.refresh(),
  };
  context.subscriptions.push(
    tree,
    { dispose: () => output?.dispose() },
    vscode.window.registerTreeDataProvider('w2s.experiments', tree),
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: EXPERIMENT_GLOB }, codeLenses),
    registerCommand('w2s.newExperiment', (args?: NewExperimentArgs) =>
      newExperiment(log, args && typeof args === 'object' ? args : {}),
    ),
    registerCommand('w2s.runExperiment', (arg?: unknown) => runExperimentCommand(deps, arg)),
    registerCommand('w2s.dryRunExperiment', (arg?: unknown) => dryRunExperiment(deps, arg)),
    registerCommand('w2s.refreshExperiments', () => tree.refresh()),
  );
}
