// Benchmark results in a real VS Code (code-server): the comparison panel (webview in nested iframes),
// then a built-in problem-set file opened read-only with pass/fail in its gutter, the Testing view
// (benchmarks → problems, "@failed" filter), a failed problem's diff peek with its response one click away,
// the hover on a problem line, and "Rerun Failed Tests" re-sampling only the failed problems.
// The store is filled beforehand by the built CLI (w2s eval, w2s sample) against the fake server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startFakeServer, type FakeServer } from '../fakes/openai-server';
import {
  ROOT,
  THEMES,
  VSIX,
  contrastOf,
  findWebviewFrame,
  launchWorkbench,
  openViewContainer,
  pickQuickPickItems,
  runCommand,
  setColorTheme,
  tempFolder,
  treeRow,
  viewPane,
  type Workbench,
} from './harness';

const load = (set: string) =>
  fs
    .readFileSync(path.join(ROOT, 'data', 'benchmarks', `${set}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { question?: string; problem?: string; answer: number | string });
const SETS = { amc23: load('amc23'), math500: load('math500') };
/** Which set and which problem (file order) a prompt asks. */
const find = (prompt: string) => {
  for (const [set, ps] of Object.entries(SETS)) {
    const i = ps.findIndex((p) => prompt.startsWith(p.question ?? p.problem ?? '\u0000'));
    if (i >= 0) return { set, i, answer: String(ps[i]!.answer) };
  }
  return undefined;
};

describe(
  'results in VS Code (code-server): comparison panel, Testing view, gutter, peek, hover',
  { timeout: 12 * 60_000 },
  () => {
    let wb: Workbench;
    let server: FakeServer;
    let folder: string;
    let dbFile: string;
    /** The fake model solves problem i of a set (file order) iff solved(i, set). */
    const serve = (model: string, solved: (i: number, set: string) => boolean) => {
      server.options = {
        models: [model],
        answer: (prompt) => {
          const p = find(prompt);
          return p && solved(p.i, p.set) ? p.answer : '999999';
        },
      };
    };
    // asynchronously: the fake server answers from this process's event loop
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args, '--db', dbFile], {
        cwd: folder,
      });
    const query = <T>(sql: string, ...args: unknown[]): T => {
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).get(...args) as T;
      } finally {
        db.close();
      }
    };

    before(async () => {
      assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run "npm run package" (npm test does it)`);
      server = await startFakeServer();
      folder = tempFolder('results-ws');
      dbFile = path.join(folder, '.w2s', 'w2s.db');
      // base solves 10 of 40 (25%), RL 30 (75%), the student 20 (50%); the teacher's traces solve 15
      serve('base', (i) => i < 10);
      await cli('eval', '--base-url', server.url, '--model', 'base', '--sets', 'amc23');
      serve('rl', (i) => i < 30);
      await cli('eval', '--base-url', server.url, '--model', 'rl', '--sets', 'amc23');
      serve('teacher', (i) => i < 15);
      await cli('sample', '--set', 'amc23', '--base-url', server.url, '--model', 'teacher', '--run', 'teacher-traces');
      // MATH500's first problems, before the student's AMC evaluation (the Testing view's last run stays the
      // student's AMC one; MATH500 sorts after AMC 2023 there): RL (8 of the first 30) below the base (10 of
      // 30), the student evaluated on the first 15 problems only (5 solved). All three cover part of the set.
      serve('base', (i) => i < 10);
      await cli('eval', '--base-url', server.url, '--model', 'base', '--sets', 'math500', '--limit', '30');
      serve('rl', (i) => i < 8);
      await cli('eval', '--base-url', server.url, '--model', 'rl', '--sets', 'math500', '--limit', '30');
      serve('student', (i) => i < 5);
      await cli('eval', '--base-url', server.url, '--model', 'student', '--sets', 'math500', '--limit', '15');
      serve('student', (i) => i < 20);
      await cli('eval', '--base-url', server.url, '--model', 'student', '--sets', 'amc23');
      fs.mkdirSync(path.join(folder, '.vscode'));
      fs.writeFileSync(
        path.join(folder, '.vscode', 'settings.json'),
        JSON.stringify({ 'w2s.sampling.concurrency': 8, 'workbench.startupEditor': 'none' }),
      );
      wb = await launchWorkbench({ vsix: VSIX, folder, viewport: { width: 1500, height: 950 } });
    });

    // An error from the extension or its webviews fails the test during which it was logged (harness.ts
    // forgives only code-server's own offline noise, each entry with its reason).
    afterEach((t) => wb?.assertNoConsoleErrors(`during "${t.name}"`));

    after(async () => {
      await wb?.close();
      await server?.close();
      if (folder) fs.rmSync(folder, { recursive: true, force: true });
    });

    test('the comparison panel: coverage, Δ on common problems, RGR with its interval and the undefined reason, a bar chart, copy as Markdown and LaTeX', async () => {
      // the extension's views are up (its commands are in the palette from then on)
      await openViewContainer(wb.page, 'W2S');
      await treeRow(viewPane(wb.page, 'Problem Sets'), 'amc23').waitFor({ state: 'visible', timeout: 60_000 });
      await runCommand(wb.page, 'W2S: Open Results');
      const frame = await findWebviewFrame(wb.page, 'table.comparison', 60_000);
      await frame.locator('select.base').selectOption('base');
      await frame.locator('select.rl').selectOption('rl');
      const student = frame.locator('tr[data-model="student"]');
      const amc = student.locator('td.cell[data-set="amc23"]');
      const math = student.locator('td.cell[data-set="math500"]');
      await amc.locator('.rgr', { hasText: 'RGR 50.0%' }).waitFor({ state: 'visible', timeout: 30_000 });
      // AMC: (0.50 − 0.25) / (0.75 − 0.25) = 50%, with its paired interval; Δ = +25.0 points on all 40 problems
      assert.equal(await amc.locator('.acc').innerText(), '50.0');
      assert.match(await amc.locator('.delta').innerText(), /^\+25\.0 \[\+\d+\.\d, \+\d+\.\d\]$/);
      assert.match(await amc.locator('.rgr').innerText(), /^RGR 50\.0% \[\d+\.\d, \d+\.\d\]$/);
      // MATH500: the student covers 15 problems (marked partial, Δ on those 15); RL is below the base there: RGR undefined, and why
      assert.equal(await math.locator('.coverage.partial').innerText(), 'partial · 15 of 500');
      assert.match(await math.locator('.delta').innerText(), /on 15 of 500$/);
      assert.match(
        await math.locator('.rgr.undefined').innerText(),
        /^RGR undefined\s+RL is below the base \(−13\.3 points on the 15 common problems\)$/,
      );
      // the mean RGR leaves MATH500 out and says so
      assert.match(
        await student.locator('td.rgr-mean').innerText(),
        /^50\.0% \[\d+\.\d, \d+\.\d\]\s+over 1 of 2 \(left out: 1 undefined\)$/,
      );
      assert.match(await student.locator('td.avg').innerText(), /1 partial/);
      assert.match(await frame.locator('.avg-head').innerText(), /Avg\. \(macro\)/);
      assert.match(
        await frame.locator('.notes').innerText(),
        /RGR = \(acc − acc\(base\)\) \/ \(acc\(rl\) − acc\(base\)\), in %, on the problems all three were graded on/,
      );
      assert.deepEqual(
        await frame.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model'))),
        ['base', 'rl', 'student'],
      );
      assert.equal(await frame.locator('tr[data-model="base"] .role').innerText(), 'base');
      assert.equal(await frame.locator('svg.bars rect.bar').count(), 6);
      assert.equal(await frame.locator('svg.bars rect.bar.partial').count(), 3);
      await math.click();
      await frame.locator('.details h2', { hasText: /^student on MATH/ }).waitFor({ state: 'visible' });
      assert.match(await frame.locator('.details').innerText(), /partial: 15 of 500 problems graded/);
      await frame.locator('button.copy-md').click();
      await frame
        .locator('.status', { hasText: /copied \d+ characters as Markdown/ })
        .waitFor({ state: 'visible', timeout: 15_000 });
      await frame.locator('button.copy-latex').click();
      await frame
        .locator('.status', { hasText: /copied \d+ characters as LaTeX/ })
        .waitFor({ state: 'visible', timeout: 15_000 });
      const shot = await wb.screenshot('results-panel');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);
    });

    test('by keyboard: each result is a button named for the details it opens; Enter and Space open them and move the focus to their heading', async () => {
      const frame = await findWebviewFrame(wb.page, 'table.comparison', 30_000);
      const active = () =>
        frame.evaluate(() => {
          const a = document.activeElement as HTMLElement | null;
          return { tag: a?.tagName.toLowerCase(), text: a?.innerText.replace(/\s+/g, ' ').trim(), cls: a?.className };
        });
      const waitFocus = async (what: string, ok: (a: Awaited<ReturnType<typeof active>>) => boolean) => {
        const deadline = Date.now() + 10_000;
        while (!ok(await active())) {
          assert.ok(Date.now() < deadline, `${what} (focus is on ${JSON.stringify(await active())})`);
          await wb.page.waitForTimeout(100);
        }
      };
      // the student's results, in column order: each a button whose name says what it opens
      const buttons = frame.locator('tr[data-model="student"] td.cell button.open-cell');
      assert.equal(await buttons.count(), 2);
      const labels: string[] = [];
      for (const b of await buttons.all()) {
        const name = (await b.evaluate((el) => el.textContent ?? '')).replace(/\s+/g, ' ').trim();
        const m = /^Details of student on (.+?) \(pass@k, maj@k, breakdowns\): /.exec(name);
        assert.ok(m, `the button's name says what opens: ${name}`);
        assert.equal((await frame.getByRole('button', { name: name.slice(0, 60) }).count()) >= 1, true);
        labels.push(m[1]!);
      }
      // Tab from the RL row's last result reaches the student's first: the results are in the tab order
      // (a click puts the browser's focus in the webview's frame, where the keys go)
      await frame.locator('tr[data-model="rl"] td.cell').last().locator('button.open-cell').click();
      await wb.page.keyboard.press('Tab');
      await waitFocus("Tab lands on the student's first result", (a) =>
        (a.text ?? '').startsWith(`Details of student on ${labels[0]} `),
      );
      await wb.page.keyboard.press('Enter');
      await waitFocus('Enter moves the focus to the details heading', (a) => a.tag === 'h2');
      assert.equal((await active()).text, `student on ${labels[0]}`);
      const facts = await frame.locator('.details .facts').innerText();
      const acc = await frame.locator('tr[data-model="student"] td.cell').first().locator('.acc').innerText();
      assert.match(facts, new RegExp(`accuracy \\(pass@1\\)\\s+${acc.replace(/[^\d.]/g, '').replace('.', '\\.')}%`));
      assert.match(facts, /Δ against base\s+[+−]\d/);
      assert.equal(await buttons.first().getAttribute('aria-current'), 'true');
      // Space on the next result opens its details the same way
      await buttons.first().focus();
      await wb.page.keyboard.press('Tab');
      await waitFocus("Tab reaches the student's second result", (a) =>
        (a.text ?? '').startsWith(`Details of student on ${labels[1]} `),
      );
      await wb.page.keyboard.press('Space');
      await waitFocus('Space moves the focus to its details heading', (a) => a.text === `student on ${labels[1]}`);
      // the focus ring of a result shows: an outline in the focus colour
      await buttons.first().focus();
      const ring = await buttons.first().evaluate((b) => {
        const st = getComputedStyle(b);
        return { style: st.outlineStyle, width: parseFloat(st.outlineWidth) };
      });
      assert.ok(ring.style !== 'none' && ring.width >= 1, `a visible focus ring: ${JSON.stringify(ring)}`);
    });

    test('a significant Δ is at least 4.5:1 against its background in Dark Modern, Light Modern and Dark High Contrast', async () => {
      const frame = await findWebviewFrame(wb.page, 'table.comparison', 30_000);
      // significance is in weight and a coloured underline; the text stays in a text colour, measured in each theme
      const significant = frame.locator('.delta.significant');
      assert.ok((await significant.count()) >= 1, 'the table has a significant Δ');
      const low: string[] = [];
      for (const theme of THEMES) {
        await setColorTheme(wb, theme.name).catch(async () => {
          await wb.page.keyboard.press('Escape');
          await setColorTheme(wb, theme.name);
        });
        for (const d of await significant.all()) {
          const c = await contrastOf(d);
          console.log(
            `significant Δ "${c.text}" in ${theme.name}: ${c.color} on ${c.background}, ${c.ratio.toFixed(2)}:1`,
          );
          if (c.ratio < 4.5) low.push(`"${c.text}" in ${theme.name}: ${c.ratio.toFixed(2)}:1`);
        }
      }
      await setColorTheme(wb, 'Dark Modern');
      assert.deepEqual(low, [], 'every significant Δ is at least 4.5:1');
    });

    test('a built-in problem file shows pass/fail in its gutter; the Testing view lists benchmarks → problems; a failure peeks as a diff', async () => {
      await runCommand(wb.page, 'W2S: Open Problem File');
      await pickQuickPickItems(wb.page, ['amc23'], { many: false });
      await wb.page.locator('.tab', { hasText: 'amc23.jsonl' }).waitFor({ state: 'visible', timeout: 30_000 });
      const editor = wb.page.locator('.editor-instance .monaco-editor').last();
      // the student's results (published last): problems 0–19 pass, 20–39 fail
      const passed = editor.locator('.codicon-testing-passed-icon.testing-run-glyph');
      const failed = editor.locator('.codicon-testing-failed-icon.testing-run-glyph');
      await failed.first().waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await passed.count(), 20);
      assert.equal(await failed.count(), 20);
      assert.equal((await editor.locator('.view-line').count()) >= 40, true);
      // read-only: typing changes nothing
      await editor.locator('.view-line').first().click();
      await wb.page.keyboard.type('xyz');
      assert.doesNotMatch(await editor.locator('.view-line').first().innerText(), /xyz/);
      let shot = await wb.screenshot('results-gutter');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);

      // hover on a failed problem's line: every model's verdict and the teacher's pass rate
      // problem 20 (id 22): solved by rl only. Found by its text, not its place among the line elements
      // (Monaco reuses them, in no set order); the read-only notice the typing raised is dismissed first,
      // so that nothing stands over the line
      await wb.page.keyboard.press('Escape');
      await wb.page.locator('.monaco-editor-overlaymessage').waitFor({ state: 'hidden', timeout: 10_000 });
      const line22 = editor.locator('.view-line', { hasText: '{"id":22,' });
      await line22.hover({ position: { x: 120, y: 5 } });
      const hover = wb.page.locator('.monaco-hover', { hasText: 'Evaluated models' });
      await hover.waitFor({ state: 'visible', timeout: 20_000 });
      const hoverText = await hover.innerText();
      assert.match(hoverText, /base: ✗ incorrect · answer 999999/);
      assert.match(hoverText, /rl: ✓ correct/);
      assert.match(hoverText, /student: ✗ incorrect/);
      assert.match(hoverText, /teacher \(teacher-traces\): 0\/1/);
      assert.match(hoverText, /Open traces/);
      shot = await wb.screenshot('results-hover');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);

      // "Open traces": the Traces view, filtered to this problem, lists every model's trace of it
      await hover.locator('a', { hasText: /^Open traces$/ }).click();
      const traces = await findWebviewFrame(wb.page, 'w2s-traces .chip', 30_000);
      await traces.locator('.chip', { hasText: 'problem: 22' }).waitFor({ state: 'visible', timeout: 20_000 });
      await traces.locator('.chip', { hasText: 'set: amc23' }).waitFor({ state: 'visible', timeout: 20_000 });
      const ofProblem = query<{ n: number }>(
        "SELECT count(*) AS n FROM traces t JOIN problems p ON p.id = t.problem_id JOIN problem_sets ps ON ps.id = p.set_id WHERE ps.name = 'amc23' AND p.key = '22' AND t.error IS NULL",
      ).n;
      assert.ok(ofProblem >= 4, `base, rl, student and the teacher each have a trace of problem 22 (${ofProblem})`);
      await traces
        .locator('.summary .count strong', { hasText: new RegExp(`^${ofProblem}$`) })
        .waitFor({ state: 'visible', timeout: 20_000 });
      assert.equal(await traces.locator('w2s-traces .row[data-id]').count(), ofProblem);
      shot = await wb.screenshot('results-open-traces');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);
      await editor.locator('.view-line').first().click();
      await wb.page.keyboard.press('Escape');

      // the Testing view: benchmarks → problems; "@failed" keeps the 20 failures
      await runCommand(wb.page, 'Testing: Focus on Test Explorer View');
      const testing = wb.page.locator('.part.sidebar');
      const rows = testing.locator('.monaco-list-row');
      const states = () =>
        rows.evaluateAll((els) => els.map((r) => /\((\w+)\)$/.exec(r.getAttribute('aria-label') ?? '')?.[1] ?? '?'));
      await rows.filter({ hasText: 'amc23' }).first().click();
      await wb.page.keyboard.press('ArrowRight');
      await rows.filter({ hasText: 'Cities $A$ and $B$' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      assert.ok((await states()).includes('Passed'));
      // "show failed only": the Test Explorer's own filter
      await testing.locator('.testing-filter-wrapper').click();
      await wb.page.keyboard.type('@failed');
      await rows.filter({ hasText: 'Cities $A$ and $B$' }).first().waitFor({ state: 'hidden', timeout: 20_000 });
      await rows.filter({ hasText: 'A digital display' }).first().waitFor({ state: 'visible', timeout: 20_000 });
      await rows
        .filter({ hasText: 'What is the area of the region' })
        .first()
        .waitFor({ state: 'visible', timeout: 20_000 });
      const shown = await states();
      // (the set's own row is labelled without a state; the list draws only the rows in view)
      assert.ok(
        shown.filter((x) => x === 'Failed').length >= 10 && !shown.includes('Passed'),
        `only failures are listed: ${shown.join(', ')}`,
      );
      shot = await wb.screenshot('results-testing-failed');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);

      // a failure's peek (selecting it in the Testing view opens it): gold against the extracted answer as a diff
      await wb.page.keyboard.press('Escape');
      await rows.filter({ hasText: 'A digital display' }).first().click();
      const peek = wb.page.locator('.peekview-widget', { hasText: 'expected 9, extracted 999999' });
      await peek.waitFor({ state: 'visible', timeout: 20_000 });
      assert.match(await peek.innerText(), /student: incorrect — expected 9, extracted 999999/);
      const sides = await peek.locator('.monaco-diff-editor .view-lines').allInnerTexts();
      assert.deepEqual(
        sides.map((t) => t.trim()),
        ['9', '999999'],
        'Expected (gold) | Actual (extracted)',
      );
      shot = await wb.screenshot('results-peek');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);
      // the response, one click away
      await peek.getByText('Show Response', { exact: true }).click();
      await wb.page.locator('.tab', { hasText: '22-0.md' }).waitFor({ state: 'visible', timeout: 20_000 });
      const response = wb.page
        .locator('.editor-instance .view-lines', { hasText: 'eval-amc23-student · amc23/22 · sample 0' })
        .first();
      await response.waitFor({ state: 'visible', timeout: 20_000 });
      assert.match(await response.innerText(), /extracted\sanswer:\s999999/); // the editor draws spaces as no-break spaces
      shot = await wb.screenshot('results-response');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);
    });

    test('"Rerun Failed Tests" re-samples only the failed problems with the student\'s profile; all pass, nothing overwritten', async () => {
      serve('student', () => true); // the endpoint now serves a better checkpoint under the same name
      await wb.page.keyboard.press('Escape');
      await runCommand(wb.page, 'Test: Rerun Failed Tests');
      const deadline = Date.now() + 120_000;
      const rerun = () =>
        query<{ n: number; graded: number; correct: number }>(
          `SELECT count(*) AS n, count(g.trace_id) AS graded, coalesce(sum(g.verdict = 'correct'), 0) AS correct FROM traces t JOIN runs r ON r.id = t.run_id
       LEFT JOIN grades g ON g.trace_id = t.id WHERE r.name = 'eval-amc23-student@rerun-1'`,
        );
      while (rerun().correct < 20) {
        assert.ok(Date.now() < deadline, `the failed problems are re-sampled and graded (${JSON.stringify(rerun())})`);
        await wb.page.waitForTimeout(500);
      }
      assert.deepEqual(rerun(), { n: 20, graded: 20, correct: 20 }, 'exactly the 20 failed problems');
      assert.equal(
        query<{ n: number }>(
          "SELECT count(*) AS n FROM traces t JOIN runs r ON r.id = t.run_id WHERE r.name = 'eval-amc23-student'",
        ).n,
        40,
        'the first generations stay',
      );
      assert.equal(
        query<{ n: number }>(
          "SELECT count(*) AS n FROM run_reruns rr JOIN runs a ON a.id = rr.run_id JOIN runs b ON b.id = rr.rerun_of WHERE a.name = 'eval-amc23-student@rerun-1' AND b.name = 'eval-amc23-student'",
        ).n,
        1,
      );
      await runCommand(wb.page, 'W2S: Open Problem File');
      await pickQuickPickItems(wb.page, ['amc23'], { many: false });
      const editor = wb.page
        .locator('.editor-instance .monaco-editor', { has: wb.page.locator('.codicon-testing-passed-icon') })
        .first();
      await editor
        .locator('.codicon-testing-failed-icon.testing-run-glyph')
        .first()
        .waitFor({ state: 'detached', timeout: 30_000 });
      // every line drawn (the editor draws only what is in view) now passes
      const drawn = await editor.locator('.view-line').count();
      assert.ok(
        (await editor.locator('.codicon-testing-passed-icon.testing-run-glyph').count()) >= Math.min(drawn - 1, 40) - 1,
      );
      const shot = await wb.screenshot('results-rerun');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);
    });
  },
);
