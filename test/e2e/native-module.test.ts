// The SQLite module's load-time check in a real VS Code (code-server 4.100.3, extensions on Node):
//  1. a native binding built for another runtime (the stand-in for an Electron build, NODE_MODULE_VERSION
//     132, through W2S_SQLITE_BINDING) gives one message in the views, naming the package to install,
//     and the log names the ABI found and wanted;
//  2. a per-target package (linux-x64, made from release files in a folder: the real build for this
//     Node and stand-ins for the rest) works in a Node host: it picks its Node build from native/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { targetPlatform } from '../../src/core/native/targets';
import { HOST_ABI, fakeAddon, standInPrebuilds } from '../support/native-fakes';
import { REPO_ROOT, tempDir } from '../support/tmp';
import {
  VSIX,
  launchWorkbench,
  openViewContainer,
  pickQuickPickItems,
  runCommand,
  treeRow,
  viewPane,
  type Workbench,
} from './harness';

/** The W2S log file the extension host wrote (LogOutputChannel "W2S") under the profile. */
function w2sLog(wb: Workbench): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'W2S.log') found.push(p);
    }
  };
  walk(wb.server.profile.base);
  return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
}

async function waitForLog(wb: Workbench, re: RegExp, timeout = 30_000): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const log = w2sLog(wb);
    if (re.test(log) || Date.now() > deadline) return log;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('the SQLite module in VS Code (code-server)', { timeout: 10 * 60_000 }, () => {
  test('a binding for another runtime: one message in the views, the ABI found and wanted in the log', async () => {
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run "npm run package" (npm test does it)`);
    // code-server's extension host inherits this process's environment.
    process.env.W2S_SQLITE_BINDING = fakeAddon(132);
    let wb: Workbench | undefined;
    try {
      wb = await launchWorkbench({ vsix: VSIX });
      await openViewContainer(wb.page, 'W2S');
      const sets = viewPane(wb.page, 'Problem Sets');
      const message = sets.getByText(
        /W2S Studio cannot load its SQLite module in Node .* on linux-x64: fake-v132\.node was built for NODE_MODULE_VERSION 132/,
      );
      await message.waitFor({ state: 'visible', timeout: 30_000 });
      const shot = await wb.screenshot('native-module-wrong-abi');
      console.log(`screenshot: ${path.relative(process.cwd(), shot)}`);
      assert.match(await message.innerText(), /Point W2S_SQLITE_BINDING at a better-sqlite3 build for this runtime/);
      assert.equal(
        await sets.getByText('No problem sets in this workspace yet.').count(),
        0,
        'not the empty-store welcome',
      );
      // VS Code hides a view's welcome content while it shows a message: the actions are in the Runs view.
      const runs = viewPane(wb.page, 'Runs');
      await runs
        .getByText(/Runs appear here once W2S Studio's SQLite module loads/)
        .waitFor({ state: 'visible', timeout: 10_000 });
      for (const button of ['Install from VSIX…', 'Show Log']) {
        assert.equal(
          await runs.locator('.welcome-view-content .monaco-button', { hasText: button }).count(),
          1,
          button,
        );
      }
      assert.equal(await runs.getByText('No sampling runs yet.').count(), 0);
      // One message: no error row in either view, no error toast.
      assert.equal(await wb.page.getByText('Cannot open the W2S store').count(), 0);
      assert.deepEqual(
        await wb.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts(),
        [],
      );

      const log = await waitForLog(wb, /SQLite module: found/);
      assert.match(
        log,
        new RegExp(
          `SQLite module: found ELF linux-x64 \\(glibc\\), NODE_MODULE_VERSION 132 in .*fake-v132\\.node; wanted Node [\\d.]+ \\(NODE_MODULE_VERSION ${HOST_ABI}\\) on linux-x64`,
        ),
      );
      assert.match(log, /activated in [\d.]+ ms \(SQLite module check [\d.]+ ms\)/);
      // A command that needs the store says the same, once, instead of a new error.
      await runCommand(wb.page, 'W2S: Add Built-in Benchmark');
      await pickQuickPickItems(wb.page, ['AIME 2024']);
      await wb.page
        .locator('.notifications-toasts', { hasText: 'cannot load its SQLite module' })
        .waitFor({ state: 'visible', timeout: 20_000 });
      assert.equal(fs.existsSync(path.join(wb.folder, '.w2s')), false, 'no store created');
    } finally {
      delete process.env.W2S_SQLITE_BINDING;
      await wb?.close();
    }
  });

  test('a per-target package works in a Node host: it loads its Node build from native/', async () => {
    const linux = targetPlatform('linux-x64');
    const { spawnSync } = await import('node:child_process');
    const home = tempDir('w2s-pkg-home-');
    const r = spawnSync(
      process.execPath,
      [
        'scripts/package-vsix.mjs',
        '--target',
        'linux-x64',
        '--prebuilds',
        standInPrebuilds(linux),
        '--no-build',
        '--quiet',
      ],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, HOME: home },
      },
    );
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
      .version;
    const vsix = path.join(REPO_ROOT, '.cache', `w2s-studio-linux-x64-${version}.vsix`);
    const wb = await launchWorkbench({ vsix });
    try {
      await openViewContainer(wb.page, 'W2S');
      const log = await waitForLog(wb, /SQLite module loaded/);
      assert.match(
        log,
        new RegExp(
          `SQLite module loaded in [\\d.]+ ms: .*native[/\\\\]better_sqlite3-node-v${HOST_ABI}\\.node \\(from package, NODE_MODULE_VERSION ${HOST_ABI}\\)`,
        ),
      );
      const activation = /activated in ([\d.]+) ms \(SQLite module check ([\d.]+) ms\)/.exec(log);
      assert.ok(activation, log);
      console.log(
        `activation ${activation[1]} ms, of which the SQLite module check ${activation[2]} ms (per-target package, code-server)`,
      );
      await runCommand(wb.page, 'W2S: Add Built-in Benchmark');
      await pickQuickPickItems(wb.page, ['GSM8K']);
      await treeRow(viewPane(wb.page, 'Problem Sets'), 'gsm8k', '1319 problems').waitFor({
        state: 'visible',
        timeout: 60_000,
      });
    } finally {
      await wb.close();
    }
  });
});
