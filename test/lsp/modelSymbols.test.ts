// A model as a symbol over stdio (the bundled server): Find All References on a LoRA used by three
// workflows (a `\` path, API format, inside a subgraph) returns exactly those spans and its manifest
// entry, not a workflow naming another file with the same basename; Rename gives one WorkspaceEdit that
// moves the file and its sidecars and edits exactly those tokens and the manifest; refusals explain.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  PrepareRenameRequest, ReferencesRequest, RenameRequest, ResponseError, type ClientCapabilities, type Location, type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { tempDir } from '../helpers/files';
import { startStdio, VSCODE_CAPABILITIES } from '../helpers/lspHarness';
import { startSession, type Session } from '../helpers/lspSession';
import { makeRenameWorkspace, type RenameWorkspace } from '../helpers/renameWorkspace';
import { applyWorkspaceEditToDisk } from '../helpers/workspaceEdit';

const serverJs = join(__dirname, '..', '..', '..', 'server', 'dist', 'server.js');
const WITH_RENAME: ClientCapabilities = {
  ...VSCODE_CAPABILITIES,
  workspace: { ...VSCODE_CAPABILITIES.workspace, workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] } },
};

async function session(w: RenameWorkspace, capabilities: ClientCapabilities = WITH_RENAME): Promise<Session> {
  const s = await startSession(w.dir, { modelDirectories: [w.models], indexPath: join(w.dir, 'index.sqlite') }, w.ws, (o) => startStdio(serverJs, o), { capabilities });
  await s.nextStatus((st) => st.state === 'idle' && st.locations === 2);
  return s;
}

/** The position of the first `needle` in a file's text (plus `delta`). */
function at(text: string, needle: string, delta = 1) {
  return TextDocument.create('file:///x', 'json', 0, text).positionAt(text.indexOf(needle) + delta);
}

/** Each location as `file: the text it spans`. */
function spans(locations: Location[] | null, texts: Map<string, string>): string[] {
  return (locations ?? [])
    .map((l) => {
      const path = URI.parse(l.uri).fsPath;
      const doc = TextDocument.create(l.uri, 'x', 0, texts.get(path) ?? readFileSync(path, 'utf8'));
      return `${path}: ${doc.getText(l.range)}`;
    })
    .sort();
}

test('references on the LoRA: exactly its three uses (open buffer read, not the disk) and its manifest entry', { timeout: 60_000 }, async () => {
  const w = await makeRenameWorkspace(tempDir('cm-lsp-refs-'));
  const s = await session(w);
  try {
    // The API workflow is open with unsaved text that moves the value: its span must come from the buffer.
    const apiBuffer = '\n\n' + readFileSync(w.workflows.api, 'utf8');
    await s.open(w.workflows.api, apiBuffer);
    const texts = new Map([[w.workflows.api, apiBuffer]]);
    const backslash = readFileSync(w.workflows.backslash, 'utf8');
    const fromWorkflow = await s.h.client.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: s.uri(w.workflows.backslash) }, position: at(backslash, 'styles\\\\old', 3), context: { includeDeclaration: true },
    });
    const expected = [
      `${w.manifest}: "${w.hash}"`,
      `${w.workflows.api}: styles/old.safetensors`,
      `${w.workflows.backslash}: styles\\\\old.safetensors`,
      `${w.workflows.subgraph}: styles/old.safetensors`,
    ].sort();
    assert.deepEqual(spans(fromWorkflow, texts), expected);
    const manifest = readFileSync(w.manifest, 'utf8');
    const fromManifest = await s.h.client.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: s.uri(w.manifest) }, position: at(manifest, w.hash), context: { includeDeclaration: true },
    });
    assert.deepEqual(spans(fromManifest, texts), expected);
    // The other file with the same basename has only its own workflow.
    const same = readFileSync(w.workflows.sameBasename, 'utf8');
    const other = await s.h.client.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: s.uri(w.workflows.sameBasename) }, position: at(same, 'other/old'), context: { includeDeclaration: true },
    });
    assert.deepEqual(spans(other, texts), [`${w.workflows.sameBasename}: other/old.safetensors`]);
  } finally {
    await s.dispose();
  }
});

