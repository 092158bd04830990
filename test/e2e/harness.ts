/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Reusable pieces for end-to-end tests in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) driven by
// playwright-core with Debian's Chromium. See shared/notes/vscode-e2e.md for why it is done this way.
//
//   const wb = await launchWorkbench({ vsix: VSIX });       // fresh empty workspace, extension installed
//   await runCommand(wb.page, 'W2S: Add Built-in Benchmark');
//   await wb.screenshot('name');                             // test-output/e2e/name.png
//   await wb.close();                                        // browser, code-server, temp folders
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { RESULT_PREFIX as MOCHA_RESULT_PREFIX, type MochaResult } from '../exthost/mocha-runner';

export const ROOT = path.resolve(__dirname, '..', '..');
export const VSIX = path.join(ROOT, '.cache', 'w2s-studio.vsix');
export const OUTPUT_DIR = path.join(ROOT, 'test-output', 'e2e');
export const CHROMIUM = process.env.W2S_CHROMIUM ?? '/usr/bin/chromium';

/** What scripts/code-server.mjs exports (it is plain JS so that `npm start` runs before `npm install`). */
interface Profile {
  base: string;
  home: string;
  userDataDir: string;
  extensionsDir: string;
}
export interface CodeServer {
  url: string;
  port: number;
  folder?: string;
  profile: Profile;
  output(): string;
  stop(): Promise<void>;
}
interface CodeServerModule {
  ensureCodeServer(): string;
  ensureAptPackages(names?: string[]): void;
  makeProfile(base: string): Profile;
  startCodeServer(options: {
    folder?: string;
    profile?: Profile;
    vsix?: string;
    port?: number;
    stdio?: 'pipe' | 'inherit';
    timeoutMs?: number;
  }): Promise<CodeServer>;
}

let codeServerModule: Promise<CodeServerModule> | undefined;
export function codeServer(): Promise<CodeServerModule> {
  codeServerModule ??= import(
    pathToFileURL(path.join(ROOT, 'scripts', 'code-server.mjs')).href
  ) as Promise<CodeServerModule>;
  return codeServerModule;
}

/** A new empty folder under the system temp folder. */
export function tempFolder(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `w2s-${prefix}-`));
}

/**
 * Console errors that a healthy code-server 4.100.3 workbench prints offline, none of them from W2S
 * Studio. Each is matched against "<message> (at <source URL>)", so a 404 is forgiven only for the file
 * named here. Anything else (our extension host code, our webviews, a CSP violation) fails the test.
 */
const CODE_SERVER_NOISE: readonly RegExp[] = [
  // code-server does not ship Microsoft's closed-source vsda module; the workbench asks for it and gets a 404.
  /\(at [^)]*\/vsda(\.js|_bg\.wasm)\)$/,
  // The extension gallery (Open VSX) and its marketplace queries: this machine has no internet.
  /open-vsx\.org/,
  /marketplace/i,
  // Any other outside host the workbench tries (update checks, gallery icons): no DNS, no internet here.
  /net::ERR_NAME_NOT_RESOLVED/,
  /net::ERR_INTERNET_DISCONNECTED/,
  // VS Code's text model resolver, when two callers resolve the same text-document-content-provider URI at
  // once (the results suite: a w2s-builtin: problem file opened while the Testing view reads it), creates
  // the model twice and logs the refusal; the editor shows the document. Forgiven only when every frame of
  // the stack is the workbench's own (a frame of ours would name extension.js or a webview).
  /^%c\s+ERR color: #f33 ModelService: Cannot add model because it already exists!: Error: ModelService: Cannot add model because it already exists!(\s+at [^()\n]*\(?https?:\/\/[^\s()]*\/workbench\/workbench\.js:\d+:\d+\)?)+ \(at [^)]*\/workbench\/workbench\.js\)$/,
];

/**
 * True for an error whose every source is the workbench's own script (no frame of the extension host, of
 * a webview or of ours): what the closing page logs while a window reloads.
 */
