// What protocol-ids.test.ts does not check: every command a menu points at is contributed (no button
// that does nothing), and the views' commands carry the "Comfy Models" category the palette groups them
// under.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TreeCommands } from '../../server/src/protocol';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

test('every TreeCommands id is a contributed command with the Comfy Models category', () => {
  const commands = new Map<string, { category?: string }>(pkg.contributes.commands.map((c: { command: string }) => [c.command, c]));
  for (const id of Object.values(TreeCommands)) assert.equal(commands.get(id)?.category, 'Comfy Models', id);
});

test('every command in a menu is contributed', () => {
  const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
    for (const item of items as { command?: string }[]) if (item.command) assert.ok(commands.has(item.command), `${menu}: ${item.command}`);
  }
});
