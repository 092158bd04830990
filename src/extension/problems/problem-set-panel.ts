import * as vscode from 'vscode';
import { listProblemSets, searchProblems } from '../../core/problems/sets';
import { GetProblemsRequest, ProblemSetInitNotification, type ProblemSetInit } from '../../protocol/problems';
import type { StoreService } from '../ui/store-service';
import { WebviewHost, webviewOptions } from '../ui/webview-host';

const VIEW_TYPE = 'w2s.problemSet';
const panels = new Map<string, vscode.WebviewPanel>();

/** Opens (or reveals) the read-only view of one problem set. */
export function openProblemSetPanel(context: vscode.ExtensionContext, stores: StoreService, log: vscode.LogOutputChannel, set: string): void {
  const existing = panels.get(set);
  if (existing) {
    existing.reveal();
    return;
  }
  const panel = vscode.window.createWebviewPanel(VIEW_TYPE, `Problems: ${set}`, vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
  panels.set(set, panel);
  attach(panel, context, stores, log, set);
}

function attach(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, stores: StoreService, log: vscode.LogOutputChannel, set: string): void {
  const host = new WebviewHost(panel.webview, context.extensionUri, log);
  host.onRequest(GetProblemsRequest, (p) => {
    const r = searchProblems(stores.get(), p.set, { offset: p.offset, limit: Math.min(p.limit, 500), query: p.query });
    return { matched: r.matched, problems: r.problems.map(({ id: _id, ...rest }) => rest) };
  });
  // Traces and grades arriving change the store too; the list reloads only when the set itself changed.
  let sent = '';
  const sendInit = () => {
    const s = listProblemSets(stores.get()).find((x) => x.name === set);
    if (!s) return;
    const init: ProblemSetInit = { set, total: s.problems, source: s.source, answerTypes: s.answerTypes as Record<string, number> };
    const key = `${s.updatedAt}\u0000${JSON.stringify(init)}`;
    if (key === sent) return;
    sent = key;
    host.notify(ProblemSetInitNotification, init);
  };
  host.load('problems', `Problems: ${set}`);
  sendInit();
  const sub = stores.onDidChange(sendInit);
  panel.onDidDispose(() => {
    panels.delete(set);
    sub.dispose();
    host.dispose();
  });
}

/** Restores problem-set panels after a reload (the webview's own state restores its scroll and filter). */
export function registerProblemSetPanelSerializer(context: vscode.ExtensionContext, stores: StoreService, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    async deserializeWebviewPanel(panel, state: unknown) {
      const set = (state as { set?: string } | undefined)?.set;
      if (!set) {
        panel.dispose();
        return;
      }
      panels.set(set, panel);
      panel.webview.options = webviewOptions(context.extensionUri);
      attach(panel, context, stores, log, set);
    },
  });
}
