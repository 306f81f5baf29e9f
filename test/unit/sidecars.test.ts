import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readSidecarHashes } from '../../server/src/core/sidecars';
import { tempDir, writeFile } from '../helpers/files';

const SHA = 'ab'.repeat(32);
const B3 = 'cd'.repeat(32);

test('Stability Matrix .cm-info.json gives SHA256 and BLAKE3', async () => {
  const d = tempDir('cm-side-');
  writeFile(join(d, 'm.cm-info.json'), JSON.stringify({ Hashes: { SHA256: SHA.toUpperCase(), BLAKE3: B3.toUpperCase(), CRC32: '1234' } }));
  assert.deepEqual(await readSidecarHashes(join(d, 'm.safetensors')), { sha256: SHA, blake3: B3, origin: 'sidecar:stability-matrix', file: join(d, 'm.cm-info.json') });
});

test('LoRA Manager .metadata.json gives sha256', async () => {
  const d = tempDir('cm-side-');
  writeFile(join(d, 'm.metadata.json'), JSON.stringify({ file_name: 'm', sha256: SHA }));
  assert.deepEqual(await readSidecarHashes(join(d, 'm.safetensors')), { sha256: SHA, origin: 'sidecar:lora-manager', file: join(d, 'm.metadata.json') });
});

test('A1111 .civitai.info picks the file with the same name, else the primary file', async () => {
  const d = tempDir('cm-side-');
  const other = 'ef'.repeat(32);
  writeFile(join(d, 'm.civitai.info'), JSON.stringify({ id: 1, files: [{ name: 'other.safetensors', primary: true, hashes: { SHA256: other } }, { name: 'm.safetensors', hashes: { SHA256: SHA, BLAKE3: B3 } }] }));
  assert.deepEqual(await readSidecarHashes(join(d, 'm.safetensors')), { sha256: SHA, blake3: B3, origin: 'sidecar:civitai-info', file: join(d, 'm.civitai.info') });
  assert.equal((await readSidecarHashes(join(d, 'm.ckpt')))?.sha256, other, 'no file of this name: the primary file');
});

test('A1111 <stem>.json with sha256; malformed and hash-less sidecars are skipped with a warning', async () => {
  const d = tempDir('cm-side-');
  writeFile(join(d, 'm.cm-info.json'), '{ broken');
  writeFile(join(d, 'm.metadata.json'), JSON.stringify({ sha256: 'not-a-hash' }));
  writeFile(join(d, 'm.json'), JSON.stringify({ description: 'x', sha256: SHA }));
  const warnings: string[] = [];
  assert.deepEqual(await readSidecarHashes(join(d, 'm.safetensors'), (w) => warnings.push(w)), { sha256: SHA, origin: 'sidecar:a1111', file: join(d, 'm.json') });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /m\.cm-info\.json/);
  assert.equal(await readSidecarHashes(join(d, 'none.safetensors')), undefined);
});