test('rename of the LoRA: one WorkspaceEdit moves the file and sidecars and edits exactly the three tokens and the manifest', { timeout: 60_000 }, async () => {
  const w = await makeRenameWorkspace(tempDir('cm-lsp-rename-'));
  const s = await session(w);
  try {
    const before = new Map([...Object.values(w.workflows), w.manifest].map((p) => [p, readFileSync(p, 'utf8')]));
    const subgraph = before.get(w.workflows.subgraph)!;
    const position = at(subgraph, 'styles/old');
    const textDocument = { uri: s.uri(w.workflows.subgraph) };
    const prepared = await s.h.client.sendRequest(PrepareRenameRequest.type, { textDocument, position });
    assert.ok(prepared && 'placeholder' in prepared);
    assert.equal(prepared.placeholder, 'styles/old.safetensors');

    const edit = (await s.h.client.sendRequest(RenameRequest.type, { textDocument, position, newName: 'styles/new.safetensors' })) as WorkspaceEdit;
    const renames = (edit.documentChanges ?? []).filter((c) => 'kind' in c && c.kind === 'rename');
    assert.equal(renames.length, 3, 'the model and its two sidecars');
    applyWorkspaceEditToDisk(edit);
    const styles = join(w.models, 'loras', 'styles');
    assert.ok(!existsSync(w.lora) && existsSync(join(styles, 'new.safetensors')));
    assert.ok(existsSync(join(styles, 'new.civitai.info')) && existsSync(join(styles, 'new.preview.png')) && existsSync(join(styles, 'older.preview.png')));
    const expect = (path: string, from: string, to: string) => assert.equal(readFileSync(path, 'utf8'), before.get(path)!.replace(from, to));
    expect(w.workflows.backslash, '"styles\\\\old.safetensors"', '"styles\\\\new.safetensors"');
    expect(w.workflows.api, '"styles/old.safetensors"', '"styles/new.safetensors"');
    expect(w.workflows.subgraph, '"styles/old.safetensors"', '"styles/new.safetensors"');
    assert.equal(readFileSync(w.workflows.sameBasename, 'utf8'), before.get(w.workflows.sameBasename));
    assert.equal(
      readFileSync(w.manifest, 'utf8'),
      before.get(w.manifest)!.replace('filename = "old.safetensors"', 'filename = "new.safetensors"').replace('loras/styles/old.safetensors', 'loras/styles/new.safetensors'),
    );
  } finally {
    await s.dispose();
  }
});

test('rename refusals: an editor that cannot rename files, a target that exists, a path leaving the root, another extension', { timeout: 60_000 }, async () => {
  const w = await makeRenameWorkspace(tempDir('cm-lsp-rename-refuse-'));
  const api = readFileSync(w.workflows.api, 'utf8');
  const textDocument = { uri: URI.file(w.workflows.api).toString() };
  const position = at(api, 'styles/old');
  const message = (p: Promise<unknown>) => p.then(() => assert.fail('not refused'), (err: ResponseError<unknown>) => err.message);

  const plain = await session(w, VSCODE_CAPABILITIES); // declares 'create' only
  try {
    assert.match(await message(plain.h.client.sendRequest(PrepareRenameRequest.type, { textDocument, position })), /does not declare that it can rename files/);
    assert.match(await message(plain.h.client.sendRequest(RenameRequest.type, { textDocument, position, newName: 'styles/new.safetensors' })), /comfy-models mv/);
  } finally {
    await plain.dispose();
  }
  const s = await session(w);
  try {
    const cases: [string, RegExp][] = [
      ['other/old.safetensors', /already exists/],
      ['../../x.safetensors', /'\.\.' segment/],
      ['styles/new.ckpt', /does not end with '\.safetensors'/],
    ];
    for (const [newName, why] of cases) {
      assert.match(await message(s.h.client.sendRequest(RenameRequest.type, { textDocument, position, newName })), why);
    }
    assert.ok(existsSync(w.lora));
    assert.equal(readFileSync(w.workflows.api, 'utf8'), api);
  } finally {
    await s.dispose();
  }
});
