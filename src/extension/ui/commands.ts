import * as vscode from 'vscode';
import type { CommandId } from './contributions';

export { COMMANDS, type CommandId } from './contributions';

/**
 * Registers one of the commands package.json contributes; the id must be in the COMMANDS table (a typo or
 * a command missing from package.json does not compile, and contributions.test.ts checks the rest).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the handlers take the arguments VS Code passes (tree nodes, URIs, test args)
export function registerCommand(id: CommandId, handler: (...args: any[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, handler);
}
