import * as vscode from 'vscode';
import { isFinished, listJobs, type JobRow } from '../../core/jobs/job-store';
import { formatElapsed, summarizeJob, type JobSummary } from '../../core/jobs/summary';
import type { JobFollowers } from './followers';
import type { StoreService } from '../ui/store-service';
import { detailItem, rootsFromStore, storeErrorItem, type DetailNode, type StoreErrorNode } from '../ui/tree-items';
import { md } from '../ui/markdown-text';

type Node = { kind: 'job'; job: JobRow; summary: JobSummary } | DetailNode | StoreErrorNode;

const STATUS_ICON: Record<string, [string, string | undefined]> = {
  preparing: ['loading~spin', undefined],
  uploading: ['cloud-upload', undefined],
  pending: ['clock', undefined],
  running: ['sync~spin', 'charts.blue'],
  stopping: ['debug-stop', 'charts.yellow'],
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  'submit-failed': ['error', 'testing.iconFailed'],
  stopped: ['circle-slash', undefined],
};

/** SFT and eval jobs on the cluster: status, step/total, loss, elapsed; click opens the job panel. */
export class JobsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private throttle: NodeJS.Timeout | undefined;
  private readonly clock: NodeJS.Timeout;

  constructor(private readonly stores: StoreService, followers: JobFollowers) {
    this.subscriptions = [stores.onDidChange(() => this.refreshSoon()), followers.onDidChange(() => this.refreshSoon())];
    // The elapsed time of running jobs moves on even when nothing is logged.
    this.clock = setInterval(() => {
      try {
        const store = this.stores.getIfExists();
        if (store && listJobs(store).some((j) => !isFinished(j.status))) this.refreshSoon();
      } catch {
        // the tree shows the store's error row itself
      }
    }, 5000);
  }

  private refreshSoon(): void {
    if (this.throttle) return;
    this.throttle = setTimeout(() => {
      this.throttle = undefined;
      this.changed.fire(undefined);
    }, 500);
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) return rootsFromStore(this.stores, (store): Node[] => listJobs(store).map((job) => ({ kind: 'job', job, summary: summarizeJob(store, job) })));
    if (node.kind !== 'job') return [];
    const j = node.job;
    const out: Node[] = [
      { kind: 'detail', label: 'cluster', description: `${j.cluster} · ${j.submissionId ?? 'not submitted'}`, icon: 'server' },
      { kind: 'detail', label: j.kind === 'sft' ? 'data' : 'problems', description: j.spec.source, icon: 'database' },
      { kind: 'detail', label: 'model', description: String(j.spec.job.base_model ?? j.spec.job.model ?? ''), icon: 'hubot' },
    ];
    for (const c of j.output.checkpoints ?? []) out.push({ kind: 'detail', label: c.final ? 'model' : `step ${c.step}`, description: c.path, icon: c.final ? 'package' : 'save' });
    if (j.spec.evalRun) out.push({ kind: 'detail', label: 'eval run', description: j.spec.evalRun, icon: 'list-unordered' });
    if (j.error) out.push({ kind: 'detail', label: 'error', description: j.error, icon: 'error' });
    return out;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'job': {
        const { job, summary: s } = node;
        const item = new vscode.TreeItem(job.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = [job.status, s.progress, s.loss !== null ? `loss ${s.loss.toFixed(4)}` : '', formatElapsed(s.elapsedMs)].filter(Boolean).join(' · ');
        const [icon, color] = STATUS_ICON[job.status] ?? ['circle-outline', undefined];
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        item.tooltip = new vscode.MarkdownString(
          md`**${job.name}** — ${job.kind}, ${job.status}\n\n${job.spec.source}\n\n${job.cluster}` + (job.error ? md`\n\n${job.error}` : ''),
        );
        item.contextValue = isFinished(job.status) ? 'w2s.job.finished' : 'w2s.job.running';
        item.command = { command: 'w2s.openJob', title: 'Open Job', arguments: [job.name] };
        item.id = `job:${job.id}`;
        return item;
      }
      case 'detail':
        return detailItem(node);
      case 'error':
        return storeErrorItem(node);
    }
  }

  dispose(): void {
    if (this.throttle) clearTimeout(this.throttle);
    clearInterval(this.clock);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
