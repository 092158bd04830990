// Where an export writes and what it makes of the dataset_info.json already there, one rule per case
// (the mutation run of 2026-12-07 found each of these unpinned by export.test.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { W2sError } from '../../../src/core/errors';
import { partialName } from '../../../src/core/export/atomic-file';
import {
  checkDatasetTargets,
  createDatasetWriter,
  datasetPaths,
  mergeDatasetInfo,
  readDatasetInfo,
} from '../../../src/core/export/dataset-files';

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

  it('refuses a file it cannot read (other than a missing one), naming it and the cause, rather than taking it as empty', () => {
    // a regular file whose read fails (EIO): an index that cannot be read must not be replaced by one holding only ours
    const mem = '/proc/self/mem';
    assert.ok(fs.lstatSync(mem).isFile());
    assert.throws(
      () => readDatasetInfo(mem),
      isW2s('DATASET_INFO', /^Cannot read \/proc\/self\/mem: EIO: i\/o error, read\.$/),
    );
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

const DATASET_FILES = path.resolve(__dirname, '../../../src/core/export/dataset-files.ts');

/** Runs `script` in a child process whose files may not grow past 200 blocks (`ulimit -f 200`: 100 KB in dash, 200 KB in bash; SIGXFSZ ignored: a write fails with EFBIG, as on a full disk). */
function underFileSizeLimit(script: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const child = spawn(
      'sh',
      ['-c', `trap '' XFSZ; ulimit -f 200; exec "$0" "$@"`, process.execPath, '--import', 'tsx', '-e', script],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let s = '';
    child.stdout.on('data', (d: Buffer) => (s += d.toString()));
    child.on('close', () => resolve(s));
  });
}

describe('mergeDatasetInfo', () => {
  it('keeps the entries already there, replaces one of the same name, and adds the new ones', () => {
    const f = path.join(dir, 'merge', 'dataset_info.json');
    fs.mkdirSync(path.dirname(f));
    fs.writeFileSync(f, JSON.stringify({ theirs: { file_name: 't.jsonl' }, d: { file_name: 'old.jsonl' } }));
    mergeDatasetInfo(f, { d: { file_name: 'd.jsonl' }, 'd-val': { file_name: 'd.val.jsonl' } });
    assert.deepEqual(JSON.parse(fs.readFileSync(f, 'utf8')), {
      theirs: { file_name: 't.jsonl' },
      d: { file_name: 'd.jsonl' },
      'd-val': { file_name: 'd.val.jsonl' },
    });
  });

  it('a write that fails leaves the previous dataset_info.json as it was, no partial file, and says which file failed', async () => {
    const folder = path.join(dir, 'full');
    fs.mkdirSync(folder);
    const f = path.join(folder, 'dataset_info.json');
    // an index of some 340 KB already there: merged (440 KB), it is more than the child may write
    const previous = JSON.stringify(
      Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`set-${i}`, { file_name: `set-${i}.jsonl` }])),
    );
    fs.writeFileSync(f, previous);
    const out = await underFileSizeLimit(`
      const { mergeDatasetInfo } = require(${JSON.stringify(DATASET_FILES)});
      try {
        mergeDatasetInfo(${JSON.stringify(f)}, { d: { file_name: 'd.jsonl' } });
        console.log('merged');
      } catch (e) {
        console.log(e.code + ' ' + e.message);
      }`);
    assert.match(out, /^EXPORT_WRITE Cannot write .*full\/dataset_info\.json: the file may not grow any further/);
    assert.equal(fs.readFileSync(f, 'utf8'), previous);
    assert.deepEqual(fs.readdirSync(folder), ['dataset_info.json']);
  });
});

describe('createDatasetWriter', () => {
  const example = { question: 'Q?', reasoning: 'r', answer: 'A' };

  it('a validation file that cannot be made stops the writer at once, leaving no partial training file', () => {
    const folder = path.join(dir, 'no-val');
    const paths = datasetPaths(path.join(folder, 'out.jsonl'), true, false);
    fs.mkdirSync(paths.val!, { recursive: true });
    assert.throws(
      () => createDatasetWriter({ format: 'openai', reasoning: 'think', system: null, paths }),
      isW2s('EXPORT_TARGET', /^Cannot export to .*out\.val\.jsonl: it is a folder/),
    );
    assert.deepEqual(fs.readdirSync(folder), ['out.val.jsonl']);
  });

  it('finish puts every line on disk under the partial name and closes the files, nothing under the real names until commit', () => {
    const folder = path.join(dir, 'finish');
    const paths = datasetPaths(path.join(folder, 'out.jsonl'), true, false);
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const before = fds();
    const w = createDatasetWriter({ format: 'alpaca', reasoning: 'plain', system: null, paths });
    w.add(example, false);
    w.add(example, true);
    w.add(example, false);
    w.finish();
    assert.equal(fds(), before, 'both files closed');
    const line = '{"instruction":"Q?","input":"","output":"r\\n\\nA"}\n';
    assert.equal(fs.readFileSync(partialName(paths.train), 'utf8'), line + line);
    assert.equal(fs.readFileSync(partialName(paths.val!), 'utf8'), line);
    assert.ok(!fs.existsSync(paths.train) && !fs.existsSync(paths.val!));
    w.commit();
    assert.equal(fs.readFileSync(paths.train, 'utf8'), line + line);
    assert.deepEqual(fs.readdirSync(folder).sort(), ['out.jsonl', 'out.val.jsonl']);
  });
});
