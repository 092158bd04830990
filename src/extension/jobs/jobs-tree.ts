import * as vscode from 'vscode';
import { isFinished, listJobs, type JobRow } from '../../core/jobs/job-store';
import { formatElapsed, summarizeJob, type JobSummary } from '../../core/jobs/summary';
import type { JobFollowers } from './followers';
import type { StoreService } from '../ui/store-service';
import { detailItem, rootsFromStore, storeErrorItem, type DetailNode, type StoreErrorNode } from '../ui/tree-items';
import { md } from '../ui/markdown-text';
import { probeLines } from '../../core/jobs/cluster-probe';
import type { StoredProbe } from './cluster-settings';

/** One row per node of the probe report, then the checkpoint root's verdict. */
function clusterDetails(p: StoredProbe): DetailNode[] {
  const r = p.report;
  if (!r.ok)
    return [
      {
        kind: 'detail',
        label: 'probe failed',
        description: `${r.rayStatus}: ${r.message ?? 'no details'}`,
        icon: 'error',
      },
    ];
  const lines = probeLines(r);
  const out: DetailNode[] = r.nodes.map((n, i) => {
    const line = lines[i] ?? '';
    const cut = line.indexOf(': ');
    return {
      kind: 'detail',
      label: cut > 0 ? line.slice(0, cut) : `node ${i + 1}`,
      description: cut > 0 ? line.slice(cut + 2) : line,
      icon: n.gpus?.length ? 'circuit-board' : 'vm',
    };
  });
  if (r.checkpointRoot.path)
    out.push({
      kind: 'detail',
      label: 'checkpoints',
      description: lines.at(-1)!.replace(/^checkpoint root /, ''),
      icon: r.checkpointRoot.shared === false ? 'warning' : 'folder',
    });
  out.push({ kind: 'detail', label: 'environment', description: r.environment, icon: 'package' });
  if (r.note) out.push({ kind: 'detail', label: 'note', description: r.note, icon: 'info' });
  return out;
}

function clusterItem(p: StoredProbe): vscode.TreeItem {
  const r = p.report;
  const item = new vscode.TreeItem(`cluster ${p.address}`, vscode.TreeItemCollapsibleState.Expanded);
  const gpus = r.nodes.reduce((n, x) => n + (x.gpus?.length ?? 0), 0);
  item.description = r.ok
    ? `${r.nodes.length} node${r.nodes.length === 1 ? '' : 's'} · ${gpus} GPU${gpus === 1 ? '' : 's'} · probed ${p.at.slice(0, 16).replace('T', ' ')}`
    : `probe ${r.rayStatus}`;
  item.iconPath = new vscode.ThemeIcon(
    r.ok ? 'server-environment' : 'error',
    r.ok ? undefined : new vscode.ThemeColor('testing.iconFailed'),
  );
  item.tooltip = new vscode.MarkdownString(
    md`**${p.address}** — probe job ${r.submissionId}, ${r.rayStatus}\n\n` +
      probeLines(r)
        .map((l) => md`- ${l}`)
        .join('\n'),
  );
  item.id = 'cluster';
  return item;
}

type Node =
  | { kind: 'job'; job: JobRow; summary: JobSummary }
  | { kind: 'cluster'; probe: StoredProbe }
  | DetailNode
  | StoreErrorNode;

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

  /** `probe`: the last probe of the connected cluster (Connect to Cluster…), shown as the first row. */
  constructor(
    private readonly stores: StoreService,
    followers: JobFollowers,
    private readonly probe: () => StoredProbe | undefined = () => undefined,
  ) {
    this.subscriptions = [
      stores.onDidChange(() => this.refreshSoon()),
      followers.onDidChange(() => this.refreshSoon()),
    ];
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
    if (!node) {
      const probe = this.probe();
      const jobs = rootsFromStore(this.stores, (store): Node[] =>
        listJobs(store).map((job) => ({ kind: 'job', job, summary: summarizeJob(store, job) })),
      );
      return probe ? [{ kind: 'cluster', probe }, ...jobs] : jobs;
    }
    if (node.kind === 'cluster') return clusterDetails(node.probe);
    if (node.kind !== 'job') return [];
    const j = node.job;
    const out: Node[] = [
      {
        kind: 'detail',
        label: 'cluster',
        description: `${j.cluster} · ${j.submissionId ?? 'not submitted'}`,
        icon: 'server',
      },
      { kind: 'detail', label: j.kind === 'sft' ? 'data' : 'problems', description: j.spec.source, icon: 'database' },
      {
        kind: 'detail',
        label: 'model',
        description: String(j.spec.job.base_model ?? j.spec.job.model ?? ''),
        icon: 'hubot',
      },
    ];
    for (const c of j.output.checkpoints ?? [])
      out.push({
        kind: 'detail',
        label: c.final ? 'model' : `step ${c.step}`,
        description: c.path,
        icon: c.final ? 'package' : 'save',
      });
    if (j.spec.evalRun)
      out.push({ kind: 'detail', label: 'eval run', description: j.spec.evalRun, icon: 'list-unordered' });
    if (j.error) out.push({ kind: 'detail', label: 'error', description: j.error, icon: 'error' });
    return out;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'job': {
        const { job, summary: s } = node;
        const item = new vscode.TreeItem(job.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = [
          job.status,
          s.progress,
          s.loss !== null ? `loss ${s.loss.toFixed(4)}` : '',
          formatElapsed(s.elapsedMs),
        ]
          .filter(Boolean)
          .join(' · ');
        const [icon, color] = STATUS_ICON[job.status] ?? ['circle-outline', undefined];
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        item.tooltip = new vscode.MarkdownString(
          md`**${job.name}** — ${job.kind}, ${job.status}\n\n${job.spec.source}\n\n${job.cluster}` +
            (job.error ? md`\n\n${job.error}` : ''),
        );
        item.contextValue = isFinished(job.status) ? 'w2s.job.finished' : 'w2s.job.running';
        item.command = { command: 'w2s.openJob', title: 'Open Job', arguments: [job.name] };
        item.id = `job:${job.id}`;
        return item;
      }
      case 'cluster':
        return clusterItem(node.probe);
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
