// Where an export writes and what it makes of the dataset_info.json already there, one rule per case
// (the mutation run of 2026-12-07 found each of these unpinned by export.test.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import { checkDatasetTargets, datasetPaths, readDatasetInfo } from '../../../src/core/export/dataset-files';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-dataset-files-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const isW2s = (code: string, message: RegExp) => (e: unknown) =>
  e instanceof W2sError && e.code === code && message.test(e.message);

describe('datasetPaths', () => {
  it('puts the validation file beside the training file, keeping its extension, .jsonl when it has none', () => {
    const d = path.join(dir, 'd');
    assert.equal(datasetPaths(path.join(d, 'out.jsonl'), true, false).val, path.join(d, 'out.val.jsonl'));
    assert.equal(datasetPaths(path.join(d, 'out.json'), true, false).val, path.join(d, 'out.val.json'));
    assert.equal(datasetPaths(path.join(d, 'out'), true, false).val, path.join(d, 'out.val.jsonl'));
  });

  it('has no validation file or index unless asked, and the index is dataset_info.json in the same folder', () => {
    const p = datasetPaths(path.join(dir, 'd', 'out.jsonl'), false, true);
    assert.equal(p.val, null);
    assert.equal(p.info, path.join(dir, 'd', 'dataset_info.json'));
    assert.equal(datasetPaths(path.join(dir, 'd', 'out.jsonl'), true, false).info, null);
  });
});

describe('readDatasetInfo', () => {
  it('is {} when there is no file, and the object when there is one', () => {
    assert.deepEqual(readDatasetInfo(path.join(dir, 'none', 'dataset_info.json')), {});
    const f = path.join(dir, 'ok.json');
    fs.writeFileSync(f, '{"a": {"file_name": "a.jsonl"}}');
    assert.deepEqual(readDatasetInfo(f), { a: { file_name: 'a.jsonl' } });
  });

  it('refuses JSON that is not an object (null, an array, a number, a string), naming the file and the fix', () => {
    for (const text of ['null', '[]', '42', '"s"']) {
      const f = path.join(dir, 'bad.json');
      fs.writeFileSync(f, text);
      assert.throws(
        () => readDatasetInfo(f),
        isW2s(
          'DATASET_INFO',
          /bad\.json is not a valid LLaMA-Factory dataset_info\.json \(not a JSON object\); fix or move it/,
        ),
        text,
      );
    }
  });
});

describe('checkDatasetTargets', () => {
  it('refuses each of the three targets that is not a regular file: the training file, the validation file, the index', () => {
    const folder = path.join(dir, 'targets');
    fs.mkdirSync(folder);
    const fifo = path.join(folder, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const ok = path.join(folder, 'new.jsonl');
    checkDatasetTargets({ train: ok, val: null, info: null });
    for (const paths of [
      { train: fifo, val: null, info: null },
      { train: ok, val: fifo, info: null },
      { train: ok, val: null, info: fifo },
    ]) {
      assert.throws(
        () => checkDatasetTargets(paths),
        isW2s('EXPORT_TARGET', /Cannot export to .*pipe/),
        JSON.stringify(paths),
      );
    }
  });
});
