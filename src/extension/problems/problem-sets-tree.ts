import * as vscode from 'vscode';
import { listProblemSets, type ProblemSetSummary } from '../../core/problems/sets';
import type { StoreService } from '../ui/store-service';
import { md } from '../ui/markdown-text';
import { detailItem, rootsFromStore, storeErrorItem, type DetailNode, type StoreErrorNode } from '../ui/tree-items';

type Node = { kind: 'set'; set: ProblemSetSummary } | DetailNode | StoreErrorNode;

/** Problem sets with their counts, answer types and source. */
export class ProblemSetsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly stores: StoreService) {
    this.subscription = stores.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node)
      return rootsFromStore(this.stores, (store): Node[] =>
        listProblemSets(store).map((set) => ({ kind: 'set', set })),
      );
    if (node.kind !== 'set') return [];
    const s = node.set;
    const types = Object.entries(s.answerTypes).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
    return [
      ...types.map(([t, n]): Node => ({
        kind: 'detail',
        label: t,
        description: `${n} problems`,
        icon: answerTypeIcon(t),
      })),
      { kind: 'detail', label: 'source', description: s.source, icon: 'file' },
      { kind: 'detail', label: 'imported', description: s.updatedAt.replace('T', ' ').slice(0, 16), icon: 'history' },
    ];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'set': {
        const s = node.set;
        const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.Collapsed);
        const types = Object.keys(s.answerTypes).join(', ');
        item.description = `${s.problems} problems · ${types}`;
        const typeList = Object.entries(s.answerTypes)
          .map(([t, n]) => `${n} ${t}`)
          .join(', ');
        item.tooltip = new vscode.MarkdownString(
          md`**${s.name}** — ${s.problems} problems\n\nanswer types: ${typeList}\n\nsource: ${s.source}`,
        );
        item.iconPath = new vscode.ThemeIcon('library');
        item.contextValue = 'w2s.problemSet';
        item.command = { command: 'w2s.openProblemSet', title: 'Open Problem Set', arguments: [s.name] };
        item.id = `set:${s.id}`;
        return item;
      }
      case 'detail':
        return detailItem(node);
      case 'error':
        return storeErrorItem(node);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function answerTypeIcon(t: string): string {
  return (
    (
      { math: 'symbol-operator', number: 'symbol-number', choice: 'list-selection', text: 'symbol-text' } as Record<
        string,
        string
      >
    )[t] ?? 'circle'
  );
}
