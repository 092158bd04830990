import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { Store } from '../../core/store/open';
import type { StoreService } from './store-service';

/** The leaf rows every W2S tree shares: a labelled detail, and the "store cannot be opened" row. */
export type DetailNode = { kind: 'detail'; label: string; description?: string; icon: string };
export type StoreErrorNode = { kind: 'error'; message: string };

export function detailItem(node: DetailNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
  item.description = node.description;
  item.tooltip = node.description;
  item.iconPath = new vscode.ThemeIcon(node.icon);
  return item;
}

export function storeErrorItem(node: StoreErrorNode): vscode.TreeItem {
  const item = new vscode.TreeItem('Cannot open the W2S store', vscode.TreeItemCollapsibleState.None);
  item.description = node.message;
  item.tooltip = node.message;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  item.command = { command: 'w2s.showLog', title: 'Show Log' };
  return item;
}

/**
 * A tree's root rows from the store: none when there is no store yet (the view then shows its welcome
 * content, and nothing is created), one error row when it cannot be opened. None either when the
 * SQLite module did not load: the Problem Sets view's message says so, once for all views.
 */
export function rootsFromStore<N>(stores: StoreService, list: (store: Store) => N[]): (N | StoreErrorNode)[] {
  if (stores.nativeProblem) return [];
  let store: Store | undefined;
  try {
    store = stores.getIfExists();
  } catch (e) {
    return [{ kind: 'error', message: errorMessage(e) }];
  }
  return store ? list(store) : [];
}
