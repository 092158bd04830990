// Experiment files through the extension's own commands inside a real extension host: New Experiment…
// writes the CLI's template and never overwrites, and Run experiment runs a one-teacher experiment against
// the fake OpenAI server and the fake Ray cluster (its replay logs) to the results table, then does nothing
// when run again; "Run to here" runs a step and what it needs, and the run that makes the table opens it;
// a teacher named by a w2s.endpoints profile is sampled with its extraBody and the key saved for it.
// Runs after the other suites (its sets and runs are named apart from theirs).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readExperiment } from '../../src/core/experiment/parse';
import { experimentStatus } from '../../src/core/experiment/run';
import { experimentTemplate } from '../../src/core/experiment/template';
import type { W2sApi } from '../../src/extension/extension';
import { teacherEndpoint, type RunResult } from '../../src/extension/experiments/run-command';
import { startFakeServer, type FakeServer } from '../fakes/openai-server';
import { startRayJobsServer, type RayJobsServer } from '../fakes/ray-jobs-server';

const EXTENSION_ID = 'w2s-studio.w2s-studio';
const ROOT = path.resolve(__dirname, '..', '..', '..');
const REPLAY = path.join(ROOT, 'test', 'fixtures', 'runner-replay');

suite('Experiments in the extension host', () => {
  let api: W2sApi;
  let openai: FakeServer;
  let ray: RayJobsServer;
  let dir: string;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<W2sApi>(EXTENSION_ID)!.activate();
    // the fake teacher gets the even sums right: W2SR keeps every trace
    openai = await startFakeServer({
      models: ['teacher-one'],
      answer: (prompt) => {
        const m = /What is (\d+)\+(\d+)\?/.exec(prompt);
        const a = Number(m?.[1] ?? 1);
        return a % 2 === 0 ? String(a + Number(m?.[2] ?? 0)) : '999';
      },
    });
    ray = await startRayJobsServer({
      replay: REPLAY,
      player: path.join(ROOT, 'test', 'fakes', 'replay-player.mjs'),
      lineDelayMs: 1,
      pendingMs: 10,
      stopWaitMs: 500,
      tailPollMs: 20,
    });
    dir = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'exthost-experiment');
    fs.mkdirSync(dir, { recursive: true });
    const problems = Array.from({ length: 4 }, (_, i) => ({
      id: `p${i}`,
      question: `What is ${i}+${10 + i}?`,
      answer: String(10 + 2 * i),
    }));
    fs.writeFileSync(path.join(dir, 'exp-problems.jsonl'), problems.map((p) => JSON.stringify(p)).join('\n') + '\n');
  });

  suiteTeardown(async () => {
    await openai?.close();
    await ray?.close();
  });

  test("New Experiment writes the CLI's commented file and opens it", async () => {
    const file = path.join(dir, 'paper.w2s.yaml');
    assert.equal(await vscode.commands.executeCommand('w2s.newExperiment', { file }), file);
    assert.equal(fs.readFileSync(file, 'utf8'), experimentTemplate('paper'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(file);
  });

  test('Run experiment runs every step to the results table; run again, nothing is redone', async () => {
    const file = path.join(dir, 'one.w2s.yaml');
    fs.writeFileSync(
      file,
      `name: exthost-one
problems:
  file: exp-problems.jsonl
teachers:
  - name: t1
    endpoint: ${openai.url}
    model: teacher-one
    datasets: [w2sr]
student:
  base_model: Qwen/Qwen2.5-Math-7B
  gpus: 4
  model_config: ${path.join(ROOT, 'test', 'fixtures', 'model-configs', 'qwen2.5-7b.config.json')}
cluster:
  address: ${ray.url}
  checkpoint_root: /shared/ckpt
eval:
  sets:
    - file: ${path.join(REPLAY, 'problems.jsonl')}
      set: sums
compare:
  base: Qwen/Qwen2.5-Math-7B
  rl: hkust-nlp/Qwen-2.5-Math-7B-SimpleRL-Zoo
`,
    );
    const dry = await vscode.commands.executeCommand<string[] | undefined>(
      'w2s.dryRunExperiment',
      vscode.Uri.file(file),
    );
    assert.ok(dry, 'the dry run prints the steps');
    assert.match(dry.at(-1)!, /^(\d+) of \1 steps to do\.$/);

    // "Run to here" on the teacher's line: its sampling and grading, nothing after them (the lens provider
    // runs on the document's model: it must be open)
    await vscode.workspace.openTextDocument(file);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      vscode.Uri.file(file),
    );
    const titles = lenses.map((l) => `${l.range.start.line} ${l.command?.title ?? ''}`);
    for (const t of ['0 $(play) Run experiment', '0 Dry run', '4 Run to grading', '7 Run to SFT', '17 Run to eval'])
      assert.ok(titles.includes(t), `${t} in ${titles.join(' | ')}`);
    const toGrade = lenses.find((l) => l.command?.title === 'Run to grading')!.command!;
    const partial = await vscode.commands.executeCommand<RunResult | undefined>(
      toGrade.command,
      ...(toGrade.arguments ?? []),
    );
    assert.ok(partial);
    assert.equal(partial.error, undefined);
    assert.deepEqual([...partial.ran].sort(), ['grade:t1', 'problems:exp-problems', 'problems:sums', 'sample:t1']);
    assert.equal(partial.openedResults, undefined, 'no table made, none opened');
    const resultsTab = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('w2s.results'));
    assert.equal(resultsTab(), false);

    const first = await vscode.commands.executeCommand<RunResult | undefined>(
      'w2s.runExperiment',
      vscode.Uri.file(file),
    );
    assert.ok(first);
    assert.equal(first.error, undefined);
    assert.equal(first.stopped, false);
    // the run that made the table opens it
    assert.equal(first.openedResults, true);
    // (the tab model reaches this host after the panel is made in the workbench)
    for (let i = 0; i < 100 && !resultsTab(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(
      resultsTab(),
      `the Results panel is open; tabs: ${vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .map((t) => `${t.label} ${t.input instanceof vscode.TabInputWebview ? t.input.viewType : ''}`)
        .join(', ')}`,
    );
    const spec = readExperiment(file);
    const steps = experimentStatus(api.stores.get(), spec).steps;
    assert.deepEqual(
      steps.filter((s) => s.status.state !== 'done').map((s) => `${s.step.id}: ${s.status.state} ${s.status.detail}`),
      [],
    );
    for (const id of ['export:t1:w2sr', 'sft:t1:w2sr', 'eval:t1:w2sr:sums', 'results'])
      assert.ok(first.ran.includes(id), `${id} ran`);
    assert.ok(!first.ran.includes('sample:t1') && !first.ran.includes('grade:t1'), 'done by the run to grading');
    assert.ok(fs.existsSync(path.join(dir, '.w2s', 'experiments', 'exthost-one', 'results.md')), 'the results table');

    const again = await vscode.commands.executeCommand<RunResult | undefined>(
      'w2s.runExperiment',
      vscode.Uri.file(file),
    );
    assert.deepEqual(again, { ran: [], stopped: false });
  });

  test('a teacher named by a w2s.endpoints profile is sampled with its extraBody and the key saved for it', async () => {
    const KEY = 'sk-exthost-profile-8d41e0';
    // answers only with this key (Authorization: Bearer, as OpenAI-compatible servers check it)
    const keyed = await startFakeServer({ models: ['teacher-one'], apiKey: KEY });
    const config = vscode.workspace.getConfiguration('w2s');
    try {
      await config.update(
        'endpoints',
        [{ name: 'exthost-vllm', baseUrl: keyed.url, extraBody: { skip_special_tokens: false } }],
        vscode.ConfigurationTarget.Workspace,
      );
      await api.setApiKey('exthost-vllm', KEY);
      const yaml = (name: string, endpoint: string) => `name: ${name}
problems:
  file: exp-problems.jsonl
teachers:
  - name: tp
    endpoint: ${endpoint}
    model: teacher-one
    datasets: [w2sr]
eval:
  sets:
    - file: ${path.join(REPLAY, 'problems.jsonl')}
      set: sums
`;
      const file = path.join(dir, 'profile.w2s.yaml');
      fs.writeFileSync(file, yaml('exthost-profile', 'exthost-vllm'));
      const r = await vscode.commands.executeCommand<RunResult | undefined>(
        'w2s.runExperimentTo',
        vscode.Uri.file(file),
        ['grade:tp'],
      );
      assert.ok(r);
      assert.equal(r.error, undefined);
      assert.ok(r.ran.includes('sample:tp') && r.ran.includes('grade:tp'), r.ran.join(' '));
      // every request carried the saved key (a 401 otherwise) and the profile's extra body field
      assert.deepEqual(
        keyed.requests.filter((q) => q.status !== 200),
        [],
      );
      const completions = keyed.requests.filter((q) => q.path.endsWith('/completions'));
      assert.ok(completions.length >= 4, keyed.requests.map((q) => q.path).join(' '));
      assert.ok(
        completions.every((q) => q.body.skip_special_tokens === false),
        JSON.stringify(completions[0]?.body),
      );

      // a name that is not a profile: the file, the teacher, the profiles there are and how to add one.
      // (Asked of the resolver the command uses: through the command it would also be an error
      // notification, which the workbench logs as a console error, failing the harness.)
      const missing = path.join(dir, 'no-profile.w2s.yaml');
      fs.writeFileSync(missing, yaml('exthost-noprofile', 'nowhere'));
      const spec = readExperiment(missing);
      const noSecrets = {
        get: () => Promise.reject(new Error('no key is read for a profile that is not there')),
      } as unknown as vscode.SecretStorage;
      await assert.rejects(teacherEndpoint(noSecrets, spec, spec.teachers[0]!), (e: Error) => {
        assert.ok(
          e.message.startsWith(
            `${missing}: teacher tp: endpoint "nowhere" is not a URL, so it names an endpoint profile, but the w2s.endpoints setting has no profile of that name (its profiles: exthost-vllm). Add it in Settings`,
          ),
          e.message,
        );
        return true;
      });
    } finally {
      await config.update('endpoints', undefined, vscode.ConfigurationTarget.Workspace);
      await api.setApiKey('exthost-vllm', '');
      await keyed.close();
    }
  });

  test('Open Results takes a selection from its argument, field by field, and ignores what is not one', async () => {
    assert.deepEqual(
      await vscode.commands.executeCommand('w2s.openResults', { base: 'b/m', rl: '', sets: ['sums', 3, ''] }),
      { base: 'b/m', rl: null, sets: ['sums'] },
    );
    assert.equal(await vscode.commands.executeCommand('w2s.openResults', 'not a selection'), undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
