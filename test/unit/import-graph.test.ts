// The layering of DESIGN.md: server/src/core is pure (no vscode, no LSP package, nothing outside core);
// the client reaches the server only through server/src/protocol. Scans the real source files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Module specifiers of import / export … from / import() / require() in a TypeScript file. */
export function specifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1]);
  return found;
}

const inside = (path: string, folder: string) => path === folder || path.startsWith(folder + sep);

function violations(folder: string, rule: (spec: string, target: string | undefined, file: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const file of sources(join(root, folder))) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const target = spec.startsWith('.') ? resolve(dirname(file), spec) : undefined;
      const why = rule(spec, target, file);
      if (why) out.push(`${relative(root, file)}: '${spec}' — ${why}`);
    }
  }
  return out;
}

test('the specifier scanner sees every form of import', () => {
  const text = [
    "import a from 'a';",
    "import type { B } from 'b';",
    "import * as c from 'c';",
    "import 'd';",
    "export { e } from 'e';",
    "export * from 'f';",
    "const g = require('g');",
    "const h = await import('h');",
    "import {\n  i,\n  type I,\n} from 'i';",
    "// import x from 'commented';",
  ].join('\n');
  assert.deepEqual(specifiers(text).sort(), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
});

test('server/src/core imports no vscode, no LSP package and nothing outside core', () => {
  const core = join(root, 'server', 'src', 'core');
  const bad = violations('server/src/core', (spec, target) => {
    if (spec === 'vscode' || spec.startsWith('vscode-languageserver') || spec.startsWith('vscode-languageclient')) return 'an editor / LSP package';
    if (target && !inside(target, core)) return 'outside core';
    return undefined;
  });
  assert.deepEqual(bad, []);
});

test('the client imports from server/src only the protocol', () => {
  const server = join(root, 'server', 'src');
  const protocol = join(server, 'protocol');
  const bad = violations('client/src', (_spec, target) => (target && inside(target, server) && !inside(target, protocol) ? 'server code other than the protocol' : undefined));
  assert.deepEqual(bad, []);
});

test('server/src/engine and server/src/protocol use no LSP server types', () => {
  const server = join(root, 'server', 'src');
  const bad = [
    ...violations('server/src/engine', (spec, target) =>
      spec === 'vscode' || spec.startsWith('vscode-languageserver')
        ? 'engine is usable by the CLI'
        : target && ['lsp', 'requests', 'cli'].some((layer) => inside(target, join(server, layer)))
          ? 'engine sits below the adapters'
          : undefined,
    ),
    ...violations('server/src/protocol', (spec, target) =>
      spec === 'vscode' || (spec.startsWith('vscode-languageserver') && spec !== 'vscode-languageserver-protocol')
        ? 'the protocol is shared with the client'
        : target && !inside(target, join(root, 'server', 'src', 'protocol')) && !inside(target, join(root, 'server', 'src', 'core'))
          ? 'the protocol depends on itself and core types only'
          : undefined,
    ),
  ];
  assert.deepEqual(bad, []);
});
