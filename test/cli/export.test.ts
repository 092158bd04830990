import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/core/store/open';
import { CLI, ensureBuilt, w2s } from '../support/cli';
import { seedBrowseFixture } from '../support/browse-fixture';
import { loadLlamaFactoryDataset } from '../support/llama-factory';
import { realTraces } from '../support/traces-fixture';
import { tempDir } from '../support/tmp';

function workspace() {
  const cwd = tempDir();
  const store = openStore(path.join(cwd, '.w2s', 'w2s.db'));
  const traces = seedBrowseFixture(store);
  store.close();
  return { cwd, traces };
}

describe('w2s export and w2s datasets', () => {
  it('exports W2SR-P with a split into LLaMA-Factory files, lists the snapshot, and re-creates it byte for byte', async () => {
    const { cwd, traces } = workspace();
    const r = await w2s(
      [
        'export',
        '--preset',
        'w2sr-p',
        '--format',
        'sharegpt',
        '--val-fraction',
        '0.25',
        '--seed',
        '3',
        '--out',
        'data/w2sr-p.jsonl',
        '--json',
      ],
      { cwd },
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { snapshot: { name: string; counts: { train: number; val: number } } };
    const correct = traces.filter((t) => t.verdict === 'correct').length;
    assert.equal(doc.snapshot.name, 'w2sr-p');
    assert.equal(doc.snapshot.counts.train + doc.snapshot.counts.val, correct);
    const data = path.join(cwd, 'data');
    assert.equal(loadLlamaFactoryDataset(data, 'w2sr-p').length, doc.snapshot.counts.train);
    assert.equal(loadLlamaFactoryDataset(data, 'w2sr-p-val').length, doc.snapshot.counts.val);

    const list = await w2s(['datasets'], { cwd });
    assert.match(
      list.stdout,
      new RegExp(
        `^w2sr-p  sharegpt  ${correct} traces \\(${doc.snapshot.counts.train} train, ${doc.snapshot.counts.val} val\\)`,
        'm',
      ),
    );
    const train = fs.readFileSync(path.join(data, 'w2sr-p.jsonl'));
    fs.rmSync(path.join(data, 'w2sr-p.jsonl'));
    const again = await w2s(['export', '--snapshot', 'w2sr-p'], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /identical to the original export/);
    assert.deepEqual(fs.readFileSync(path.join(data, 'w2sr-p.jsonl')), train);
  });

  it('narrows presets with --run, --filter and --view, and refuses bad usage with exit 2', async () => {
    const { cwd, traces } = workspace();
    await w2s(['views', 'save', 'geo', '--filter', 'subject:Geometry'], { cwd });
    const r = await w2s(
      [
        'export',
        '--preset',
        'w2sr',
        '--run',
        'teacher-a',
        '--view',
        'geo',
        '--filter',
        'signal:truncated',
        '--drop-truncated',
        '--out',
        'x.jsonl',
        '--json',
      ],
      { cwd },
    );
    assert.equal(r.code, 0, r.stderr);
    const c = (
      JSON.parse(r.stdout) as {
        snapshot: { counts: { selected: number; train: number; skipped: { truncated: number } } };
      }
    ).snapshot.counts;
    const selected = traces.filter((t) => t.run === 'teacher-a' && t.subject === 'Geometry' && t.finish === 'length');
    assert.ok(selected.length > 0);
    assert.deepEqual([c.selected, c.train, c.skipped.truncated], [selected.length, 0, selected.length]);
    assert.match(r.stderr, /warning: nothing was selected/);

    const usage: [string[], RegExp][] = [
      [['export', '--preset', 'w2sr'], /--out FILE/],
      [['export', '--out', 'a.jsonl'], /choose what to export/],
      [['export', '--preset', 'best', '--out', 'a.jsonl'], /Unknown preset "best"/],
      [['export', '--preset', 'w2sr', '--format', 'csv', '--out', 'a.jsonl'], /Unknown format "csv"/],
      [
        ['export', '--preset', 'w2sr', '--val-fraction', '1.5', '--out', 'a.jsonl'],
        /--val-fraction must be at least 0 and below 1/,
      ],
      [['export', '--preset', 'w2sr', '--filter', 'len:>>', '--out', 'a.jsonl'], /--filter: len:>> \(column 1\)/],
      [['export', '--snapshot', 'x', '--preset', 'w2sr'], /leave out --preset/],
    ];
    for (const [args, message] of usage) {
      const u = await w2s(args, { cwd });
      assert.equal(u.code, 2, args.join(' '));
      assert.match(u.stderr, message);
    }
    const taken = await w2s(['export', '--preset', 'w2sr', '--out', 'x.jsonl'], { cwd });
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /snapshot named "x" exists/);
    const unknown = await w2s(['export', '--snapshot', 'nope'], { cwd });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No dataset snapshot named "nope"/);
  });

  it('a killed export (kill -9 while it writes) leaves no file under the real name and no snapshot; the next run completes', async () => {
    ensureBuilt();
    const cwd = tempDir();
    const db = path.join(cwd, '.w2s', 'w2s.db');
    const store = openStore(db);
    // 20,000 traces of ~4 KB, written straight in: the full-text triggers and the signal detectors are
    // not what this test is about, so the rows the export reads are inserted as such
    const texts = realTraces().map((t) => t.response.repeat(4));
    store.db.exec('DROP TRIGGER traces_fts_insert');
    store.db.transaction(() => {
      const setId = Number(
        store.db.prepare("INSERT INTO problem_sets (name, source, source_hash) VALUES ('big', 'test', 'x')").run()
          .lastInsertRowid,
      );
      const runId = Number(
        store.db
          .prepare("INSERT INTO runs (name, kind, set_id, model, status) VALUES ('big', 'import', ?, 'm', 'done')")
          .run(setId).lastInsertRowid,
      );
      const problem = store.db.prepare(
        "INSERT INTO problems (set_id, key, position, question, answer, answer_type) VALUES (?, ?, ?, 'q', '1', 'math')",
      );
      const trace = store.db.prepare(
        "INSERT INTO traces (run_id, problem_id, sample_index, prompt, answer, finish_reason) VALUES (?, ?, ?, 'p', ?, 'stop')",
      );
      for (let p = 0; p < 2000; p++) {
        const pid = Number(problem.run(setId, `p${p}`, p).lastInsertRowid);
        for (let s = 0; s < 10; s++) trace.run(runId, pid, s, texts[(p + s) % texts.length]);
      }
      store.db
        .exec(`INSERT INTO trace_signals (trace_id, run_id, problem_id, sample_index, finish, version, flags, reflection, verification, backtracking, answers,
        repetition, mixed_language, after_box, boxed, truncated, no_box, reasoning_tokens, answer_tokens, tokens, tokens_estimated)
        SELECT id, run_id, problem_id, sample_index, finish_reason, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 900, 900, 1 FROM traces`);
    })();
    store.close();

    const out = path.join(cwd, 'data', 'all.jsonl');
    const child = spawn(process.execPath, [CLI, 'export', '--preset', 'w2sr', '--out', out], {
      cwd,
      env: { ...process.env, W2S_DB: '' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let partial: string | undefined;
    for (let i = 0; i < 3000 && !partial; i++) {
      await new Promise((r) => setTimeout(r, 10));
      const dir = path.dirname(out);
      partial = fs.existsSync(dir)
        ? fs.readdirSync(dir).find((f) => f.endsWith('.partial') && fs.statSync(path.join(dir, f)).size > 0)
        : undefined;
    }
    assert.ok(partial, 'the export started writing its temporary file');
    child.kill('SIGKILL');
    assert.equal(await exited, null, 'killed, not finished: make the store larger if this machine exports it faster');
    assert.equal(fs.existsSync(out), false, 'no file under the real name');
    const check = openStore(db);
    assert.equal(check.db.prepare('SELECT count(*) FROM datasets').pluck().get(), 0);
    check.close();

    const again = await w2s(['export', '--preset', 'w2sr', '--out', out, '--json'], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).length, 20_000);
    assert.deepEqual(
      fs.readdirSync(path.dirname(out)).sort(),
      ['all.jsonl', 'dataset_info.json'],
      "the killed run's partial file was cleaned up",
    );
  });
});
