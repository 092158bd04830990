/**
 * Metric names of the runner's `metrics` records that the extension draws (OpenAI fine-tuning event
 * names; runner/w2s_runner/records.py's METRIC_NAMES, compared by test/unit/runner/records-match.test.ts); others are stored too.
 */
export const METRIC_NAMES = [
  'train_loss',
  'valid_loss',
  'learning_rate',
  'grad_norm',
  'tokens_per_second',
  'train_mean_token_accuracy',
  'valid_mean_token_accuracy',
  'epoch',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
