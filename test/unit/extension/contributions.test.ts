// package.json's contributions against what the extension code registers and reads, both ways: a command
// contributed but never registered shows in the palette and fails ("command not found"); one registered
// but not contributed is invisible; a setting whose default differs between package.json and the code
// behaves one way in the Settings editor and another at run time.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { COMMANDS, SETTINGS } from '../../../src/extension/ui/contributions';

const ROOT = path.resolve(__dirname, '../../..');
const EXT = path.join(ROOT, 'src/extension');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: {
    commands: { command: string }[];
    configuration: { properties: Record<string, { default?: unknown }> };
  };
};

function sources(dir: string): { file: string; text: string }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [{ file: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8') }] : [];
  });
}
const files = sources(EXT);
const sorted = (xs: Iterable<string>) => [...xs].sort();

test('the command table is exactly the commands package.json contributes', () => {
  assert.deepEqual(sorted(Object.values(COMMANDS)), sorted(pkg.contributes.commands.map((c) => c.command)));
});

test('every contributed command is registered once, through the typed registerCommand, and nothing else is', () => {
  const registered: string[] = [];
  for (const { file, text } of files) {
    // the one place that calls VS Code's own registerCommand is the typed wrapper
    if (file === path.join('src', 'extension', 'ui', 'commands.ts')) continue;
    for (const m of text.matchAll(/\bregisterCommand\(\s*'([^']+)'/g)) registered.push(m[1]!);
    assert.doesNotMatch(text, /commands\.registerCommand\(/, `${file} registers a command around the typed table`);
    assert.doesNotMatch(
      text,
      /\bregisterCommand\(\s*[^'\s]/,
      `${file}: registerCommand with an id that is not a literal from the table cannot be checked`,
    );
  }
  const dup = registered.filter((id, i) => registered.indexOf(id) !== i);
  assert.deepEqual(dup, [], 'registered twice');
  assert.deepEqual(sorted(registered), sorted(pkg.contributes.commands.map((c) => c.command)));
});

test('the settings table is exactly contributes.configuration, with the same defaults', () => {
  const declared = pkg.contributes.configuration.properties;
  assert.deepEqual(sorted(Object.keys(SETTINGS).map((k) => `w2s.${k}`)), sorted(Object.keys(declared)));
  for (const [key, value] of Object.entries(SETTINGS))
    assert.deepEqual(value, declared[`w2s.${key}`]!.default, `default of w2s.${key}`);
});

test('settings are read only through ui/settings.ts', () => {
  for (const { file, text } of files) {
    if (file === path.join('src', 'extension', 'ui', 'settings.ts')) continue;
    assert.doesNotMatch(text, /getConfiguration\(\s*'w2s/, `${file} reads a w2s setting by string`);
  }
});

test('every webview panel type activates the extension to be restored after a reload', () => {
  const viewTypes = files.flatMap(({ text }) => [...text.matchAll(/viewType: '(w2s\.[\w.]+)'/g)].map((m) => m[1]!));
  assert.deepEqual(sorted(viewTypes), ['w2s.job', 'w2s.problemSet', 'w2s.results', 'w2s.trace']);
  for (const t of viewTypes) assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${t}`), `onWebviewPanel:${t}`);
});
