// What the .vsix carries besides the bundles: the README as the Marketplace / Extensions-view page, the
// changelog as its Changelog tab, the licence — and none of the contributor documentation. Decided by
// .vscodeignore and by vsce's own processors (@vscode/vsce 3.9 `collect`, which scripts/package-vsix.mjs
// runs through `vsce package`), asked here directly so no build is needed: the project's package.json,
// .vscodeignore and documents are copied into a temporary folder with an empty stand-in for the bundle
// that `main` names (vsce refuses a package whose entry point is missing; its content is not in question).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, tempDir } from '../../support/tmp';

interface VsceFile {
  path: string;
  localPath?: string;
  contents?: string | Buffer;
}
interface VscePackage {
  readManifest(cwd: string): Promise<{ main: string }>;
  collect(
    manifest: object,
    options: { cwd: string; dependencies: boolean; rewriteRelativeLinks: boolean },
  ): Promise<VsceFile[]>;
}
const vsce = createRequire(__filename)('@vscode/vsce/out/package.js') as VscePackage;

const COPIED = ['package.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'CONTRIBUTING.md', 'docs'];

async function packagedFiles(): Promise<VsceFile[]> {
  const dir = tempDir('w2s-vsix-');
  for (const name of COPIED) {
    // A document that is missing is left missing: the assertions below say what the package then lacks.
    if (fs.existsSync(path.join(REPO_ROOT, name)))
      fs.cpSync(path.join(REPO_ROOT, name), path.join(dir, name), { recursive: true });
  }
  const manifest = await vsce.readManifest(dir);
  fs.mkdirSync(path.dirname(path.join(dir, manifest.main)), { recursive: true });
  fs.writeFileSync(path.join(dir, manifest.main), '');
  // As scripts/package-vsix.mjs packages: --no-rewrite-relative-links (dependencies are left out here:
  // the runtime files of better-sqlite3 are not what this test is about).
  return vsce.collect(manifest, { cwd: dir, dependencies: false, rewriteRelativeLinks: false });
}

function text(file: VsceFile | undefined): string {
  assert.ok(file, 'file in the package');
  if (file.contents !== undefined) return file.contents.toString();
  assert.ok(file.localPath);
  return fs.readFileSync(file.localPath, 'utf8');
}

test('the .vsix carries README, CHANGELOG and LICENSE as the page, changelog and licence VS Code shows', async () => {
  const files = await packagedFiles();
  const manifest = text(files.find((f) => f.path === 'extension.vsixmanifest'));
  const asset = (type: string): string | undefined =>
    new RegExp(`<Asset Type="Microsoft\\.VisualStudio\\.Services\\.Content\\.${type}" Path="([^"]+)"`).exec(
      manifest,
    )?.[1];
  const byPath = (p: string | undefined): VsceFile | undefined => files.find((f) => f.path === p);
  assert.equal(
    text(byPath(asset('Details'))),
    fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'),
    'the README, unchanged',
  );
  assert.ok(asset('Changelog'), `no Changelog asset in extension.vsixmanifest:\n${manifest}`);
  assert.equal(
    text(byPath(asset('Changelog'))),
    fs.readFileSync(path.join(REPO_ROOT, 'CHANGELOG.md'), 'utf8'),
    'the changelog, unchanged',
  );
  assert.equal(text(byPath(asset('License'))), fs.readFileSync(path.join(REPO_ROOT, 'LICENSE'), 'utf8'), 'the licence');
});

test('contributor documentation stays out of the .vsix', async () => {
  const shipped = (await packagedFiles()).map((f) => f.path);
  const leaked = shipped.filter((p) => p.startsWith('extension/docs/') || /^extension\/contributing\.md$/i.test(p));
  assert.deepEqual(leaked, []);
});

test('every file .vscodeignore names on its own (no wildcard) exists, so none is silently missing from the package', () => {
  const named = fs
    .readFileSync(path.join(REPO_ROOT, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!') && !/[*?[{]/.test(line))
    .map((line) => line.slice(1));
  assert.ok(
    named.includes('CHANGELOG.md') && named.includes('README.md') && named.includes('LICENSE'),
    `named: ${named.join(', ')}`,
  );
  const missing = named.filter((p) => !fs.existsSync(path.join(REPO_ROOT, p)));
  assert.deepEqual(missing, [], '.vscodeignore includes files that do not exist');
});
