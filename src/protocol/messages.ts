/**
 * Typed messages between the extension and its webviews (the shape GitLens uses in
 * src/webviews/protocol.ts): requests get exactly one response; notifications get none. The webview
 * announces itself with `ready` before the extension sends anything (the handshake of
 * vscode-pull-request-github's src/common/webview.ts), so no message is lost while its script loads.
 * This module imports nothing, so both sides can use it.
 */

export interface RequestType<Params, Result> {
  readonly method: string;
  /** Phantom fields: carry the types, never set. */
  readonly _params?: Params;
  readonly _result?: Result;
}

export interface NotificationType<Params> {
  readonly method: string;
  readonly _params?: Params;
}

export type WireMessage =
  | { readonly kind: 'request'; readonly id: number; readonly method: string; readonly params: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly result?: unknown; readonly error?: string }
  | { readonly kind: 'notification'; readonly method: string; readonly params: unknown };

export function isWireMessage(m: unknown): m is WireMessage {
  if (!m || typeof m !== 'object') return false;
  const k = (m as { kind?: unknown }).kind;
  return k === 'request' || k === 'response' || k === 'notification';
}

/** Sent by every webview once its script runs; the extension answers with the view's initial state. */
export const ReadyNotification: NotificationType<Record<string, never>> = { method: 'webview/ready' };
