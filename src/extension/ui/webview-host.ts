import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
  ReadyNotification,
  isWireMessage,
  type NotificationType,
  type RequestType,
  type WireMessage,
} from '../../protocol/messages';

/** Options for every W2S webview: scripts on, resources only from the bundles in dist/webview and media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

/**
 * The extension side of a webview: strict CSP with a per-load nonce, scripts and styles only from the
 * extension's own dist/webview and media/, typed request handlers, and notifications held until the
 * webview says it is ready.
 */
export class WebviewHost implements vscode.Disposable {
  private readonly handlers = new Map<string, (params: unknown) => unknown>();
  private readonly listeners = new Map<string, (params: unknown) => void>();
  /** Held until ready, the newest of each kind only (a hidden view must not pile up a job's every change). */
  private readonly onReady = new Map<string, () => void>();
  private readonly readyListeners: (() => void)[] = [];
  private ready = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = webview.onDidReceiveMessage((m: unknown) => void this.receive(m));
  }

  /**
   * Sets the page: one script (dist/webview/<name>.js), its stylesheet (dist/webview/<name>.css, from
   * webview/<name>/styles.css) and the codicon stylesheet. Styles and fonts come only from the extension
   * (no 'unsafe-inline'): Lit's component styles are constructed stylesheets, which CSP does not govern,
   * and KaTeX renders into DOM nodes whose inline sizes are set through the CSSOM, which it allows too.
   */
  load(name: string, title: string): void {
    const nonce = randomBytes(16).toString('base64');
    const script = this.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', `${name}.js`));
    const style = this.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', `${name}.css`));
    const codicons = this.webview.asWebviewUri(
      vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'codicon.css'),
    );
    const csp = [
      "default-src 'none'",
      `style-src ${this.webview.cspSource}`,
      `font-src ${this.webview.cspSource}`,
      `img-src ${this.webview.cspSource} data:`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    this.ready = false;
    this.webview.html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${codicons.toString()}" rel="stylesheet" id="vscode-codicon-stylesheet">
<link href="${style.toString()}" rel="stylesheet">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="root"></div>
<script type="module" nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  onRequest<P, R>(type: RequestType<P, R>, handler: (params: P) => R | Promise<R>): void {
    this.handlers.set(type.method, handler as (p: unknown) => unknown);
  }

  /** Notifications from the webview (it expects no answer). */
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): void {
    this.listeners.set(type.method, handler as (p: unknown) => void);
  }

  /**
   * Called each time the webview's script announces itself: first load, and every reload of a webview
   * view that was hidden (its document is destroyed when hidden; its state comes back via getState).
   */
  onDidBecomeReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /** The document went away (a hidden webview view): hold notifications until it is ready again. */
  markNotReady(): void {
    this.ready = false;
  }

  /** True once the webview's script has announced itself. */
  get isReady(): boolean {
    return this.ready;
  }

  /** Sends now if the webview is ready, else as soon as it is. */
  notify<P>(type: NotificationType<P>, params: P): void {
    const send = () =>
      void this.webview.postMessage({ kind: 'notification', method: type.method, params } satisfies WireMessage);
    if (this.ready) send();
    else {
      this.onReady.delete(type.method); // re-inserted last: the held ones go out in the order of their newest
      this.onReady.set(type.method, send);
    }
  }

  private async receive(m: unknown): Promise<void> {
    if (!isWireMessage(m)) return;
    if (m.kind === 'notification' && m.method === ReadyNotification.method) {
      this.ready = true;
      const held = [...this.onReady.values()];
      this.onReady.clear();
      for (const f of held) f();
      for (const f of this.readyListeners) f();
      return;
    }
    if (m.kind === 'notification') {
      try {
        this.listeners.get(m.method)?.(m.params);
      } catch (e) {
        this.log.error(`webview notification ${m.method} failed: ${(e as Error).message}`);
      }
      return;
    }
    if (m.kind !== 'request') return;
    const handler = this.handlers.get(m.method);
    let reply: WireMessage;
    if (!handler) reply = { kind: 'response', id: m.id, error: `unknown request ${m.method}` };
    else {
      try {
        reply = { kind: 'response', id: m.id, result: await handler(m.params) };
      } catch (e) {
        this.log.error(`webview request ${m.method} failed: ${(e as Error).message}`);
        reply = { kind: 'response', id: m.id, error: (e as Error).message };
      }
    }
    void this.webview.postMessage(reply);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
