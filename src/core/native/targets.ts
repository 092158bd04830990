import * as fs from 'node:fs';

/**
 * The platforms W2S Studio is packaged for, named as `vsce package --target` and the Marketplace name
 * them (https://code.visualstudio.com/api/working-with-extensions/publishing-extension#platformspecific-extensions),
 * with what Node calls the same platform (process.platform / process.arch) and, on Linux, the C
 * library that better-sqlite3's prebuilds are split by (`linux` for glibc, `linuxmusl` for musl).
 */
export type Libc = 'glibc' | 'musl';

export interface TargetPlatform {
  readonly target: VsceTarget;
  readonly platform: 'linux' | 'darwin' | 'win32';
  readonly arch: 'x64' | 'arm64';
  /** Linux only. */
  readonly libc?: Libc;
  /**
   * Whether desktop VS Code (Electron) exists for it. Alpine has no desktop VS Code: its targets are
   * for the VS Code Server in Remote-SSH / containers, which runs extensions on plain Node.
   */
  readonly desktop: boolean;
}

export const VSCE_TARGETS = [
  'linux-x64',
  'linux-arm64',
  'alpine-x64',
  'darwin-x64',
  'darwin-arm64',
  'win32-x64',
  'win32-arm64',
] as const;
export type VsceTarget = (typeof VSCE_TARGETS)[number];

const TABLE: Record<VsceTarget, Omit<TargetPlatform, 'target'>> = {
  'linux-x64': { platform: 'linux', arch: 'x64', libc: 'glibc', desktop: true },
  'linux-arm64': { platform: 'linux', arch: 'arm64', libc: 'glibc', desktop: true },
  'alpine-x64': { platform: 'linux', arch: 'x64', libc: 'musl', desktop: false },
  'darwin-x64': { platform: 'darwin', arch: 'x64', desktop: true },
  'darwin-arm64': { platform: 'darwin', arch: 'arm64', desktop: true },
  'win32-x64': { platform: 'win32', arch: 'x64', desktop: true },
  'win32-arm64': { platform: 'win32', arch: 'arm64', desktop: true },
};

export function isVsceTarget(s: string): s is VsceTarget {
  return (VSCE_TARGETS as readonly string[]).includes(s);
}

export function targetPlatform(target: VsceTarget): TargetPlatform {
  return { target, ...TABLE[target] };
}

/** The target a machine needs, or undefined for a platform W2S Studio is not packaged for. */
export function targetFor(platform: string, arch: string, libc?: Libc): VsceTarget | undefined {
  return VSCE_TARGETS.find((t) => {
    const p = TABLE[t];
    return p.platform === platform && p.arch === arch && (platform !== 'linux' || p.libc === (libc ?? 'glibc'));
  });
}

let libc: Libc | undefined;

/**
 * The C library of this Linux process. ldd names its C library (the way detect-libc reads it), which
 * costs one small file read; the process report (glibc reports its version there, musl does not) is
 * the fallback, as it takes tens of milliseconds.
 */
export function currentLibc(): Libc | undefined {
  if (process.platform !== 'linux') return undefined;
  if (libc) return libc;
  let ldd = '';
  try {
    ldd = fs.readFileSync('/usr/bin/ldd', 'latin1');
  } catch {
    // not there: ask the process report
  }
  if (/musl/i.test(ldd)) libc = 'musl';
  else if (/GLIBC|GNU C Library/.test(ldd)) libc = 'glibc';
  else {
    // excludeNetwork (Node ≥ 20.13, missing from @types/node 20) skips the slow part of the report.
    (process.report as { excludeNetwork?: boolean }).excludeNetwork = true;
    const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
    libc = header?.glibcVersionRuntime ? 'glibc' : 'musl';
  }
  return libc;
}

/** What this process would need, named for people: "linux-x64", "darwin-arm64", or the raw pair. */
export function currentTargetName(): string {
  return targetFor(process.platform, process.arch, currentLibc()) ?? `${process.platform}-${process.arch}`;
}
