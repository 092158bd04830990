import * as vscode from 'vscode';
import { loadSqliteBinding, type NativeProblem } from '../../core/native/load-binding';
import { useSqliteBinding } from '../../core/store/sqlite';

/** Context key the views' welcome content switches on. */
export const NATIVE_FAILED_CONTEXT = 'w2s.nativeModuleFailed';

/**
 * Loads the SQLite native module once, at activation and before any view asks for the store: an
 * installed per-target package picks its build for this runtime's ABI from native/, a checkout uses
 * node_modules' build, and W2S_SQLITE_BINDING overrides both. On failure the problem is logged with the
 * ABI found and wanted, and returned so that the views show it once instead of failing each on its own.
 * It costs one dlopen (a few milliseconds; logged, see the README).
 */
export function checkNativeModule(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): { problem?: NativeProblem; ms: number } {
  const started = performance.now();
  const result = loadSqliteBinding({
    root: context.extensionMode === vscode.ExtensionMode.Production ? context.extensionPath : undefined,
    override: process.env.W2S_SQLITE_BINDING || undefined,
    version: String(context.extension.packageJSON.version),
  });
  const ms = performance.now() - started;
  if (result.ok) {
    useSqliteBinding(result.binding);
    log.info(
      `SQLite module loaded in ${ms.toFixed(1)} ms: ${result.file} (from ${result.source}, NODE_MODULE_VERSION ${result.abi})`,
    );
    return { ms };
  }
  log.error(`SQLite module: ${result.problem.detail}`);
  log.error(result.problem.message);
  void vscode.commands.executeCommand('setContext', NATIVE_FAILED_CONTEXT, true);
  return { problem: result.problem, ms };
}
