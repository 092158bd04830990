import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { WORKER_ENTRIES } from '../../src/core/workers/start-worker';
import { checkLayers, importSpecifiers, importsOf } from '../support/layers';
import { tempDir } from '../support/tmp';

const ROOT = path.resolve(__dirname, '../..');

test('the source tree keeps the layer rules (core, cli, protocol, webview)', () => {
  const violations = checkLayers(ROOT);
  assert.deepEqual(
    violations.map(
      (v) => `${v.file} reaches ${v.reaches}${v.via.length ? ` via ${v.via.join(' → ')}` : ''} (${v.rule})`,
    ),
    [],
  );
});

test('the layer check catches each kind of violation, also through another file', () => {
  const root = tempDir('layers');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  write('src/core/a.ts', "import { b } from './b';\nexport const a = b;\n");
  write('src/core/b.ts', "import * as vscode from 'vscode';\nexport const b = vscode;\n");
  write('src/core/c.ts', "export { x } from '../extension/x';\n");
  write(
    'src/core/ok.ts',
    "import * as fs from 'node:fs';\n// import 'vscode' in a comment is not an import\nexport const ok = fs;\n",
  );
  write('src/extension/x.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n");
  write('src/cli/main.ts', "const m = require('../extension/x');\nexport default m;\n");
  write('src/protocol/p.ts', "import { z } from 'zod';\nexport const p = z;\n");
  write('webview/app/main.ts', "import { a } from '../../src/core/a';\nimport './styles.css';\nexport const w = a;\n");
  write('webview/app/styles.css', 'body {}\n');
  // src/model: types and constants only, imported by protocol and webview with `import type`
  write('src/model/m.ts', "export const M = ['a'] as const;\nexport type MT = (typeof M)[number];\n");
  write('src/model/bad.ts', "import { a } from '../core/a';\nexport const bad = a;\n");
  write(
    'src/protocol/typed.ts',
    "import type { MT } from '../model/m';\nexport type { MT as T2 } from '../model/m';\nexport type P = MT;\n",
  );
  write('src/protocol/value.ts', "import { M } from '../model/m';\nexport const v = M;\n");
  write('webview/app/typed.ts', "import type { MT } from '../../src/model/m';\nexport type W = MT;\n");
  write('webview/app/value.ts', "import { M } from '../../src/model/m';\nexport const w = M;\n");
  const found = checkLayers(root)
    .map((v) => `${v.file} -> ${v.reaches}`)
    .sort();
  assert.deepEqual(found, [
    'src/cli/main.ts -> src/extension/x.ts',
    'src/core/a.ts -> vscode', // through b.ts
    'src/core/b.ts -> vscode',
    'src/core/c.ts -> src/extension/x.ts',
    'src/model/bad.ts -> src/core/a.ts',
    'src/protocol/p.ts -> zod',
    'src/protocol/value.ts -> src/model/m.ts',
    'webview/app/main.ts -> src/core/a.ts',
    'webview/app/value.ts -> src/model/m.ts',
  ]);
});

test('type-only imports and re-exports are told apart from value imports', () => {
  const text = [
    "import type { A } from './a';",
    "import { b } from './b';",
    "export type { C } from './c';",
    "export { d } from './d';",
    "import { type E } from './e';",
  ].join('\n');
  assert.deepEqual(importsOf(text), [
    { spec: './a', typeOnly: true },
    { spec: './b', typeOnly: false },
    { spec: './c', typeOnly: true },
    { spec: './d', typeOnly: false },
    // an inline `type` keeps the import statement itself (it may have side effects): not type-only
    { spec: './e', typeOnly: false },
  ]);
});

test('import specifiers: static, type-only, re-export, side effect, dynamic and require', () => {
  const text = [
    "import a from 'a';",
    "import type { B } from './b';",
    "import {\n  c,\n  d,\n} from '../c';",
    "export * from './e';",
    "import './f.css';",
    "const g = await import('./g');",
    "const h = require('h');",
    "// import nope from 'commented';",
    "/* import nope2 from 'block'; */",
    'const s = \'import x from "in-a-string"\';',
  ].join('\n');
  assert.deepEqual(importSpecifiers(text), ['a', './b', '../c', './e', './f.css', './g', 'h']);
});

test('every worker entry is a real module in core that esbuild builds', () => {
  const entries = Object.values(WORKER_ENTRIES);
  assert.ok(entries.length >= 2);
  for (const e of entries) {
    assert.ok(fs.existsSync(path.join(ROOT, e.source)), `${e.source} exists`);
    assert.match(e.source, /^src\/core\//);
  }
  // esbuild.mjs reads the same list from the module's text: both must see every entry.
  const text = fs.readFileSync(path.join(ROOT, 'src/core/workers/start-worker.ts'), 'utf8');
  const seenByBundler = [...text.matchAll(/bundle: '([\w-]+)\.js', source: '([\w/.-]+)'/g)].map(
    (m) => `${m[1]}.js ${m[2]}`,
  );
  assert.deepEqual(seenByBundler.sort(), entries.map((e) => `${e.bundle} ${e.source}`).sort());
  assert.match(fs.readFileSync(path.join(ROOT, 'esbuild.mjs'), 'utf8'), /src\/core\/workers\/start-worker\.ts/);
});
