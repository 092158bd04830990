// Sampling driven from the real UI in code-server: the palette flow of "W2S: Sample Traces…" against
// the fake OpenAI-compatible server, then Cancel on the progress notification. Also the Problem Set
// webview (nested iframes): it renders the set's problems as text and filters them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { startFakeServer, type FakeServer } from '../fakes/openai-server';
import { ROOT, VSIX, findWebviewFrame, launchWorkbench, openViewContainer, pickQuickPickItems, quickInput, runCommand, tempFolder, treeRow, viewPane, type Workbench } from './harness';

const RUN = 'gsm8k-fake-model-qwen-base';

describe('sampling and the problem webview in VS Code (code-server)', { timeout: 10 * 60_000 }, () => {
  let wb: Workbench;
  let server: FakeServer;
  let folder: string;
  let dbFile: string;

  const query = <T>(sql: string, ...args: unknown[]): T => {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).get(...args) as T;
    } finally {
      db.close();
    }
  };
  const storedTraces = () => query<{ n: number }>('SELECT count(*) AS n FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = ? AND t.error IS NULL', RUN).n;

  before(async () => {
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run "npm run package" (npm test does it)`);
    // Slow enough (about a second per response) that the run is still going when Cancel is clicked.
    server = await startFakeServer({ chunkDelayMs: 8 });
    folder = tempFolder('sampling-ws');
    dbFile = path.join(folder, '.w2s', 'w2s.db');
    execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'import', '--builtin', 'gsm8k', '--db', dbFile]);
    fs.mkdirSync(path.join(folder, '.vscode'));
    fs.writeFileSync(
      path.join(folder, '.vscode', 'settings.json'),
      JSON.stringify({ 'w2s.endpoints': [{ name: 'fake-local', baseUrl: server.url, model: 'fake-model', api: 'chat' }], 'w2s.sampling.concurrency': 8 }),
    );
    wb = await launchWorkbench({ vsix: VSIX, folder });
  });

  // An error from the extension or its webviews fails the test during which it was logged.
  afterEach((t) => wb?.assertNoConsoleErrors(`during "${t.name}"`));

  after(async () => {
    await wb?.close();
    await server?.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  test('"W2S: Sample Traces…" through its pickers, then Cancel on the notification, leaves a cancelled, resumable run', async () => {
    await openViewContainer(wb.page, 'W2S');
    await runCommand(wb.page, 'W2S: Sample Traces');
    await pickQuickPickItems(wb.page, ['gsm8k'], { many: false });
    await pickQuickPickItems(wb.page, ['fake-local'], { many: false });
    await pickQuickPickItems(wb.page, ['fake-model'], { many: false });
    await pickQuickPickItems(wb.page, ['qwen-base'], { many: false });
    await pickQuickPickItems(wb.page, ['W2SR teacher (greedy, 4096 tokens)'], { many: false });
    const nameBox = quickInput(wb.page).locator('input.input');
    await nameBox.waitFor({ state: 'visible' });
    assert.equal(await nameBox.inputValue(), RUN);
    await nameBox.press('Enter');

    const toast = wb.page.locator('.notifications-toasts .notification-list-item', { hasText: `W2S: sampling ${RUN}` });
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    const deadline = Date.now() + 60_000;
    while (storedTraces() < 10) {
      assert.ok(Date.now() < deadline, 'traces should stream into the store');
      await wb.page.waitForTimeout(250);
    }
    const runsPane = viewPane(wb.page, 'Runs');
    await treeRow(runsPane, RUN).waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('sampling-running');

    await toast.hover();
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
    const end = Date.now() + 30_000;
    while (query<{ status: string }>('SELECT status FROM runs WHERE name = ?', RUN).status !== 'cancelled') {
      assert.ok(Date.now() < end, 'the run should end cancelled');
      await wb.page.waitForTimeout(250);
    }
    const atCancel = storedTraces();
    await wb.page.waitForTimeout(3000);
    assert.equal(storedTraces(), atCancel, 'nothing is stored after the cancel');
    assert.ok(atCancel < 1319, `the run stopped early (${atCancel} of 1319)`);
    const dupes = query<{ n: number }>('SELECT count(*) AS n FROM (SELECT problem_id, sample_index FROM traces GROUP BY run_id, problem_id, sample_index HAVING count(*) > 1)').n;
    assert.equal(dupes, 0);
    await treeRow(runsPane, RUN, 'cancelled').waitFor({ state: 'visible', timeout: 30_000 });
    const shot = await wb.screenshot('sampling-cancelled');
    console.log(`screenshot: ${path.relative(process.cwd(), shot)} (${atCancel} traces stored before the cancel)`);
  });

  test('the Problem Set webview shows the set\'s problems as text and filters them', async () => {
    const setsPane = viewPane(wb.page, 'Problem Sets');
    await treeRow(setsPane, 'gsm8k').click();
    const frame = await findWebviewFrame(wb.page, '.problem', 60_000);
    const first = query<{ question: string; answer: string }>("SELECT question, answer FROM problems WHERE key = '0'");
    assert.equal(await frame.locator('.question').first().innerText(), first.question);
    assert.equal(await frame.locator('.answer code').first().innerText(), first.answer);
    assert.match(await frame.locator('.summary').innerText(), /showing 100 of 1319/);
    await frame.locator('input.search').fill('ducks');
    const expected = query<{ n: number }>("SELECT count(*) AS n FROM problems WHERE question LIKE '%ducks%' OR answer LIKE '%ducks%'").n;
    await frame.locator('.summary', { hasText: `${expected} of 1319 problems match` }).waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await frame.locator('.problem').count(), Math.min(expected, 100));
    const shot = await wb.screenshot('problem-set-webview');
    console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);
  });
});
