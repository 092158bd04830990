// The packaged .vsix in code-server on a workspace holding an experiment file and no store: the Experiments
// view lists the file with every step "to do" (read from the store as `w2s experiment status` does, without
// creating one), and the file's "Dry run" CodeLens prints the CLI's status text with the SFT memory plan.
// A "Run to grading" CodeLens on a second file samples and grades its teacher against the fake OpenAI server,
// and the view shows those steps done without being asked to refresh; Cancel on a run's notification stops the
// sampling (the row says how far it got) and the next run asks only for the rest. Screenshots: test-output/e2e/experiments-*.png.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { startFakeServer, type FakeServer } from '../fakes/openai-server';
import {
  VSIX,
  clearNotifications,
  launchWorkbench,
  openViewContainer,
  tempFolder,
  treeRow,
  viewPane,
  type Workbench,
} from './harness';

const EXPERIMENT = `name: two
teachers:
  - name: t1
    endpoint: http://127.0.0.1:9/v1
    model: teacher-one
    datasets: [w2sr]
eval:
  sets: [math500]
`;
const STEPS = [
  'problems:math-l3to5',
  'problems:math500',
  'sample:t1',
  'grade:t1',
  'export:t1:w2sr',
  'sft:t1:w2sr',
  'eval:t1:w2sr:math500',
  'eval:base:math500',
  'eval:rl:math500',
  'results',
];

