import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { exportDataset, recreateDataset, validationProblems } from '../../../src/core/export/export';
import { EXPORT_FORMATS, formatLine, formatRecord, type ExportFormat } from '../../../src/core/export/formats';
import { listDatasets } from '../../../src/core/export/snapshots';
import { computeStoredSignals, recordSignals } from '../../../src/core/signals/record';
import { openStore, type Store } from '../../../src/core/store/open';
import { seedBrowseFixture } from '../../support/browse-fixture';
import { withSignals, type OracleTrace } from '../../support/filter-oracle';
import { loadLlamaFactoryDataset, type Converted } from '../../support/llama-factory';
import { tempDir } from '../../support/tmp';

async function fixture(): Promise<{ store: Store; traces: OracleTrace[]; dir: string }> {
  const dir = tempDir();
  const store = openStore(path.join(dir, 'w2s.db'));
  const traces = withSignals(seedBrowseFixture(store));
  await computeStoredSignals(store);
  return { store, traces, dir };
}

const think = (t: OracleTrace) => (t.reasoning ? `<think>\n${t.reasoning}\n</think>\n\n${t.answer}` : t.answer!);
const plain = (t: OracleTrace) => (t.reasoning ? `${t.reasoning}\n\n${t.answer}` : t.answer!);
const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
/** The problem order exports use: set, position, run, sample. */
const byProblem = (a: OracleTrace, b: OracleTrace) =>
  (a.set === b.set ? 0 : a.set === 'math-a' ? -1 : 1) ||
  a.position - b.position ||
  a.run.localeCompare(b.run) ||
  a.sample - b.sample;

