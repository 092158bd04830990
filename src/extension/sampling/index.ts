import * as vscode from 'vscode';
import { listRuns, type RunSummary } from '../../core/runs/runs';
import type { StoreService } from '../ui/store-service';
import { registerRunDetails } from './run-details';
import { RunsTree } from './runs-tree';
import { EndpointMemory, setApiKey, testEndpoint } from './endpoints';
import {
  resumeRun,
  sampleTracesCommand,
  type SampleTracesArgs,
  type SamplingContext,
  type TracesStored,
} from './sample-command';
import { Sessions } from './sessions';
import { registerCommand } from '../ui/commands';
import { deleteRunCommand } from '../ui/delete-commands';

export interface SamplingApi {
  /** Fires with the ids of traces as they are committed, so the grader can grade them as they arrive. */
  readonly onTracesStored: vscode.Event<TracesStored>;
  readonly sessions: Sessions;
  /** what sampling commands run with (evaluations reuse it) */
  readonly context: SamplingContext;
}

type RunArg = string | { run?: { name: string } } | undefined;
const runNameOf = (arg: RunArg): string | undefined => (typeof arg === 'string' ? arg : arg?.run?.name);

/** Sampling commands, the Runs view and the run details documents. */
export function registerSampling(
  context: vscode.ExtensionContext,
  stores: StoreService,
  log: vscode.LogOutputChannel,
): SamplingApi {
  const sessions = new Sessions();
  const tracesStored = new vscode.EventEmitter<TracesStored>();
  const memory = new EndpointMemory(context.globalState);
  const ctx: SamplingContext = {
    stores,
    sessions,
    secrets: context.secrets,
    log,
    memory,
    onTracesStored: (e) => tracesStored.fire(e),
  };
  const tree = new RunsTree(stores, sessions);
  const pickRun = async (
    arg: RunArg,
    filter: (run: RunSummary, status: string) => boolean,
    verb: string,
  ): Promise<string | undefined> => {
    const name = runNameOf(arg);
    if (name) return name;
    const store = stores.getIfExists();
    const runs = store ? listRuns(store).filter((r) => filter(r, sessions.get(r.name) ? 'running' : r.status)) : [];
    if (!runs.length) {
      void vscode.window.showInformationMessage(`No run to ${verb}.`);
      return undefined;
    }
    return (
      await vscode.window.showQuickPick(
        runs.map((r) => ({ label: r.name, description: `${r.status} · ${r.done}/${r.total}` })),
        { title: `W2S: ${verb} run` },
      )
    )?.label;
  };
  context.subscriptions.push(
    sessions,
    tracesStored,
    tree,
    vscode.window.registerTreeDataProvider('w2s.runs', tree),
    registerRunDetails(stores),
    registerCommand('w2s.sampleTraces', (args?: SampleTracesArgs) => sampleTracesCommand(ctx, args)),
    registerCommand('w2s.setApiKey', () => setApiKey(context.secrets, memory)),
    registerCommand('w2s.testEndpoint', () => testEndpoint(context.secrets, memory, log)),
    registerCommand('w2s.refreshRuns', () => tree.refresh()),
    registerCommand('w2s.deleteRun', (arg: RunArg) => deleteRunCommand(stores, log, arg)),
    registerCommand('w2s.resumeRun', async (arg: RunArg) => {
      const name = await pickRun(arg, (r, s) => r.kind === 'sample' && s !== 'done' && s !== 'running', 'Resume');
      return name ? resumeRun(ctx, name) : undefined;
    }),
    registerCommand('w2s.sampleMore', async (arg: RunArg) => {
      const name = await pickRun(
        arg,
        (r, s) => r.kind === 'sample' && s !== 'running' && r.problems < r.setProblems,
        'Sample more of',
      );
      return name ? resumeRun(ctx, name, {}) : undefined;
    }),
    registerCommand('w2s.cancelRun', async (arg: RunArg) => {
      const name = await pickRun(arg, (_r, s) => s === 'running', 'Cancel');
      if (!name) return;
      if (!sessions.cancel(name)) {
        void vscode.window.showInformationMessage(
          `${name} is not sampling in this window; if a w2s process samples it, stop that one (Ctrl-C).`,
        );
      }
    }),
  );
  return { onTracesStored: tracesStored.event, sessions, context: ctx };
}
