import * as vscode from 'vscode';
import { findTraceDetail, labelTraces, problemSamples, traceLabel, type LabelChange } from '../../core/curation';
import { SIGNALS } from '../../core/signals';
import * as D from '../../protocol/trace-detail';
import { createPanelController } from '../ui/webview-panel';
import type { StoreService } from '../ui/store-service';

/** What the trace panel is opened with: the selection, and whether the editor keeps focus. */
/** `beside`: from the trace browser in the editor area, the detail opens in the group beside it. */
export type TracePanelArgs = D.DetailSelection & { preserveFocus?: boolean; beside?: boolean };

export interface TracePanel extends vscode.Disposable {
  open(sel: TracePanelArgs): void;
  registerSerializer(): vscode.Disposable;
}

/**
 * The trace detail panel in the editor area: one panel, reused as the selection moves (like a preview),
 * restored after a reload by its serializer (the webview's state holds the selection).
 */
export function tracePanel(extensionUri: vscode.Uri, stores: StoreService, log: vscode.LogOutputChannel): TracePanel {
  const titleOf = (sel: D.DetailSelection): string => {
    const store = stores.getIfExists();
    const row = store ? findTraceDetail(store, sel.traceId) : undefined;
    return row
      ? `Trace ${row.set}/${row.problemKey}${sel.compareId !== undefined ? ' (compare)' : ` #${row.sampleIndex}`}`
      : `Trace ${sel.traceId}`;
  };
  const data = (sel: D.DetailSelection): D.DetailData | null => {
    const store = stores.getIfExists();
    if (!store) return null;
    const trace = findTraceDetail(store, sel.traceId, { text: sel.text });
    if (!trace) return null;
    const compare =
      sel.compareId !== undefined ? (findTraceDetail(store, sel.compareId, { text: sel.text }) ?? null) : null;
    const samples = problemSamples(store, trace.problemId) ?? null;
    const signalInfo: Record<string, { short: string; description: string; kind: string }> = {};
    for (const s of SIGNALS) signalInfo[s.name] = { short: s.short, description: s.description, kind: s.kind };
    return { trace, compare, samples, signalInfo };
  };
  const controller = createPanelController<TracePanelArgs>(
    {
      viewType: 'w2s.trace',
      app: 'trace',
      key: () => '',
      title: titleOf,
      restore: (state) => {
        const selection = (state as { selection?: D.DetailSelection } | undefined)?.selection;
        return typeof selection?.traceId === 'number' ? selection : undefined;
      },
      refreshDelayMs: 0,
      setup: ({ panel, host, refreshSoon }, args) => {
        let selection = selectionOf(args);
        const retitle = () => (panel.title = titleOf(selection));
        host.onRequest(D.GetTraceRequest, (p) => data(p));
        host.onRequest(D.LabelTraceRequest, (p) => {
          const store = stores.get();
          labelTraces(store, [p.traceId], p.change as LabelChange);
          stores.notifyChanged();
          return traceLabel(store, p.traceId);
        });
        host.onRequest(D.OpenLinkRequest, (p) => openLinkAfterConfirmation(p.url));
        host.onNotification(D.SelectionChangedNotification, (p) => {
          selection = p;
          retitle();
        });
        const sub = stores.onDidChange(refreshSoon);
        return {
          // a fresh document is told what to show; an open one re-reads what changed
          refresh: (reloaded) =>
            reloaded ? host.notify(D.ShowTraceNotification, selection) : host.notify(D.TraceChangedNotification, {}),
          reveal(sel) {
            selection = selectionOf(sel);
            host.notify(D.ShowTraceNotification, selection);
            retitle();
          },
          dispose: () => sub.dispose(),
        };
      },
    },
    extensionUri,
    log,
  );
  return {
    open: (sel) => void controller.open(sel, { preserveFocus: sel.preserveFocus, beside: sel.beside }),
    registerSerializer: () => controller.registerSerializer(),
    dispose: () => controller.dispose(),
  };
}

function selectionOf(sel: TracePanelArgs): D.DetailSelection {
  return {
    traceId: sel.traceId,
    ...(sel.compareId !== undefined ? { compareId: sel.compareId } : {}),
    ...(sel.text ? { text: sel.text } : {}),
  };
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
    void vscode.window.showWarningMessage(
      `W2S Studio opens only http, https and mailto links from traces (this one is ${uri.scheme}:).`,
    );
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
