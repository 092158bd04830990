// Evaluations and inline results through the extension's own commands, inside a real extension host:
// "Evaluate Endpoint Model" against the fake server (one graded eval run per set, built-in sets added
// first), the Testing view's items at their lines of the bundled file, the problem's traces document, and
// the students trained on a problem's teacher traces in its hover.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { exportDataset } from '../../src/core/export/export';
import { builtinFile, requireBuiltin } from '../../src/core/problems/builtin';
import { importProblemSet } from '../../src/core/problems/import';
import { buildComparison } from '../../src/core/results/comparison';
import { listEvalRuns } from '../../src/core/results/eval-runs';
import { linkModel } from '../../src/core/results/lineage';
import { computeStoredSignals } from '../../src/core/signals/record';
import { importTraces } from '../../src/core/traces/import-traces';
import type { SampleResult } from '../../src/core/sampling/sampler';
import type { W2sApi } from '../../src/extension/extension';
import { spawnFakeServer } from '../fakes/spawn-server';

const EXTENSION_ID = 'w2s-studio.w2s-studio';

suite('Results in the extension host', () => {
  let api: W2sApi;
  let server: { url: string; stop: () => void };

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<W2sApi>(EXTENSION_ID)!.activate();
    server = await spawnFakeServer(['--models', 'student-x'], path.resolve(__dirname, '..', '..', '..'));
  });

  suiteTeardown(() => server?.stop());

  test('w2s.evaluateEndpointModel: one eval run per set, graded as it arrives, in the Testing view at the lines of the bundled file', async () => {
    const results = await vscode.commands.executeCommand<SampleResult[]>('w2s.evaluateEndpointModel', {
      baseUrl: server.url,
      model: 'student-x',
      sets: ['amc23', 'aime24'],
      limit: 5,
    });
    assert.deepEqual(
      results.map((r) => [r.runName, r.status, r.done]),
      [
        ['eval-amc23-student-x', 'done', 5],
        ['eval-aime24-student-x', 'done', 5],
      ],
    );
    const db = api.stores.get().db;
    const runs = db
      .prepare("SELECT name, kind, params FROM runs WHERE name LIKE 'eval-%-student-x' ORDER BY id")
      .all() as { name: string; kind: string; params: string }[];
    assert.deepEqual(
      runs.map((r) => [r.name, r.kind, JSON.parse(r.params)]),
      [
        ['eval-amc23-student-x', 'eval', { seed: 0, temperature: 0.6, top_p: 0.95 }],
        ['eval-aime24-student-x', 'eval', { seed: 0, temperature: 0.6, top_p: 0.95 }],
      ],
    );
    const graded = db
      .prepare(
        "SELECT count(g.trace_id) AS n FROM traces t JOIN runs r ON r.id = t.run_id JOIN grades g ON g.trace_id = t.id WHERE r.name LIKE 'eval-%-student-x'",
      )
      .get() as { n: number };
    assert.equal(graded.n, 10, 'every generation graded');

    const c = await buildComparison(api.stores.get(), { sets: ['amc23', 'aime24'] });
    assert.deepEqual(
      c.rows.map((r) => [r.model, r.cells.amc23?.metrics.problems, r.cells.aime24?.metrics.problems]),
      [['student-x', 5, 5]],
    );

    const tests = api.results.tests;
    tests.syncSets();
    const item = tests.controller.items.get('set:amc23');
    assert.ok(item, 'amc23 is a test item');
    assert.equal(item.uri?.scheme, 'w2s-builtin');
    tests.ensureChildren(item);
    assert.equal(item.children.size, 40);
    const lines = fs.readFileSync(builtinFile(requireBuiltin('amc23')), 'utf8').split('\n');
    item.children.forEach((child) => {
      const id = child.id.slice('p:amc23:'.length);
      assert.equal(
        String((JSON.parse(lines[child.range!.start.line]!) as { id: number }).id),
        id,
        `problem ${id} sits on its own line`,
      );
    });
    const doc = await vscode.workspace.openTextDocument(item.uri!);
    assert.equal(doc.lineCount, lines.length);

    // 5 of 40 problems: a partial evaluation, marked on its set in the Testing view and in the problem's hover
    assert.deepEqual(c.rows[0]!.cells.amc23!.coverage, { graded: 5, of: 40, partial: true });
    tests.publish(listEvalRuns(api.stores.get()).find((r) => r.name === 'eval-amc23-student-x')!);
    assert.equal(item.description, '40 problems · partial: student-x 5/40');
    const first = item.children.get('p:amc23:0')!; // evaluated (among the first five)
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      item.uri!,
      first.range!.start,
    );
    const text = hovers.flatMap((h) => h.contents.map((m) => (typeof m === 'string' ? m : m.value))).join('\n');
    // (names escaped as Markdown text: student\\-x)
    assert.match(text, /student\\-x: .* · eval\\-amc23\\-student\\-x · _partial: 5 of 40 problems graded_/);
  });

  test("a problem's hover names the students trained on its teacher traces, with their snapshot, verdicts and a link to those traces", async () => {
    const store = api.stores.get();
    if (!store.db.prepare("SELECT 1 FROM problem_sets WHERE name = 'amc23'").get())
      await importProblemSet(store, {
        file: builtinFile(requireBuiltin('amc23')),
        name: 'amc23',
        sourceLabel: 'builtin:amc23',
      });
    // a teacher's traces of amc23/0 (gold 27: one right, one wrong) and amc23/1, graded by the extension's grader
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'w2s-hover-lineage-'));
    const file = path.join(dir, 'teacher.jsonl');
    const [p0, p1] = fs
      .readFileSync(builtinFile(requireBuiltin('amc23')), 'utf8')
      .split('\n')
      .slice(0, 2)
      .map((l) => JSON.parse(l) as { id: number; problem: string });
    fs.writeFileSync(
      file,
      [
        { id: p0!.id, question: p0!.problem, response: ['So \\boxed{27}.', 'So \\boxed{30}.'] },
        { id: p1!.id, question: p1!.problem, response: ['So \\boxed{1}.'] },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    importTraces(store, { file, setName: 'amc23', runName: 'teacher-amc23', model: 'teacher-m' });
    await api.grader.gradeRuns(['teacher-amc23']);
    await computeStoredSignals(store, { mode: 'missing' });
    const out = (name: string) => path.join(dir, `${name}.jsonl`);
    await exportDataset(store, {
      name: 'amc23-all',
      filter: { runs: ['teacher-amc23'] },
      format: 'openai',
      out: out('a'),
    });
    await exportDataset(store, {
      name: 'amc23-one',
      filter: { runs: ['teacher-amc23'], problems: ['1'] },
      format: 'openai',
      out: out('b'),
    });
    linkModel(store, { model: 'student-t' }, 'amc23-all');
    linkModel(store, { model: 'student-u' }, 'amc23-one'); // trained on amc23/1 only

    const tests = api.results.tests;
    tests.syncSets();
    const item = tests.controller.items.get('set:amc23')!;
    tests.ensureChildren(item);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      item.uri!,
      item.children.get('p:amc23:0')!.range!.start,
    );
    const text = hovers.flatMap((h) => h.contents.map((m) => (typeof m === 'string' ? m : m.value))).join('\n');
    // (names escaped as Markdown text)
    const line = text.split('\n').find((l) => l.startsWith('- student\\-t '));
    assert.ok(text.includes('Trained on this problem:'), text);
    assert.ok(line, `a line for student-t in:\n${text}`);
    assert.ok(
      line.startsWith(
        '- student\\-t ← amc23\\-all (2 traces of this problem: ✓ 1, ✗ 1 from teacher\\-m (teacher\\-amc23)) · [traces](command:w2s.openProblemTraces?',
      ),
      line,
    );
    assert.ok(!text.includes('student\\-u'), 'student-u was not trained on amc23/0');
    // the link opens exactly the snapshot's traces of the problem
    const arg = JSON.parse(decodeURIComponent(/command:w2s\.openProblemTraces\?([^ )]+)/.exec(line)![1]!)) as unknown;
    const ids = store.db
      .prepare(
        "SELECT t.id FROM traces t JOIN runs r ON r.id = t.run_id JOIN problems p ON p.id = t.problem_id WHERE r.name = 'teacher-amc23' AND p.key = '0' ORDER BY t.sample_index",
      )
      .pluck()
      .all() as number[];
    assert.deepEqual(arg, [{ set: 'amc23', problemKey: '0', traceIds: ids }]);
  });

  test('w2s.openProblemTracesAsText: a read-only document with every trace of the problem', async () => {
    await vscode.commands.executeCommand('w2s.openProblemTracesAsText', { set: 'amc23', problemKey: '0' });
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'a document is shown');
    assert.equal(editor.document.uri.scheme, 'w2s-traces');
    assert.match(editor.document.getText(), /# eval-amc23-student-x · amc23\/0 · sample 0/);
    assert.match(editor.document.getText(), /gold answer: 27/);
    // (read-only in the editor UI: typing into such a document is refused, as the e2e test of the built-in file shows)
  });
});
