import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { W2sError, errorMessage, isW2sError } from '../../core/errors';
import type { NativeProblem } from '../../core/native/load-binding';
import { dataVersion, openStore, type Store } from '../../core/store/open';
import { setting } from './settings';
import { reportError } from './report-error';

/**
 * Owns the workspace store connection: opened on first use (never at activation), re-opened when the
 * `w2s.storePath` setting changes, and polled cheaply (PRAGMA data_version) so that views refresh when a
 * `w2s` process in the terminal writes to the same file.
 */
export class StoreService implements vscode.Disposable {
  private store: Store | undefined;
  private lastVersion = -1;
  private poll: NodeJS.Timeout | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private failure: string | undefined;
  private pendingFire: NodeJS.Timeout | undefined;
  private native: NativeProblem | undefined;

  /** Fires after any commit to the store, by this window or by another process. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('w2s.storePath')) {
          this.close();
          this.changed.fire();
        }
      }),
    );
  }

  /** Absolute path of the store for the first workspace folder (or the global storage without one). */
  get file(): string | undefined {
    const configured = setting('storePath');
    if (path.isAbsolute(configured)) return configured;
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? path.join(folder.uri.fsPath, configured) : undefined;
  }

  /**
   * The SQLite module did not load at activation: every store access fails with this one message
   * (the views show it once instead of an error row each).
   */
  setNativeProblem(problem: NativeProblem | undefined): void {
    this.native = problem;
  }

  get nativeProblem(): NativeProblem | undefined {
    return this.native;
  }

  /** True when a store file exists: views can show it without creating one. */
  exists(): boolean {
    const f = this.file;
    return f !== undefined && fs.existsSync(f);
  }

  /** The open store, opening (and creating) it on first use. Throws a user-facing error on failure. */
  get(): Store {
    if (this.store) return this.store;
    if (this.native) throw new W2sError(this.native.message, 'NATIVE_MODULE');
    const file = this.file;
    if (!file) throw new Error('Open a folder first: W2S Studio keeps its store in the workspace (.w2s/w2s.db).');
    try {
      this.store = openStore(file);
      this.failure = undefined;
    } catch (e) {
      const msg = errorMessage(e);
      if (this.failure !== msg) {
        this.failure = msg;
        if (isW2sError(e) && e.code === 'NATIVE_MODULE') void reportError(this.log, `cannot open the store ${file}`, e);
        else this.log.error(`Cannot open the store ${file}: ${msg}`);
      }
      throw e;
    }
    this.log.info(`Store opened: ${file}`);
    this.lastVersion = dataVersion(this.store);
    this.poll = setInterval(() => this.checkForChanges(), 1500);
    return this.store;
  }

  /** The store if it exists, without creating one; undefined otherwise. */
  getIfExists(): Store | undefined {
    return this.store ?? (this.exists() ? this.get() : undefined);
  }

  /**
   * Tell views the store changed (writes from this window do not move data_version for this
   * connection). Bursts (a grading batch every few milliseconds while sampling) become one event, so
   * each view re-queries at most a few times a second.
   */
  notifyChanged(): void {
    this.pendingFire ??= setTimeout(() => {
      this.pendingFire = undefined;
      this.changed.fire();
    }, 200);
  }

  private checkForChanges(): void {
    if (!this.store) return;
    try {
      const v = dataVersion(this.store);
      if (v !== this.lastVersion) {
        this.lastVersion = v;
        this.notifyChanged();
      }
    } catch (e) {
      this.log.warn(`Store poll failed: ${errorMessage(e)}`);
    }
  }

  private close(): void {
    if (this.pendingFire) clearTimeout(this.pendingFire);
    this.pendingFire = undefined;
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    this.store?.close();
    this.store = undefined;
  }

  dispose(): void {
    this.close();
    for (const d of this.disposables) d.dispose();
  }
}
