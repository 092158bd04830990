import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { W2sError } from '../../core/errors';
import { EXPERIMENT_FILE } from '../../core/experiment/spec';
import { experimentNameFor, experimentTemplate } from '../../core/experiment/template';
import { reportError } from '../ui/report-error';

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
    if (!EXPERIMENT_FILE.test(file))
      throw new W2sError(
        `Name the file NAME.w2s.yaml (got ${path.basename(file)}): the Experiments view and the CodeLens find experiments by that ending.`,
        'BAD_NAME',
      );
    try {
      fs.writeFileSync(file, experimentTemplate(experimentNameFor(file)), { flag: 'wx' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new W2sError(
        code === 'EEXIST'
          ? `${file} exists; it is left as it is. Choose another name.`
          : `Cannot write ${file} (${code ?? 'error'}).`,
        'CANNOT_WRITE',
      );
    }
  } catch (e) {
    void reportError(log, 'New Experiment', e);
    return undefined;
  }
  log.info(`Experiment written: ${file}`);
  await vscode.window.showTextDocument(vscode.Uri.file(file));
  return file;
}
