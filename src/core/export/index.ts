// SFT dataset export and snapshots (`w2s export`, `w2s datasets`, "W2S: Export SFT Dataset…").
export { EXPORT_PRESETS, checkPreset, presetFilter, type ExportPreset } from './presets';
export {
  EXPORT_FORMATS,
  assistantText,
  checkFormat,
  datasetInfoEntry,
  formatRecord,
  type ExportFormat,
  type ReasoningMode,
  type SftExample,
} from './formats';
export {
  exportDataset,
  recreateDataset,
  validationProblems,
  type ExportRequest,
  type ExportResult,
  type RecreateResult,
} from './export';
export { checkDatasetName, findDataset, listDatasets, requireDataset } from './snapshots';
export type { DatasetCounts, DatasetOptions, DatasetSelection, DatasetSnapshot } from './snapshots';
export { datasetPaths, type DatasetPaths } from './dataset-files';
export { removeStalePartials } from './atomic-file';
export { EXPORT_DEFAULTS, skippedReasons, skippedTotal } from './defaults';
