// Every command, view and setting id in package.json is declared in server/src/protocol (as a value of
// an exported `…Commands` / `…Views` / `…Settings` object), and every declared id is in package.json.
// New protocol files are picked up through the barrel: nothing to register here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as protocol from '../../server/src/protocol';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands?: { command: string }[];
    views?: Record<string, { id: string }[]>;
    configuration?: { properties?: Record<string, unknown> } | { properties?: Record<string, unknown> }[];
  };
};

type Kind = 'Commands' | 'Views' | 'Settings';

/** The ids of every exported `<Area><kind>` object of the protocol barrel, with the object that declares each. */
function declared(kind: Kind): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [name, value] of Object.entries(protocol)) {
    if (!name.endsWith(kind) || typeof value !== 'object' || value === null) continue;
    for (const id of Object.values(value)) {
      assert.equal(typeof id, 'string', `${name}: ids are strings`);
      assert.ok(!ids.has(id as string), `${id} is declared twice (${ids.get(id as string)} and ${name})`);
      ids.set(id as string, name);
    }
  }
  return ids;
}

function contributed(kind: Kind): Set<string> {
  const c = pkg.contributes;
  if (kind === 'Commands') return new Set((c.commands ?? []).map((x) => x.command));
  if (kind === 'Views') return new Set(Object.values(c.views ?? {}).flatMap((list) => list.map((v) => v.id)));
  const sections = Array.isArray(c.configuration) ? c.configuration : c.configuration ? [c.configuration] : [];
  return new Set(sections.flatMap((s) => Object.keys(s.properties ?? {})));
}

for (const kind of ['Commands', 'Views', 'Settings'] as const) {
  test(`every ${kind.toLowerCase().slice(0, -1)} id in package.json is declared in protocol/, and the other way round`, () => {
    const ids = declared(kind);
    const inPackage = contributed(kind);
    assert.ok(inPackage.size > 0, `package.json contributes ${kind.toLowerCase()}`);
    const undeclared = [...inPackage].filter((id) => !ids.has(id));
    const notContributed = [...ids].filter(([id]) => !inPackage.has(id)).map(([id, where]) => `${id} (${where})`);
    assert.deepEqual(undeclared, [], `in package.json but not declared in any protocol *${kind} object`);
    assert.deepEqual(notContributed, [], 'declared in protocol/ but not in package.json');
  });
}
