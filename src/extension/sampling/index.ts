import * as vscode from 'vscode';
import { listRuns } from '../../core/runs/runs';
import type { StoreService } from '../store-service';
import { RunsTree } from '../views/runs-tree';
import { setApiKey, testEndpoint } from './endpoints';
import { resumeRun, sampleTracesCommand, type SampleTracesArgs, type SamplingContext, type TracesStored } from './sample-command';
import { Sessions } from './sessions';

export interface SamplingApi {
  /** Fires with the ids of traces as they are committed, so the grader can grade them as they arrive. */
  readonly onTracesStored: vscode.Event<TracesStored>;
  readonly sessions: Sessions;
  /** what sampling commands run with (evaluations reuse it) */
  readonly context: SamplingContext;
}

type RunArg = string | { run?: { name: string } } | undefined;
const runNameOf = (arg: RunArg): string | undefined => (typeof arg === 'string' ? arg : arg?.run?.name);

/** Sampling commands, the Runs view and the status-bar item. */
export function registerSampling(context: vscode.ExtensionContext, stores: StoreService, log: vscode.LogOutputChannel): SamplingApi {
  const sessions = new Sessions();
  const tracesStored = new vscode.EventEmitter<TracesStored>();
  const ctx: SamplingContext = { stores, sessions, secrets: context.secrets, log, onTracesStored: (e) => tracesStored.fire(e) };
  const tree = new RunsTree(stores, sessions);
  const pickRun = async (arg: RunArg, filter: (status: string, kind: string) => boolean, verb: string): Promise<string | undefined> => {
    const name = runNameOf(arg);
    if (name) return name;
    const store = stores.getIfExists();
    const runs = store ? listRuns(store).filter((r) => filter(sessions.get(r.name) ? 'running' : r.status, r.kind)) : [];
    if (!runs.length) {
      void vscode.window.showInformationMessage(`No run to ${verb}.`);
      return undefined;
    }
    return (await vscode.window.showQuickPick(runs.map((r) => ({ label: r.name, description: `${r.status} · ${r.done}/${r.total}` })), { title: `W2S: ${verb} run` }))?.label;
  };
  context.subscriptions.push(
    sessions,
    tracesStored,
    tree,
    vscode.window.registerTreeDataProvider('w2s.runs', tree),
    vscode.commands.registerCommand('w2s.sampleTraces', (args?: SampleTracesArgs) => sampleTracesCommand(ctx, args)),
    vscode.commands.registerCommand('w2s.setApiKey', () => setApiKey(context.secrets)),
    vscode.commands.registerCommand('w2s.testEndpoint', () => testEndpoint(context.secrets, log)),
    vscode.commands.registerCommand('w2s.refreshRuns', () => tree.refresh()),
    vscode.commands.registerCommand('w2s.resumeRun', async (arg: RunArg) => {
      const name = await pickRun(arg, (s, k) => k === 'sample' && s !== 'done' && s !== 'running', 'Resume');
      return name ? resumeRun(ctx, name) : undefined;
    }),
    vscode.commands.registerCommand('w2s.cancelRun', async (arg: RunArg) => {
      const name = await pickRun(arg, (s) => s === 'running', 'Cancel');
      if (!name) return;
      if (!sessions.cancel(name)) {
        void vscode.window.showInformationMessage(`${name} is not sampling in this window; if a w2s process samples it, stop that one (Ctrl-C).`);
      }
    }),
  );
  return { onTracesStored: tracesStored.event, sessions, context: ctx };
}
