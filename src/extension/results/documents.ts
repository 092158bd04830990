import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { BUILTIN_SETS, builtinFile } from '../../core/problems/builtin';
import { problemTraces, findStoredTrace, traceAsText } from '../../core/traces/read-traces';
import type { StoreService } from '../ui/store-service';

/**
 * Read-only documents: the bundled file of a built-in benchmark (so its problems have lines to show
 * results on, without copying it into the workspace or letting it be edited), one trace, and every trace
 * of one problem. Text from a content provider is read-only in the editor by construction.
 */
export const BUILTIN_SCHEME = 'w2s-builtin';
export const TRACE_SCHEME = 'w2s-trace';
export const PROBLEM_TRACES_SCHEME = 'w2s-traces';

/** The document a set's problems live in: its imported file, or the bundled file of a built-in benchmark. */
export function problemSetUri(source: string): vscode.Uri | undefined {
  if (source.startsWith('builtin:')) {
    const b = BUILTIN_SETS.find((x) => `builtin:${x.id}` === source);
    return b ? vscode.Uri.from({ scheme: BUILTIN_SCHEME, path: `/${b.file}` }) : undefined;
  }
  return fs.existsSync(source) ? vscode.Uri.file(source) : undefined;
}

/** The set a document shows, for documents that are problem-set files. */
export function setSourceOf(uri: vscode.Uri): string | undefined {
  if (uri.scheme === BUILTIN_SCHEME) {
    const b = BUILTIN_SETS.find((x) => `/${x.file}` === uri.path);
    return b ? `builtin:${b.id}` : undefined;
  }
  return uri.scheme === 'file' ? uri.fsPath : undefined;
}

export function traceUri(id: number, label: string): vscode.Uri {
  return vscode.Uri.from({ scheme: TRACE_SCHEME, path: `/${id}/${label.replace(/[^A-Za-z0-9._@-]+/g, '-')}.md` });
}

export function problemTracesUri(set: string, problemKey: string): vscode.Uri {
  return vscode.Uri.from({
    scheme: PROBLEM_TRACES_SCHEME,
    path: `/${set}/${problemKey.replace(/[^A-Za-z0-9._-]+/g, '-')}.md`,
    query: new URLSearchParams({ set, key: problemKey }).toString(),
  });
}

export function registerDocuments(stores: StoreService): vscode.Disposable {
  const builtin: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent(uri) {
      const b = BUILTIN_SETS.find((x) => `/${x.file}` === uri.path);
      return b ? fs.promises.readFile(builtinFile(b), 'utf8') : `No built-in benchmark at ${uri.path}.`;
    },
  };
  const trace: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent(uri) {
      const id = Number(uri.path.split('/')[1]);
      const store = stores.getIfExists();
      const t = store && Number.isInteger(id) ? findStoredTrace(store, id) : undefined;
      return t ? traceAsText(t) : `Trace ${uri.path.split('/')[1]} is not in the store (any more).`;
    },
  };
  const problem: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent(uri) {
      const q = new URLSearchParams(uri.query);
      const set = q.get('set') ?? '';
      const key = q.get('key') ?? '';
      const store = stores.getIfExists();
      const traces = store ? problemTraces(store, set, key) : [];
      if (traces.length === 0) return `No traces of problem ${key} of ${set} yet.`;
      const head = `# Traces of ${set}/${key}\n\n${traces[0]!.question}\n\ngold answer: ${traces[0]!.gold}\n${traces.length} trace(s)\n\n`;
      return head + traces.map((t) => traceAsText(t)).join('\n---\n\n');
    },
  };
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(BUILTIN_SCHEME, builtin),
    vscode.workspace.registerTextDocumentContentProvider(TRACE_SCHEME, trace),
    vscode.workspace.registerTextDocumentContentProvider(PROBLEM_TRACES_SCHEME, problem),
  );
}
