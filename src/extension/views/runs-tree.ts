import * as vscode from 'vscode';
import { accuracy, verdictCountsByRun, type VerdictCounts } from '../../core/grading/counts';
import { listRuns, type RunSummary } from '../../core/runs/runs';
import { FACET_SIGNALS, signalSummaryByRun, type RunSignalSummary } from '../../core/signals';
import type { Sessions } from '../sampling/sessions';
import type { StoreService } from '../store-service';
import { detailItem, rootsFromStore, storeErrorItem, type DetailNode, type StoreErrorNode } from './tree-items';

type Node = { kind: 'run'; run: RunSummary; verdicts: VerdictCounts | undefined; signals: RunSignalSummary | undefined } | DetailNode | StoreErrorNode;

const STATUS_ICON: Record<string, [string, string | undefined]> = {
  pending: ['circle-outline', undefined],
  running: ['sync~spin', 'charts.blue'],
  done: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash', undefined],
  interrupted: ['debug-pause', 'charts.yellow'],
};

/** Sampling and import runs: live counts (done/failed/total), tokens, status icons; Resume / Cancel in the context menu. */
export class RunsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private throttle: NodeJS.Timeout | undefined;

  constructor(private readonly stores: StoreService, private readonly sessions: Sessions) {
    this.subscriptions = [stores.onDidChange(() => this.refreshSoon()), sessions.onDidChange(() => this.refreshSoon())];
  }

  /** Counting traces is a query per refresh: at most one a second however fast traces arrive. */
  private refreshSoon(): void {
    if (this.throttle) return;
    this.throttle = setTimeout(() => {
      this.throttle = undefined;
      this.changed.fire(undefined);
    }, 1000);
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      return rootsFromStore(this.stores, (store): Node[] => {
        const verdicts = verdictCountsByRun(store);
        const signals = signalSummaryByRun(store);
        return listRuns(store).map((run) => ({ kind: 'run', run, verdicts: verdicts.get(run.id), signals: signals.get(run.id) }));
      });
    }
    if (node.kind !== 'run') return [];
    const r = node.run;
    const p = r.params as Record<string, unknown>;
    const params = ['temperature', 'top_p', 'max_tokens', 'seed'].filter((k) => p[k] !== undefined && p[k] !== null).map((k) => `${k} ${String(p[k])}`).join(', ');
    const details: Node[] = [
      { kind: 'detail', label: 'model', description: r.model, icon: 'hubot' },
      { kind: 'detail', label: 'set', description: `${r.setName} · ${r.samplesPerProblem} per problem`, icon: 'library' },
    ];
    if (r.endpoint) details.push({ kind: 'detail', label: 'endpoint', description: r.endpoint, icon: 'globe' });
    const t = r.template as { name?: string } | null;
    if (t?.name) details.push({ kind: 'detail', label: 'template', description: t.name, icon: 'symbol-string' });
    if (params) details.push({ kind: 'detail', label: 'params', description: params, icon: 'settings' });
    details.push({ kind: 'detail', label: 'tokens', description: `${r.promptTokens} prompt · ${r.completionTokens} completion`, icon: 'symbol-numeric' });
    if (r.truncated) details.push({ kind: 'detail', label: 'truncated', description: `${r.truncated} (finish_reason length)`, icon: 'warning' });
    if (r.error) details.push({ kind: 'detail', label: 'error', description: r.error, icon: 'error' });
    const v = node.verdicts;
    if (v) {
      const acc = accuracy(v);
      details.push({
        kind: 'detail',
        label: 'grades',
        description:
          `${acc === null ? '' : `${(acc * 100).toFixed(1)}% · `}${v.correct} correct · ${v.incorrect} incorrect · ${v['no-answer']} no answer` +
          `${v.error ? ` · ${v.error} error` : ''}${v.ungraded ? ` · ${v.ungraded} ungraded` : ''}`,
        icon: 'pass',
      });
    }
    return details;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'run': {
        const r = node.run;
        const live = this.sessions.get(r.name)?.progress;
        const status = live ? 'running' : r.status;
        const done = live?.done ?? r.done;
        const failed = live ? live.failed : r.failed;
        const item = new vscode.TreeItem(r.name, vscode.TreeItemCollapsibleState.Collapsed);
        const acc = node.verdicts ? accuracy(node.verdicts) : null;
        item.description =
          `${status} · ${done}/${r.total}${failed ? ` · ${failed} failed` : ''}` +
          `${acc === null ? '' : ` · ${(acc * 100).toFixed(1)}% correct`}${live ? ` · ${Math.round(live.tokensPerSecond)} tok/s` : ''}`;
        const [icon, color] = STATUS_ICON[status] ?? ['circle-outline', undefined];
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        item.tooltip = new vscode.MarkdownString(
          `**${r.name}** — ${status}\n\n${done}/${r.total} traces, ${failed} failed, ${r.completionTokens} completion tokens\n\n${r.kind} · ${r.model} · ${r.setName}` +
            (node.verdicts
              ? `\n\n${node.verdicts.correct} correct, ${node.verdicts.incorrect} incorrect, ${node.verdicts['no-answer']} no answer, ${node.verdicts.error} error, ${node.verdicts.ungraded} ungraded`
              : '') +
            (r.error ? `\n\n${r.error.replace(/[\\`*_[\]<>]/g, '\\$&')}` : '') +
            signalsTooltip(node.signals),
        );
        // the context menu offers Cancel on a run sampling here, Resume on a sample run that can go on
        item.contextValue = live ? 'w2s.run.sampling' : r.kind === 'sample' && status !== 'done' ? 'w2s.run.resumable' : 'w2s.run';
        item.id = `run:${r.id}`;
        // a click opens the trace browser filtered to the run (the twistie still expands the details)
        item.command = { command: 'w2s.showRunTraces', title: 'Show Traces', arguments: [r.name] };
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
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** Each signal's rate over the run, so two teachers compare by reasoning style as well as accuracy. */
function signalsTooltip(s: RunSignalSummary | undefined): string {
  if (!s || s.traces === 0) return '';
  const pct = (x: number | undefined) => `${((x ?? 0) * 100).toFixed(1)}%`;
  const rows = FACET_SIGNALS.map((d) => `| ${d.name} | ${pct(s.rates[d.name])} |`).join('\n');
  const tokens = `${Math.round(s.means['reasoning-tokens'])} reasoning + ${Math.round(s.means['answer-tokens'])} answer tokens per trace${s.estimatedTokens > 0 ? ' (partly estimated)' : ''}`;
  return `\n\n**Signals** over ${s.traces} traces — ${tokens}\n\n| signal | traces |\n|---|---:|\n${rows}`;
}
