import * as vscode from 'vscode';
import { WebviewHost, webviewOptions } from './webview-host';

/** What a feature's panel gets from the controller when the panel is created or restored. */
export interface PanelContext {
  readonly panel: vscode.WebviewPanel;
  readonly host: WebviewHost;
  /**
   * Asks for a refresh after the spec's delay (calls within it coalesce into one). While the panel is
   * hidden nothing runs: the refresh happens when it shows again.
   */
  readonly refreshSoon: () => void;
}

/** The feature's side of one panel. */
export interface PanelContent<A> {
  /**
   * Sends what the webview shows. `reloaded` is true when the webview's script has just announced itself
   * (first load, and every time a hidden panel is shown again: without retainContextWhenHidden its
   * document is destroyed when hidden and loaded anew, so it has nothing): send everything then, even
   * what has not changed since the last send.
   */
  refresh(reloaded: boolean): void;
  /** `open` on a panel that is already there (the trace panel shows the new selection). */
  reveal?(args: A): void;
  dispose?(): void;
}

export interface PanelSpec<A> {
  readonly viewType: string;
  /** The webview bundle: dist/webview/<app>.js and .css. */
  readonly app: string;
  /** Which panel `open(args)` goes to: one panel per key. A single panel returns a constant. */
  readonly key: (args: A) => string;
  readonly title: (args: A) => string;
  /** The arguments of a panel restored after a reload, from its webview's saved state; undefined closes it. */
  readonly restore: (state: unknown) => A | undefined;
  /** The delay of `refreshSoon` (ms). */
  readonly refreshDelayMs: number;
  /** Sets up the panel's requests and subscriptions; the controller calls `refresh` when needed. */
  readonly setup: (ctx: PanelContext, args: A) => PanelContent<A>;
}

export interface PanelController<A> extends vscode.Disposable {
  /** Opens the panel for `args`, or reveals the one with its key. */
  /** `beside`: a new panel opens in the editor group beside the active one (the trace browser's detail). */
  open(args: A, options?: { preserveFocus?: boolean; beside?: boolean }): vscode.WebviewPanel;
  /** The open panel with this key. */
  find(key: string): vscode.WebviewPanel | undefined;
  /** Restores the panels of this view type after a reload (register once, at activation). */
  registerSerializer(): vscode.Disposable;
}

interface Open<A> {
  readonly panel: vscode.WebviewPanel;
  readonly content: PanelContent<A>;
}

/**
 * The one lifecycle of every W2S webview panel: open or reveal (keyed, or a single panel), restore after a
 * reload, a debounced refresh that waits while hidden, the ready handshake answered every time, dispose.
 */
export function createPanelController<A>(
  spec: PanelSpec<A>,
  extensionUri: vscode.Uri,
  log: vscode.LogOutputChannel,
): PanelController<A> {
  const open = new Map<string, Open<A>>();

  const attach = (panel: vscode.WebviewPanel, args: A): void => {
    const key = spec.key(args);
    const host = new WebviewHost(panel.webview, extensionUri, log);
    let timer: NodeJS.Timeout | undefined;
    let waitingForShow = false;
    const run = (reloaded: boolean) => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      try {
        content.refresh(reloaded);
      } catch (e) {
        log.error(`${spec.viewType} panel: ${(e as Error).message}`);
      }
    };
    const refreshSoon = () => {
      if (!panel.visible) {
        waitingForShow = true;
        return;
      }
      timer ??= setTimeout(() => run(false), spec.refreshDelayMs);
    };
    const content = spec.setup({ panel, host, refreshSoon }, args);
    // Every ready, not only the first: a panel shown again after being hidden has a fresh document.
    host.onDidBecomeReady(() => run(true));
    const viewState = panel.onDidChangeViewState(() => {
      if (panel.visible && waitingForShow) {
        waitingForShow = false;
        refreshSoon();
      }
    });
    open.set(key, { panel, content });
    panel.onDidDispose(() => {
      if (timer) clearTimeout(timer);
      viewState.dispose();
      if (open.get(key)?.panel === panel) open.delete(key);
      content.dispose?.();
      host.dispose();
    });
    // Nothing is sent before the webview's first ready: it answers with refresh(true).
    panel.title = spec.title(args); // (a restored panel has the title it was saved with)
    host.load(spec.app, spec.title(args));
  };

  return {
    open(args, options = {}) {
      const existing = open.get(spec.key(args));
      if (existing) {
        existing.panel.reveal(undefined, options.preserveFocus);
        existing.content.reveal?.(args);
        return existing.panel;
      }
      const panel = vscode.window.createWebviewPanel(
        spec.viewType,
        spec.title(args),
        {
          viewColumn: options.beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
          preserveFocus: options.preserveFocus,
        },
        webviewOptions(extensionUri),
      );
      attach(panel, args);
      return panel;
    },
    find: (key) => open.get(key)?.panel,
    registerSerializer() {
      return vscode.window.registerWebviewPanelSerializer(spec.viewType, {
        async deserializeWebviewPanel(panel, state: unknown) {
          const args = spec.restore(state);
          // A panel already opened by then (a command that ran first) wins over the restored copy.
          if (args === undefined || open.has(spec.key(args))) {
            panel.dispose();
            return;
          }
          panel.webview.options = webviewOptions(extensionUri);
          attach(panel, args);
        },
      });
    },
    dispose() {
      for (const { panel } of [...open.values()]) panel.dispose();
    },
  };
}