export function isWorkbenchOnly(message: string): boolean {
  const urls = message.match(/https?:\/\/[^\s()]+/g) ?? [];
  return urls.length > 0 && urls.every((u) => /\/workbench\/workbench\.js(:\d+:\d+)?$/.test(u));
}

/** True for a console error that code-server prints offline on its own (see CODE_SERVER_NOISE). */
export function isCodeServerNoise(message: string): boolean {
  return CODE_SERVER_NOISE.some((r) => r.test(message));
}

export interface Workbench {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
  /** The workspace folder opened in the workbench. */
  readonly folder: string;
  /** Console errors and uncaught page errors (any frame, webviews included) so far, minus code-server's own noise. */
  readonly consoleErrors: string[];
  /** Fails, listing them, when console errors or page errors arrived since the last call; clears the list. */
  assertNoConsoleErrors(when?: string): void;
  /**
   * Reloads the window and waits for the workbench. While the old page closes, VS Code's own services log
   * errors of their own (shutdown joins the web lifecycle cannot wait for, a log flush after IndexedDB
   * closed, a disposed throttler — a different one each time): those that arrive during the reload with
   * only workbench frames are forgiven (and returned); any other error stays and fails the test.
   */
  reload(): Promise<string[]>;
  /** Saves a full-page screenshot as test-output/e2e/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the browser, stops code-server and removes the temporary folders (not `folder` if given). */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Workspace folder to open; a fresh empty temporary one by default. */
  folder?: string;
  /** .vsix to install into the fresh extensions folder (none by default). */
  vsix?: string;
  /** Extra query parameters for the workbench URL (e.g. payload for extension tests). */
  query?: (server: CodeServer) => Record<string, string>;
  /** Functions exposed to the page before it loads (e.g. codeAutomationLog / codeAutomationExit). */
  expose?: Record<string, (...args: never[]) => unknown>;
  /** Wait for the workbench to be ready (default true). */
  waitForWorkbench?: boolean;
  viewport?: { width: number; height: number };
}

