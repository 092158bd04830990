import type { Command } from '../command';
import { benchmarksCommand } from './benchmarks';
import { evalCommand } from './eval';
import { gradeCommand } from './grade';
import { gradePairsCommand } from './grade-pairs';
import { importCommand } from './import';
import { importTracesCommand } from './import-traces';
import { resultsCommand } from './results';
import { runsCommand } from './runs';
import { sampleCommand } from './sample';
import { setsCommand } from './sets';

/** Every `w2s` sub-command, in the order `w2s --help` lists them. */
export const COMMANDS: readonly Command[] = [importCommand, benchmarksCommand, setsCommand, sampleCommand, runsCommand, evalCommand, resultsCommand, importTracesCommand, gradeCommand, gradePairsCommand];
