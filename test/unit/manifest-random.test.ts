// Long seeded random sequences of manifest edits, checked after every step against a model of the state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editManifest, ManifestEditError, type ManifestEdit } from '../../server/src/core/manifest/edit';
import { readManifest } from '../../server/src/core/manifest/read';
import type { ModelEntryInput } from '../../server/src/core/manifest/tomlText';
import type { Manifest, ManifestNodeRef, ModelTable } from '../../server/src/core/manifest/types';
import { applySplices } from '../../server/src/core/text';
import { assertOnlySplicesChanged, fixture, prng } from './manifestFixtures';

interface State {
  models: Map<string, { table: ModelTable; entry: ModelEntryInput }>;
  /** workflow key → reference → mapping */
  mappings: Map<string, Map<string, { hash: string; nodes: ManifestNodeRef[] }>>;
}

function stateOf(m: Manifest): State {
  const models = new Map<string, { table: ModelTable; entry: ModelEntryInput }>();
  for (const x of m.models) {
    models.set(x.hash, {
      table: x.table,
      entry: { hash: x.hash, filename: x.filename!, category: x.category!, relativePath: x.relativePath!, size: x.size!, blake3: x.blake3, sha256: x.sha256, sources: x.sources },
    });
  }
  const mappings = new Map<string, Map<string, { hash: string; nodes: ManifestNodeRef[] }>>();
  for (const [key, wf] of m.workflows) {
    if (!wf.mappings.size) continue;
    mappings.set(key, new Map([...wf.mappings].map(([ref, x]) => [ref, { hash: x.hash, nodes: x.nodes }])));
  }
  return { models, mappings };
}

/** Canonical, comparable form (undefined fields dropped, maps sorted). */
function canonical(s: State): unknown {
  const clean = (v: unknown) => JSON.parse(JSON.stringify(v));
  return {
    models: [...s.models].sort(([a], [b]) => a.localeCompare(b)).map(([h, v]) => [h, v.table, clean(v.entry)]),
    mappings: [...s.mappings].filter(([, m]) => m.size).sort(([a], [b]) => a.localeCompare(b))
      .map(([k, m]) => [k, [...m].sort(([a], [b]) => a.localeCompare(b)).map(([r, v]) => [r, clean(v)])]),
  };
}

/** References may hold anything a widget holds; file names are plain names. */
const REFERENCES = ['sd_xl_base_1.0.safetensors', 'ünïcode «lora».safetensors', 'quote "q" \\ back.ckpt', 'SDXL\\sub dir/x.gguf', 'tab\there.pt'];
const FILES = ['sd_xl_base_1.0.safetensors', 'ünïcode «lora».safetensors', 'quote "q" \'s.ckpt', 'x.gguf'];
const WORKFLOWS = ['portrait', 'txt2img', 'sub/portrait', 'ümlaut wf'];

function run(base: string, seed: number, steps: number): void {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const hex = () => Array.from({ length: 16 }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
  let text = fixture(base);
  const crlf = text.includes('\r\n');
  const state = stateOf(readManifest(text));
  const hashes = () => [...state.models.keys()];

  for (let step = 0; step < steps; step++) {
    const roll = rand();
    let edit: ManifestEdit;
    let apply: () => void;
    let shouldFail = false;
    if (roll < 0.3) {
      const hash = hashes().length && rand() < 0.3 ? pick(hashes()) : hex();
      const name = pick(FILES);
      const table: ModelTable = rand() < 0.6 ? 'required' : 'optional';
      const entry: ModelEntryInput = {
        hash, filename: name, category: pick(['checkpoints', 'loras', 'vae']), relativePath: `checkpoints/sub dir/${name}`,
        size: Math.floor(rand() * 2 ** 40), sources: rand() < 0.5 ? [{ type: 'huggingface', url: `https://huggingface.co/r/${step}/resolve/main/x` }] : [],
        ...(rand() < 0.3 ? { sha256: 'ab'.repeat(32) } : {}),
      };
      edit = { kind: 'add-model', table, model: entry };
      apply = () => state.models.set(hash, { table, entry });
    } else if (roll < 0.45) {
      const hash = hashes().length && rand() < 0.85 ? pick(hashes()) : hex();
      shouldFail = !state.models.has(hash);
      edit = { kind: 'remove-model', hash };
      apply = () => state.models.delete(hash);
    } else if (roll < 0.55) {
      const hash = hashes().length && rand() < 0.9 ? pick(hashes()) : hex();
      const url = rand() < 0.2 && state.models.get(hash)?.entry.sources[0]?.url || `https://civitai.com/api/download/models/${Math.floor(rand() * 1e6)}`;
      shouldFail = !state.models.has(hash);
      edit = { kind: 'add-source', hash, source: { type: 'civitai', url } };
      apply = () => {
        const entry = state.models.get(hash)!.entry;
        if (!entry.sources.some((s) => s.url === url)) entry.sources = [...entry.sources, { type: 'civitai', url }];
      };
    } else if (roll < 0.8) {
      const workflow = pick(WORKFLOWS);
      const reference = pick(REFERENCES);
      const hash = hashes().length && rand() < 0.8 ? pick(hashes()) : hex();
      const nodes = rand() < 0.5 ? [{ nodeId: String(Math.floor(rand() * 300)), widgetIndex: Math.floor(rand() * 3) }] : [{ nodeId: '205:76:203', inputName: 'ckpt_name' }];
      edit = { kind: 'add-mapping', mapping: { workflow, workflowPath: `workflows/${workflow}.json`, reference, hash, nodes } };
      apply = () => {
        const m = state.mappings.get(workflow) ?? new Map();
        m.set(reference, { hash, nodes });
        state.mappings.set(workflow, m);
      };
    } else {
      const withMappings = [...state.mappings].filter(([, m]) => m.size);
      const workflow = withMappings.length && rand() < 0.85 ? pick(withMappings)[0] : pick(WORKFLOWS);
      const refs = state.mappings.get(workflow) ?? new Map();
      const reference = refs.size ? pick([...refs.keys()]) : pick(REFERENCES);
      shouldFail = !refs.has(reference);
      edit = { kind: 'remove-mapping', workflow, reference };
      apply = () => refs.delete(reference);
    }

    const where = `${base} seed ${seed} step ${step} ${edit.kind}`;
    if (shouldFail) {
      assert.throws(() => editManifest(text, [edit]), ManifestEditError, where);
      continue;
    }
    const splices = editManifest(text, [edit]);
    const next = applySplices(text, splices);
    assertOnlySplicesChanged(text, next, splices);
    if (crlf) assert.doesNotMatch(next, /[^\r]\n/, `${where}: a bare LF in a CRLF file`);
    apply();
    const read = readManifest(next);
    assert.deepEqual(read.problems, [], where);
    assert.deepEqual(canonical(stateOf(read)), canonical(state), where);
    text = next;
  }
}

for (const base of ['plain-project.toml', 'ours-full.toml', 'crlf.toml']) {
  test(`random add/remove sequences keep the intended state: ${base}`, () => {
    for (const seed of [1, 2, 3, 4]) run(base, seed, 300);
  });
}