/** Starts code-server and Chromium, opens the workbench on a workspace folder. */
export async function launchWorkbench(options: LaunchOptions = {}): Promise<Workbench> {
  const cs = await codeServer();
  const ownFolder = !options.folder;
  const folder = options.folder ?? tempFolder('workspace');
  const cleanup: (() => Promise<void> | void)[] = [];
  if (ownFolder) cleanup.push(() => fs.rmSync(folder, { recursive: true, force: true }));
  const runCleanup = async () => {
    for (const c of cleanup.reverse()) {
      try {
        await c();
      } catch {
        // keep cleaning
      }
    }
  };
  try {
    const server = await cs.startCodeServer({ folder, vsix: options.vsix });
    cleanup.push(() => server.stop());
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Without the networking flags Chromium floods the closed network with refused connections.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    cleanup.push(() => browser.close());
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const where = m.location().url;
      const message = `${m.text()}${where ? ` (at ${where})` : ''}`;
      if (!isCodeServerNoise(message)) consoleErrors.push(message);
    });
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.stack ?? e.message}`));
    for (const [name, fn] of Object.entries(options.expose ?? {})) await page.exposeFunction(name, fn);
    const query = new URLSearchParams({ folder, ...(options.query?.(server) ?? {}) });
    // A loaded two-core machine can take longer than the default 30 s to serve the workbench page.
    await page.goto(`${server.url}/?${query.toString()}`, { timeout: 90_000 });
    if (options.waitForWorkbench ?? true) await waitForWorkbench(page);
    return {
      server,
      browser,
      page,
      folder,
      consoleErrors,
      assertNoConsoleErrors: (when) => {
        const errors = consoleErrors.splice(0);
        if (errors.length)
          throw new Error(
            `${errors.length} console error(s) in the workbench${when ? ` ${when}` : ''}:\n  ${errors.join('\n  ')}`,
          );
      },
      reload: async () => {
        const from = consoleErrors.length;
        await page.reload();
        await waitForWorkbench(page);
        const during = consoleErrors.splice(from);
        consoleErrors.push(...during.filter((e) => !isWorkbenchOnly(e)));
        return during.filter(isWorkbenchOnly);
      },
      screenshot: (name) => screenshot(page, name),
      close: runCleanup,
    };
  } catch (e) {
    await runCleanup();
    throw e;
  }
}

/** Waits until the workbench is interactive (activity bar and status bar drawn). */
export async function waitForWorkbench(page: Page, timeout = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
}

/** Saves a screenshot under test-output/e2e/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name.replace(/[^A-Za-z0-9._-]/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The quick input widget (command palette, quick picks, input boxes). */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

/**
 * Waits until the quick input shows a flow's step counter (VS Code writes the title as "title (2/7)"). A
 * step's picker replaces the previous one within the same widget, so this is what tells them apart: reading
 * the input right after a pick can read the previous step's filter text.
 */
export async function atStep(page: Page, counter: string, timeout = 30_000): Promise<void> {
  await quickInput(page)
    .locator('.quick-input-title', { hasText: `(${counter})` })
    .waitFor({ state: 'visible', timeout });
}

/**
 * Runs a command from the palette by its title as shown there ("W2S: Add Built-in Benchmark").
 * F1 opens the palette with ">"; the title is typed and Enter pressed once the focused (first) row is
 * that command (the palette's fuzzy order may put another first: then this fails, naming the title).
 */
export async function runCommand(page: Page, title: string, timeout = 20_000): Promise<void> {
  const input = quickInput(page).locator('input.input');
  // The palette is not ready until the workbench has finished restoring; retry F1 until it opens.
  const deadline = Date.now() + timeout;
  while (!(await input.isVisible())) {
    if (Date.now() > deadline) throw new Error('The command palette did not open');
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 2000 }).catch(() => undefined);
  }
  await input.fill(`>${title}`);
  const row = quickInput(page).locator('.monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: Math.max(1000, deadline - Date.now()) });
  // Enter runs the focused row: wait until that is this command (the list focuses its first row a moment
  // after it filters); a click instead can leave the next quick pick unusable under the pointer
  await quickInput(page)
    .locator('.monaco-list-row.focused', { hasText: title })
    .waitFor({ state: 'visible', timeout: Math.max(1000, deadline - Date.now()) });
  await input.press('Enter');
}

/**
 * In an open quick pick, ticks the items with these labels (canPickMany) or picks the first one
 * (single pick), then accepts.
 */
export async function pickQuickPickItems(
  page: Page,
  labels: string[],
  { many = true, timeout = 20_000 } = {},
): Promise<void> {
  const widget = quickInput(page);
  const input = widget.locator('input.input');
  await input.waitFor({ state: 'visible', timeout });
  for (const label of labels) {
    await input.fill(label);
    const row = widget
      .locator('.monaco-list-row', {
        has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
      })
      .first();
    await row.waitFor({ state: 'visible', timeout }).catch(async (e: unknown) => {
      // say what the pick offered instead (with the filter cleared), so a failure reads without a rerun
      await input.fill('');
      const title = await widget
        .locator('.quick-input-title')
        .innerText()
        .catch(() => '?');
      const shown = await widget
        .locator('.monaco-list-row')
        .allInnerTexts()
        .catch(() => []);
      throw new Error(
        `no item "${label}" in the quick pick "${title}"; it offers: ${shown.map((t) => JSON.stringify(t.replace(/\s+/g, ' ').trim())).join(', ') || 'nothing'}\n${String(e)}`,
      );
    });
    if (!many) {
      await row.click();
      return;
    }
    const checkbox = row.locator('.quick-input-list-checkbox, input[type=checkbox], [role=checkbox]').first();
    if ((await checkbox.getAttribute('aria-checked')) !== 'true' && !(await checkbox.isChecked().catch(() => false)))
      await checkbox.click();
  }
  await input.fill('');
  const ok = widget.locator('.quick-input-action .monaco-button, .quick-input-action a', { hasText: 'OK' }).first();
  if (await ok.isVisible()) await ok.click();
  else await input.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout });
}

/** Opens a view container in the activity bar by its title (e.g. "W2S"). */
export async function openViewContainer(page: Page, title: string, timeout = 20_000): Promise<void> {
  const item = page
    .locator(
      `.part.activitybar .action-item a.action-label[aria-label^="${title}"], .part.activitybar .action-item[aria-label^="${title}"]`,
    )
    .first();
  await item.waitFor({ state: 'visible', timeout });
  const container = item.locator('xpath=ancestor-or-self::li[contains(@class,"action-item")]');
  if (
    (await container.getAttribute('aria-selected')) !== 'true' &&
    !(await container.getAttribute('class'))?.includes('checked')
  )
    await item.click();
}

/** The pane (view) in the side bar whose header reads `title`. */
export function viewPane(page: Page, title: string): Locator {
  return page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: title }) });
}

/** A tree/list row showing `label` (and, when given, a description containing `description`). */
export function treeRow(scope: Page | Locator, label: string, description?: string | RegExp): Locator {
  const page = 'page' in scope && typeof scope.page === 'function' ? (scope as Locator).page() : (scope as Page);
  let row = scope.locator('.monaco-list-row', {
    has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
  });
  if (description) row = row.filter({ has: page.locator('.label-description', { hasText: description }) });
  return row;
}

/** Waits until `text` is visible somewhere in the workbench (or `scope`). */
export async function waitForText(scope: Page | Locator, text: string | RegExp, timeout = 30_000): Promise<Locator> {
  const loc = scope.getByText(text).first();
  await loc.waitFor({ state: 'visible', timeout });
  return loc;
}

/** Notification toasts currently shown, as text. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

/**
 * Clears every notification. VS Code shows at most three toasts and keeps the oldest ones (its
 * NotificationsToasts.layoutContainer walks toasts oldest first and hides any past the third), so a test
 * that waits for a toast after earlier tests left three (one kept by a mouse resting on it) would wait for
 * a toast that is only in the notification center.
 */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-list-item').first().waitFor({ state: 'detached' });
}

/** The text of the notification center (every notification, toasts hidden or not). */
export async function notificationCenter(page: Page): Promise<string> {
  await runCommand(page, 'Notifications: Show Notifications');
  const center = page.locator('.notifications-center');
  await center.waitFor({ state: 'visible', timeout: 5000 });
  return center.innerText();
}

/** The frame of a webview whose document contains `selector` (webviews sit in nested iframes). */
export async function findWebviewFrame(page: Page, selector: string, timeout = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (
        await frame
          .locator(selector)
          .count()
          .catch(() => 0)
      )
        return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`No webview frame with ${selector}`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ExtensionHostRun {
  /** The exit code the extension host reported through codeAutomationExit. */
  readonly code: number;
  /** Each mocha test, as its `W2S-MOCHA` line reported it. */
  readonly results: MochaResult[];
  /** Everything else the extension host logged (mocha's spec output, the suites' console.log). */
  readonly log: string[];
  /** Workbench console errors and page errors during the run (code-server's own noise left out). */
  readonly consoleErrors: string[];
}

/**
 * Runs an extension-host test bundle (the `run()` module convention of @vscode/test-electron) inside
 * code-server, the way @vscode/test-web does: the workbench URL carries extensionDevelopmentPath (this
 * repository, with its built dist/) and extensionTestsPath, and the page reports logs and the exit code
 * through codeAutomationLog/Exit. Used by test/e2e/exthost.test.ts and bench/exthost.bench.ts.
 */
export async function runExtensionHostTests(
  testsBundle: string,
  options: { timeoutMs?: number } = {},
): Promise<ExtensionHostRun> {
  if (!fs.existsSync(testsBundle))
    throw new Error(`${testsBundle} is missing: run "node esbuild.mjs" (npm test and npm run bench do it)`);
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const folder = tempFolder('exthost-workspace');
  const lines: string[] = [];
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  let wb: Workbench | undefined;
  try {
    wb = await launchWorkbench({
      folder,
      waitForWorkbench: false,
      query: (server) => {
        const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
        return {
          payload: JSON.stringify([
            ['extensionDevelopmentPath', remote(ROOT)],
            ['extensionTestsPath', remote(testsBundle.replace(/\.js$/, ''))],
          ]),
        };
      },
      expose: {
        codeAutomationLog: (_type: string, args: unknown[]) => {
          for (const a of Array.isArray(args) ? args : [args])
            lines.push(...String(typeof a === 'string' ? a : JSON.stringify(a)).split('\n'));
        },
        codeAutomationExit: (code: number) => exit(code),
      },
    });
    const code = await Promise.race([
      exited,
      new Promise<number>((_, reject) =>
        setTimeout(
          () =>
            reject(
              new Error(`no exit from the extension host in ${timeoutMs / 60_000} minutes; log:\n${lines.join('\n')}`),
            ),
          timeoutMs,
        ).unref(),
      ),
    ]);
    const results: MochaResult[] = [];
    const log: string[] = [];
    for (const line of lines) {
      const at = line.indexOf(MOCHA_RESULT_PREFIX);
      if (at >= 0)
        results.push(JSON.parse(line.slice(at + MOCHA_RESULT_PREFIX.length).replace(/\s*$/, '')) as MochaResult);
      else log.push(line);
    }
    return { code, results, log, consoleErrors: [...wb.consoleErrors] };
  } finally {
    await wb?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** The three themes every webview is checked in: the picker's name, the theme's id, and its side bar colour (how the test knows it is applied). */
export const THEMES = [
  { name: 'Dark Modern', id: 'Default Dark Modern', sideBar: 'rgb(24, 24, 24)' },
  { name: 'Light Modern', id: 'Default Light Modern', sideBar: 'rgb(248, 248, 248)' },
  { name: 'Dark High Contrast', id: 'Default High Contrast', sideBar: 'rgb(0, 0, 0)' },
] as const;
export type ThemeName = (typeof THEMES)[number]['name'];

/**
 * Applies a colour theme through "Preferences: Color Theme", as a user picks one, and waits until the
 * side bar wears its colour. (Writing workbench.colorTheme into settings.json is not picked up by a
 * running code-server 4.100.)
 */
export async function setColorTheme(wb: Workbench, name: ThemeName, timeout = 30_000): Promise<void> {
  const { page } = wb;
  const theme = THEMES.find((t) => t.name === name)!;
  const sideBar = () => page.locator('.part.sidebar').evaluate((el) => getComputedStyle(el).backgroundColor);
  if ((await sideBar()) === theme.sideBar) return;
  const widget = quickInput(page);
  const input = widget.locator('input.input');
  const exactRow = (label: string) =>
    widget
      .locator('.monaco-list-row', {
        has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
      })
      .first();
  /** Enter on the row labelled `label`, once arrows have moved the list's focus onto it. */
  const choose = async (label: string) => {
    const row = exactRow(label);
    await row.waitFor({ state: 'visible', timeout });
    for (let i = 0; i < 20 && !(await row.getAttribute('class'))?.includes('focused'); i++)
      await input.press('ArrowDown');
    await input.press('Enter');
  };
  const deadline = Date.now() + timeout;
  while (!(await input.isVisible())) {
    if (Date.now() > deadline) throw new Error('The command palette did not open');
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 2000 }).catch(() => undefined);
  }
  await input.fill('>Preferences: Color Theme');
  await choose('Preferences: Color Theme');
  await widget
    .locator('.quick-input-title, input.input[placeholder*="Theme" i]')
    .first()
    .waitFor({ state: 'visible', timeout })
    .catch(() => undefined);
  await input.fill(name);
  await choose(name);
  while ((await sideBar()) !== theme.sideBar) {
    if (Date.now() > deadline)
      throw new Error(`the ${name} theme was not applied (side bar ${await sideBar()}, expected ${theme.sideBar})`);
    await page.waitForTimeout(200);
  }
  await widget.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => page.keyboard.press('Escape'));
  // the webviews get the new --vscode-* variables a moment after the workbench
  await page.waitForTimeout(1000);
}

/** One axe-core finding, as reported by {@link axeCheck}. */
export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string; summary: string }[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core (WCAG 2.0–2.2 A/AA and best practice) in a webview's frame and returns its violations.
 * The source is evaluated in the frame through the DevTools protocol (a <script> tag would be refused by
 * the webview's CSP, as it should be).
 */
export async function axeCheck(frame: Frame): Promise<AxeFinding[]> {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await frame.evaluate(() => typeof (window as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await frame.evaluate(axeSource);
  return frame.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: unknown,
            opts: unknown,
          ): Promise<{
            violations: {
              id: string;
              impact: string;
              help: string;
              nodes: { target: unknown[]; failureSummary?: string }[];
            }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({
        target: JSON.stringify(n.target),
        summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300),
      })),
    }));
  });
}

/** What has the keyboard focus in a frame: the focused element, followed into open shadow roots. */
export async function focusedIn(frame: Frame): Promise<{
  tag: string;
  className: string;
  role: string | null;
  label: string | null;
  id: string;
  inShadowOf: string | null;
  hasFocus: boolean;
}> {
  return frame.evaluate(() => {
    let el = document.activeElement;
    let host: Element | null = null;
    while (el?.shadowRoot?.activeElement) {
      host = el;
      el = el.shadowRoot.activeElement;
    }
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      className: (host ?? el)?.className ?? '',
      role: el?.getAttribute('role') ?? null,
      label: el?.getAttribute('aria-label') ?? null,
      id: el?.id ?? '',
      inShadowOf: host?.tagName.toLowerCase() ?? null,
      hasFocus: document.hasFocus(),
    };
  });
}

/** A text colour measured against what is painted behind it, as WCAG 1.4.3 computes it. */
export interface Contrast {
  ratio: number;
  color: string;
  background: string;
  text: string;
}

/**
 * The contrast of an element in a webview: its computed text colour against
 * the backgrounds of it and its ancestors composited (alpha blended) from the first opaque one, or from
 * the editor background (--vscode-editor-background, what VS Code paints behind the webview) when none
 * is opaque; relative luminance and ratio per WCAG 2.2's definitions.
 */
export async function contrastOf(element: Locator): Promise<Contrast> {
  // (no named functions inside: tsx's keepNames would wrap them in a __name helper the page does not have)
  return element.evaluate((el) => {
    const probe = document.createElement('div');
    document.body.appendChild(probe);
    probe.style.backgroundColor = 'var(--vscode-editor-background)';
    const editor = getComputedStyle(probe).backgroundColor;
    probe.remove();
    const chain: string[] = [];
    for (let e: Element | null = el; e; e = e.parentElement) chain.push(getComputedStyle(e).backgroundColor);
    const [text, behind, ...backgrounds] = [getComputedStyle(el).color, editor, ...chain].map((c) => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) throw new Error(`unparsed colour ${c}`);
      const p = m[1]!
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
    });
    // from the first opaque background (or the editor's, behind a transparent page) up to the element
    const opaque = backgrounds.findIndex((b) => b[3] === 1);
    let bg = opaque >= 0 ? backgrounds[opaque]! : behind!;
    for (const l of (opaque >= 0 ? backgrounds.slice(0, opaque) : backgrounds).filter((b) => b[3]! > 0).reverse())
      bg = [0, 1, 2].map((i) => l[i]! * l[3]! + bg[i]! * (1 - l[3]!)).concat(1);
    const fg = [0, 1, 2].map((i) => text![i]! * text![3]! + bg[i]! * (1 - text![3]!));
    const [hi, lo] = [fg, bg]
      .map((c) =>
        [0, 1, 2]
          .map((i) => {
            const v = c[i]! / 255;
            return (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4) * [0.2126, 0.7152, 0.0722][i]!;
          })
          .reduce((a, b) => a + b, 0),
      )
      .sort((a, b) => b - a);
    return {
      ratio: (hi! + 0.05) / (lo! + 0.05),
      color: `rgb(${fg.map(Math.round).join(', ')})`,
      background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
      text: (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60),
    };
  });
}
