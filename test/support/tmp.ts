import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix = 'w2s-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** 400 real Qwen2.5-Math responses with Math-Verify and Qwen verdicts (see test/fixtures/README.md). */
export const REAL_TRACES = path.join(REPO_ROOT, 'test', 'fixtures', 'qwen25-math-cot-sample.jsonl');
export const BENCHMARKS = path.join(REPO_ROOT, 'data', 'benchmarks');
