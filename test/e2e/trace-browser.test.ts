// The trace browser in a real VS Code (code-server 4.100.3, the packaged .vsix, Debian's Chromium): the
// Traces view on imported real traces, filtering to incorrect, the detail panel, labelling from the
// keyboard, bulk labelling with undo, a saved view, traces arriving live from `w2s sample` against the
// fake server, a hostile trace that must stay inert text, and screenshots in light and dark themes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Frame, Page } from 'playwright-core';
import { seedBrowserStore, PWNED_FLAG, type BrowserStore } from '../support/browser-store';
import { CLI } from '../support/cli';
import { spawnFakeServer } from '../fakes/spawn-server';
import {
  VSIX,
  findWebviewFrame,
  launchWorkbench,
  notifications,
  openViewContainer,
  quickInput,
  runCommand,
  tempFolder,
  treeRow,
  viewPane,
  type Workbench,
} from './harness';

const LIST = 'w2s-traces .summary';
const DETAIL = 'w2s-trace article.trace';

function query<T>(db: string, sql: string, ...params: unknown[]): T {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return d.prepare(sql).get(...params) as T;
  } finally {
    d.close();
  }
}

async function shownTotal(frame: Frame): Promise<number> {
  const text = await frame.locator('.summary .count strong').innerText({ timeout: 30_000 });
  return Number(text.replace(/,/g, ''));
}

async function waitForTotal(frame: Frame, n: number, timeout = 30_000): Promise<void> {
  await frame
    .locator('.summary .count strong', { hasText: new RegExp(`^${n.toLocaleString('en-US')}$`) })
    .waitFor({ state: 'visible', timeout });
}

/** The detail panel's frame showing this trace. */
async function detailFrame(page: Page, traceId: number): Promise<Frame> {
  return findWebviewFrame(page, `${DETAIL}[data-trace-id="${traceId}"]`, 60_000);
}

async function dialogButton(page: Page, label: string): Promise<void> {
  const button = page
    .locator('.monaco-dialog-box .dialog-buttons a.monaco-button, .monaco-dialog-box .dialog-buttons .monaco-button', {
      hasText: label,
    })
    .first();
  await button.waitFor({ state: 'visible', timeout: 20_000 });
  await button.click();
}

async function sideBarIsLight(page: Page): Promise<boolean> {
  const rgb = await page
    .locator('.part.sidebar')
    .evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).backgroundColor ?? '');
  const [r, g, b] = (rgb.match(/\d+/g) ?? ['0', '0', '0']).map(Number) as [number, number, number];
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 > 0.5;
}

/** Light or dark, through VS Code's own toggle (Light Modern ↔ Dark Modern), checked by the side bar's colour. */
async function setTheme(page: Page, want: 'light' | 'dark'): Promise<void> {
  if ((await sideBarIsLight(page)) === (want === 'light')) return;
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  const deadline = Date.now() + 30_000;
  while ((await sideBarIsLight(page)) !== (want === 'light')) {
    if (Date.now() > deadline) throw new Error(`the ${want} theme was not applied`);
    await page.waitForTimeout(250);
  }
  await page.waitForTimeout(800);
}

