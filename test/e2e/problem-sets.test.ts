// The packaged .vsix in a real VS Code (code-server 4.100.3): the W2S container, the Problem Sets
// welcome content, and adding MATH500 from the palette through the multi-select quick pick.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Frame } from 'playwright-core';
import {
  VSIX,
  findWebviewFrame,
  launchWorkbench,
  openViewContainer,
  pickQuickPickItems,
  runCommand,
  treeRow,
  viewPane,
  type Workbench,
} from './harness';

describe('W2S Studio in VS Code (code-server)', { timeout: 10 * 60_000 }, () => {
  let wb: Workbench;

  before(async () => {
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run "npm run package" (npm test does it)`);
    wb = await launchWorkbench({ vsix: VSIX });
  });

  // An error from the extension or its webviews fails the test during which it was logged.
  afterEach((t) => wb?.assertNoConsoleErrors(`during "${t.name}"`));

  after(async () => {
    await wb?.close();
  });

  test('the W2S container shows the Problem Sets welcome content in an empty workspace', async () => {
    await openViewContainer(wb.page, 'W2S');
    const pane = viewPane(wb.page, 'Problem Sets');
    await pane.getByText('No problem sets in this workspace yet.').waitFor({ state: 'visible', timeout: 30_000 });
    for (const button of ['Add Built-in Benchmark', 'Import Problem Set']) {
      assert.equal(
        await pane.locator('.welcome-view-content .monaco-button', { hasText: button }).count(),
        1,
        `welcome button "${button}"`,
      );
    }
    assert.equal(fs.existsSync(path.join(wb.folder, '.w2s')), false, 'showing the view must not create the store');
  });

  test('"W2S: Add Built-in Benchmark" with MATH500 picked fills the tree and the store', async () => {
    await runCommand(wb.page, 'W2S: Add Built-in Benchmark');
    await pickQuickPickItems(wb.page, ['MATH500']);
    const pane = viewPane(wb.page, 'Problem Sets');
    const row = treeRow(pane, 'math500', '500 problems');
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await row.locator('.label-description').innerText(), /^500 problems · /);
    // The import notification says what was added.
    await wb.page
      .locator('.notifications-toasts', { hasText: 'math500: 500 problems' })
      .waitFor({ state: 'visible', timeout: 30_000 });
    // Expanded, the set shows its answer types and source.
    // (the twistie: a click on the row itself runs the item's command)
    await row.locator('.monaco-tl-twistie').click();
    await treeRow(pane, 'source').waitFor({ state: 'visible', timeout: 10_000 });
    const shot = await wb.screenshot('problem-sets-math500');
    console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);

    const dbFile = path.join(wb.folder, '.w2s', 'w2s.db');
    assert.ok(fs.existsSync(dbFile), `${dbFile} exists`);
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      const set = db.prepare('SELECT id, problem_count FROM problem_sets WHERE name = ?').get('math500') as
        { id: number; problem_count: number } | undefined;
      assert.ok(set, 'math500 is in problem_sets');
      assert.equal(set.problem_count, 500);
      const { n } = db.prepare('SELECT count(*) AS n FROM problems WHERE set_id = ?').get(set.id) as { n: number };
      assert.equal(n, 500);
    } finally {
      db.close();
    }
  });

  // Webview panels are created without retainContextWhenHidden: a panel behind another tab loses its
  // document, and shown again it loads anew and announces itself ready again. The extension must answer
  // that second ready with the panel's content (it once answered only the first: an endless spinner).
  test('a Problem Set panel and the Results panel, each hidden behind the other and shown again, show their content', async () => {
    // (the Traces view's facet values have an `empty` class too)
    const RESULTS_EMPTY = 'w2s-results > div.empty'; // the Lit results app draws this only while there is nothing to compare
    const tab = (title: string) => wb.page.locator('.tabs-container .tab', { hasText: title }).first();
    // A webview's frame, once its document is gone (the panel went behind another tab).
    const gone = async (frame: Frame, selector: string, what: string) => {
      const deadline = Date.now() + 20_000;
      while (
        !frame.isDetached() &&
        (await frame
          .locator(selector)
          .count()
          .catch(() => 0)) > 0
      ) {
        if (Date.now() > deadline)
          throw new Error(
            `${what} kept its document when hidden: this test needs panels without retainContextWhenHidden`,
          );
        await wb.page.waitForTimeout(200);
      }
    };

    await treeRow(viewPane(wb.page, 'Problem Sets'), 'math500', '500 problems').click();
    const problems = await findWebviewFrame(wb.page, '.problem', 60_000);
    const first = await problems.locator('.problem').first().innerText();

    // the Results panel opens in the same group: the Problem Set panel is hidden
    await runCommand(wb.page, 'W2S: Open Results');
    const results = await findWebviewFrame(wb.page, RESULTS_EMPTY, 60_000);
    const empty = await results.locator(RESULTS_EMPTY).innerText();
    assert.match(empty, /No evaluations yet/);
    await gone(problems, '.problem', 'the Problem Set panel');

    // shown again, its new document gets the set again (not an endless spinner)
    await tab('Problems: math500').click();
    const problemsAgain = await findWebviewFrame(wb.page, '.problem', 30_000);
    assert.equal(await problemsAgain.locator('.problem').first().innerText(), first);
    assert.equal(await problemsAgain.locator('.loading').count(), 0, 'no spinner left');
    await gone(results, RESULTS_EMPTY, 'the Results panel');

    await tab('W2S Results').click();
    const resultsAgain = await findWebviewFrame(wb.page, RESULTS_EMPTY, 30_000);
    assert.equal(await resultsAgain.locator(RESULTS_EMPTY).innerText(), empty);
  });
});
