import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeBinary, inspectNativeBinary } from '../../../src/core/native/binary-info';
import { HOST_ABI, REAL_BINARY, fakeAddon } from '../../support/native-fakes';
import { tempDir, writeFile } from '../../support/tmp';

describe('reading what a native module was built for', () => {
  it('the real better-sqlite3 build: ELF for this CPU, glibc, and the ABI of the Node that built it', () => {
    const info = inspectNativeBinary(REAL_BINARY);
    assert.equal(info.format, 'elf');
    assert.equal(info.platform, 'linux');
    assert.deepEqual(info.arch, [process.arch]);
    assert.equal(info.libc, 'glibc');
    assert.equal(info.abi, HOST_ABI); // process.versions.modules of the Node running npm install and this test
    assert.match(
      describeBinary(info),
      new RegExp(`^ELF linux-${process.arch} \\(glibc\\), NODE_MODULE_VERSION ${HOST_ABI}$`),
    );
  });

  it('a module compiled against another NODE_MODULE_VERSION reports that one', () => {
    assert.equal(inspectNativeBinary(fakeAddon(132)).abi, 132);
    assert.equal(inspectNativeBinary(fakeAddon(140)).abi, 140);
  });

  it('Mach-O (thin and universal) and PE headers give the platform and CPU', () => {
    // mach-o/loader.h: MH_MAGIC_64 0xfeedfacf, CPU_TYPE_ARM64 0x0100000c; fat header 0xcafebabe (big endian).
    const thin = Buffer.alloc(64);
    thin.writeUInt32LE(0xfeedfacf, 0);
    thin.writeInt32LE(0x0100000c, 4);
    const thinInfo = inspectNativeBinary(Buffer.concat([thin, Buffer.from('_node_register_module_v132\0')]));
    assert.deepEqual(
      [thinInfo.format, thinInfo.platform, thinInfo.arch, thinInfo.abi],
      ['mach-o', 'darwin', ['arm64'], 132],
    );
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(2, 4);
    fat.writeInt32BE(0x01000007, 8);
    fat.writeInt32BE(0x0100000c, 28);
    assert.deepEqual(inspectNativeBinary(fat).arch, ['x64', 'arm64']);
    // PE/COFF: "MZ", e_lfanew at 0x3c, "PE\0\0", Machine 0xaa64 (ARM64).
    const pe = Buffer.alloc(0x100);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    pe.writeUInt16LE(0xaa64, 0x84);
    const peInfo = inspectNativeBinary(pe);
    assert.deepEqual([peInfo.format, peInfo.platform, peInfo.arch, peInfo.abi], ['pe', 'win32', ['arm64'], undefined]);
  });

  it('anything else is not a native module', () => {
    const file = writeFile(tempDir(), 'x.node', 'not a shared object');
    const info = inspectNativeBinary(file);
    assert.equal(info.format, 'unknown');
    assert.equal(describeBinary(info), 'not a native module');
  });
});
