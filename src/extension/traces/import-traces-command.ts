import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkSetName } from '../../core/problems/import';
import { listProblemSets } from '../../core/problems/sets';
import { checkRunName } from '../../core/runs/names';
import { findRun } from '../../core/runs/runs';
import { importTraces, type ImportTracesResult } from '../../core/traces/import-traces';
import { errorMessage } from '../../core/errors';
import type { GraderService } from '../grading/grader-service';
import { reportError } from '../ui/report-error';
import { setting } from '../ui/settings';
import { inputStep, pickStep } from '../ui/steps';
import type { StoreService } from '../ui/store-service';

const valid = (check: (v: string) => void) => (v: string) => {
  try {
    check(v.trim());
    return undefined;
  } catch (e) {
    return errorMessage(e);
  }
};

/** A file name as a set or run name: "qwen25-math-cot-sample.jsonl" → "qwen25-math-cot-sample". */
function nameFrom(file: string): string {
  return (
    path
      .basename(file)
      .replace(/\.(jsonl|json|ndjson)$/i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 100) || 'traces'
  );
}

/**
 * "W2S: Import Traces…": a trace file (W2SR, one trace per line, OpenAI chat), then the problem set —
 * made from the traces' own questions and gold answers, or an existing one they answer — the run and
 * the model; the traces are graded on import when `w2s.grading.gradeOnArrival` is on. Core's
 * `importTraces` does the work (the same as `w2s import-traces`).
 */
export async function importTracesCommand(
  stores: StoreService,
  grader: GraderService,
  log: vscode.LogOutputChannel,
  uri?: vscode.Uri,
): Promise<ImportTracesResult | undefined> {
  const file =
    uri?.fsPath ??
    (
      await vscode.window.showOpenDialog({
        title: 'W2S: Import Traces — the trace file',
        canSelectMany: false,
        filters: { 'Traces (JSONL, JSON)': ['jsonl', 'json', 'ndjson'] },
        openLabel: 'Import Traces',
      })
    )?.[0]?.fsPath;
  if (!file) return undefined;
  let store;
  try {
    store = stores.get();
  } catch (e) {
    void reportError(log, 'Import Traces', e);
    return undefined;
  }
  const title = `W2S: Import Traces — ${path.basename(file)}`;
  const base = nameFrom(file);
  type SetItem = vscode.QuickPickItem & { create?: boolean; set?: string };
  const sets = listProblemSets(store);
  const setPick = await pickStep<SetItem>(
    [
      {
        label: '$(add) Make a problem set from the traces',
        description: 'one problem per distinct question, gold from gt_answer / gold / answer',
        create: true,
      },
      ...(sets.length ? [{ label: 'existing sets', kind: vscode.QuickPickItemKind.Separator } as SetItem] : []),
      ...sets.map((s): SetItem => ({
        label: s.name,
        description: `${s.problems} problems`,
        detail: 'match each trace to a problem by id or exact question',
        set: s.name,
      })),
    ],
    { title, step: 1, totalSteps: 3, placeholder: 'Which problems the traces answer' },
  );
  if (!setPick) return undefined;
  let setName = setPick.set;
  if (setPick.create) {
    setName = await inputStep({
      title,
      step: 1,
      totalSteps: 3,
      prompt: 'Name of the new problem set',
      value: base,
      validate: valid((v) => {
        checkSetName(v);
        if (sets.some((s) => s.name === v))
          throw new Error(`A set named "${v}" exists: choose another name (or pick it as an existing set).`);
      }),
    });
    if (!setName) return undefined;
    setName = setName.trim();
  }
  const runName = await inputStep({
    title,
    step: 2,
    totalSteps: 3,
    prompt: 'Name of the run the traces become (importing again into it adds what is missing)',
    value: setName ?? base,
    validate: valid(checkRunName),
  });
  if (!runName) return undefined;
  const existing = findRun(store, runName.trim());
  const model = await inputStep({
    title,
    step: 3,
    totalSteps: 3,
    prompt: 'The model that wrote the traces',
    value: existing?.model ?? base,
    validate: (v) => (v.trim() ? undefined : 'Name the model.'),
  });
  if (!model) return undefined;

  let result: ImportTracesResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `W2S: importing ${path.basename(file)}` },
      async () =>
        importTraces(store, {
          file,
          setName: setName!,
          runName: runName.trim(),
          model: model.trim(),
          createSet: Boolean(setPick.create),
        }),
    );
  } catch (e) {
    void reportError(log, `Import of ${path.basename(file)} failed (nothing was imported)`, e);
    return undefined;
  }
  stores.notifyChanged();
  const made =
    result.createdSet?.outcome === 'created'
      ? `; problem set ${result.set} made with ${result.createdSet.problems} problems`
      : '';
  const unmatched = result.unmatched
    ? `; ${result.unmatched} of ${result.traces} matched no problem of ${result.set} and were skipped`
    : '';
  const message = `${result.run}: imported ${result.imported} trace(s)${result.alreadyPresent ? `, ${result.alreadyPresent} already there` : ''}${made}${unmatched}.`;
  log.info(message);
  if (setting('grading.gradeOnArrival') && result.imported > 0) await grader.gradeRuns([result.run], 'missing');
  void vscode.window
    .showInformationMessage(message, 'Show Traces')
    .then((a) => a && vscode.commands.executeCommand('w2s.showRunTraces', result.run));
  return result;
}
