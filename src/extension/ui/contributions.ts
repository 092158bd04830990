/**
 * What package.json's `contributes` declares, as typed tables the code uses: each command id once, and
 * each `w2s.*` setting once with its default. test/unit/contributions.test.ts checks both against
 * package.json, both ways. No vscode import here, so a plain unit test can read it.
 */

/** Every command the extension registers (and package.json contributes). */
export const COMMANDS = {
  importProblemSet: 'w2s.importProblemSet',
  addBuiltinBenchmark: 'w2s.addBuiltinBenchmark',
  refresh: 'w2s.refresh',
  showLog: 'w2s.showLog',
  openProblemSet: 'w2s.openProblemSet',
  sampleTraces: 'w2s.sampleTraces',
  setApiKey: 'w2s.setApiKey',
  testEndpoint: 'w2s.testEndpoint',
  resumeRun: 'w2s.resumeRun',
  cancelRun: 'w2s.cancelRun',
  refreshRuns: 'w2s.refreshRuns',
  gradeRuns: 'w2s.gradeRuns',
  sampleMore: 'w2s.sampleMore',
  showRun: 'w2s.showRun',
  showRunTraces: 'w2s.showRunTraces',
  openTrace: 'w2s.openTrace',
  tracesApplyView: 'w2s.traces.applyView',
  tracesSaveView: 'w2s.traces.saveView',
  tracesDeleteView: 'w2s.traces.deleteView',
  tracesBulkLabel: 'w2s.traces.bulkLabel',
  tracesUndoLabel: 'w2s.traces.undoLabel',
  tracesClearFilter: 'w2s.traces.clearFilter',
  tracesSearch: 'w2s.traces.search',
  tracesComputeSignals: 'w2s.traces.computeSignals',
  exportDataset: 'w2s.exportDataset',
  connectCluster: 'w2s.connectCluster',
  startSftJob: 'w2s.startSftJob',
  evaluateModel: 'w2s.evaluateModel',
  submitEvalJob: 'w2s.submitEvalJob',
  openJob: 'w2s.openJob',
  showJobLog: 'w2s.showJobLog',
  stopJob: 'w2s.stopJob',
  removeJob: 'w2s.removeJob',
  refreshJobs: 'w2s.refreshJobs',
  evaluateEndpointModel: 'w2s.evaluateEndpointModel',
  openResults: 'w2s.openResults',
  openProblemTraces: 'w2s.openProblemTraces',
  openProblemTracesAsText: 'w2s.openProblemTracesAsText',
  openTraceBrowser: 'w2s.openTraceBrowser',
  showTestResponse: 'w2s.showTestResponse',
  openProblemSetFile: 'w2s.openProblemSetFile',
  deleteRun: 'w2s.deleteRun',
  deleteProblemSet: 'w2s.deleteProblemSet',
  importTraces: 'w2s.importTraces',
  tracesOpenInEditor: 'w2s.traces.openInEditor',
  newExperiment: 'w2s.newExperiment',
  runExperiment: 'w2s.runExperiment',
  dryRunExperiment: 'w2s.dryRunExperiment',
  runExperimentTo: 'w2s.runExperimentTo',
  refreshExperiments: 'w2s.refreshExperiments',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Every `w2s.*` setting (without the `w2s.` prefix) and its default, as in contributes.configuration. */
export const SETTINGS = {
  storePath: '.w2s/w2s.db',
  endpoints: [] as readonly unknown[],
  'sampling.concurrency': 32,
  'sampling.timeoutSeconds': 600,
  'grading.gradeOnArrival': true,
  'cluster.address': '',
  'cluster.checkpointDir': '~/w2s-checkpoints',
  'cluster.runtime': 'pip',
  'cluster.gpuMemoryGiB': 80,
  'results.rgrMinGap': 5,
  'results.average': 'macro',
  'results.rgrMean': 'mean-of-ratios',
  'results.majVote': 'exact',
} as const;

export type SettingKey = keyof typeof SETTINGS;
