import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage, isW2sError } from '../../core/errors';
import { BUILTIN_BENCHMARKS, builtinFile } from '../../core/problems/builtin';
import { checkSetName, importProblemSet, type ImportOptions, type ImportResult } from '../../core/problems/import';
import { listProblemSets } from '../../core/problems/sets';
import { openStore } from '../../core/store/open';
import type { StoreService } from '../ui/store-service';
import { reportError } from '../ui/report-error';

/**
 * Runs one import with a cancellable progress notification, on a connection of its own so that its
 * transaction (held across event-loop turns) never mixes with the views' reads.
 */
async function runImport(
  stores: StoreService,
  log: vscode.LogOutputChannel,
  options: Omit<ImportOptions, 'onProgress' | 'signal'>,
  title: string,
): Promise<ImportResult | undefined> {
  stores.get(); // surfaces "open a folder" / native-module errors before the notification
  const file = stores.file!;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      const store = openStore(file);
      let last = 0;
      try {
        const result = await importProblemSet(store, {
          ...options,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase !== 'write' || p.total === 0) return;
            const pct = (p.done / p.total) * 100;
            progress.report({ increment: pct - last, message: `${p.done}/${p.total} problems` });
            last = pct;
          },
        });
        log.info(`Import ${result.name}: ${result.outcome}, ${result.problems} problems from ${result.source}`);
        return result;
      } finally {
        sub.dispose();
        store.close();
        stores.notifyChanged();
      }
    },
  );
}

export async function addBuiltinBenchmark(
  stores: StoreService,
  log: vscode.LogOutputChannel,
  ids?: string[],
): Promise<ImportResult[]> {
  let chosen = ids;
  if (!chosen) {
    let existing = new Set<string>();
    try {
      const store = stores.getIfExists();
      if (store) existing = new Set(listProblemSets(store).map((s) => s.name));
    } catch {
      // the import below reports the store problem
    }
    const picks = await vscode.window.showQuickPick(
      BUILTIN_BENCHMARKS.map((b) => ({
        label: b.label,
        description: `${b.problems} problems${existing.has(b.id) ? ' · already added' : ''}`,
        detail: `${b.description} — ${b.license}`,
        id: b.id,
      })),
      {
        title: 'Add Built-in Benchmark',
        placeHolder: 'Choose benchmarks to add to this workspace',
        canPickMany: true,
        matchOnDetail: true,
      },
    );
    if (!picks || picks.length === 0) return [];
    chosen = picks.map((p) => p.id);
  }
  const results: ImportResult[] = [];
  for (const id of chosen) {
    const b = BUILTIN_BENCHMARKS.find((x) => x.id === id);
    if (!b) continue;
    try {
      const r = await runImport(
        stores,
        log,
        { file: builtinFile(b), name: b.id, sourceLabel: `builtin:${b.id}` },
        `W2S: adding ${b.label}`,
      );
      if (r) results.push(r);
    } catch (e) {
      void reportError(log, `adding ${b.label} failed`, e);
      return results;
    }
  }
  if (results.length) {
    void vscode.window.showInformationMessage(
      results
        .map((r) => `${r.name}: ${r.problems} problems${r.outcome === 'unchanged' ? ' (already there)' : ''}`)
        .join(' · '),
    );
  }
  return results;
}

export async function importProblemSetFile(
  stores: StoreService,
  log: vscode.LogOutputChannel,
  uri?: vscode.Uri,
): Promise<ImportResult | undefined> {
  let target = uri;
  if (!target) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Import Problem Set',
      canSelectMany: false,
      openLabel: 'Import',
      filters: { 'Problem sets': ['jsonl', 'json', 'ndjson', 'csv'], 'All files': ['*'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!picked?.[0]) return undefined;
    target = picked[0];
  }
  const file = target.fsPath;
  const suggested = path
    .basename(file)
    .replace(/\.[^.]+$/, '')
    .replace(/[^A-Za-z0-9._-]/g, '-');
  const name = await vscode.window.showInputBox({
    title: 'Problem set name',
    value: suggested,
    validateInput: (v) => {
      try {
        checkSetName(v);
        return undefined;
      } catch (e) {
        return errorMessage(e);
      }
    },
  });
  if (!name) return undefined;
  const attempt = (replace: boolean) =>
    runImport(stores, log, { file, name, replace }, `W2S: importing ${path.basename(file)} as ${name}`);
  try {
    let result: ImportResult | undefined;
    try {
      result = await attempt(false);
    } catch (e) {
      if (!(isW2sError(e) && e.code === 'SET_EXISTS')) throw e;
      const choice = await vscode.window.showWarningMessage(
        `A problem set named "${name}" already exists with different content.`,
        { modal: true, detail: 'Replacing keeps the traces of problems that remain in the new file.' },
        'Replace',
      );
      if (choice !== 'Replace') return undefined;
      result = await attempt(true);
    }
    if (result) {
      const types = Object.entries(result.answerTypes)
        .map(([t, n]) => `${n} ${t}`)
        .join(', ');
      void vscode.window.showInformationMessage(
        `${result.name}: ${result.outcome === 'unchanged' ? 'already imported, unchanged' : `${result.outcome}`} — ${result.problems} problems (${types}).`,
      );
    }
    return result;
  } catch (e) {
    void reportError(log, `importing ${path.basename(file)} failed`, e);
    return undefined;
  }
}
