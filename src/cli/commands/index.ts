import type { Command } from '../command';
import { benchmarksCommand } from './benchmarks';
import { datasetsCommand } from './datasets';
import { datasetsDeleteCommand, runsDeleteCommand, setsDeleteCommand } from './delete';
import { exportCommand } from './export';
import { experimentNewCommand, experimentRunCommand, experimentStatusCommand } from './experiment';
import { clusterCheckCommand } from './cluster';
import { evalCommand } from './eval';
import { gradeCommand } from './grade';
import { gradePairsCommand } from './grade-pairs';
import { importCommand } from './import';
import { importTracesCommand } from './import-traces';
import { labelCommand } from './label';
import { jobsListCommand, jobsLogsCommand, jobsShowCommand, jobsStopCommand } from './jobs-manage';
import { jobsPlanCommand } from './jobs-plan';
import { jobsEvalCommand, jobsSftCommand } from './jobs-submit';
import { resultsCommand } from './results';
import { runsCommand } from './runs';
import { sampleCommand } from './sample';
import { setsCommand } from './sets';
import { signalsCommand } from './signals';
import { tracesCommand } from './traces';
import { viewsCommand } from './views';

/** Every `w2s` sub-command, in the order `w2s --help` lists them. */
export const COMMANDS: readonly Command[] = [
  importCommand,
  benchmarksCommand,
  setsCommand,
  setsDeleteCommand,
  sampleCommand,
  runsCommand,
  runsDeleteCommand,
  evalCommand,
  resultsCommand,
  importTracesCommand,
  gradeCommand,
  gradePairsCommand,
  signalsCommand,
  tracesCommand,
  labelCommand,
  viewsCommand,
  exportCommand,
  datasetsCommand,
  datasetsDeleteCommand,
  clusterCheckCommand,
  jobsSftCommand,
  jobsEvalCommand,
  jobsListCommand,
  jobsShowCommand,
  jobsLogsCommand,
  jobsStopCommand,
  jobsPlanCommand,
  experimentRunCommand,
  experimentStatusCommand,
  experimentNewCommand,
];
