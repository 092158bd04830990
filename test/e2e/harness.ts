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
  startCodeServer(options: { folder?: string; profile?: Profile; vsix?: string; port?: number; stdio?: 'pipe' | 'inherit'; timeoutMs?: number }): Promise<CodeServer>;
}

let codeServerModule: Promise<CodeServerModule> | undefined;
export function codeServer(): Promise<CodeServerModule> {
  codeServerModule ??= import(pathToFileURL(path.join(ROOT, 'scripts', 'code-server.mjs')).href) as Promise<CodeServerModule>;
  return codeServerModule;
}

/** A new empty folder under the system temp folder. */
export function tempFolder(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `w2s-${prefix}-`));
}

// Console messages that a healthy code-server workbench prints offline.
const HARMLESS = [/vsda(\.js|_bg\.wasm)/, /open-vsx\.org/, /ERR_NAME_NOT_RESOLVED/, /ERR_INTERNET_DISCONNECTED/, /marketplace/i, /Failed to load resource: the server responded with a status of 404/];

export interface Workbench {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
  /** The workspace folder opened in the workbench. */
  readonly folder: string;
  /** Console errors and uncaught page errors so far, minus the known harmless ones. */
  readonly consoleErrors: string[];
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
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    cleanup.push(() => browser.close());
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !HARMLESS.some((r) => r.test(m.text()))) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    for (const [name, fn] of Object.entries(options.expose ?? {})) await page.exposeFunction(name, fn);
    const query = new URLSearchParams({ folder, ...(options.query?.(server) ?? {}) });
    await page.goto(`${server.url}/?${query.toString()}`);
    if (options.waitForWorkbench ?? true) await waitForWorkbench(page);
    return {
      server,
      browser,
      page,
      folder,
      consoleErrors,
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
 * Runs a command from the palette by its title as shown there ("W2S: Add Built-in Benchmark").
 * F1 opens the palette with ">"; the title is typed and the first match is run.
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
  await input.press('Enter');
}

/**
 * In an open quick pick, ticks the items with these labels (canPickMany) or picks the first one
 * (single pick), then accepts.
 */
export async function pickQuickPickItems(page: Page, labels: string[], { many = true, timeout = 20_000 } = {}): Promise<void> {
  const widget = quickInput(page);
  const input = widget.locator('input.input');
  await input.waitFor({ state: 'visible', timeout });
  for (const label of labels) {
    await input.fill(label);
    const row = widget.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) }).first();
    await row.waitFor({ state: 'visible', timeout });
    if (!many) {
      await row.click();
      return;
    }
    const checkbox = row.locator('.quick-input-list-checkbox, input[type=checkbox], [role=checkbox]').first();
    if ((await checkbox.getAttribute('aria-checked')) !== 'true' && !(await checkbox.isChecked().catch(() => false))) await checkbox.click();
  }
  await input.fill('');
  const ok = widget.locator('.quick-input-action .monaco-button, .quick-input-action a', { hasText: 'OK' }).first();
  if (await ok.isVisible()) await ok.click();
  else await input.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout });
}

/** Opens a view container in the activity bar by its title (e.g. "W2S"). */
export async function openViewContainer(page: Page, title: string, timeout = 20_000): Promise<void> {
  const item = page.locator(`.part.activitybar .action-item a.action-label[aria-label^="${title}"], .part.activitybar .action-item[aria-label^="${title}"]`).first();
  await item.waitFor({ state: 'visible', timeout });
  const container = item.locator('xpath=ancestor-or-self::li[contains(@class,"action-item")]');
  if ((await container.getAttribute('aria-selected')) !== 'true' && !(await container.getAttribute('class'))?.includes('checked')) await item.click();
}

/** The pane (view) in the side bar whose header reads `title`. */
export function viewPane(page: Page, title: string): Locator {
  return page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: title }) });
}

/** A tree/list row showing `label` (and, when given, a description containing `description`). */
export function treeRow(scope: Page | Locator, label: string, description?: string): Locator {
  const page = 'page' in scope && typeof scope.page === 'function' ? (scope as Locator).page() : (scope as Page);
  let row = scope.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
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

/** The frame of a webview whose document contains `selector` (webviews sit in nested iframes). */
export async function findWebviewFrame(page: Page, selector: string, timeout = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (await frame.locator(selector).count().catch(() => 0)) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`No webview frame with ${selector}`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
