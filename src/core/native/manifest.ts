import * as fs from 'node:fs';
import * as path from 'node:path';
import { W2sError } from '../errors';
import { isVsceTarget, type VsceTarget } from './targets';

/**
 * A per-target package carries one better-sqlite3 build per runtime it may run on (desktop VS Code's
 * Electron, the plain Node of VS Code Server and code-server) in `native/`, listed in
 * `native/manifest.json`. The extension picks the build whose ABI is the running one's. A package
 * without this folder (`npm run package` with no target, a checkout) uses node_modules' own build.
 */
export const NATIVE_DIR = 'native';
export const MANIFEST_FILE = 'manifest.json';

export interface NativeBuild {
  /** File name inside native/. */
  readonly file: string;
  readonly runtime: 'electron' | 'node';
  /** The Electron or Node version it was fetched for (any version with the same ABI loads it). */
  readonly version: string;
  /** Its NODE_MODULE_VERSION, checked against the binary when the package was made. */
  readonly abi: number;
  /** Who runs this runtime, for people: "VS Code 1.100", "VS Code Server, code-server (Node 20)". */
  readonly usedBy: string;
}

export interface NativeManifest {
  readonly module: string;
  readonly moduleVersion: string;
  readonly target: VsceTarget;
  readonly builds: readonly NativeBuild[];
}

/** The manifest under `root/native/`, or undefined when the package has none. */
export function readNativeManifest(root: string): NativeManifest | undefined {
  const file = path.join(root, NATIVE_DIR, MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new W2sError(`${file} is not valid JSON (${(e as Error).message}): reinstall W2S Studio.`, 'NATIVE_MODULE');
  }
  const ok =
    typeof m === 'object' &&
    m !== null &&
    typeof (m as NativeManifest).moduleVersion === 'string' &&
    typeof (m as NativeManifest).target === 'string' &&
    isVsceTarget((m as NativeManifest).target) &&
    Array.isArray((m as NativeManifest).builds) &&
    (m as NativeManifest).builds.every(
      (b) =>
        typeof b?.file === 'string' && (b.runtime === 'electron' || b.runtime === 'node') && Number.isInteger(b.abi),
    );
  if (!ok)
    throw new W2sError(
      `${file} does not describe the packaged SQLite builds (target, builds[].file/runtime/abi): reinstall W2S Studio.`,
      'NATIVE_MODULE',
    );
  return m as NativeManifest;
}

/** "Electron 34.5.1" / "Node 20.0.0". */
export function runtimeLabel(b: Pick<NativeBuild, 'runtime' | 'version'>): string {
  return `${b.runtime === 'electron' ? 'Electron' : 'Node'} ${b.version}`;
}
