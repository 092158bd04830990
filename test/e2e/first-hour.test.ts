// The first hour with real data, in a real VS Code (code-server, the packaged .vsix, Chromium): the shipped
// Qwen traces imported as a graded run with their own problem set, a MATH500 problem whose display math
// starts mid-line and is followed by text, a trace with text right after its closing \], the browser
// opened in the editor area with the detail beside it, and a run deleted from the Runs view leaving the
// facets and the exports. Screenshots: test-output/e2e/first-hour-*.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Frame, Page } from 'playwright-core';
import { CLI } from '../support/cli';
import { REAL_TRACES } from '../support/tmp';
import {
  VSIX,
  findWebviewFrame,
  launchWorkbench,
  notifications,
  openViewContainer,
  runCommand,
  tempFolder,
  treeRow,
  viewPane,
  type Workbench,
} from './harness';

// MATH500's test/algebra/187.json: "Suppose that $f$ is … such that \[(x-1)\cdot f(x)=…\]What is the degree of $f$?"
const PROBLEM_KEY = 'test/algebra/187.json';
const AFTER_RUN = 'after-bracket';
const AFTER_TEXT = 'THIS TEXT STAYS after the display';

function w2s(db: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args, '--db', db], { encoding: 'utf8' });
  assert.equal(r.status, 0, `w2s ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function query<T>(db: string, sql: string, ...params: unknown[]): T {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return d.prepare(sql).get(...params) as T;
  } finally {
    d.close();
  }
}

/** The words of a text outside its math (what a reader must find in the rendering, whatever KaTeX draws). */
function wordsOutsideMath(text: string): string[] {
  return (
    text.replace(/\$\$[\s\S]*?\$\$|\\\[[\s\S]*?\\\]|\\\([\s\S]*?\\\)|\$[^$]*\$/g, ' ').match(/[A-Za-z]{2,}/g) ?? []
  );
}

/** A frame of a webview in the editor area (not the side bar), holding `selector`. */
async function editorFrame(page: Page, selector: string, minWidth: number, timeout = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const el = frame.locator(selector).first();
      if (!(await el.count().catch(() => 0))) continue;
      const box = await el.boundingBox().catch(() => null);
      if (box && box.width >= minWidth) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`No wide webview frame with ${selector}`);
}

describe('the first hour with real data (code-server)', { timeout: 12 * 60_000 }, () => {
  let wb: Workbench;
  let folder: string;
  let db: string;
  let question: string;
  let browser: Frame;

  before(async () => {
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run "npm run package" (npm test does it)`);
    folder = tempFolder('first-hour');
    db = path.join(folder, '.w2s', 'w2s.db');
    w2s(db, 'import', '--builtin', 'math500');
    w2s(db, 'import-traces', REAL_TRACES, '--create-set', 'qwen', '--run', 'qwen', '--model', 'Qwen2.5-Math-Instruct');
    question = query<{ question: string }>(db, 'SELECT question FROM problems WHERE key = ?', PROBLEM_KEY).question;
    assert.match(question, /[^\n]\\\[[\s\S]*\\\]\S/, 'the problem has \\[…\\] mid-line with text right after it');
    const traces = path.join(folder, 'after.jsonl');
    fs.writeFileSync(
      traces,
      `${JSON.stringify({ question, response: `Multiply out:\n\\[\n(x-1)\\cdot f(x) = 3x^4\n\\]${AFTER_TEXT}, so the degree is \\(3\\).\n\nThe answer is $\\boxed{3}$.` })}\n`,
    );
    w2s(db, 'import-traces', traces, '--set', 'math500', '--run', AFTER_RUN, '--model', 'hand-written');
    wb = await launchWorkbench({ vsix: VSIX, folder });
  });

  afterEach((t) => wb?.assertNoConsoleErrors(`during "${t.name}"`));

  after(async () => {
    await wb?.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  test('a MATH500 problem with mid-line \\[…\\] and text after \\] renders its display math and every word', async () => {
    await openViewContainer(wb.page, 'W2S');
    const sets = viewPane(wb.page, 'Problem Sets');
    await treeRow(sets, 'math500').click();
    const frame = await findWebviewFrame(wb.page, '.problem', 60_000);
    await frame.locator('vscode-textfield.search input').fill(PROBLEM_KEY);
    await frame
      .locator('.summary', { hasText: '1 of 500 problems match' })
      .waitFor({ state: 'visible', timeout: 20_000 });
    const q = frame.locator('.problem .question').first();
    await q.locator('.katex-display').first().waitFor({ state: 'visible', timeout: 20_000 });
    const shown = await q.innerText();
    for (const w of wordsOutsideMath(question))
      assert.ok(shown.includes(w), `"${w}" is shown (${JSON.stringify(shown)})`);
    assert.match(shown, /What is the degree of/);
    assert.doesNotMatch(shown, /\\\[|\\\]/, 'no delimiter left as text');
    console.log(`screenshot: ${path.relative(process.cwd(), await wb.screenshot('first-hour-math500-midline'))}`);
  });

  test('the browser opens in the editor area (facets left of the list); a trace with text after \\] shows it, in the detail beside', async () => {
    await runCommand(wb.page, 'W2S: Open the Trace Browser in the Editor Area');
    browser = await editorFrame(wb.page, 'w2s-traces .list', 500);
    const facets = await browser.locator('.body > .facets').boundingBox();
    const listBox = await browser.locator('.list').boundingBox();
    assert.ok(
      facets && listBox && facets.x + facets.width <= listBox.x + 1,
      `facets ${JSON.stringify(facets)} left of the list ${JSON.stringify(listBox)}`,
    );
    const total = query<{ n: number }>(db, 'SELECT count(*) AS n FROM traces').n;
    await browser
      .locator('.summary .count strong', { hasText: total.toLocaleString('en-US') })
      .waitFor({ state: 'visible', timeout: 60_000 });

    await browser.locator('vscode-textfield.search input').fill('STAYS');
    await browser.locator('.summary .count strong', { hasText: /^1$/ }).waitFor({ state: 'visible', timeout: 30_000 });
    const row = browser.locator('w2s-traces .row[data-id]').first();
    const id = Number(await row.getAttribute('data-id'));
    await row.click();
    const detail = await findWebviewFrame(wb.page, `w2s-trace article.trace[data-trace-id="${id}"]`, 60_000);
    const answer = detail.locator('article.trace .answer .md').first();
    await answer.locator('.katex-display').first().waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await answer.innerText(), new RegExp(`${AFTER_TEXT}, so the degree is`));
    const groups = await wb.page.locator('.editor-group-container').count();
    assert.ok(groups >= 2, `the detail opened beside the browser (${groups} editor groups)`);
    // with the detail beside it, the browser still has its facets on the left of the list
    const facetsBeside = await browser.locator('.body > .facets').boundingBox();
    const listBeside = await browser.locator('.list').boundingBox();
    assert.ok(
      facetsBeside && listBeside && facetsBeside.x + facetsBeside.width <= listBeside.x + 1,
      `facets ${JSON.stringify(facetsBeside)} left of the list ${JSON.stringify(listBeside)}`,
    );
    // the row's excerpt starts its hit mid-row, with the text before it intact (the space too)
    assert.match((await row.locator('.line2').innerText()).replace(/\s+/g, ' '), /THIS TEXT STAYS after the display/);
    console.log(`screenshot: ${path.relative(process.cwd(), await wb.screenshot('first-hour-browser-in-editor'))}`);
  });

  test('a run deleted from the Runs view disappears from the facets and from exports', async () => {
    await browser.locator('vscode-textfield.search input').fill('');
    const facet = browser.locator(`.facet-value[data-facet="run"][data-value="${AFTER_RUN}"]`);
    await facet.waitFor({ state: 'visible', timeout: 30_000 });
    const runs = viewPane(wb.page, 'Runs');
    if (!(await runs.locator('.monaco-list-row').count())) await runs.locator('.pane-header').click();
    const row = treeRow(runs, AFTER_RUN);
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    // the context menu, as a person opens it (again if the tree re-rendered under the first right-click)
    const dialog = wb.page.locator('.monaco-dialog-box');
    for (let attempt = 1; !(await dialog.isVisible()); attempt++) {
      await row.click({ button: 'right' });
      const item = wb.page.locator('.context-view .action-label', { hasText: 'Delete Run…' });
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await item.click();
      // a click that lands while the menu is still settling leaves it open with the item highlighted:
      // Enter then runs the highlighted item, as it does for a person
      if (
        await dialog.waitFor({ state: 'visible', timeout: 3_000 }).then(
          () => false,
          () => item.isVisible(),
        )
      )
        await wb.page.keyboard.press('Enter');
      const shown = await dialog.waitFor({ state: 'visible', timeout: 10_000 }).then(
        () => true,
        () => false,
      );
      if (!shown && attempt === 3)
        throw new Error(
          `no confirmation dialog; notifications: ${JSON.stringify(await notifications(wb.page))}; screenshot: ${await wb.screenshot('first-hour-no-delete-dialog')}`,
        );
      if (!shown) await wb.page.keyboard.press('Escape');
    }
    assert.match(
      await dialog.innerText(),
      /Delete run "after-bracket"\?[\s\S]*1 trace with their 1 grade, 0 labels and 1 signal row/,
    );
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Delete' }).click();
    await row.waitFor({ state: 'detached', timeout: 30_000 });
    await facet.waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(query<{ n: number }>(db, 'SELECT count(*) AS n FROM runs WHERE name = ?', AFTER_RUN).n, 0);
    const out = path.join(folder, 'all.jsonl');
    w2s(db, 'export', '--preset', 'w2sr', '--out', out);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 400, 'only the qwen run is exported');
    assert.ok(!lines.some((l) => l.includes('STAYS')));
    console.log(`screenshot: ${path.relative(process.cwd(), await wb.screenshot('first-hour-run-deleted'))}`);
  });
});
