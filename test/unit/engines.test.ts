// This project runs on Node 20 (code-server 4.100.3 and VS Code 1.100's extension host): a dependency
// that needs a newer Node (KaTeX after 0.18.4 pulls in commander@15, for Node 22) installs with a
// warning and then fails at run time. Every locked package's `engines.node` must accept this Node.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import semver from 'semver';
import { REPO_ROOT } from '../support/tmp';

test('every package in package-lock.json accepts the Node that runs the project', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }>;
  };
  const refused: string[] = [];
  for (const [where, p] of Object.entries(lock.packages)) {
    const range = !Array.isArray(p.engines) ? p.engines?.node : undefined;
    if (!where || !range || p.optional) continue;
    if (!semver.satisfies(process.versions.node, range, { includePrerelease: true }))
      refused.push(`${where}@${p.version}: node ${range}`);
  }
  assert.deepEqual(refused, [], `these need another Node than ${process.versions.node}`);
});
