import * as vscode from 'vscode';
import { accuracy, verdictCountsByRun, type VerdictCounts } from '../../core/grading/counts';
import { listRuns, type RunSummary } from '../../core/runs/runs';
import { FACET_SIGNALS, signalSummaryByRun, type RunSignalSummary } from '../../core/signals';
import type { Sessions } from './sessions';
import type { StoreService } from '../ui/store-service';
import { redactSecrets } from '../../core/untrusted-text';
import { detailItem, rootsFromStore, storeErrorItem, type DetailNode, type StoreErrorNode } from '../ui/tree-items';

type Node =
  | { kind: 'run'; run: RunSummary; verdicts: VerdictCounts | undefined; signals: RunSignalSummary | undefined }
  /** A run this window has started that is not in the store yet (its endpoint is being checked). */
  | { kind: 'starting'; name: string }
  | (DetailNode & { run: string })
  | StoreErrorNode;

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
  private lastFire = 0;

  constructor(
    private readonly stores: StoreService,
    private readonly sessions: Sessions,
  ) {
    this.subscriptions = [stores.onDidChange(() => this.refreshSoon()), sessions.onDidChange(() => this.refreshSoon())];
  }

  /**
   * Counting traces is a query per refresh: at most one a second however fast traces arrive. The first
   * change after a quiet second shows at once (a run appears as soon as it starts).
   */
  private refreshSoon(): void {
    if (this.throttle) return;
    this.throttle = setTimeout(() => this.refresh(), Math.max(0, 1000 - (Date.now() - this.lastFire)));
  }

  refresh(): void {
    if (this.throttle) clearTimeout(this.throttle);
    this.throttle = undefined;
    this.lastFire = Date.now();
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const roots = rootsFromStore(this.stores, (store): Node[] => {
        const verdicts = verdictCountsByRun(store);
        const signals = signalSummaryByRun(store);
        return listRuns(store).map((run) => ({
          kind: 'run',
          run,
          verdicts: verdicts.get(run.id),
          signals: signals.get(run.id),
        }));
      });
      const stored = new Set(roots.flatMap((n) => (n.kind === 'run' ? [n.run.name] : [])));
      const starting = this.sessions
        .names()
        .filter((n) => !stored.has(n))
        .map((name): Node => ({ kind: 'starting', name }));
      return [...starting, ...roots];
    }
    if (node.kind !== 'run') return [];
    const r = node.run;
    const d = (label: string, description: string, icon: string): Node => ({
      kind: 'detail',
      label,
      description,
      icon,
      run: r.name,
    });
    const p = r.params as Record<string, unknown>;
    const params = ['temperature', 'top_p', 'max_tokens', 'seed']
      .filter((k) => p[k] !== undefined && p[k] !== null)
      .map((k) => `${k} ${String(p[k])}`)
      .join(', ');
    const details: Node[] = [
      d('model', r.model, 'hubot'),
      d(
        'set',
        `${r.setName} · ${r.problems < r.setProblems ? `first ${r.problems} of ${r.setProblems} problems` : `${r.setProblems} problems`} · ${r.samplesPerProblem} per problem`,
        'library',
      ),
    ];
    if (r.endpoint) details.push(d('endpoint', r.endpoint, 'globe'));
    const t = r.template as { name?: string } | null;
    if (t?.name) details.push(d('template', t.name, 'symbol-string'));
    if (params) details.push(d('params', params, 'settings'));
    details.push(d('tokens', `${r.promptTokens} prompt · ${r.completionTokens} completion`, 'symbol-numeric'));
    if (r.truncated) details.push(d('truncated', `${r.truncated} (finish_reason length)`, 'warning'));
    if (r.error) details.push(d('error', redactSecrets(r.error), 'error'));
    const v = node.verdicts;
    if (v) {
      const acc = accuracy(v);
      details.push(
        d(
          'grades',
          `${acc === null ? '' : `${(acc * 100).toFixed(1)}% · `}${v.correct} correct · ${v.incorrect} incorrect · ${v['no-answer']} no answer` +
            `${v.error ? ` · ${v.error} error` : ''}${v.ungraded ? ` · ${v.ungraded} ungraded` : ''}`,
          'pass',
        ),
      );
    }
    return details;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'run':
        return this.runItem(node.run, node.verdicts, node.signals);
      case 'starting': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.description = 'starting · checking the endpoint';
        item.iconPath = new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue'));
        item.contextValue = 'w2s.run.sampling';
        item.id = `starting:${node.name}`;
        return item;
      }
      case 'detail': {
        const item = detailItem(node);
        item.command = { command: 'w2s.showRun', title: 'Show Run Details', arguments: [node.run] };
        return item;
      }
      case 'error':
        return storeErrorItem(node);
    }
  }

  private runItem(
    r: RunSummary,
    verdicts: VerdictCounts | undefined,
    signals: RunSignalSummary | undefined,
  ): vscode.TreeItem {
    const live = this.sessions.get(r.name)?.progress;
    const status = live ? 'running' : r.status;
    const done = live?.done ?? r.done;
    const failed = live ? live.failed : r.failed;
    const total = live?.total ?? r.total;
    const limited = r.problems < r.setProblems;
    const item = new vscode.TreeItem(r.name, vscode.TreeItemCollapsibleState.Collapsed);
    const acc = verdicts ? accuracy(verdicts) : null;
    // What matters first (a narrow sidebar cuts the end): accuracy and progress; the rest is in the tooltip.
    item.description = [
      acc === null ? undefined : `${(acc * 100).toFixed(1)}%`,
      `${done}/${total}`,
      failed ? `${failed} failed` : undefined,
      limited ? `${r.problems} of ${r.setProblems} problems` : undefined,
      live ? `${Math.round(live.tokensPerSecond)} tok/s` : undefined,
      // the icon says done / running; the states that need a hand are also spelt out, last
      status === 'done' || status === 'running' ? undefined : status,
    ]
      .filter(Boolean)
      .join(' · ');
    const [icon, color] =
      status === 'done' && limited ? ['pass', 'charts.yellow'] : (STATUS_ICON[status] ?? ['circle-outline', undefined]);
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const md = new vscode.MarkdownString();
    md.appendMarkdown('**')
      .appendText(r.name)
      .appendMarkdown('** — ')
      .appendText(status + (limited ? ` (the first ${r.problems} of ${r.setProblems} problems)` : ''));
    md.appendMarkdown('\n\n').appendText(
      `${done}/${total} traces, ${failed} failed, ${r.truncated} truncated, ${r.completionTokens} completion tokens`,
    );
    md.appendMarkdown('\n\n').appendText(
      `${r.kind} · ${r.model} · ${r.setName}${r.endpoint ? ` · ${r.endpoint}` : ''}`,
    );
    if (verdicts) {
      md.appendMarkdown('\n\n').appendText(
        `${acc === null ? '' : `${(acc * 100).toFixed(1)}% correct: `}${verdicts.correct} correct, ${verdicts.incorrect} incorrect, ${verdicts['no-answer']} no answer, ${verdicts.error} error, ${verdicts.ungraded} ungraded`,
      );
    }
    if (r.error) md.appendMarkdown('\n\n').appendText(redactSecrets(r.error));
    if (limited && !live) md.appendMarkdown('\n\n').appendText('Sample More… extends it to more of the set.');
    md.appendMarkdown(signalsTooltip(signals));
    item.tooltip = md;
    // The context menu offers Cancel on a run sampling here, Resume on a sample run that can go on, and
    // Sample More… on a run that covers only part of its set.
    const flags = live
      ? ['sampling']
      : [
          ...(r.kind === 'sample' && status !== 'done' ? ['resumable'] : []),
          ...(r.kind === 'sample' && limited ? ['limited'] : []),
        ];
    item.contextValue = ['w2s.run', ...flags].join('.');
    // a click opens the trace browser filtered to the run (the twistie expands the details; the context
    // menu and the detail rows open the run's details)
    item.command = { command: 'w2s.showRunTraces', title: 'Show Traces', arguments: [r.name] };
    item.id = `run:${r.id}`;
    return item;
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
