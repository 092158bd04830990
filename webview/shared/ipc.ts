import {
  ReadyNotification,
  isWireMessage,
  type NotificationType,
  type RequestType,
  type WireMessage,
} from '../../src/protocol/messages';

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}
declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

/**
 * Every Content-Security-Policy violation on the page, kept on the root element (and logged): the
 * end-to-end suite asserts there are none, so nothing the webviews render needs more than the CSP allows.
 */
function watchCsp(): void {
  let n = 0;
  document.addEventListener('securitypolicyviolation', (e) => {
    n++;
    document.documentElement.dataset.cspViolations = String(n);
    document.documentElement.dataset.cspLast = `${e.violatedDirective} ${e.blockedURI || '(inline)'}`.slice(0, 300);
    console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
  });
}

/** The webview side of the protocol: typed requests with responses, notifications, and the ready handshake. */
export function connect<State>() {
  watchCsp();
  const api = acquireVsCodeApi<State>();
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const handlers = new Map<string, (params: unknown) => void>();

  window.addEventListener('message', (event: MessageEvent) => {
    const m = event.data as unknown;
    if (!isWireMessage(m)) return;
    if (m.kind === 'response') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    } else if (m.kind === 'notification') {
      handlers.get(m.method)?.(m.params);
    }
  });

  const post = (m: WireMessage) => api.postMessage(m);
  return {
    request<P, R>(type: RequestType<P, R>, params: P): Promise<R> {
      const id = nextId++;
      return new Promise<R>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        post({ kind: 'request', id, method: type.method, params });
      });
    },
    notify<P>(type: NotificationType<P>, params: P): void {
      post({ kind: 'notification', method: type.method, params });
    },
    onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): void {
      handlers.set(type.method, handler as (p: unknown) => void);
    },
    /** Call after registering handlers: the extension sends nothing before this. */
    ready(): void {
      post({ kind: 'notification', method: ReadyNotification.method, params: {} });
    },
    getState: () => api.getState(),
    setState: (s: State) => api.setState(s),
  };
}
