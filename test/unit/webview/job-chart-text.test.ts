// The job panel's charts in words (issue 27): a summary sentence per curve, the legend swatch described,
// the points as table rows — checked on the metrics of the SFT log the runner printed on a GPU.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { chartRows, chartSummary, curveSummary, formatValue, swatchText } from '../../../webview/job/chart-text';

const log = fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'runner-replay', 'sft.log'), 'utf8');
const metrics = log
  .split('\n')
  .flatMap((l) => {
    const i = l.indexOf('@@w2s ');
    return i < 0 ? [] : [JSON.parse(l.slice(i + 6)) as Record<string, number | string>];
  })
  .filter((r) => r.type === 'metrics' && typeof r.train_loss === 'number');

test('a curve is summed up as first → last value over its points and steps, with its swatch in words', () => {
  const steps = metrics.map((r) => r.step as number);
  const values = metrics.map((r) => r.train_loss as number);
  const train = { label: 'train', color: '--vscode-charts-blue', dashed: false, steps, values };
  const first = formatValue(values[0]!);
  const last = formatValue(values.at(-1)!);
  assert.equal(
    curveSummary(train),
    `train (blue solid line): ${first} → ${last} over ${steps.length} points, steps ${steps[0]} to ${steps.at(-1)}, last at step ${steps.at(-1)}`,
  );
  assert.equal(first, String(Number((metrics[0]!.train_loss as number).toPrecision(3))));
  assert.equal(swatchText({ color: '--vscode-charts-orange', dashed: true }), 'orange dashed line');
  const valid = { label: 'validation', color: '--vscode-charts-orange', dashed: true, steps: [50], values: [1.234] };
  assert.equal(
    chartSummary([train, valid]),
    `${curveSummary(train)}; validation (orange dashed line): 1.23 at step 50.`,
  );
  assert.equal(curveSummary({ ...valid, steps: [], values: [] }), 'validation (orange dashed line): no points yet');
});

test('values read as the axes show them: learning rates in scientific notation, throughput whole', () => {
  assert.equal(formatValue(0.00010256410256410256, true), '1.03e-4');
  assert.equal(formatValue(0, true), '0');
  assert.equal(formatValue(124167.8), '124,168');
  assert.equal(formatValue(0.014914772727272728), '0.0149');
  assert.equal(formatValue(-2.5), '-2.5');
});

test('the table has one row per step of any curve, an empty cell where a curve has no point', () => {
  const a = { label: 'train', color: '--vscode-charts-blue', dashed: false, steps: [1, 5, 10], values: [3, 2, 1] };
  const b = { label: 'validation', color: '--vscode-charts-orange', dashed: true, steps: [5, 20], values: [2.5, 0.5] };
  assert.deepEqual(chartRows([a, b]), [
    { step: 1, cells: ['3', ''] },
    { step: 5, cells: ['2', '2.5'] },
    { step: 10, cells: ['1', ''] },
    { step: 20, cells: ['', '0.5'] },
  ]);
  // every metrics record of the log is a row
  const rows = chartRows([
    {
      label: 'train',
      color: '--vscode-charts-blue',
      dashed: false,
      steps: metrics.map((r) => r.step as number),
      values: metrics.map((r) => r.train_loss as number),
    },
  ]);
  assert.equal(rows.length, new Set(metrics.map((r) => r.step)).size);
});
