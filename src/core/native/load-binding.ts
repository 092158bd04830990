import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../errors';
import { describeBinary, inspectNativeBinary } from './binary-info';
import { NATIVE_DIR, readNativeManifest, runtimeLabel, type NativeManifest } from './manifest';
import { currentTargetName } from './targets';

/**
 * Finds and loads better-sqlite3's native module once, for the runtime this process is: from a
 * per-target package's `native/` folder (by ABI), from an explicit override, or from node_modules.
 * It never throws: a failure comes back as one problem with a message for people (what to install)
 * and a log line with the ABI found and the ABI wanted.
 */
export type BindingResult =
  | { ok: true; binding: object; file: string; source: BindingSource; abi: number }
  | { ok: false; problem: NativeProblem };

export type BindingSource = 'package' | 'override' | 'node_modules';

export interface NativeProblem {
  /** One actionable sentence or two: what does not load, which package to install. */
  readonly message: string;
  /** For the log: the file, the ABI it was built for, the ABI this runtime wants, the loader's error. */
  readonly detail: string;
  /** The vsce target this machine needs (or platform-arch where none is packaged). */
  readonly neededTarget: string;
}

export interface LoadBindingOptions {
  /**
   * The installed package's root folder, where a per-target package has `native/manifest.json`;
   * none for a checkout (extension development), which uses its node_modules build.
   */
  readonly root?: string;
  /** A better_sqlite3.node to use instead (W2S_SQLITE_BINDING): for unusual platforms and tests. */
  readonly override?: string;
  /** The package's version, for the file name of the package to install. */
  readonly version?: string;
}

/** This runtime in words: "Electron 34.5.1 (NODE_MODULE_VERSION 132)" or "Node 20.20.0 (…115)". */
export function currentRuntime(): { label: string; abi: number; electron: boolean } {
  const v = process.versions as NodeJS.ProcessVersions & { electron?: string };
  const abi = Number(v.modules);
  return {
    label: `${v.electron ? `Electron ${v.electron}` : `Node ${v.node}`} (NODE_MODULE_VERSION ${abi})`,
    abi,
    electron: !!v.electron,
  };
}

export function loadSqliteBinding(options: LoadBindingOptions): BindingResult {
  const runtime = currentRuntime();
  const target = currentTargetName();
  const pkg = `w2s-studio-${target}${options.version ? `-${options.version}` : ''}.vsix`;
  const install =
    `Install W2S Studio for ${target} (the Marketplace and Open VSX choose it by themselves; ` +
    `a downloaded package must be ${pkg}, installed with "Extensions: Install from VSIX…").`;
  const fail = (message: string, detail: string): BindingResult => ({
    ok: false,
    problem: { message, detail, neededTarget: target },
  });
  const here = `${runtime.label} on ${target}`;

  let file: string;
  let source: BindingSource;
  let manifest: NativeManifest | undefined;
  if (options.override) {
    file = path.resolve(options.override);
    source = 'override';
  } else {
    try {
      manifest = options.root === undefined ? undefined : readNativeManifest(options.root);
    } catch (e) {
      return fail(`W2S Studio's package is damaged: ${errorMessage(e)}`, errorMessage(e));
    }
    if (manifest && options.root !== undefined) {
      const shipped = manifest.builds.map((b) => `${b.abi} (${runtimeLabel(b)})`).join(', ');
      if (manifest.target !== target) {
        return fail(
          `W2S Studio cannot load its SQLite module: this is the package for ${manifest.target}, and this machine needs ${target}. ${install}`,
          `package target ${manifest.target}, wanted ${target}; found NODE_MODULE_VERSION ${shipped}; wanted ${here}`,
        );
      }
      const build = manifest.builds.find((b) => b.abi === runtime.abi);
      if (!build) {
        return fail(
          `W2S Studio cannot load its SQLite module: this VS Code runs extensions on ${runtime.label}, and this W2S Studio ` +
            `package for ${target} carries builds for NODE_MODULE_VERSION ${shipped} only. Install the W2S Studio release ` +
            `built for this VS Code, for ${target}.`,
          `found NODE_MODULE_VERSION ${shipped} in ${path.join(options.root, NATIVE_DIR)}; wanted ${here}`,
        );
      }
      file = path.join(options.root, NATIVE_DIR, build.file);
      source = 'package';
    } else {
      try {
        file = path.join(
          path.dirname(require.resolve('better-sqlite3/package.json')),
          'build',
          'Release',
          'better_sqlite3.node',
        );
      } catch (e) {
        return fail(
          `W2S Studio cannot find its SQLite module (better-sqlite3). ${install}`,
          `require.resolve('better-sqlite3'): ${errorMessage(e)}`,
        );
      }
      source = 'node_modules';
    }
  }

  try {
    const mod = { exports: {} as object };
    process.dlopen(mod, file);
    return { ok: true, binding: mod.exports, file, source, abi: runtime.abi };
  } catch (e) {
    const msg = errorMessage(e);
    const found = foundAbi(file, msg);
    const builtFor = found.abi ? ` was built for NODE_MODULE_VERSION ${found.abi}` : '';
    const tail =
      source === 'override'
        ? 'Point W2S_SQLITE_BINDING at a better-sqlite3 build for this runtime, or unset it.'
        : `${install}${source === 'node_modules' ? ' In a checkout: `npm rebuild better-sqlite3` for Node, `npm run test:desktop` fetches the Electron build.' : ''}`;
    return fail(
      `W2S Studio cannot load its SQLite module in ${here}: ${path.basename(file)}${builtFor || ' does not load'}. ${tail}`,
      `found ${found.description} in ${file}; wanted ${here}; loader said: ${msg}`,
    );
  }
}

/** The ABI a module that failed to load was built for: from Node's own message, else from its bytes. */
function foundAbi(file: string, loaderMessage: string): { abi?: number; description: string } {
  const fromMessage = /using NODE_MODULE_VERSION (\d+)/.exec(loaderMessage)?.[1];
  if (!fs.existsSync(file)) return { abi: fromMessage ? Number(fromMessage) : undefined, description: 'no file' };
  try {
    const info = inspectNativeBinary(file);
    return { abi: fromMessage ? Number(fromMessage) : info.abi, description: describeBinary(info) };
  } catch (e) {
    return {
      abi: fromMessage ? Number(fromMessage) : undefined,
      description: `an unreadable file (${errorMessage(e)})`,
    };
  }
}