describe('the trace browser in VS Code (code-server)', { timeout: 15 * 60_000 }, () => {
  let wb: Workbench;
  let store: BrowserStore;
  let list: Frame;
  const dialogs: string[] = [];

  before(async () => {
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run "npm run package" (npm test does it)`);
    const folder = tempFolder('browser');
    store = await seedBrowserStore(folder);
    wb = await launchWorkbench({ vsix: VSIX, folder });
    // a JavaScript dialog would mean injected script ran (VS Code's own dialogs are DOM, not these)
    wb.page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
  });

  // An error from the extension or its webviews fails the test during which it was logged (harness.ts
  // forgives only code-server's own offline noise, each entry with its reason).
  afterEach((t) => wb?.assertNoConsoleErrors(`during "${t.name}"`));

  after(async () => {
    if (wb) {
      await wb.close();
      fs.rmSync(store.folder, { recursive: true, force: true });
    }
  });

  test('the Traces view lists the imported traces with facet counts', async () => {
    await openViewContainer(wb.page, 'W2S');
    // room for the Traces view: the Problem Sets pane folded, as a user would
    await viewPane(wb.page, 'Problem Sets').locator('.pane-header').click();
    list = await findWebviewFrame(wb.page, LIST, 60_000);
    const all = query<{ n: number }>(store.db, 'SELECT count(*) AS n FROM traces WHERE error IS NULL').n;
    await waitForTotal(list, all);
    await list.locator('w2s-traces .row[data-id]').first().waitFor({ state: 'visible' });
    const incorrect = query<{ n: number }>(store.db, "SELECT count(*) AS n FROM grades WHERE verdict = 'incorrect'").n;
    const count = await list
      .locator('.facet-value[data-facet="verdict"][data-value="incorrect"] .facet-count')
      .innerText();
    assert.equal(Number(count.replace(/,/g, '')), incorrect);
  });

  test('filtering to incorrect shows only incorrect traces', async () => {
    const incorrect = query<{ n: number }>(store.db, "SELECT count(*) AS n FROM grades WHERE verdict = 'incorrect'").n;
    await list.locator('.facet-value[data-facet="verdict"][data-value="incorrect"] vscode-checkbox').click();
    await waitForTotal(list, incorrect);
    await list.locator('w2s-traces .row[data-id]').first().waitFor({ state: 'visible' });
    const verdicts = await list.locator('w2s-traces .row[data-id] .verdict').allInnerTexts();
    assert.ok(verdicts.length > 0);
    for (const v of verdicts) assert.match(v, /incorrect/);
  });

  test('a trace opens in the detail panel: problem with math, extracted answer highlighted, every sample', async () => {
    // a trace whose question has math (many fixture questions have none, and any text would pass)
    const rows = list.locator('w2s-traces .row[data-id]');
    const questionOf = (rowId: number) =>
      query<{ question: string }>(
        store.db,
        'SELECT p.question FROM traces t JOIN problems p ON p.id = t.problem_id WHERE t.id = ?',
        rowId,
      ).question;
    let id = NaN;
    for (let i = 0; i < Math.min(await rows.count(), 40) && Number.isNaN(id); i++) {
      const rowId = Number(await rows.nth(i).getAttribute('data-id'));
      if (/\$[^$]+\$|\\\(/.test(questionOf(rowId))) id = rowId;
    }
    assert.ok(!Number.isNaN(id), 'an incorrect trace whose question has math is listed');
    await list.locator(`w2s-traces .row[data-id="${id}"]`).click();
    const detail = await detailFrame(wb.page, id);
    assert.ok(
      (await detail.locator('.problem .question .katex').count()) > 0,
      'math in the question is rendered by KaTeX',
    );
    assert.ok(
      (await detail.locator('mark.mark-extracted').count()) > 0,
      'the extracted answer is highlighted where it stands',
    );
    const samples = query<{ n: number }>(
      store.db,
      'SELECT count(*) AS n FROM traces WHERE problem_id = (SELECT problem_id FROM traces WHERE id = ?)',
      id,
    ).n;
    assert.equal(await detail.locator('.sample-table tbody tr').count(), samples);
    // side by side with another sample of the same problem
    await detail.locator('.sample-table .compare-sample').first().click();
    await detail.locator('.compare article.trace').nth(1).waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await detail.locator('.compare article.trace').count(), 2);
    await setTheme(wb.page, 'dark');
    console.log(`screenshot: ${path.relative(process.cwd(), await wb.screenshot('trace-browser-dark'))}`);
    await setTheme(wb.page, 'light');
    console.log(`screenshot: ${path.relative(process.cwd(), await wb.screenshot('trace-browser-light'))}`);
    await detail.locator('.close-compare').click();
    await detail.locator('.compare').waitFor({ state: 'detached' });
  });

  test('labels from the keyboard: j moves, a accepts, s stars, r rejects', async () => {
    const rows = list.locator('w2s-traces .row[data-id]');
    await rows.first().click();
    await list.locator('w2s-traces lit-virtualizer[role=listbox]').focus();
    await wb.page.keyboard.press('j');
    const selected = list.locator('w2s-traces .row.selected');
    await selected.waitFor({ state: 'visible' });
    const id = Number(await selected.getAttribute('data-id'));
    assert.equal(id, Number(await rows.nth(1).getAttribute('data-id')), 'j selected the second row');
    await wb.page.keyboard.press('a');
    await list.locator(`w2s-traces .row[data-id="${id}"] .label-accept`).waitFor({ state: 'visible', timeout: 10_000 });
    await wb.page.keyboard.press('s');
    await list.locator(`w2s-traces .row[data-id="${id}"] .label-star`).waitFor({ state: 'visible', timeout: 10_000 });
    assert.deepEqual(query(store.db, 'SELECT decision, star FROM labels WHERE trace_id = ?', id), {
      decision: 'accept',
      star: 1,
    });
    await wb.page.keyboard.press('r');
    await list.locator(`w2s-traces .row[data-id="${id}"] .label-reject`).waitFor({ state: 'visible', timeout: 10_000 });
    assert.deepEqual(query(store.db, 'SELECT decision, star FROM labels WHERE trace_id = ?', id), {
      decision: 'reject',
      star: 1,
    });
  });

  test('bulk-label what the filter selects, then undo', async () => {
    const incorrect = await shownTotal(list);
    await list.locator('vscode-toolbar-button.bulk-accept').click();
    await wb.page
      .locator('.monaco-dialog-box', { hasText: `Accept ${incorrect} traces?` })
      .waitFor({ state: 'visible', timeout: 20_000 });
    await dialogButton(wb.page, 'Label');
    await list.locator('.action-bar', { hasText: 'accept' }).waitFor({ state: 'visible', timeout: 20_000 });
    const accepted = () =>
      query<{ n: number }>(
        store.db,
        "SELECT count(*) AS n FROM labels l JOIN grades g ON g.trace_id = l.trace_id WHERE g.verdict = 'incorrect' AND l.decision = 'accept'",
      ).n;
    assert.equal(accepted(), incorrect);
    await list.locator('.action-bar vscode-button.undo').click();
    await list.locator('.action-bar', { hasText: 'Undone' }).waitFor({ state: 'visible', timeout: 20_000 });
    // back as before: only the keyboard-labelled trace keeps its (rejected) label
    assert.equal(accepted(), 0);
    assert.equal(query<{ n: number }>(store.db, "SELECT count(*) AS n FROM labels WHERE decision = 'reject'").n, 1);
  });

  test('save the filter as a view, and pick it from the view menu', async () => {
    await list.locator('vscode-toolbar-button.save-view').click();
    const input = quickInput(wb.page).locator('input.input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill('incorrect only');
    await input.press('Enter');
    await list.locator('.view-name', { hasText: 'incorrect only' }).waitFor({ state: 'visible', timeout: 20_000 });
    const saved = query<{ filter: string }>(
      store.db,
      'SELECT filter FROM saved_views WHERE name = ?',
      'incorrect only',
    );
    assert.deepEqual(JSON.parse(saved.filter), { verdicts: ['incorrect'] });
    // clear, then bring it back through the view's menu (quick pick)
    await list.locator('.chips .chip.clear').click();
    const all = query<{ n: number }>(store.db, 'SELECT count(*) AS n FROM traces WHERE error IS NULL').n;
    await waitForTotal(list, all);
    await runCommand(wb.page, 'W2S: Saved Views…');
    await quickInput(wb.page).locator('.monaco-list-row', { hasText: 'incorrect only' }).first().click();
    await waitForTotal(
      list,
      await Promise.resolve(
        query<{ n: number }>(store.db, "SELECT count(*) AS n FROM grades WHERE verdict = 'incorrect'").n,
      ),
    );
  });

  test('"W2S: Export SFT Dataset…" exports W2SR-P through its pickers and the save dialog', async () => {
    const out = path.join(store.folder, 'datasets', 'w2sr-p-e2e.jsonl');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await runCommand(wb.page, 'W2S: Export SFT Dataset…');
    // each step types into the quick input that has the focus, as a person would
    const step = async (title: RegExp, text: string | null, pick = false) => {
      await wb.page
        .locator('.quick-input-widget .quick-input-title', { hasText: title })
        .waitFor({ state: 'visible', timeout: 20_000 });
      if (text !== null && pick) {
        await wb.page.keyboard.press('Control+A');
        await wb.page.keyboard.type(text);
      } else if (text !== null) {
        // a name or a path, pasted whole: typed key by key, the simple file dialog completes folder names
        // under the keys and the path comes out garbled
        // The save dialog writes its default path into the input a moment after its title shows, and that
        // write can land after ours (seen on CI: "<folder>/" + our path + ".jsonl"), so the text is filled
        // again until it holds, twice in a row.
        const input = wb.page.locator('.quick-input-widget input.input');
        let held = 0;
        for (const t0 = Date.now(); held < 2; await wb.page.waitForTimeout(250)) {
          if (Date.now() - t0 > 10_000)
            throw new Error(`the quick input holds "${await input.inputValue()}", not "${text}"`);
          if ((await input.inputValue()) === text) held++;
          else {
            held = 0;
            await input.fill(text);
          }
        }
      }
      if (pick) {
        // a pick: Enter once the list shows the match first (focused)
        const row =
          text === null ? '.quick-input-widget .monaco-list-row' : '.quick-input-widget .monaco-list-row.focused';
        await wb.page
          .locator(row, { hasText: text ?? '' })
          .first()
          .waitFor({ state: 'visible', timeout: 20_000 });
      }
      await wb.page.waitForTimeout(300);
      await wb.page.keyboard.press('Enter');
    };
    await step(/which traces/, 'W2SR-P', true);
    await step(/format/, 'openai', true);
    await step(/options/, null, true); // as offered: <think>, drop truncated, drop duplicates
    await step(/dataset name/, 'w2sr-p-e2e');
    // code-server's save dialog is VS Code's simple file dialog: a path in the quick input
    await step(/Export SFT dataset to|jsonl/i, out);
    await wb.page
      .locator('.notifications-toasts', { hasText: 'Exported w2sr-p-e2e' })
      .waitFor({ state: 'visible', timeout: 60_000 })
      .catch(async (e: unknown) => {
        const shot = await wb.screenshot('trace-browser-export-failed');
        throw new Error(
          `no "Exported" notification; shown: ${JSON.stringify(await notifications(wb.page))} (${path.relative(process.cwd(), shot)})\n${String(e)}`,
        );
      });
    // the progress toast closes when the export ends (a stale "exporting… 0 / N" stayed beside "Exported")
    await wb.page
      .locator('.notifications-toasts .notification-list-item', { hasText: 'exporting w2sr-p-e2e' })
      .waitFor({ state: 'detached', timeout: 15_000 });
    assert.ok(fs.existsSync(out), `${out} written`);
    const lines = fs
      .readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    const snapshot = query<{ id: number; counts: string }>(
      store.db,
      'SELECT id, counts FROM datasets WHERE name = ?',
      'w2sr-p-e2e',
    );
    assert.equal(lines.length, (JSON.parse(snapshot.counts) as { train: number }).train);
    const verdicts = query<{ bad: number; n: number }>(
      store.db,
      "SELECT sum(coalesce(g.verdict, '') <> 'correct') AS bad, count(*) AS n FROM dataset_traces d LEFT JOIN grades g ON g.trace_id = d.trace_id WHERE d.dataset_id = ?",
      snapshot.id,
    );
    assert.equal(verdicts.bad, 0, 'W2SR-P holds correct traces only');
    assert.equal(verdicts.n, lines.length);
    for (const l of lines) {
      const m = (JSON.parse(l) as { messages: { role: string; content: string }[] }).messages;
      assert.deepEqual(m.map((x) => x.role).slice(-2), ['user', 'assistant']);
    }
    const info = JSON.parse(fs.readFileSync(path.join(path.dirname(out), 'dataset_info.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.ok(info['w2sr-p-e2e'], 'dataset_info.json has the LLaMA-Factory entry');
  });

  test('traces sampled by `w2s sample` in a terminal appear live, the scroll position kept', async () => {
    await list.locator('.chips .chip.clear').click();
    const before = query<{ n: number }>(store.db, 'SELECT count(*) AS n FROM traces WHERE error IS NULL').n;
    await waitForTotal(list, before);
    const scroller = list.locator('w2s-traces lit-virtualizer');
    await scroller.evaluate((el) => {
      el.scrollTop = 62 * 40;
    });
    await list.waitForTimeout(800);
    const firstVisible = () =>
      scroller.evaluate((el) => {
        const top = el.getBoundingClientRect().top;
        const rows = [...el.querySelectorAll('.row[data-id]')].filter(
          (r) => r.getBoundingClientRect().bottom > top + 1,
        );
        rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
        return { id: rows[0]?.getAttribute('data-id'), scrollTop: el.scrollTop };
      });
    const seen = await firstVisible();
    const server = await spawnFakeServer(['--chars', '300']);
    try {
      const sampled = await new Promise<number | null>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            CLI,
            'sample',
            '--set',
            store.set,
            '--base-url',
            server.url,
            '--model',
            'fake-model',
            '--run',
            'live-run',
            '--db',
            store.db,
            '--max-tokens',
            '256',
          ],
          {
            cwd: store.folder,
            stdio: 'ignore',
          },
        );
        child.on('close', (code) => resolve(code));
      });
      assert.equal(sampled, 0, 'w2s sample succeeded');
    } finally {
      server.stop();
    }
    const after = query<{ n: number }>(store.db, 'SELECT count(*) AS n FROM trace_signals').n;
    assert.ok(after > before, 'sampling added traces');
    await waitForTotal(list, after, 60_000);
    const now = await firstVisible();
    assert.equal(now.id, seen.id, 'the same trace is still at the top of the list');
    assert.ok(
      Math.abs(now.scrollTop - seen.scrollTop) < 2,
      `scroll position kept (${seen.scrollTop} → ${now.scrollTop})`,
    );
  });

  test('hidden and shown again, the view comes back with its filter and scroll position', async () => {
    await list.locator('.facet-value[data-facet="verdict"][data-value="correct"] vscode-checkbox').click();
    const correct = query<{ n: number }>(store.db, "SELECT count(*) AS n FROM grades WHERE verdict = 'correct'").n;
    await waitForTotal(list, correct);
    const scroller = list.locator('w2s-traces lit-virtualizer');
    await scroller.evaluate((el) => {
      el.scrollTop = 62 * 30;
    });
    await list.waitForTimeout(800);
    const topRow = (f: Frame) =>
      f.locator('w2s-traces lit-virtualizer').evaluate((el) => {
        const top = el.getBoundingClientRect().top;
        const rows = [...el.querySelectorAll('.row[data-id]')].filter(
          (r) => r.getBoundingClientRect().bottom > top + 31,
        );
        rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
        return rows[0]?.getAttribute('data-id');
      });
    const before = await topRow(list);
    assert.ok(before, 'a row at the top');
    // fold the Traces pane (its webview is destroyed: no retainContextWhenHidden), then unfold it
    const header = viewPane(wb.page, 'Traces').locator('.pane-header');
    await header.click();
    await wb.page.waitForTimeout(1000);
    await header.click();
    list = await findWebviewFrame(wb.page, LIST, 60_000);
    await waitForTotal(list, correct);
    await list.locator('.chips .chip', { hasText: 'verdict: correct' }).waitFor({ state: 'visible' });
    await list.waitForTimeout(1000);
    assert.equal(await topRow(list), before, 'the same trace at the top');
    await list.locator('.chips .chip.clear').click();
  });

  test('a hostile trace renders as inert text: nothing runs, no dialog, the page stays responsive', async () => {
    await openViewContainer(wb.page, 'W2S');
    const runs = viewPane(wb.page, 'Runs');
    await treeRow(runs, store.hostileRun).click();
    await waitForTotal(list, 1);
    const row = list.locator('w2s-traces .row[data-id]').first();
    const id = Number(await row.getAttribute('data-id'));
    await row.click();
    const detail = await detailFrame(wb.page, id);
    await detail.locator('article.trace .answer .md').first().waitFor({ state: 'visible' });
    const body = await detail.locator('article.trace .answer .md').first().innerText();
    for (const piece of [
      '<script>window.__w2sPwned = "script"</script>',
      '<img src=x onerror=',
      '<svg onload=',
      '<a href="javascript:',
    ])
      assert.ok(body.includes(piece), `shown as text: ${piece}`);
    // (page-side code reaches the document through the element: the test project has no DOM globals)
    const counts = await detail.locator('body').evaluate((b) => {
      const doc = b.ownerDocument;
      return {
        scripts: doc.querySelectorAll('article script, article iframe, article object, article embed').length,
        images: doc.querySelectorAll('article img, article [onload], article [onerror]').length,
        hrefs: [...doc.querySelectorAll('article a')].filter((a) => a.hasAttribute('href')).length,
        links: doc.querySelectorAll('article .md-link').length,
        unsupported: [...doc.querySelectorAll('article .katex')].filter((k) =>
          /\\(href|htmlClass)/.test(k.textContent ?? ''),
        ).length,
        sourceNotes: [...doc.querySelectorAll('article .math-note')].map((n) => n.textContent ?? ''),
        plain: doc.querySelectorAll('article .md-plain').length,
      };
    });
    assert.equal(counts.scripts, 0, 'no script, frame or plug-in element came from the trace');
    assert.equal(counts.images, 0);
    assert.equal(counts.hrefs, 0, 'no link navigates by itself');
    assert.equal(counts.links, 1, 'only the https link is offered (through the extension)');
    assert.ok(
      counts.unsupported >= 2,
      "\\href and \\htmlClass under trust: false render as their source in KaTeX's error colour",
    );
    assert.ok(
      counts.sourceNotes.some((n) => /nested/.test(n)),
      'the too-deep formula is shown as source',
    );
    assert.ok(counts.plain >= 1, 'the 1 MB formula and the 100,000 braces stay text');
    // nothing ran anywhere: in the webview, in the workbench, no dialog
    // every frame still there must answer: one that cannot be read is no proof that nothing ran in it
    const read: string[] = [];
    for (const frame of wb.page.frames()) {
      let flag: unknown;
      try {
        flag = await frame.evaluate((name) => (globalThis as unknown as Record<string, unknown>)[name], PWNED_FLAG);
      } catch (e) {
        if (frame.isDetached()) continue; // gone while we looked: nothing is left to run in it
        throw new Error(`could not check ${frame.url().slice(0, 80)} for the payload: ${(e as Error).message}`);
      }
      read.push(frame.url());
      assert.equal(flag, undefined, `no payload ran in ${frame.url().slice(0, 80)}`);
    }
    assert.ok(
      read.includes(detail.url()) && read.includes(wb.page.mainFrame().url()),
      'the detail webview and the workbench were both read',
    );
    assert.deepEqual(dialogs, []);
    // and the pages never needed more than their CSP allows (each webview records any violation)
    for (const frame of [list, detail]) {
      const csp = await frame
        .locator('html')
        .evaluate((h) => `${h.getAttribute('data-csp-violations') ?? '0'} ${h.getAttribute('data-csp-last') ?? ''}`);
      assert.equal(csp.trim(), '0', `CSP violations in ${frame.url().slice(0, 60)}: ${csp}`);
    }
    // the page answers and keeps working: the source toggle re-renders the whole trace as text
    await detail.locator('vscode-toolbar-button[label="Source"]').click();
    await detail.locator('article.trace .answer .source').first().waitFor({ state: 'visible', timeout: 20_000 });
    assert.ok(
      (await detail.locator('article.trace .answer .source').first().innerText()).includes('\\href{javascript:'),
    );
    // a click on the https link asks first (modal), and Cancel opens nothing
    // Source is a switch (aria-checked on its inner button): the same button again gives the rendered view
    assert.equal(
      await detail.locator('vscode-toolbar-button.source-toggle button').getAttribute('aria-checked'),
      'true',
    );
    await detail.locator('vscode-toolbar-button.source-toggle').click();
    await detail.locator('article.trace .answer .source').first().waitFor({ state: 'detached', timeout: 20_000 });
    await detail.locator('article .md-link').first().click();
    await wb.page
      .locator('.monaco-dialog-box', { hasText: 'Open a link from a trace?' })
      .waitFor({ state: 'visible', timeout: 20_000 });
    await dialogButton(wb.page, 'Cancel');
    console.log(`screenshot: ${path.relative(process.cwd(), await wb.screenshot('trace-browser-hostile'))}`);
  });
});
