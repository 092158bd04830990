import * as vscode from 'vscode';
import {
  countTraces,
  createTraceIndex,
  formatFilterExpression,
  labelFiltered,
  labelTraces,
  listViews,
  MAX_PAGE,
  traceLabel,
  undoAction,
  type LabelChange,
  type TraceFacets,
  type TraceIndex,
} from '../../core/curation';
import type { Store } from '../../core/store/open';
import { errorMessage, isW2sError } from '../../core/errors';
import * as P from '../../protocol/traces';
import { WebviewHost, webviewOptions } from '../ui/webview-host';
import type { StoreService } from '../ui/store-service';
import { filterFromWebview, signalInfo, sortFromWebview, sortKeys } from './browser-data';
import { saveViewInteractive } from './saved-views';

export const TRACES_VIEW_ID = 'w2s.traces';
/** The trace browser opened in the editor area. */
export const TRACE_BROWSER_PANEL = 'w2s.traceBrowser';

const EMPTY_FACETS: P.TraceFacets = {
  total: 0,
  all: 0,
  pendingSignals: 0,
  warnings: [],
  facets: {
    run: [],
    model: [],
    set: [],
    verdict: [],
    label: [],
    finish: [],
    length: [],
    subject: [],
    level: [],
    signal: [],
  },
};

export interface CurrentFilter {
  readonly filter: P.TraceFilter;
  readonly sort: P.TraceSort;
  readonly total: number;
}

/**
 * The Traces view in the W2S side bar: facets and a virtualised list, both paged from the store by the
 * webview (the list is never sent whole). Live: every store change (a `w2s sample` in a terminal, a job,
 * a label) tells the webview to re-query what it shows; it keeps its scroll position. Hidden and shown
 * again, the webview reloads and restores its filter and position from getState.
 */
