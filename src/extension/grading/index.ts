import * as vscode from 'vscode';
import type { RegradeMode } from '../../core/grading/grade-traces';
import { GRADER_VERSION } from '../../core/grader/version';
import { listRunNames } from '../../core/runs/runs';
import type { StoreService } from '../ui/store-service';
import { GraderService } from './grader-service';
import { registerCommand } from '../ui/commands';
import { pickManyStep, pickStep } from '../ui/steps';

/** Registers "W2S: Grade Runs…" and returns the grader that sampling uses to grade traces as they arrive. */
export function registerGrading(
  context: vscode.ExtensionContext,
  stores: StoreService,
  log: vscode.LogOutputChannel,
): GraderService {
  const grader = new GraderService(stores, log);
  context.subscriptions.push(
    grader,
    registerCommand('w2s.gradeRuns', async (arg?: string | string[] | { run?: { name?: string } }) => {
      let runs: string[] | undefined =
        typeof arg === 'string'
          ? [arg]
          : Array.isArray(arg)
            ? arg
            : typeof arg?.run?.name === 'string'
              ? [arg.run.name]
              : undefined;
      let mode: RegradeMode = 'missing';
      if (!runs) {
        const store = stores.getIfExists();
        const names = store ? listRunNames(store) : [];
        if (names.length === 0) {
          void vscode.window.showInformationMessage('No runs to grade yet: sample traces or import them first.');
          return;
        }
        const picked = await pickManyStep(
          names.map((n) => ({ label: n, picked: true })),
          { title: 'Grade Runs', step: 1, totalSteps: 2, placeholder: 'Runs to grade' },
        );
        if (!picked?.length) return;
        runs = picked.map((p) => p.label);
        const how = await pickStep(
          [
            { label: 'Grade ungraded traces', mode: 'missing' as const },
            {
              label: 'Also re-grade traces graded by another grader version',
              description: `current: ${GRADER_VERSION}`,
              mode: 'stale' as const,
            },
            { label: 'Re-grade every trace', mode: 'all' as const },
          ],
          { title: 'Grade Runs', step: 2, totalSteps: 2 },
        );
        if (!how) return;
        mode = how.mode;
      }
      await grader.gradeRuns(runs, mode);
    }),
  );
  return grader;
}
