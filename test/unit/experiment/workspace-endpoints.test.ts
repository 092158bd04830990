// The CLI's endpoint profiles: the nearest .vscode/settings.json at or above the experiment that sets
// w2s.endpoints, read as VS Code reads it (comments, trailing commas), every mistake named with its file.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { workspaceEndpoints } from '../../../src/cli/workspace-endpoints';
import { tempDir, writeFile } from '../../support/tmp';

describe("the CLI's endpoint profiles", () => {
  it('come from the nearest settings file that sets w2s.endpoints, read as JSON with comments', () => {
    const ws = tempDir('w2s-ws-endpoints-');
    const outer = writeFile(
      ws,
      '.vscode/settings.json',
      '{\n  /* profiles */\n  "w2s.endpoints": [{ "name": "a", "baseUrl": "http://127.0.0.1:8000", "extraBody": { "top_k": 20 } },],\n}\n',
    );
    // a nested folder whose own settings say nothing of endpoints
    const inner = writeFile(ws, 'sub/.vscode/settings.json', '{ "editor.tabSize": 2 }');
    const r = workspaceEndpoints(path.join(ws, 'sub', 'exps'));
    assert.equal(r.file, outer);
    assert.deepEqual(r.looked, [inner, outer]);
    assert.deepEqual(r.profiles, [
      { name: 'a', baseUrl: 'http://127.0.0.1:8000/v1', model: undefined, api: undefined, extraBody: { top_k: 20 } },
    ]);
  });

  it('name the settings file, and its line and column, of a mistake', () => {
    const ws = tempDir('w2s-ws-endpoints-');
    const file = writeFile(
      ws,
      '.vscode/settings.json',
      '{\n  "w2s.endpoints": [\n    { "name": "a" "baseUrl": "x" }\n  ]\n}\n',
    );
    assert.throws(() => workspaceEndpoints(ws), { message: `${file}:3:19: not valid settings JSON (CommaExpected).` });
    writeFile(ws, '.vscode/settings.json', '{ "w2s.endpoints": [{ "name": "a" }] }');
    assert.throws(() => workspaceEndpoints(ws), {
      message: `${file}: w2s.endpoints[0].baseUrl is missing (e.g. http://127.0.0.1:8000/v1).`,
    });
  });
});
