import * as vscode from 'vscode';
import { errorMessage, isW2sError } from '../../core/errors';
import { redactSecrets, stripTerminalControls } from '../../core/untrusted-text';
import { noLinks } from './markdown-text';

export interface ReportErrorOptions {
  /** An API key or token the message may contain (masked wherever it appears). */
  readonly key?: string;
  /** Buttons shown before "Show Log"; the one pressed is returned. */
  readonly actions?: readonly string[];
  /** What "Show Log" opens, when not the W2S log (a job's own log channel). */
  readonly showLog?: () => void;
}

/**
 * The one way an error reaches the user: "W2S: <what>: <message>" in an error notification with a
 * "Show Log" button, the full error (stack for an unexpected one) in the log. The message is untrusted
 * text (a server's reply, a file's content): it goes through core's gate (no credential, no terminal
 * controls) and loses markdown link syntax, since notifications turn `[x](command:…)` into links.
 * A cancellation is not an error: it is shown as information. `what` may be empty.
 */
export async function reportError(
  log: vscode.LogOutputChannel,
  what: string,
  error: unknown,
  options: ReportErrorOptions = {},
): Promise<string | undefined> {
  const clean = (s: string) => redactSecrets(stripTerminalControls(s), options.key);
  const msg = clean(errorMessage(error));
  const text = noLinks(what ? `${what}: ${msg}` : msg);
  if (isW2sError(error) && error.code === 'CANCELLED') {
    void vscode.window.showInformationMessage(noLinks(msg));
    return undefined;
  }
  const detail = isW2sError(error) || !(error instanceof Error) || !error.stack ? msg : clean(error.stack);
  log.error(what ? `${what}: ${detail}` : detail);
  const choice = await vscode.window.showErrorMessage(`W2S: ${text}`, ...(options.actions ?? []), 'Show Log');
  if (choice === 'Show Log') (options.showLog ?? (() => log.show()))();
  return choice;
}
