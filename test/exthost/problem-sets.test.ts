// Problem sets through the extension's own commands, inside a real extension host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { W2sApi } from '../../src/extension/extension';
import { ProblemSetsTree } from '../../src/extension/problems/problem-sets-tree';
import type { ImportResult } from '../../src/core/problems/import';
import { listProblemSets } from '../../src/core/problems/sets';

const EXTENSION_ID = 'w2s-studio.w2s-studio';

suite('W2S Studio extension host', () => {
  let api: W2sApi;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<W2sApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded`);
    api = await ext.activate();
  });

  test('activates, registers its commands and keeps the store in the workspace', async () => {
    assert.ok(api?.stores, 'activate() returns { stores }');
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['w2s.addBuiltinBenchmark', 'w2s.importProblemSet', 'w2s.refresh', 'w2s.showLog'])
      assert.ok(commands.includes(c), c);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    assert.equal(api.stores.file, path.join(folder.uri.fsPath, '.w2s', 'w2s.db'));
  });

  test("w2s.addBuiltinBenchmark(['gsm8k']) imports 1319 problems into the workspace store", async () => {
    const results = await vscode.commands.executeCommand<ImportResult[]>('w2s.addBuiltinBenchmark', ['gsm8k']);
    assert.equal(results.length, 1);
    assert.equal(results[0].name, 'gsm8k');
    assert.equal(results[0].problems, 1319);
    assert.ok(fs.existsSync(api.stores.file!), 'the store file exists');
    const gsm8k = listProblemSets(api.stores.get()).find((s) => s.name === 'gsm8k');
    assert.ok(gsm8k, 'gsm8k is listed');
    assert.equal(gsm8k.problems, 1319);
    const { n } = api.stores.get().db.prepare('SELECT count(*) AS n FROM problems WHERE set_id = ?').get(gsm8k.id) as {
      n: number;
    };
    assert.equal(n, 1319);
  });

  test('the Problem Sets tree provider returns the set', async () => {
    const tree = new ProblemSetsTree(api.stores);
    try {
      const roots = await tree.getChildren();
      const items = roots.map((n) => tree.getTreeItem(n));
      const item = items.find((i) => i.label === 'gsm8k');
      assert.ok(item, `gsm8k among ${items.map((i) => String(i.label)).join(', ')}`);
      assert.match(String(item.description), /^1319 problems · /);
      assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
      const details = (await tree.getChildren(roots[items.indexOf(item)])).map((n) => tree.getTreeItem(n));
      assert.ok(
        details.some((d) => d.label === 'source'),
        'a source row',
      );
    } finally {
      tree.dispose();
    }
  });

  test('adding the same benchmark again is idempotent', async () => {
    const before = listProblemSets(api.stores.get());
    const results = await vscode.commands.executeCommand<ImportResult[]>('w2s.addBuiltinBenchmark', ['gsm8k']);
    assert.equal(results.length, 1);
    assert.equal(results[0].outcome, 'unchanged');
    assert.equal(results[0].problems, 1319);
    const after = listProblemSets(api.stores.get());
    assert.deepEqual(
      after.map((s) => [s.name, s.problems, s.id]),
      before.map((s) => [s.name, s.problems, s.id]),
    );
    const { n } = api.stores
      .get()
      .db.prepare("SELECT count(*) AS n FROM problems p JOIN problem_sets s ON s.id = p.set_id WHERE s.name = 'gsm8k'")
      .get() as { n: number };
    assert.equal(n, 1319);
  });
});
