import * as vscode from 'vscode';
import { getTrace, labelTraces, problemSamples, traceLabel, type LabelChange } from '../../core/curation';
import { SIGNALS } from '../../core/signals';
import * as D from '../../protocol/trace-detail';
import { WebviewHost, webviewOptions } from '../ui/webview-host';
import type { StoreService } from '../ui/store-service';

const VIEW_TYPE = 'w2s.trace';

/**
 * The trace detail panel in the editor area: one panel, reused as the selection moves (like a preview),
 * restored after a reload by its serializer (the webview's state holds the selection).
 */
export class TracePanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private host: WebviewHost | undefined;
  private selection: D.DetailSelection | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly stores: StoreService,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  open(sel: D.DetailSelection & { preserveFocus?: boolean }): void {
    const selection: D.DetailSelection = { traceId: sel.traceId, ...(sel.compareId !== undefined ? { compareId: sel.compareId } : {}), ...(sel.text ? { text: sel.text } : {}) };
    this.selection = selection;
    if (this.panel && this.host) {
      this.panel.reveal(undefined, sel.preserveFocus);
      this.host.notify(D.ShowTraceNotification, selection);
      this.retitle();
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Trace', { viewColumn: vscode.ViewColumn.Active, preserveFocus: sel.preserveFocus }, webviewOptions(this.extensionUri));
    this.attach(panel, selection);
  }

  serializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const id = (state as { selection?: D.DetailSelection } | undefined)?.selection?.traceId;
        if (typeof id !== 'number' || this.panel) {
          panel.dispose();
          return;
        }
        panel.webview.options = webviewOptions(this.extensionUri);
        this.attach(panel, (state as { selection: D.DetailSelection }).selection);
      },
    });
  }

  private attach(panel: vscode.WebviewPanel, selection: D.DetailSelection): void {
    this.panel = panel;
    this.selection = selection;
    const host = new WebviewHost(panel.webview, this.extensionUri, this.log);
    this.host = host;
    host.onRequest(D.GetTraceRequest, (p) => this.data(p));
    host.onRequest(D.LabelTraceRequest, (p) => {
      const store = this.stores.get();
      labelTraces(store, [p.traceId], p.change as LabelChange);
      this.stores.notifyChanged();
      return traceLabel(store, p.traceId);
    });
    host.onRequest(D.OpenLinkRequest, (p) => openLinkAfterConfirmation(p.url));
    host.onNotification(D.SelectionChangedNotification, (p) => {
      this.selection = p;
      this.retitle();
    });
    host.onDidBecomeReady(() => {
      if (this.selection) host.notify(D.ShowTraceNotification, this.selection);
    });
    const sub = this.stores.onDidChange(() => host.notify(D.TraceChangedNotification, {}));
    panel.onDidDispose(() => {
      sub.dispose();
      host.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.host = undefined;
      }
    });
    host.load('trace', 'Trace');
    this.retitle();
  }

  private retitle(): void {
    if (!this.panel || !this.selection) return;
    const store = this.stores.getIfExists();
    const row = store ? getTrace(store, this.selection.traceId) : undefined;
    this.panel.title = row ? `Trace ${row.set}/${row.problemKey}${this.selection.compareId !== undefined ? ' (compare)' : ` #${row.sampleIndex}`}` : `Trace ${this.selection.traceId}`;
  }

  private data(sel: D.DetailSelection): D.DetailData | null {
    const store = this.stores.getIfExists();
    if (!store) return null;
    const trace = getTrace(store, sel.traceId, { text: sel.text });
    if (!trace) return null;
    const compare = sel.compareId !== undefined ? (getTrace(store, sel.compareId, { text: sel.text }) ?? null) : null;
    const samples = problemSamples(store, trace.problemId) ?? null;
    const signalInfo: Record<string, { short: string; description: string; kind: string }> = {};
    for (const s of SIGNALS) signalInfo[s.name] = { short: s.short, description: s.description, kind: s.kind };
    return { trace, compare, samples, signalInfo };
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

/** Links in traces are model output: only http(s) and mailto, and only after the user says so. */
export async function openLinkAfterConfirmation(url: string): Promise<boolean> {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(url, true);
  } catch {
    void vscode.window.showWarningMessage(`Not a link W2S Studio can open: ${url.slice(0, 200)}`);
    return false;
  }
  if (!['http', 'https', 'mailto'].includes(uri.scheme)) {
    void vscode.window.showWarningMessage(`W2S Studio opens only http, https and mailto links from traces (this one is ${uri.scheme}:).`);
    return false;
  }
  const ok = await vscode.window.showWarningMessage(
    'Open a link from a trace?',
    { modal: true, detail: `Traces are model output: the link may lead anywhere.\n\n${url.slice(0, 2000)}` },
    'Open Link',
  );
  if (ok !== 'Open Link') return false;
  return vscode.env.openExternal(uri);
}
