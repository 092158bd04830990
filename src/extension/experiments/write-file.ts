import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../../core/errors';
import { EXPERIMENT_FILE } from '../../core/experiment/spec';
import { experimentNameFor, experimentTemplate } from '../../core/experiment/template';

/**
 * Writes the commented main-setting file `w2s experiment new` writes. Refused: a name not ending in
 * .w2s.yaml (the view and the CodeLens would not find it), and an existing file, even when the save
 * dialog was told to replace it: nothing a user wrote is lost. No vscode import: a unit test runs it.
 */
export function writeExperimentFile(file: string): void {
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
}
