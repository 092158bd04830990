import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The layer rules of docs/ARCHITECTURE.md, read off the import graph of the source tree:
 *   src/core      never reaches src/extension, src/cli, webview/ or `vscode`;
 *   src/cli       never reaches src/extension or `vscode`;
 *   src/model     imports nothing at all (types and constant tables: the one home of shared shapes);
 *   src/protocol  imports nothing outside itself (not even a package) but types from src/model (`import type`);
 *   webview/      reaches only src/protocol, its own files and types from src/model (`import type`)
 *                 (packages are fine, never Node or `vscode`).
 * "Reaches" is transitive: a core file that imports a core file that imports `vscode` breaks the rule.
 */
export interface Violation {
  readonly file: string;
  readonly reaches: string;
  readonly via: string[];
  readonly rule: string;
}

const EXTS = ['.ts', '.mts', '.cts', '.tsx'];
const SPEC =
  /(?:^|[\s;{}])(?:import|export)\s(type\s)?[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*['"]([^'"]+)['"]|(?:^|[^\w.])(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Imports of a source text (static, dynamic, require, re-exports, side-effect imports); `import type` / `export type … from` are type-only. */
export function importsOf(text: string): { spec: string; typeOnly: boolean }[] {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  return [...withoutComments.matchAll(SPEC)].map((m) => ({
    spec: m[2] ?? m[3] ?? m[4]!,
    typeOnly: m[1] !== undefined,
  }));
}

/** Import specifiers of a source text. */
export function importSpecifiers(text: string): string[] {
  return importsOf(text).map((i) => i.spec);
}

function resolve(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [base, ...EXTS.map((e) => base + e), ...EXTS.map((e) => path.join(base, `index${e}`))]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (EXTS.some((x) => e.name.endsWith(x)) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

type Node = { file: string; edges: { target: string; external: boolean; typeOnly: boolean }[] };

/** Every file under src/ and webview/ with what it imports (project files resolved, packages by name). */
export function importGraph(root: string): Map<string, Node> {
  const graph = new Map<string, Node>();
  for (const file of [...sourceFiles(path.join(root, 'src')), ...sourceFiles(path.join(root, 'webview'))]) {
    const edges: Node['edges'] = [];
    for (const { spec, typeOnly } of importsOf(fs.readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = resolve(file, spec);
        if (target) edges.push({ target, external: false, typeOnly });
        else if (!/\.(css|json|svg)$/.test(spec))
          edges.push({ target: `unresolved:${spec}`, external: true, typeOnly });
      } else edges.push({ target: spec, external: true, typeOnly });
    }
    graph.set(file, { file, edges });
  }
  return graph;
}

export function checkLayers(root: string): Violation[] {
  const graph = importGraph(root);
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');
  const inDir = (f: string, d: string) => rel(f) === d || rel(f).startsWith(`${d}/`);
  const isNodeBuiltin = (spec: string) => spec.startsWith('node:');
  const rules: {
    layer: string;
    rule: string;
    forbidden: (target: string, external: boolean, typeOnly: boolean) => boolean;
  }[] = [
    {
      layer: 'src/model',
      rule: 'src/model imports nothing outside itself',
      forbidden: (t, ext) => ext || !inDir(t, 'src/model'),
    },
    {
      layer: 'src/core',
      rule: 'src/core never reaches src/extension, src/cli, webview/ or vscode',
      forbidden: (t, ext) =>
        ext ? t === 'vscode' : inDir(t, 'src/extension') || inDir(t, 'src/cli') || inDir(t, 'webview'),
    },
    {
      layer: 'src/cli',
      rule: 'src/cli never reaches src/extension or vscode',
      forbidden: (t, ext) => (ext ? t === 'vscode' : inDir(t, 'src/extension') || inDir(t, 'webview')),
    },
    {
      layer: 'src/protocol',
      rule: 'src/protocol imports nothing outside itself but types from src/model',
      forbidden: (t, ext, typeOnly) => ext || !(inDir(t, 'src/protocol') || (typeOnly && inDir(t, 'src/model'))),
    },
    {
      layer: 'webview',
      rule: 'webview/ reaches only src/protocol, its own files and types from src/model',
      forbidden: (t, ext, typeOnly) =>
        ext
          ? t === 'vscode' || isNodeBuiltin(t) || t.startsWith('unresolved:')
          : !(inDir(t, 'webview') || inDir(t, 'src/protocol') || (typeOnly && inDir(t, 'src/model'))),
    },
  ];
  const violations: Violation[] = [];
  for (const [file] of graph) {
    const rule = rules.find((r) => inDir(file, r.layer));
    if (!rule) continue;
    // breadth-first over project files, remembering the path for the message
    const seen = new Map<string, string[]>([[file, []]]);
    const queue = [file];
    while (queue.length) {
      const f = queue.shift()!;
      for (const e of graph.get(f)?.edges ?? []) {
        const via = [...seen.get(f)!, ...(f === file ? [] : [rel(f)])];
        if (rule.forbidden(e.target, e.external, e.typeOnly)) {
          violations.push({ file: rel(file), reaches: e.external ? e.target : rel(e.target), via, rule: rule.rule });
          continue;
        }
        if (!e.external && !seen.has(e.target) && graph.has(e.target)) {
          seen.set(e.target, via);
          queue.push(e.target);
        }
      }
    }
  }
  return violations;
}