describe('export', () => {
  it('writes each record exactly as JSON.stringify of its object would (quotes, newlines, unicode, a lone surrogate)', () => {
    const texts = [
      'plain',
      'a "quoted" \\boxed{5}\n\ttab',
      '等等 — ünïcode \u2028 \u2029 \u0000',
      'lone \ud800 surrogate',
      '',
    ];
    for (const format of EXPORT_FORMATS) {
      for (const system of [null, 'You are "helpful".']) {
        for (const t of texts) {
          const e = { system, user: `Q: ${t}`, assistant: `<think>\n${t}\n</think>\n\n${t}` };
          assert.equal(
            formatLine(format, e),
            JSON.stringify(formatRecord(format, e)),
            `${format} ${JSON.stringify(t)}`,
          );
        }
      }
    }
  });

  it('each preset exports what it means, in problem order, and LLaMA-Factory reads every format back to the same examples', async () => {
    const { store, traces, dir } = await fixture();
    const presets = {
      w2sr: traces,
      'w2sr-p': traces.filter((t) => t.verdict === 'correct'),
      incorrect: traces.filter((t) => t.verdict === 'incorrect' || t.verdict === 'no-answer'),
      accepted: traces.filter((t) => t.decision === 'accept'),
    } as const;
    for (const [preset, want] of Object.entries(presets) as [keyof typeof presets, OracleTrace[]][]) {
      assert.ok((want.length > 0 && want.length < traces.length) || preset === 'w2sr');
      for (const format of EXPORT_FORMATS) {
        const name = `${preset}-${format}`;
        const out = path.join(dir, 'data', `${name}.jsonl`);
        const r = await exportDataset(store, {
          name,
          preset,
          format,
          out,
          system: format === 'alpaca' ? 'You are a helpful assistant.' : undefined,
        });
        assert.equal(r.snapshot.counts.train, want.length, name);
        const expected = [...want].sort(byProblem);
        const got: Converted[] = loadLlamaFactoryDataset(path.join(dir, 'data'), name);
        assert.equal(got.length, expected.length);
        got.forEach((ex, i) => {
          const t = expected[i]!;
          assert.deepEqual(ex.prompt, [{ role: 'user', content: t.question }], `${name} #${i} prompt`);
          assert.deepEqual(ex.response, [{ role: 'assistant', content: think(t) }], `${name} #${i} response`);
          assert.equal(ex.system, format === 'alpaca' ? 'You are a helpful assistant.' : '');
        });
      }
    }
    const info = JSON.parse(fs.readFileSync(path.join(dir, 'data', 'dataset_info.json'), 'utf8')) as Record<
      string,
      { file_name: string }
    >;
    assert.equal(Object.keys(info).length, 12, 'one entry per export, merged into one dataset_info.json');
    store.close();
  });

  it("the raw records have each format's shape (OpenAI messages with a system turn; ShareGPT; Alpaca)", async () => {
    const { store, dir } = await fixture();
    const shapes: Record<ExportFormat, string[]> = {
      openai: ['messages'],
      sharegpt: ['conversations', 'system'],
      alpaca: ['instruction', 'input', 'output', 'system'],
    };
    for (const format of EXPORT_FORMATS) {
      const out = path.join(dir, `${format}.jsonl`);
      await exportDataset(store, { name: format, preset: 'w2sr-p', format, out, system: 'Be brief.' });
      const first = lines(out)[0]!;
      assert.deepEqual(Object.keys(first), shapes[format]);
      if (format === 'openai')
        assert.deepEqual(
          (first.messages as { role: string }[]).map((m) => m.role),
          ['system', 'user', 'assistant'],
        );
      if (format === 'sharegpt')
        assert.deepEqual(
          (first.conversations as { from: string }[]).map((m) => m.from),
          ['human', 'gpt'],
        );
    }
    store.close();
  });

  it('a filter narrows a preset; reasoning can be plain; k per problem, truncated and duplicates are left out as asked', async () => {
    const { store, traces, dir } = await fixture();
    // a word-for-word duplicate of a trace: same problem and text, another sample
    const dup = traces.find((t) => t.run === 'teacher-a' && t.reasoning !== null)!;
    const dupId = Number(
      store.db
        .prepare(
          'INSERT INTO traces (run_id, problem_id, sample_index, prompt, reasoning, answer, finish_reason) SELECT run_id, problem_id, 7, prompt, reasoning, answer, finish_reason FROM traces WHERE id = ?',
        )
        .run(dup.id).lastInsertRowid,
    );
    store.db.prepare("INSERT INTO grades (trace_id, verdict, grader_version) VALUES (?, 'correct', 'x')").run(dupId);
    recordSignals(store, [dupId]);

    const out = path.join(dir, 'opts.jsonl');
    const r = await exportDataset(store, {
      name: 'opts',
      preset: 'w2sr',
      filter: { runs: ['teacher-a'] },
      format: 'openai',
      out,
      reasoning: 'plain',
      maxPerProblem: 2,
      dropTruncated: true,
      dedupe: true,
    });
    const selected = [...traces.filter((t) => t.run === 'teacher-a'), { ...dup, id: dupId, sample: 7 }].sort(byProblem);
    const kept: OracleTrace[] = [];
    const seen = new Set<string>();
    const perProblem = new Map<number, number>();
    for (const t of selected) {
      if (t.finish === 'length') continue;
      if ((perProblem.get(t.problemId) ?? 0) >= 2) continue;
      const key = `${t.problemId}|${t.reasoning}|${t.answer}`;
      if (seen.has(key)) continue;
      seen.add(key);
      perProblem.set(t.problemId, (perProblem.get(t.problemId) ?? 0) + 1);
      kept.push(t);
    }
    const got = lines(out).map((x) => (x.messages as { content: string }[])[1]!.content);
    assert.deepEqual(got, kept.map(plain));
    const c = r.snapshot.counts;
    assert.equal(c.selected, selected.length);
    assert.equal(c.skipped.truncated, selected.filter((t) => t.finish === 'length').length);
    assert.ok(c.skipped.overMaxPerProblem > 0);
    assert.equal(c.train + c.skipped.truncated + c.skipped.duplicates + c.skipped.overMaxPerProblem, c.selected);
    // dedupe alone drops exactly the copy (the original comes first in problem order)
    const d = await exportDataset(store, {
      name: 'dedupe',
      preset: 'w2sr',
      filter: { runs: ['teacher-a'] },
      format: 'openai',
      out: path.join(dir, 'd.jsonl'),
      dedupe: true,
    });
    assert.equal(d.snapshot.counts.skipped.duplicates, 1);
    assert.equal(d.snapshot.counts.train, selected.length - 1);
    const ids = store.db
      .prepare('SELECT trace_id FROM dataset_traces WHERE dataset_id = ?')
      .pluck()
      .all(d.snapshot.id) as number[];
    assert.ok(ids.includes(dup.id) && !ids.includes(dupId));
    store.close();
  });

  it('the validation split holds out whole problems, round(F·n) of them, the same for the same seed', async () => {
    const { store, dir } = await fixture();
    const run = async (seed: number, name: string) => {
      const out = path.join(dir, `${name}.jsonl`);
      const r = await exportDataset(store, { name, preset: 'w2sr', format: 'sharegpt', out, valFraction: 0.34, seed });
      const problemsOf = (file: string) =>
        new Set(lines(file).map((x) => (x.conversations as { value: string }[])[0]!.value));
      return { r, train: problemsOf(out), val: problemsOf(path.join(dir, `${name}.val.jsonl`)) };
    };
    const a = await run(1, 'split-a');
    const b = await run(1, 'split-b');
    const c = await run(2, 'split-c');
    for (const q of a.val) assert.ok(!a.train.has(q), 'no problem in both splits');
    assert.equal(a.val.size, 3, '10 problems in the fixture: round(3.4) = 3, where ceil gives 4'); // floor: split-and-dedupe.test.ts
    assert.deepEqual([...a.val].sort(), [...b.val].sort());
    assert.notDeepEqual([...a.val].sort(), [...c.val].sort());
    assert.equal(a.r.snapshot.counts.val, lines(path.join(dir, 'split-a.val.jsonl')).length);
    const info = JSON.parse(fs.readFileSync(path.join(dir, 'dataset_info.json'), 'utf8')) as Record<
      string,
      { file_name: string }
    >;
    assert.equal(info['split-a-val']!.file_name, 'split-a.val.jsonl');
    assert.equal(loadLlamaFactoryDataset(dir, 'split-a-val').length, a.r.snapshot.counts.val);
    assert.deepEqual(validationProblems([5, 1, 9], 0, 3), new Set());
    store.close();
  });

  it('a snapshot writes its files again byte for byte, and says when a problem text changed since', async () => {
    const { store, dir } = await fixture();
    const out = path.join(dir, 'snap.jsonl');
    const r = await exportDataset(store, {
      name: 'snap',
      preset: 'w2sr',
      format: 'openai',
      out,
      valFraction: 0.2,
      seed: 4,
      dedupe: true,
      system: 'S',
    });
    const train = fs.readFileSync(out);
    const val = fs.readFileSync(path.join(dir, 'snap.val.jsonl'));
    assert.deepEqual(
      listDatasets(store).map((d) => d.name),
      ['snap'],
    );
    assert.equal(
      store.db.prepare('SELECT count(*) FROM dataset_traces WHERE dataset_id = ?').pluck().get(r.snapshot.id),
      r.snapshot.counts.train + r.snapshot.counts.val,
    );
    fs.rmSync(out);
    fs.rmSync(path.join(dir, 'snap.val.jsonl'));
    const again = await recreateDataset(store, 'snap');
    assert.equal(again.identical, true);
    assert.deepEqual(fs.readFileSync(out), train);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'snap.val.jsonl')), val);
    // labels and new traces since do not change a snapshot; an edited problem text does, and is reported
    store.db
      .prepare("UPDATE problems SET question = question || ' (edited)' WHERE id = (SELECT min(id) FROM problems)")
      .run();
    const other = path.join(dir, 'elsewhere', 'snap.jsonl');
    const changed = await recreateDataset(store, 'snap', { out: other });
    assert.equal(changed.identical, false);
    await assert.rejects(
      exportDataset(store, { name: 'snap', preset: 'w2sr', format: 'openai', out }),
      /snapshot named "snap" exists/,
    );
    await exportDataset(store, { name: 'snap', preset: 'w2sr-p', format: 'openai', out, replace: true });
    assert.equal(listDatasets(store)[0]!.selection.preset, 'w2sr-p');
    store.close();
  });

  it('a cancelled export leaves no file, no partial file and no snapshot', async () => {
    const { store, dir } = await fixture();
    const stop = new AbortController();
    const out = path.join(dir, 'gone.jsonl');
    await assert.rejects(
      exportDataset(store, {
        name: 'gone',
        preset: 'w2sr',
        format: 'openai',
        out,
        valFraction: 0.2,
        signal: stop.signal,
        onProgress: (d) => d > 0 && stop.abort(),
      }),
      /Export cancelled/,
    );
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f !== 'w2s.db' && !f.startsWith('w2s.db-')),
      [],
    );
    assert.equal(listDatasets(store).length, 0);
    store.close();
  });

  it('refuses a bad name, bad options and an unreadable dataset_info.json before writing anything', async () => {
    const { store, dir } = await fixture();
    const out = path.join(dir, 'x', 'data.jsonl');
    await assert.rejects(exportDataset(store, { name: 'a b', format: 'openai', out }), /not a valid dataset name/);
    await assert.rejects(
      exportDataset(store, { name: 'a', format: 'openai', out, valFraction: 1 }),
      /validation fraction/,
    );
    await assert.rejects(
      exportDataset(store, { name: 'a', format: 'openai', out, maxPerProblem: 0 }),
      /max per problem/,
    );
    await assert.rejects(exportDataset(store, { name: 'a', format: 'csv' as 'openai', out }), /Unknown format "csv"/);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(path.join(dir, 'x', 'dataset_info.json'), '{ not json');
    await assert.rejects(
      exportDataset(store, { name: 'a', format: 'openai', out }),
      /dataset_info\.json is not a valid LLaMA-Factory dataset_info\.json/,
    );
    assert.deepEqual(fs.readdirSync(path.join(dir, 'x')), ['dataset_info.json']);
    assert.equal(listDatasets(store).length, 0);
    store.close();
  });
});
