// The command and view ids the client uses (protocol/trees.ts) are the ones package.json contributes,
// so no menu entry points at a command that does not exist and no command is missing from the manifest.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TreeCommands, TreeViews } from '../../server/src/protocol/trees';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

test('every TreeCommands id is a contributed command with the Comfy Models category', () => {
  const commands = new Map<string, { category?: string }>(pkg.contributes.commands.map((c: { command: string }) => [c.command, c]));
  for (const id of Object.values(TreeCommands)) assert.equal(commands.get(id)?.category, 'Comfy Models', id);
});

test('every TreeViews id is a contributed view, and every command in a menu is contributed', () => {
  const views = new Set(Object.values(pkg.contributes.views).flat().map((v) => (v as { id: string }).id));
  for (const id of Object.values(TreeViews)) assert.ok(views.has(id), id);
  const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
    for (const item of items as { command: string }[]) assert.ok(commands.has(item.command), `${menu}: ${item.command}`);
  }
});