export class TracesViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private host: WebviewHost | undefined;
  /** Every webview showing the browser: the side view and the editor tab (store changes reach both). */
  private readonly hosts = new Set<WebviewHost>();
  private editor: vscode.WebviewPanel | undefined;
  private pending: { filter: P.TraceFilter; sort?: P.TraceSort | null; view?: string } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private current: CurrentFilter = { filter: {}, sort: { key: 'id' }, total: 0 };
  private readonly renders = new vscode.EventEmitter<{ ms: number; total: number; seq: number }>();
  /** Fires when the webview reports a filter change shown (the benchmark reads it). */
  readonly onDidRender = this.renders.event;
  private readonly resolved = new vscode.EventEmitter<void>();
  /** Fires when VS Code first shows the view. */
  readonly onDidResolve = this.resolved.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly stores: StoreService,
    private readonly log: vscode.LogOutputChannel,
    private readonly openTrace: (sel: {
      traceId: number;
      text?: string;
      preserveFocus?: boolean;
      beside?: boolean;
    }) => void,
  ) {
    this.disposables.push(this.renders, this.resolved);
  }

  /** The filter the view shows now (for export, save view, bulk label from the menu). */
  get filter(): CurrentFilter {
    return this.current;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    const host = this.connect(view.webview, {
      visibility: view.onDidChangeVisibility,
      visible: () => view.visible,
      disposed: view.onDidDispose,
      openTrace: this.openTrace,
      onReady: (h) => {
        if (this.pending) {
          h.notify(P.ApplyFilterNotification, this.pending);
          this.pending = undefined;
        }
      },
      onDispose: (h) => {
        if (this.host === h) {
          this.host = undefined;
          this.view = undefined;
        }
      },
    });
    this.host = host;
    host.load('traces', 'Traces');
    this.resolved.fire();
  }

  /**
   * "W2S: Open the Trace Browser in the Editor Area": the same browser in an editor tab, with room for
   * the facets on the left of the list; a trace opens in a detail panel beside it. It starts with the
   * side view's filter and sort (the same state), and the side view stays for quick looks.
   */
  openInEditor(): vscode.WebviewPanel {
    if (this.editor) {
      this.editor.reveal();
      return this.editor;
    }
    const panel = vscode.window.createWebviewPanel(TRACE_BROWSER_PANEL, 'Traces', vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: false,
    });
    this.editor = panel;
    const start = { filter: this.current.filter, sort: this.current.sort };
    const host = this.connect(panel.webview, {
      visibility: panel.onDidChangeViewState,
      visible: () => panel.visible,
      disposed: panel.onDidDispose,
      openTrace: (sel) => this.openTrace({ ...sel, beside: true }),
      onReady: (h) => h.notify(P.ApplyFilterNotification, start),
      onDispose: () => {
        if (this.editor === panel) this.editor = undefined;
      },
    });
    host.load('traces', 'Traces');
    return panel;
  }

  /** The browser's requests and live updates on one webview (the side view, or the editor tab). */
  private connect(
    webview: vscode.Webview,
    o: {
      visibility: vscode.Event<unknown>;
      visible: () => boolean;
      disposed: vscode.Event<void>;
      openTrace: (sel: { traceId: number; text?: string; preserveFocus?: boolean }) => void;
      onReady: (host: WebviewHost) => void;
      onDispose: (host: WebviewHost) => void;
    },
  ): WebviewHost {
    const host = new WebviewHost(webview, this.extensionUri, this.log);
    this.hosts.add(host);
    this.register(host, o.openTrace);
    host.onDidBecomeReady(() => {
      host.notify(P.TracesInitNotification, { signals: signalInfo(), sortKeys: sortKeys(), maxPage: MAX_PAGE });
      o.onReady(host);
    });
    const subs = [
      o.visibility(() => {
        if (!o.visible()) host.markNotReady();
      }),
      this.stores.onDidChange(() => {
        this.stale = true;
        host.notify(P.TracesChangedNotification, { reason: 'store' });
      }),
    ];
    o.disposed(() => {
      for (const s of subs) s.dispose();
      this.hosts.delete(host);
      host.dispose();
      o.onDispose(host);
    });
    return host;
  }

  /** Shows the view with this filter (a saved view, a run from the Runs view). */
  async applyFilter(filter: P.TraceFilter, sort?: P.TraceSort | null, viewName?: string): Promise<void> {
    const message = { filter, sort, view: viewName };
    if (this.host && this.view?.visible) this.host.notify(P.ApplyFilterNotification, message);
    else this.pending = message;
    await vscode.commands.executeCommand(`${TRACES_VIEW_ID}.focus`);
  }

  /** Passes a menu command to the webview (which holds the filter the command acts on). */
  async command(command: 'focusSearch' | 'clearFilter' | 'bulkLabel'): Promise<void> {
    await vscode.commands.executeCommand(`${TRACES_VIEW_ID}.focus`);
    this.host?.notify(P.ViewCommandNotification, { command });
  }

  /**
   * Core's in-memory index of the store's traces (typed arrays): loaded once per store in chunks that
   * yield to the event loop, then brought up to date before each question (a no-op when nothing
   * changed, else only the changed traces), so facet counts and pages over 100,000 traces take
   * milliseconds on the extension host. A new store (the setting changed) gets a new index.
   */
  private index: { store: Store; index: TraceIndex; loaded: Promise<void> } | undefined;
  /** The store changed since the index last looked (a refresh reads the change log: skipped when nothing changed). */
  private stale = true;

  private async indexOf(store: Store): Promise<TraceIndex> {
    if (this.index?.store !== store) {
      const index = createTraceIndex(store);
      const started = Date.now();
      const loaded = index
        .load()
        .then(() => this.log.info(`Trace index: ${index.size} traces loaded in ${Date.now() - started} ms`));
      this.index = { store, index, loaded };
      // a failed load is tried again on the next question
      loaded.catch(() => {
        if (this.index?.index === index) this.index = undefined;
      });
    }
    const entry = this.index;
    await entry.loaded;
    if (this.stale) {
      this.stale = false;
      entry.index.refresh();
    }
    return entry.index;
  }

  private register(
    host: WebviewHost,
    openTrace: (sel: { traceId: number; text?: string; preserveFocus?: boolean }) => void,
  ): void {
    host.onRequest(P.GetFacetsRequest, async (p): Promise<P.TraceFacets> => {
      const store = this.stores.getIfExists();
      if (!store) return EMPTY_FACETS;
      const filter = filterFromWebview(p.filter);
      const facets: TraceFacets = (await this.indexOf(store)).facets(filter);
      return facets;
    });
    host.onRequest(P.GetPageRequest, async (p) => {
      const store = this.stores.getIfExists();
      if (!store) return { rows: [], offset: p.offset, total: 0, warnings: [] };
      const req = {
        filter: filterFromWebview(p.filter),
        sort: sortFromWebview(p.sort),
        offset: p.offset,
        limit: Math.min(p.limit, MAX_PAGE),
      };
      return (await this.indexOf(store)).page(req);
    });
    host.onRequest(P.LabelTracesRequest, (p) => {
      const store = this.stores.get();
      const action = labelTraces(store, p.traceIds, p.change as LabelChange);
      this.stale = true;
      this.stores.notifyChanged();
      return {
        action: { id: action.id, description: action.description, count: action.count },
        labels: p.traceIds.map((id) => ({ id, label: traceLabel(store, id) })),
      };
    });
    host.onRequest(P.BulkLabelRequest, (p) => this.bulkLabel(p.filter, p.change as LabelChange));
    host.onRequest(P.UndoLabelRequest, () => this.undo());
    host.onRequest(P.OpenTraceRequest, (p) => openTrace(p));
    host.onRequest(
      P.SaveViewRequest,
      async (p) =>
        (await saveViewInteractive(this.stores, filterFromWebview(p.filter), sortFromWebview(p.sort)))?.name ?? null,
    );
    host.onRequest(P.ListViewsRequest, () => {
      const store = this.stores.getIfExists();
      return store ? listViews(store).map((v) => v.name) : [];
    });
    host.onNotification(P.FilterChangedNotification, (p) => {
      this.current = p;
    });
    host.onNotification(P.RenderedNotification, (p) => {
      this.log.debug(`Traces view: filter change shown in ${p.ms.toFixed(0)} ms (${p.total} traces)`);
      this.renders.fire(p);
    });
  }

  /** Labels everything the filter selects, after a modal confirmation; undoable. */
  async bulkLabel(filterInput: P.TraceFilter, change: LabelChange): Promise<P.LabelActionInfo | null> {
    const store = this.stores.get();
    const filter = filterFromWebview(filterInput);
    const n = countTraces(store, filter);
    if (n === 0) {
      void vscode.window.showInformationMessage('The filter selects no traces: nothing to label.');
      return null;
    }
    const what = describeChange(change);
    const expr = formatFilterExpression(filter) || 'no filter: every trace';
    const ok = await vscode.window.showWarningMessage(
      `${what} ${n.toLocaleString('en-US')} traces?`,
      { modal: true, detail: `Filter: ${expr}\n\nW2S: Undo Last Label puts back every label as it was.` },
      'Label',
    );
    if (ok !== 'Label') return null;
    const action = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `W2S: ${what} ${n.toLocaleString('en-US')} traces…` },
      async () => {
        // let the notification draw before the one transaction runs
        await new Promise((r) => setTimeout(r, 0));
        return labelFiltered(store, filter, change, expr);
      },
    );
    this.stale = true;
    this.stores.notifyChanged();
    for (const h of this.hosts) h.notify(P.TracesChangedNotification, { reason: 'labels' });
    this.log.info(`Labelled ${action.count} traces (${action.description})`);
    return { id: action.id, description: action.description, count: action.count };
  }

  async undo(): Promise<{ description: string; restored: number; skipped: number } | null> {
    const store = this.stores.get();
    try {
      const r = undoAction(store);
      this.stale = true;
      this.stores.notifyChanged();
      for (const h of this.hosts) h.notify(P.TracesChangedNotification, { reason: 'labels' });
      const msg = `Undid "${r.action.description}": ${r.restored} restored${r.skipped ? `, ${r.skipped} left as labelled since` : ''}.`;
      this.log.info(msg);
      void vscode.window.setStatusBarMessage(`W2S: ${msg}`, 5000);
      return { description: r.action.description, restored: r.restored, skipped: r.skipped };
    } catch (e) {
      if (isW2sError(e) && e.code === 'NO_ACTION') {
        void vscode.window.showInformationMessage(errorMessage(e));
        return null;
      }
      throw e;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function describeChange(c: LabelChange): string {
  if (c.decision === 'accept') return 'Accept';
  if (c.decision === 'reject') return 'Reject';
  if (c.star === true) return 'Star';
  if (c.star === false) return 'Unstar';
  if (c.decision === null) return 'Clear accept/reject of';
  return 'Label';
}
