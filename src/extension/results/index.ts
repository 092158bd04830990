import * as vscode from 'vscode';
import type { GraderService } from '../grading/grader-service';
import { comparisonPanel, selectionArg } from './comparison-panel';
import type { SamplingApi } from '../sampling';
import { ActivityStatus } from './activity-status';
import type { StoreService } from '../ui/store-service';
import { BenchmarkTests } from './benchmark-tests';
import { problemSetUri, registerDocuments } from './documents';
import { evaluateEndpointModel, type EvaluateArgs } from './evaluate-command';
import { openProblemTraces, showTestResponse } from './open-traces';
import { registerProblemHover } from './problem-hover';
import { ResultsIndex } from './results-index';
import { registerCommand } from '../ui/commands';

export interface ResultsApi {
  readonly tests: BenchmarkTests;
}

/** Evaluations, the comparison panel, inline results (Testing API, hover) and the activity status item. */
export function registerResults(
  context: vscode.ExtensionContext,
  stores: StoreService,
  log: vscode.LogOutputChannel,
  sampling: SamplingApi,
  grader: GraderService,
): ResultsApi {
  const index = new ResultsIndex(stores, log);
  const panel = comparisonPanel(context, stores, log);
  const tests = new BenchmarkTests(context, stores, index, grader, sampling.sessions, log);
  context.subscriptions.push(
    index,
    tests,
    new ActivityStatus(sampling.sessions, stores, log),
    registerDocuments(stores),
    registerProblemHover(index),
    // (the panel is not closed on deactivate: VS Code restores it after a reload)
    panel.registerSerializer(),
    registerCommand('w2s.evaluateEndpointModel', (args?: EvaluateArgs) =>
      evaluateEndpointModel(sampling.context, grader, args),
    ),
    registerCommand('w2s.openResults', (arg?: unknown) => {
      const selection = selectionArg(arg);
      panel.open(selection ? { selection } : {});
      return selection;
    }),
    registerCommand('w2s.openProblemTraces', (arg?: unknown) => openProblemTraces(arg)),
    registerCommand('w2s.openProblemTracesAsText', (arg?: unknown) => openProblemTraces(arg, true)),
    registerCommand('w2s.showTestResponse', (arg?: { test?: vscode.TestItem; message?: vscode.TestMessage }) =>
      showTestResponse(arg),
    ),
    registerCommand('w2s.openProblemSetFile', async (arg?: string | { set?: { name: string } }) => {
      let name = typeof arg === 'string' ? arg : arg?.set?.name;
      if (!name) {
        const pick = await vscode.window.showQuickPick(
          index.sets().map((s) => ({ label: s.name, description: `${s.problems} problems · ${s.source}` })),
          { title: 'W2S: Open Problem File' },
        );
        name = pick?.label;
        if (!name) return;
      }
      const set = index.sets().find((s) => s.name === name);
      const uri = set && problemSetUri(set.source);
      if (!set || !uri) {
        void vscode.window.showWarningMessage(
          `The file of problem set "${name ?? '?'}" is not available${set ? ` (${set.source})` : ''}.`,
        );
        return;
      }
      const item = tests.controller.items.get(`set:${set.name}`);
      if (item) tests.ensureChildren(item);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    }),
  );
  return { tests };
}
