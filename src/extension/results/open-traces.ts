import * as vscode from 'vscode';
import { parseProblemId } from './benchmark-tests';
import { problemTracesUri, traceUri } from './documents';

export interface ProblemRef {
  readonly set: string;
  readonly problemKey: string;
  /** some of the problem's traces only (the hover's link to the traces a student was trained on) */
  readonly traceIds?: readonly number[];
}

/**
 * A problem from the command's argument: `{set, problemKey, traceIds?}` (hover, other commands) or a Testing
 * view item. Trace ids that are not a list of integers are ignored (the link still opens the problem).
 */
export function problemRefOf(arg: unknown): ProblemRef | undefined {
  if (arg && typeof arg === 'object') {
    const a = arg as { set?: unknown; problemKey?: unknown; id?: unknown; traceIds?: unknown };
    if (typeof a.set === 'string' && typeof a.problemKey === 'string') {
      const ids = a.traceIds;
      return Array.isArray(ids) && ids.length > 0 && ids.every((x) => Number.isInteger(x))
        ? { set: a.set, problemKey: a.problemKey, traceIds: ids as number[] }
        : { set: a.set, problemKey: a.problemKey };
    }
    if (typeof a.id === 'string') {
      const p = parseProblemId(a.id);
      if (p) return { set: p.set, problemKey: p.key };
    }
  }
  return undefined;
}

/**
 * Opens the traces of one problem (teachers, evaluations, imports) in the trace browser, filtered to it (and
 * to the given trace ids, if any); `asText` opens every trace of it instead as one read-only document (the
 * hover's "as text" link).
 */
export async function openProblemTraces(arg: unknown, asText = false): Promise<void> {
  const ref = problemRefOf(arg);
  if (!ref) {
    void vscode.window.showInformationMessage(
      'Open traces: hover a problem line of a problem-set file, or pick a problem in the Testing view.',
    );
    return;
  }
  if (!asText) {
    await vscode.commands.executeCommand('w2s.openTraceBrowser', {
      problemKey: ref.problemKey,
      set: ref.set,
      ...(ref.traceIds ? { traceIds: ref.traceIds } : {}),
    });
    return;
  }
  const doc = await vscode.workspace.openTextDocument(problemTracesUri(ref.set, ref.problemKey));
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}

/**
 * "Show Response" on a failed problem's test message: opens the response of its sample (a pick when it has
 * several). The message's context value carries the trace ids; a message without them falls back to its
 * stack frames, then to every trace of the problem.
 */
export async function showTestResponse(
  arg: { test?: vscode.TestItem; message?: vscode.TestMessage } | undefined,
): Promise<void> {
  const message = arg?.message;
  const ids =
    /^w2s\.problemResult:([\d,]+)$/
      .exec(message?.contextValue ?? '')?.[1]
      ?.split(',')
      .map(Number) ?? [];
  const frames = message?.stackTrace?.filter((f) => f.uri) ?? [];
  const choices = ids.length
    ? ids.map((id, i) => ({ label: `sample ${i}`, uri: traceUri(id, `${arg?.test?.label ?? 'trace'}-${i}`) }))
    : frames.map((f) => ({ label: f.label, uri: f.uri! }));
  if (choices.length === 0) {
    await openProblemTraces(arg?.test);
    return;
  }
  let choice = choices[0]!;
  if (choices.length > 1) {
    const pick = await vscode.window.showQuickPick(choices, { title: 'Show response of sample…' });
    if (!pick) return;
    choice = pick;
  }
  const doc = await vscode.workspace.openTextDocument(choice.uri);
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}
