import * as vscode from 'vscode';
import { deleteSet, planSetDeletion } from '../../core/problems/delete-set';
import { deleteRun, planRunDeletion, type TraceRecordCounts } from '../../core/runs/delete-run';
import { listProblemSets } from '../../core/problems/sets';
import { listRunNames } from '../../core/runs/runs';
import { reportError } from './report-error';
import type { StoreService } from './store-service';

type RunArg = string | { run?: { name: string } } | undefined;
type SetArg = string | { set?: { name: string } } | undefined;

const n = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

/** "400 traces with their 400 grades, 12 labels and 400 signal rows" */
export function whatGoes(c: TraceRecordCounts): string {
  return `${n(c.traces, 'trace')} with their ${n(c.grades, 'grade')}, ${n(c.labels, 'label')} and ${n(c.signals, 'signal row')}`;
}

/**
 * Asks with a modal dialog that says what goes, then deletes through core (one write transaction). A
 * refusal (a snapshot holds the run's traces, the run is being sampled) is reported and nothing changes.
 */
async function confirmAndDelete(
  stores: StoreService,
  log: vscode.LogOutputChannel,
  what: string,
  plan: () => string,
  del: () => void,
): Promise<boolean> {
  let detail: string;
  try {
    detail = plan();
  } catch (e) {
    void reportError(log, `Cannot delete ${what}`, e);
    return false;
  }
  const choice = await vscode.window.showWarningMessage(
    `Delete ${what}?`,
    { modal: true, detail: `${detail}\n\nThis cannot be undone.` },
    'Delete',
  );
  if (choice !== 'Delete') return false;
  try {
    del();
  } catch (e) {
    void reportError(log, `Cannot delete ${what}`, e);
    return false;
  }
  log.info(`Deleted ${what}: ${detail}`);
  stores.notifyChanged();
  return true;
}

/** W2S: Delete Run… (the Runs view's context menu, or a pick). */
export async function deleteRunCommand(
  stores: StoreService,
  log: vscode.LogOutputChannel,
  arg: RunArg,
): Promise<boolean> {
  const store = stores.getIfExists();
  if (!store) return false;
  const name =
    typeof arg === 'string'
      ? arg
      : (arg?.run?.name ??
        (await vscode.window.showQuickPick(listRunNames(store), { title: 'W2S: Delete Run — which run' })));
  if (!name) return false;
  return confirmAndDelete(
    stores,
    log,
    `run "${name}"`,
    () => {
      const p = planRunDeletion(store, name);
      return `Deletes ${whatGoes(p)}${p.reruns.length ? `, and its re-run(s) ${p.reruns.join(', ')}` : ''}. The problem set ${p.set} stays.`;
    },
    () => void deleteRun(store, name),
  );
}

/** W2S: Delete Problem Set… — a set with runs goes with them (the dialog says so and counts them). */
export async function deleteProblemSetCommand(
  stores: StoreService,
  log: vscode.LogOutputChannel,
  arg: SetArg,
): Promise<boolean> {
  const store = stores.getIfExists();
  if (!store) return false;
  const name =
    typeof arg === 'string'
      ? arg
      : (arg?.set?.name ??
        (await vscode.window.showQuickPick(
          listProblemSets(store).map((s) => s.name),
          { title: 'W2S: Delete Problem Set — which set' },
        )));
  if (!name) return false;
  return confirmAndDelete(
    stores,
    log,
    `problem set "${name}"`,
    () => {
      const p = planSetDeletion(store, name, { cascade: true });
      return `Deletes ${n(p.problems, 'problem')}${p.runs.length ? ` and ${n(p.runs.length, 'run')} on it (${p.runs.join(', ')}): ${whatGoes(p)}` : ''}.`;
    },
    () => void deleteSet(store, name, { cascade: true }),
  );
}
