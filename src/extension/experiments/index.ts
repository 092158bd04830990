import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseExperiment } from '../../core/experiment/parse';
import { planExperiment } from '../../core/experiment/plan';
import { stepAnchors } from '../../core/experiment/step-anchors';
import { requireRunnerDir } from '../../core/jobs/runner-files';
import { registerCommand } from '../ui/commands';
import type { StoreService } from '../ui/store-service';
import { EXPERIMENT_GLOB, ExperimentsTree, type Node } from './experiments-tree';
import { newExperiment, type NewExperimentArgs } from './new-command';
import { dryRunExperiment, runExperimentCommand, type ExperimentDeps } from './run-command';

/**
 * "Run experiment" and "Dry run" above the first line of every experiment file, and "Run to here" on the
 * line each step comes from (a teacher, a dataset, an eval set, a reference model), from the text as it is
 * in the editor. A file that does not parse or plan yet has only the first two: running it says why.
 */
function codeLenses(stores: StoreService): vscode.CodeLensProvider {
  return {
    provideCodeLenses(doc) {
      const top = new vscode.Range(0, 0, 0, 0);
      const lenses = [
        new vscode.CodeLens(top, {
          command: 'w2s.runExperiment',
          title: '$(play) Run experiment',
          arguments: [doc.uri],
        }),
        new vscode.CodeLens(top, { command: 'w2s.dryRunExperiment', title: 'Dry run', arguments: [doc.uri] }),
      ];
      let anchors;
      try {
        const text = doc.getText();
        const plan = planExperiment(
          stores.nativeProblem ? undefined : stores.getIfExists(),
          parseExperiment(text, doc.uri.fsPath),
        );
        anchors = stepAnchors(text, plan);
      } catch {
        return lenses;
      }
      for (const a of anchors) {
        lenses.push(
          new vscode.CodeLens(new vscode.Range(a.line, 0, a.line, 0), {
            command: 'w2s.runExperimentTo',
            title: a.title,
            tooltip: `Runs ${a.steps.join(', ')} and the steps they need, nothing after them`,
            arguments: [doc.uri, a.steps],
          }),
        );
      }
      return lenses;
    },
  };
}

/**
 * What "Run to here" runs: a lens's file and step ids, a step row of the Experiments view, or, from the
 * palette (no ids), the active experiment and a step it asks for.
 */
function runToArgs(arg: unknown, steps: unknown): [unknown, readonly string[] | 'ask'] {
  if (arg && typeof arg === 'object' && 'kind' in arg && arg.kind === 'step') {
    const node = arg as Extract<Node, { kind: 'step' }>;
    return [node.file, [node.row.id]];
  }
  const ids = Array.isArray(steps) && steps.length && steps.every((s) => typeof s === 'string') ? steps : 'ask';
  return [arg, ids];
}

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
    vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: EXPERIMENT_GLOB }, codeLenses(stores)),
    registerCommand('w2s.newExperiment', (args?: NewExperimentArgs) =>
      newExperiment(log, args && typeof args === 'object' ? args : {}),
    ),
    registerCommand('w2s.runExperiment', (arg?: unknown) => runExperimentCommand(deps, arg)),
    registerCommand('w2s.runExperimentTo', (arg?: unknown, steps?: unknown) =>
      runExperimentCommand(deps, ...runToArgs(arg, steps)),
    ),
    registerCommand('w2s.dryRunExperiment', (arg?: unknown) => dryRunExperiment(deps, arg)),
    registerCommand('w2s.refreshExperiments', () => tree.refresh()),
  );
}
