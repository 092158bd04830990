// The demo workspace `npm start` opens: every built-in benchmark, and a graded run of the real Qwen2.5-Math
// traces the repository ships (test/fixtures, see its README), so a newcomer sees traces, facets and a
// trace's detail at once. Idempotent: a later start changes nothing. Uses only Node built-ins.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DEMO_TRACES = {
  file: path.join('test', 'fixtures', 'qwen25-math-cot-sample.jsonl'),
  set: 'qwen25-math-cot',
  model: 'Qwen2.5-Math-Instruct',
};

/** Fills (or leaves as it is) the store of `workspace` with the built `w2s` of `root`; returns what it holds. */
export function prepareDemoWorkspace(root, workspace) {
  const cli = (args) => {
    const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], {
      cwd: root,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`w2s ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  fs.mkdirSync(workspace, { recursive: true });
  const db = path.join(workspace, '.w2s', 'w2s.db');
  const ids = JSON.parse(cli(['benchmarks', '--json'])).map((b) => b.id);
  for (const id of ids) cli(['import', '--builtin', id, '--db', db]);
  // the set made from the traces' own questions and golds; the traces graded on import
  cli([
    'import-traces',
    path.join(root, DEMO_TRACES.file),
    '--create-set',
    DEMO_TRACES.set,
    '--run',
    DEMO_TRACES.set,
    '--model',
    DEMO_TRACES.model,
    '--db',
    db,
  ]);
  return { db, sets: [...ids, DEMO_TRACES.set], run: DEMO_TRACES.set };
}
