/**
 * How a step of an experiment shows in the Experiments view: its icon and colour per state, its
 * description, and what a click opens once it is done (the run in the Traces view, the job panel, the
 * results panel). No vscode import: a unit test reads it.
 */
import type { PlannedStep } from '../../core/experiment/run';
import type { ExperimentSpec } from '../../core/experiment/spec';
import type { StepState } from '../../core/experiment/state';
import type { ResultsSelection } from '../../protocol/results';

/** The Results panel's choice for an experiment's table: its base and RL models, its benchmark sets. */
export function resultsSelectionOf(spec: ExperimentSpec): ResultsSelection {
  return { base: spec.compare.base, rl: spec.compare.rl, sets: spec.eval.sets.map((x) => x.set) };
}

export interface StepRow {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** codicon id and theme colour id */
  readonly icon: readonly [string, string | undefined];
  /** the command a click runs; none while the step is not done (there is nothing to open yet) */
  readonly open?: { readonly command: string; readonly title: string; readonly args: readonly unknown[] };
}

export const STATE_ICON: Readonly<Record<StepState, readonly [string, string | undefined]>> = {
  done: ['pass', 'testing.iconPassed'],
  'to do': ['circle-large-outline', undefined],
  stale: ['history', 'charts.yellow'],
};

/** What a done step made, as the command that opens it; `jobName` is the step's job (a retry may be `-r2`). */
export function openTarget(
  planned: PlannedStep,
  jobName: string | undefined,
  selection?: ResultsSelection,
  /** an export step's training file (absolute), when the store's snapshot names one */
  datasetFile?: string,
): StepRow['open'] {
  const { step, status } = planned;
  if (status.state !== 'done') return undefined;
  switch (step.kind) {
    case 'problems':
      return { command: 'w2s.openProblemSet', title: 'Open Problem Set', args: [step.setName ?? step.name] };
    case 'sample':
    case 'grade':
      return { command: 'w2s.showRunTraces', title: 'Show Traces', args: [step.name] };
    case 'sft':
      return { command: 'w2s.openJob', title: 'Open Job', args: [jobName ?? step.name] };
    case 'eval':
      // a reference model with results from elsewhere has no job of this experiment: its results show there
      return jobName
        ? { command: 'w2s.openJob', title: 'Open Job', args: [jobName] }
        : { command: 'w2s.openResults', title: 'Open Results', args: selection ? [selection] : [] };
    case 'results':
      return { command: 'w2s.openResults', title: 'Open Results', args: selection ? [selection] : [] };
    case 'export':
      // the snapshot's training file as exported (the row's description names the snapshot)
      return datasetFile ? { command: 'vscode.open', title: 'Open Dataset File', args: [datasetFile] } : undefined;
  }
}

export function stepRow(
  planned: PlannedStep,
  jobName: string | undefined,
  selection?: ResultsSelection,
  datasetFile?: string,
): StepRow {
  const { step, status } = planned;
  const description = status.detail ? `${status.state} · ${status.detail}` : status.state;
  return {
    id: step.id,
    label: step.id,
    description,
    tooltip: `${step.id} — ${description}\n${step.name}\nkey ${step.key.slice(0, 8)}`,
    icon: STATE_ICON[status.state],
    open: openTarget(planned, jobName, selection, datasetFile),
  };
}
