/**
 * The endpoint profiles (`w2s.endpoints`) a terminal can read: VS Code keeps user settings where the CLI
 * cannot know them, so only a workspace's `.vscode/settings.json` counts, the nearest one at or above the
 * experiment's folder that sets `w2s.endpoints`. The file is JSON with comments and trailing commas, as VS
 * Code writes and reads it (jsonc-parser is VS Code's own parser for it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
// its ES module build: the package's main is a UMD wrapper whose require()s esbuild cannot follow
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import { W2sError } from '../core/errors';
import { parseEndpointProfiles, type EndpointProfile } from '../core/sampling/endpoint';

export interface WorkspaceEndpoints {
  /** the settings file the profiles come from; null when none at or above the folder sets `w2s.endpoints` */
  readonly file: string | null;
  /** every `.vscode/settings.json` read on the way up */
  readonly looked: readonly string[];
  readonly profiles: readonly EndpointProfile[];
}

function readSettings(file: string): Record<string, unknown> {
  const text = fs.readFileSync(file, 'utf8');
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  const bad = errors[0];
  if (bad) {
    const before = text.slice(0, bad.offset).split('\n');
    throw new W2sError(
      `${file}:${before.length}:${before.at(-1)!.length + 1}: not valid settings JSON (${printParseErrorCode(bad.error)}).`,
      'BAD_SETTING',
    );
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The `w2s.endpoints` of the nearest `.vscode/settings.json` at or above `dir` that sets it. */
export function workspaceEndpoints(dir: string): WorkspaceEndpoints {
  const looked: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const file = path.join(d, '.vscode', 'settings.json');
    if (fs.existsSync(file)) {
      looked.push(file);
      const settings = readSettings(file);
      if ('w2s.endpoints' in settings) {
        try {
          return { file, looked, profiles: parseEndpointProfiles(settings['w2s.endpoints']) };
        } catch (e) {
          throw new W2sError(`${file}: ${(e as Error).message}`, 'BAD_SETTING');
        }
      }
    }
    if (path.dirname(d) === d) return { file: null, looked, profiles: [] };
  }
}
