// `npm start` opens a workspace where a newcomer sees traces at once: the built-in benchmarks and a graded
// run of the shipped real traces (scripts/demo-workspace.mjs, run with the built CLI as start.mjs runs it).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openSqlite } from '../../src/core/store/sqlite';
import { ensureBuilt } from '../support/cli';
import { REPO_ROOT, tempDir } from '../support/tmp';

describe("npm start's demo workspace", () => {
  it('holds every built-in benchmark and a graded run of the 400 shipped traces on their 50 problems; a second start changes nothing', async () => {
    ensureBuilt();
    const { prepareDemoWorkspace } = (await import(path.join(REPO_ROOT, 'scripts', 'demo-workspace.mjs'))) as {
      prepareDemoWorkspace: (root: string, ws: string) => { db: string; sets: string[]; run: string };
    };
    const ws = tempDir('w2s-demo-');
    const demo = prepareDemoWorkspace(REPO_ROOT, ws);
    const read = () => {
      const db = openSqlite(demo.db, { readonly: true });
      try {
        return {
          sets: (
            db.prepare('SELECT name, problem_count AS n FROM problem_sets ORDER BY name').all() as {
              name: string;
              n: number;
            }[]
          ).map((s) => `${s.name}:${s.n}`),
          run: db
            .prepare(
              `SELECT r.kind, count(t.id) AS traces, count(g.trace_id) AS graded, count(s.trace_id) AS browsable FROM runs r JOIN traces t ON t.run_id = r.id
             LEFT JOIN grades g ON g.trace_id = t.id LEFT JOIN trace_signals s ON s.trace_id = t.id WHERE r.name = ? GROUP BY r.id`,
            )
            .get(demo.run),
        };
      } finally {
        db.close();
      }
    };
    const first = read();
    assert.ok(first.sets.includes('qwen25-math-cot:50'), first.sets.join(' '));
    assert.ok(first.sets.includes('math500:500'));
    assert.equal(first.sets.length, 7);
    assert.deepEqual(first.run, { kind: 'import', traces: 400, graded: 400, browsable: 400 });
    prepareDemoWorkspace(REPO_ROOT, ws);
    assert.deepEqual(read(), first);
  });
});
