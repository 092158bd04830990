import * as vscode from 'vscode';
import { reportError } from '../ui/report-error';
import { writeExperimentFile } from './write-file';

export interface NewExperimentArgs {
  /** the file to write, without asking (tests, other commands) */
  readonly file?: string;
}

/**
 * W2S: New Experiment…: asks where (experiment.w2s.yaml in the workspace by default), writes the commented
 * file of the paper's main setting (the text `w2s experiment new` writes) and opens it. An existing file
 * is never overwritten, even when the save dialog was told to replace it: nothing a user wrote is lost.
 */
export async function newExperiment(
  log: vscode.LogOutputChannel,
  args: NewExperimentArgs = {},
): Promise<string | undefined> {
  let file = args.file;
  if (!file) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showSaveDialog({
      title: 'W2S: New Experiment',
      saveLabel: 'Create Experiment',
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'experiment.w2s.yaml') : undefined,
      filters: { 'W2S experiment': ['w2s.yaml', 'yaml'] },
    });
    if (!picked) return undefined;
    file = picked.fsPath;
  }
  try {
    writeExperimentFile(file);
  } catch (e) {
    void reportError(log, 'New Experiment', e);
    return undefined;
  }
  log.info(`Experiment written: ${file}`);
  await vscode.window.showTextDocument(vscode.Uri.file(file));
  return file;
}