describe('Experiments in VS Code (code-server)', { timeout: 10 * 60_000 }, () => {
  let wb: Workbench;
  let openai: FakeServer | undefined;
  const folder = tempFolder('experiments');

  before(async () => {
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run "npm run package" (npm test does it)`);
    fs.writeFileSync(path.join(folder, 'two.w2s.yaml'), EXPERIMENT);
    wb = await launchWorkbench({ vsix: VSIX, folder, viewport: { width: 1400, height: 1100 } });
  });

  afterEach((t) => wb?.assertNoConsoleErrors(`during "${t.name}"`));

  after(async () => {
    await wb?.close();
    await openai?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('the Experiments view lists the file with its steps, each "to do" in a fresh workspace', async () => {
    await openViewContainer(wb.page, 'W2S');
    // the other views folded, so every step row is drawn
    for (const title of ['Problem Sets', 'Runs', 'Traces', 'Jobs']) {
      const header = viewPane(wb.page, title).locator('.pane-header');
      // (on its title: the header's middle may be one of the view's action buttons)
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.locator('h3.title').click();
    }
    const pane = viewPane(wb.page, 'Experiments');
    // folded at first (package.json: it would take rows from the Traces list of everyone without experiments)
    const own = pane.locator('.pane-header');
    if ((await own.getAttribute('aria-expanded')) !== 'true') await own.locator('h3.title').click();
    await treeRow(pane, 'two.w2s.yaml').waitFor({ state: 'visible', timeout: 60_000 });
    for (const id of STEPS) await treeRow(pane, id, 'to do').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await pane.locator('.monaco-list-row').count(), STEPS.length + 1, 'the file and its steps');
    const shot = await wb.screenshot('experiments-view');
    console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);
    assert.equal(fs.existsSync(path.join(folder, '.w2s')), false, 'listing the steps must not create the store');
  });

  test('"Dry run" above the file prints each step with its state and the SFT memory plan', async () => {
    // the file's row opens it in the editor
    await treeRow(viewPane(wb.page, 'Experiments'), 'two.w2s.yaml').click();
    const lens = wb.page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Dry run' });
    await lens.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(
      await wb.page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run experiment' }).count(),
      1,
    );
    await lens.click();
    // the output channel is a Monaco editor: its lines use non-breaking spaces
    const output = wb.page.locator('.part.panel .view-lines');
    try {
      await output
        .getByText(new RegExp(`${STEPS.length}.of.${STEPS.length}.steps.to.do`))
        .waitFor({ state: 'visible', timeout: 30_000 });
    } finally {
      const shot = await wb.screenshot('experiments-dry-run');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);
    }
    const text = await output.innerText();
    assert.match(text, /two\s\(.*two\.w2s\.yaml\):/);
    assert.match(text, /to\sdo\s+sft:t1:w2sr\s+[0-9a-f]{8}\s+memory:\s/);
    assert.equal(fs.existsSync(path.join(folder, '.w2s')), false, 'a dry run must not create the store');
  });

  test('"Run to grading" on a teacher\'s line samples and grades it, and the view shows those steps done as they end', async () => {
    openai = await startFakeServer({ models: ['teacher-fast'] });
    fs.writeFileSync(
      path.join(folder, 'sums.jsonl'),
      Array.from({ length: 3 }, (_, i) =>
        JSON.stringify({ id: `s${i}`, question: `What is ${i}+1?`, answer: String(i + 1) }),
      ).join('\n') + '\n',
    );
    const file = path.join(folder, 'fast.w2s.yaml');
    fs.writeFileSync(
      file,
      `name: fast
problems:
  file: sums.jsonl
teachers:
  - name: fast
    endpoint: ${openai.url}
    model: teacher-fast
    datasets: [w2sr]
eval:
  sets: [math500]
`,
    );
    const pane = viewPane(wb.page, 'Experiments');
    // the file watcher adds the new file to the view
    await treeRow(pane, 'fast.w2s.yaml').waitFor({ state: 'visible', timeout: 60_000 });
    await treeRow(pane, 'grade:fast', 'to do').waitFor({ state: 'visible', timeout: 30_000 });
    await treeRow(pane, 'fast.w2s.yaml').click();
    const lens = wb.page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run to grading' });
    await lens.waitFor({ state: 'visible', timeout: 60_000 });
    await lens.click();
    try {
      // no refresh asked for: the store's change event redraws the rows
      await treeRow(pane, 'sample:fast', 'done').waitFor({ state: 'visible', timeout: 120_000 });
      await treeRow(pane, 'grade:fast', 'done').waitFor({ state: 'visible', timeout: 60_000 });
      await wb.page
        .locator('.notifications-toasts', { hasText: /experiment fast: \d+ step\(s\) ran up to grade:fast/ })
        .waitFor({ state: 'visible', timeout: 30_000 });
    } finally {
      const shot = await wb.screenshot('experiments-run-to-grading');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);
    }
    // nothing after the teacher's grading: its export and everything after it still to do
    for (const id of ['export:fast:w2sr', 'sft:fast:w2sr', 'eval:fast:w2sr:math500'])
      assert.equal(await treeRow(pane, id, 'to do').count(), 1, `${id} to do`);
    // the fake teacher was asked once per problem
    assert.equal(openai.requests.filter((r) => /completions$/.test(r.path)).length, 3);
  });

  test("Cancel on the run's notification stops the sampling where it is; the view says how far it got, and a second run resumes it", async () => {
    // about a second per answer, one request at a time: the run is under way when Cancel is clicked
    const slow = await startFakeServer({ models: ['teacher-slow'], latencyMs: 1000 });
    try {
      fs.writeFileSync(
        path.join(folder, 'many.jsonl'),
        Array.from({ length: 30 }, (_, i) =>
          JSON.stringify({ id: `m${i}`, question: `What is ${i}+2?`, answer: String(i + 2) }),
        ).join('\n') + '\n',
      );
      const file = path.join(folder, 'slow.w2s.yaml');
      fs.writeFileSync(
        file,
        `name: slow
problems:
  file: many.jsonl
teachers:
  - name: slow
    endpoint: ${slow.url}
    model: teacher-slow
    concurrency: 1
    datasets: [w2sr]
eval:
  sets: [math500]
`,
      );
      const pane = viewPane(wb.page, 'Experiments');
      await treeRow(pane, 'slow.w2s.yaml').waitFor({ state: 'visible', timeout: 60_000 });
      await clearNotifications(wb.page);
      await treeRow(pane, 'slow.w2s.yaml').click();
      const lens = wb.page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run to sampling' });
      await lens.waitFor({ state: 'visible', timeout: 60_000 });
      await lens.click();
      const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'experiment slow' });
      await toast.waitFor({ state: 'visible', timeout: 30_000 });
      // a few answers in, then Cancel (the row says how many as they come)
      await treeRow(pane, 'sample:slow', /run running, [2-9] of 30 traces/).waitFor({
        state: 'visible',
        timeout: 60_000,
      });
      await toast.hover();
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await wb.page
        .locator('.notifications-toasts', { hasText: /experiment slow stopped \(\d+ of \d+ steps to do\)/ })
        .waitFor({ state: 'visible', timeout: 30_000 });
      const stopped = treeRow(pane, 'sample:slow', /to do · run cancelled, \d+ of 30 traces/);
      await stopped.waitFor({ state: 'visible', timeout: 30_000 });
      const shot = await wb.screenshot('experiments-cancelled');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);
      const atCancel = Number(/(\d+) of 30/.exec((await stopped.innerText()) ?? '')![1]);
      assert.ok(atCancel >= 2 && atCancel < 30, `stopped early (${atCancel} of 30)`);
      // (the fake logs a request when it answers, after its latency: the one cut by the cancel comes in as 0)
      await wb.page.waitForTimeout(1500);
      const asked = slow.requests.filter((r) => /completions$/.test(r.path)).length;
      await wb.page.waitForTimeout(2500);
      assert.equal(
        slow.requests.filter((r) => /completions$/.test(r.path)).length,
        asked,
        'no request after the cancel',
      );

      // the same lens again: only the problems not sampled yet are asked for
      slow.clearRequests();
      await lens.click();
      await treeRow(pane, 'sample:slow', 'done').waitFor({ state: 'visible', timeout: 120_000 });
      assert.equal(slow.requests.filter((r) => /completions$/.test(r.path)).length, 30 - atCancel);
    } finally {
      await slow.close();
    }
  });
});
