import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { buildBundle } from '../../../src/core/jobs/bundle';
import { crc32, createZip } from '../../../src/core/jobs/zip';
import { tempDir } from '../../support/tmp';

// Ray unpacks a working_dir with Python's zipfile (runtime_env/packaging.py unzip_package): the
// bundles are read back with that very reader, an implementation independent of ours.
function pythonRead(zip: Buffer): Record<string, string> {
  const dir = tempDir('w2s-zip-');
  const file = path.join(dir, 'b.zip');
  fs.writeFileSync(file, zip);
  const script =
    'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nbad=z.testzip()\nassert bad is None, bad\nprint(json.dumps({n: z.read(n).decode("utf-8") for n in z.namelist()}))';
  const r = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

describe('job bundles (zip)', () => {
  it('CRC-32 matches the standard check value', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  });

  it("Python's zipfile reads back every file, deflated or stored, with UTF-8 names", () => {
    const files = {
      'job.json': '{"base_model": "m"}\n',
      'w2s_runner/__main__.py': 'print("hi")\n'.repeat(200),
      'data/train.jsonl': '{"messages": [{"role": "user", "content": "∫ x² dx — ünïcödé"}]}\n',
      'data/empty.txt': '',
      'données/é.txt': 'x',
    };
    const zip = createZip(Object.entries(files).map(([p, d]) => ({ path: p, data: Buffer.from(d, 'utf8') })));
    assert.deepEqual(pythonRead(zip), files);
  });

  it('the same files give the same bytes and the same Ray package name, whatever their order', () => {
    const a = buildBundle([
      { path: 'b.txt', data: Buffer.from('b') },
      { path: 'a.txt', data: Buffer.from('a') },
    ]);
    const b = buildBundle([
      { path: 'a.txt', data: Buffer.from('a') },
      { path: 'b.txt', data: Buffer.from('b') },
    ]);
    assert.ok(a.zip.equals(b.zip));
    assert.match(a.name, /^_ray_pkg_[0-9a-f]{32}\.zip$/);
    assert.equal(a.uri, `gcs://${a.name}`);
    const c = buildBundle([
      { path: 'a.txt', data: Buffer.from('A') },
      { path: 'b.txt', data: Buffer.from('b') },
    ]);
    assert.notEqual(c.name, a.name);
  });

  it('refuses paths that would escape the working directory', () => {
    for (const bad of ['../x', '/etc/passwd', 'a/../../x', 'a\\b']) {
      assert.throws(() => createZip([{ path: bad, data: Buffer.from('') }]), /bad zip entry path/);
    }
    assert.throws(
      () =>
        createZip([
          { path: 'a', data: Buffer.from('') },
          { path: 'a', data: Buffer.from('') },
        ]),
      /duplicate/,
    );
  });
});
