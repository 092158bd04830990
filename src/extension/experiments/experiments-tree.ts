import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { readExperiment } from '../../core/experiment/parse';
import { experimentStatus } from '../../core/experiment/run';
import { stepJob } from '../../core/experiment/state';
import { findDataset } from '../../core/export/snapshots';
import type { StoreService } from '../ui/store-service';
import { detailItem, type DetailNode } from '../ui/tree-items';
import { resultsSelectionOf, stepRow, type StepRow } from './step-rows';

/** The experiment files the view lists (also where the CodeLens applies). */
export const EXPERIMENT_GLOB = '**/*.w2s.{yaml,yml}';

export type Node = { kind: 'file'; uri: vscode.Uri } | { kind: 'step'; row: StepRow; file: string } | DetailNode;

/**
 * Each `*.w2s.yaml` of the workspace with its steps and their state, as `w2s experiment status` reads them
 * from the store (never creating one). A file watcher keeps the list fresh; the store's change event
 * (this window's runs, or a `w2s` in the terminal) the states.
 */
export class ExperimentsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private files: vscode.Uri[] | undefined;
  private throttle: NodeJS.Timeout | undefined;

  constructor(private readonly stores: StoreService) {
    const watcher = vscode.workspace.createFileSystemWatcher(EXPERIMENT_GLOB);
    const filesChanged = () => {
      this.files = undefined;
      this.refreshSoon();
    };
    this.subscriptions.push(
      this.changed,
      watcher,
      watcher.onDidCreate(filesChanged),
      watcher.onDidDelete(filesChanged),
      // an edit changes the steps' keys, hence their states
      watcher.onDidChange(() => this.refreshSoon()),
      vscode.workspace.onDidChangeWorkspaceFolders(filesChanged),
      stores.onDidChange(() => this.refreshSoon()),
    );
  }

  private refreshSoon(): void {
    this.throttle ??= setTimeout(() => {
      this.throttle = undefined;
      this.changed.fire(undefined);
    }, 300);
  }

  refresh(): void {
    this.files = undefined;
    this.changed.fire(undefined);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      this.files ??= (await vscode.workspace.findFiles(EXPERIMENT_GLOB, '**/node_modules/**')).sort((a, b) =>
        a.fsPath.localeCompare(b.fsPath),
      );
      return this.files.map((uri) => ({ kind: 'file', uri }));
    }
    if (node.kind !== 'file') return [];
    return this.steps(node.uri.fsPath);
  }

  /** One file's steps: the file is read and planned, and each step's state read from the store (no write). */
  private steps(file: string): Node[] {
    let spec;
    try {
      spec = readExperiment(file);
    } catch (e) {
      return [{ kind: 'detail', label: 'cannot read', description: errorMessage(e), icon: 'error' }];
    }
    if (this.stores.nativeProblem)
      return [{ kind: 'detail', label: 'no store', description: this.stores.nativeProblem.message, icon: 'error' }];
    try {
      const store = this.stores.getIfExists();
      const { steps } = experimentStatus(store, spec);
      const selection = resultsSelectionOf(spec);
      return steps.map((planned) => {
        const job =
          store && (planned.step.kind === 'sft' || planned.step.kind === 'eval')
            ? stepJob(store, planned.step.name)?.name
            : undefined;
        const datasetFile =
          store && planned.step.kind === 'export'
            ? (findDataset(store, planned.step.name)?.file ?? undefined)
            : undefined;
        return { kind: 'step', row: stepRow(planned, job, selection, datasetFile), file };
      });
    } catch (e) {
      return [{ kind: 'detail', label: 'cannot plan', description: errorMessage(e), icon: 'error' }];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'detail') return detailItem(node);
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(path.basename(node.uri.fsPath), vscode.TreeItemCollapsibleState.Expanded);
      item.id = `experiment:${node.uri.toString()}`;
      item.resourceUri = node.uri;
      // the folder, when not the workspace's own (asRelativePath gives a path relative to its folder)
      const dir = path.dirname(vscode.workspace.asRelativePath(node.uri, false));
      item.description = dir === '.' ? undefined : dir;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = 'experiment';
      item.command = { command: 'vscode.open', title: 'Open', arguments: [node.uri] };
      return item;
    }
    const r = node.row;
    const item = new vscode.TreeItem(r.label, vscode.TreeItemCollapsibleState.None);
    item.id = `experiment:${node.file}:${r.id}`;
    item.description = r.description;
    item.tooltip = r.tooltip;
    item.iconPath = new vscode.ThemeIcon(r.icon[0], r.icon[1] ? new vscode.ThemeColor(r.icon[1]) : undefined);
    // "Run to Here" on the row (the results step is the whole run: the file's own Run)
    item.contextValue = r.id === 'results' ? 'experimentResults' : 'experimentStep';
    if (r.open)
      item.command = {
        command: r.open.command,
        title: r.open.title,
        // vscode.open takes a Uri; the row keeps the path (step-rows.ts has no vscode import)
        arguments:
          r.open.command === 'vscode.open' ? r.open.args.map((a) => vscode.Uri.file(String(a))) : [...r.open.args],
      };
    return item;
  }

  dispose(): void {
    if (this.throttle) clearTimeout(this.throttle);
    for (const d of this.subscriptions) d.dispose();
  }
}
