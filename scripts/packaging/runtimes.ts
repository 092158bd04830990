/**
 * Which runtimes a per-target package carries a better-sqlite3 build for. better-sqlite3 is a V8
 * (not Node-API) module, so a build loads only in a runtime with the same NODE_MODULE_VERSION: one
 * build per Electron major that a supported VS Code runs, and one per Node major that VS Code Server
 * and code-server run extensions on.
 *
 * Where each Electron version was read: microsoft/vscode's `.npmrc` (`target="…"`, the Electron that
 * release is built against) at the release tag. VS Code 1.100.0–1.100.3: `target="34.5.1"`. The later
 * rows were read the same way; github.com/ewanharris/vscode-versions (versions.json) tabulates that
 * `.npmrc` value for every release tag, and its rows for 1.98 (34.2.0) and 1.104 (37.3.1) agree with
 * microsoft/vscode's `.npmrc` read at those commits (28bcf7f2, 003c14ea).
 *
 * The first row must stay the oldest VS Code that `engines.vscode` allows (checked by
 * test/unit/packaging/runtimes.test.ts). A VS Code whose Electron has an ABI not listed here needs a
 * new row and a new release; until then the extension says so at activation (load-binding.ts).
 */
export interface ElectronRow {
  /** The first VS Code release on this Electron major. */
  readonly vscode: string;
  /** The Electron version that release's `.npmrc` names. */
  readonly electron: string;
}

export const ELECTRON_FOR_VSCODE: readonly ElectronRow[] = [
  { vscode: '1.100.0', electron: '34.5.1' },
  { vscode: '1.101.0', electron: '35.5.1' },
  { vscode: '1.103.0', electron: '37.2.3' },
  { vscode: '1.107.0', electron: '39.2.3' },
];

/**
 * Plain Node, for hosts that run extensions outside Electron: VS Code Server (Remote-SSH, WSL,
 * containers, Codespaces) and code-server. Node 20 is what code-server 4.100 (VS Code 1.100) runs here;
 * 22 and 24 are the later servers'. better-sqlite3 12 publishes builds for each (its build.yml).
 */
export const NODE_MAJORS: readonly string[] = ['20.0.0', '22.0.0', '24.0.0'];
