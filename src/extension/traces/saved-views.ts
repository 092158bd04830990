import * as vscode from 'vscode';
import { checkViewName } from '../../core/curation/views';
import {
  deleteView,
  formatFilterExpression,
  findView,
  listViews,
  saveView,
  type SavedView,
  type TraceFilter,
  type TraceSort,
} from '../../core/curation';
import { errorMessage } from '../../core/errors';
import type { StoreService } from '../ui/store-service';

/** Asks for a name and saves the filter as a view (asking before replacing one); undefined when cancelled. */
export async function saveViewInteractive(
  stores: StoreService,
  filter: TraceFilter,
  sort: TraceSort,
): Promise<SavedView | undefined> {
  const store = stores.get();
  const name = await vscode.window.showInputBox({
    title: 'W2S: Save View',
    prompt: `Name for the filter ${formatFilterExpression(filter) || '(no filter: every trace)'}`,
    placeHolder: 'e.g. incorrect with reflection',
    validateInput: (v) => {
      try {
        checkViewName(v);
        return undefined;
      } catch (e) {
        return errorMessage(e);
      }
    },
  });
  if (name === undefined) return undefined;
  let replace = false;
  if (findView(store, name.trim())) {
    const answer = await vscode.window.showWarningMessage(
      `A view named "${name.trim()}" exists. Replace it?`,
      { modal: true },
      'Replace',
    );
    if (answer !== 'Replace') return undefined;
    replace = true;
  }
  const view = saveView(store, name, filter, sort, { replace });
  stores.notifyChanged();
  void vscode.window.setStatusBarMessage(`W2S: saved view "${view.name}"`, 4000);
  return view;
}

/** The saved views as a quick pick (the Traces view's menu); the picked view, or undefined. */
export async function pickSavedView(stores: StoreService, title = 'W2S: Saved Views'): Promise<SavedView | undefined> {
  const store = stores.getIfExists();
  const views = store ? listViews(store) : [];
  if (!views.length) {
    void vscode.window.showInformationMessage(
      'No saved views yet: filter the Traces view, then Save View… in its menu.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    views.map((v) => ({
      label: v.name,
      description: formatFilterExpression(v.filter) || 'every trace',
      detail: v.sort ? `sorted by ${v.sort.key}${v.sort.desc ? ' (descending)' : ''}` : undefined,
      view: v,
    })),
    { title, placeHolder: 'Show the traces of a saved view', matchOnDescription: true },
  );
  return picked?.view;
}

export async function deleteSavedViewInteractive(stores: StoreService): Promise<void> {
  const view = await pickSavedView(stores, 'W2S: Delete Saved View');
  if (!view) return;
  const ok = await vscode.window.showWarningMessage(`Delete the saved view "${view.name}"?`, { modal: true }, 'Delete');
  if (ok !== 'Delete') return;
  deleteView(stores.get(), view.name);
  stores.notifyChanged();
}
