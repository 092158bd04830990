import * as fs from 'node:fs';
import type { Libc } from './targets';

/**
 * What a native module (.node) file was built for, read from its bytes without loading it: the object
 * format gives the platform and CPU, and the ABI comes from the entry point that node.h's
 * NODE_MODULE_INIT names after the NODE_MODULE_VERSION it was compiled against
 * (`node_register_module_v<N>`, also Electron's). better-sqlite3 registers that way.
 */
export interface BinaryInfo {
  readonly format: 'elf' | 'mach-o' | 'pe' | 'unknown';
  readonly platform?: 'linux' | 'darwin' | 'win32';
  /** For a universal Mach-O file, every architecture it holds. */
  readonly arch?: string[];
  /** ELF only: which C library it links against. */
  readonly libc?: Libc;
  /** The NODE_MODULE_VERSION it was compiled for, when it names one. */
  readonly abi?: number;
}

const ELF_MACHINES: Record<number, string> = { 0x03: 'ia32', 0x28: 'arm', 0x3e: 'x64', 0xb7: 'arm64' };
const MACHO_CPUS: Record<number, string> = { 0x07: 'ia32', 0x01000007: 'x64', 0x0c: 'arm', 0x0100000c: 'arm64' };
const PE_MACHINES: Record<number, string> = { 0x14c: 'ia32', 0x8664: 'x64', 0xaa64: 'arm64', 0x1c4: 'arm' };

export function inspectNativeBinary(fileOrBytes: string | Buffer): BinaryInfo {
  const b = typeof fileOrBytes === 'string' ? fs.readFileSync(fileOrBytes) : fileOrBytes;
  const abiMatch = /node_register_module_v(\d+)/.exec(b.toString('latin1'));
  const abi = abiMatch ? Number(abiMatch[1]) : undefined;
  if (b.length >= 20 && b.readUInt32BE(0) === 0x7f454c46) {
    const le = b[5] === 1;
    const machine = le ? b.readUInt16LE(18) : b.readUInt16BE(18);
    const text = b.toString('latin1');
    const libc: Libc | undefined = /ld-musl-|libc\.musl-/.test(text)
      ? 'musl'
      : /libc\.so\.6/.test(text)
        ? 'glibc'
        : undefined;
    return {
      format: 'elf',
      platform: 'linux',
      arch: [ELF_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`],
      libc,
      abi,
    };
  }
  if (b.length >= 8 && (b.readUInt32LE(0) === 0xfeedfacf || b.readUInt32LE(0) === 0xfeedface)) {
    const cpu = b.readInt32LE(4);
    return { format: 'mach-o', platform: 'darwin', arch: [MACHO_CPUS[cpu] ?? `cpu 0x${cpu.toString(16)}`], abi };
  }
  if (b.length >= 8 && b.readUInt32BE(0) === 0xcafebabe) {
    // Universal binary: big-endian header, then one 20-byte fat_arch per architecture.
    const n = b.readUInt32BE(4);
    const arch: string[] = [];
    for (let i = 0; i < n && 8 + i * 20 + 4 <= b.length; i++) {
      const cpu = b.readInt32BE(8 + i * 20);
      arch.push(MACHO_CPUS[cpu] ?? `cpu 0x${cpu.toString(16)}`);
    }
    return { format: 'mach-o', platform: 'darwin', arch, abi };
  }
  if (b.length >= 0x40 && b.toString('latin1', 0, 2) === 'MZ') {
    const pe = b.readUInt32LE(0x3c);
    if (pe + 6 <= b.length && b.toString('latin1', pe, pe + 4) === 'PE\0\0') {
      const machine = b.readUInt16LE(pe + 4);
      return {
        format: 'pe',
        platform: 'win32',
        arch: [PE_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`],
        abi,
      };
    }
  }
  return { format: 'unknown', abi };
}

/** "ELF linux-x64 (glibc), NODE_MODULE_VERSION 115" — for logs and errors. */
export function describeBinary(info: BinaryInfo): string {
  if (info.format === 'unknown')
    return `not a native module${info.abi ? ` (names NODE_MODULE_VERSION ${info.abi})` : ''}`;
  const where = `${info.format.toUpperCase()} ${info.platform}-${(info.arch ?? []).join('+')}${info.libc ? ` (${info.libc})` : ''}`;
  return `${where}, ${info.abi ? `NODE_MODULE_VERSION ${info.abi}` : 'no NODE_MODULE_VERSION found'}`;
}
