import type BetterSqlite3 from 'better-sqlite3';
import { W2sError } from '../errors';

export type Database = BetterSqlite3.Database;
type DatabaseConstructor = typeof BetterSqlite3;

let ctor: DatabaseConstructor | undefined;
let binding: object | undefined;

/**
 * The native module the extension found and loaded once at activation (src/core/native/load-binding.ts):
 * every connection opened after this uses it, instead of better-sqlite3 looking in node_modules.
 */
export function useSqliteBinding(addon: object | undefined): void {
  binding = addon;
}

/** better-sqlite3's JavaScript, loaded on first use (the CLI's commands that need no store never load it). */
function sqliteConstructor(): DatabaseConstructor {
  if (!ctor) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ctor = require('better-sqlite3') as DatabaseConstructor;
  }
  return ctor;
}

/** Describes the running Node ABI: VS Code desktop runs extensions on Electron, whose ABI differs. */
export function runtimeDescription(): string {
  const v = process.versions as NodeJS.ProcessVersions & { electron?: string };
  const where = v.electron ? `Electron ${v.electron} (Node ${v.node})` : `Node ${v.node}`;
  return `${where}, NODE_MODULE_VERSION ${v.modules}, ${process.platform}-${process.arch}`;
}

/**
 * Opens a SQLite connection, turning a native-module load failure into an error that names the ABI
 * and the fix instead of a bare "compiled against a different Node.js version".
 */
export function openSqlite(file: string, options: BetterSqlite3.Options = {}): Database {
  let Database: DatabaseConstructor;
  try {
    Database = sqliteConstructor();
  } catch (e) {
    throw nativeLoadError(e);
  }
  try {
    // better-sqlite3 takes the loaded addon object as nativeBinding (lib/database.js); its types say string.
    return new Database(
      file,
      binding && options.nativeBinding === undefined
        ? { ...options, nativeBinding: binding as unknown as string }
        : options,
    );
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/NODE_MODULE_VERSION|invalid ELF|Could not locate the bindings file|was compiled against|\.node/.test(msg)) {
      throw nativeLoadError(e);
    }
    throw e;
  }
}

function nativeLoadError(e: unknown): W2sError {
  const msg = e instanceof Error ? e.message : String(e);
  const built = /using NODE_MODULE_VERSION (\d+)/.exec(msg)?.[1];
  return new W2sError(
    `W2S Studio cannot load its SQLite module (better-sqlite3) in this runtime: ${runtimeDescription()}` +
      (built ? `; the installed binary was built for NODE_MODULE_VERSION ${built}` : '') +
      `. Install the W2S Studio build for this platform and VS Code version, or rebuild the module for ` +
      `this runtime (in a checkout: \`npm rebuild better-sqlite3\` for Node, or ` +
      `\`npx prebuild-install --runtime electron --target <Electron version>\` inside node_modules/better-sqlite3 ` +
      `for desktop VS Code). Original error: ${msg}`,
    'NATIVE_MODULE',
  );
}
