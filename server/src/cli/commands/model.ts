// `comfy-models model add|remove|list`: the project's pyproject.toml manifest (DESIGN.md §7, §12).
// The manifest is `<--project DIR>/pyproject.toml`, created by the first add.
//
// - add <hash|hash prefix|name|url>: looks the model up in the index (live files only); several models
//   → exit 2 listing them; a URL → the indexed model with that source URL, else exit 2 (download it
//   first). The entry gets the index's full hashes and sources merged with the manifest's. With
//   --workflow FILE, every reference of that workflow that resolves to this model is mapped to it.
// - remove <hash|prefix>: removes the entry and the workflow mappings that name it; absent → exit 2.
// - list: every entry with its local state and, for missing ones, where to download it.
import { join, resolve } from 'node:path';
import type { IndexedLocation } from '../../core/index/snapshot';
import type { IndexStore } from '../../core/index/store';
import { workflowRelativePath } from '../../core/manifest/discover';
import type { ManifestEdit } from '../../core/manifest/edit';
import { editManifestFile, fileIncludes, readManifestText, regularFileSize } from '../../core/manifest/file';
import { QUICK_EDIT_FROM } from '../../core/manifest/quickEdit';
import { modelEntryFor } from '../../core/manifest/entry';
import { manifestModelStatus, workflowKeyOf } from '../../core/manifest/query';
import { readManifest } from '../../core/manifest/read';
import type { ModelEntryInput } from '../../core/manifest/tomlText';
import type { Manifest, ManifestSource, ModelTable } from '../../core/manifest/types';
import { resolveReferences } from '../../core/resolve';
import { normalizeRelativePath } from '../../core/categories';
import { flag, hasFlag } from '../args';
import type { CliCommand } from '../command';
import { EXIT_OK, InputError, UsageError } from '../errors';
import { output, type CliContext } from '../context';
import { withSyncedIndex } from '../indexContext';
import { readWorkflowFile } from './workflowFile';

interface ListedModel {
  hash: string;
  filename: string | null;
  category: string | null;
  relativePath: string | null;
  size: number | null;
  local: boolean;
  sources: ManifestSource[];
  /** Present (true) when the entry has bad or unsafe fields: it is never acted on. */
  unsafe?: true;
}

const manifestPath = (ctx: CliContext) => join(ctx.projectDir, 'pyproject.toml');

async function loadManifest(ctx: CliContext): Promise<Manifest> {
  const { text } = await readManifestText(manifestPath(ctx));
  return parsedManifest(ctx, text);
}

function parsedManifest(ctx: CliContext, text: string): Manifest {
  const manifest = readManifest(text);
  if (manifest.malformed) throw new InputError(`${manifestPath(ctx)}: ${manifest.problems[0].message}`);
  return manifest;
}

/** Edit the manifest under its lock (on the text current then); warnings go to stderr. */
async function editManifest(ctx: CliContext, edits: ManifestEdit[]): Promise<void> {
  const { warnings } = await editManifestFile(manifestPath(ctx), edits);
  for (const w of warnings) ctx.io.stderr(`warning: ${w}\n`);
}

/** Live locations grouped by model, for the identifier given to `model add`. */
function findModels(store: IndexStore, id: string): Map<string, IndexedLocation[]> {
  const locations = store.snapshot().locations;
  const group = (ls: readonly IndexedLocation[]) => {
    const out = new Map<string, IndexedLocation[]>();
    for (const l of ls) out.set(l.hash, [...(out.get(l.hash) ?? []), l]);
    return out;
  };
  if (/^https?:\/\//i.test(id)) {
    const hashes = new Set(locations.map((l) => l.hash));
    const withSource = [...hashes].filter((h) => store.sources(h).some((s) => s.url === id));
    return group(locations.filter((l) => withSource.includes(l.hash)));
  }
  const lower = id.toLowerCase();
  if (/^[0-9a-f]{4,16}$/.test(lower)) {
    const byHash = group(locations.filter((l) => l.hash.startsWith(lower)));
    if (byHash.size) return byHash;
  }
  const path = normalizeRelativePath(id).toLowerCase();
  return group(locations.filter((l) => [l.filename, l.name, l.relativePath].some((n) => n.toLowerCase() === path)));
}

function entryFor(store: IndexStore, locations: readonly IndexedLocation[], manifest: Manifest): ModelEntryInput {
  const loc = locations[0];
  if (!loc.category) throw new InputError(`${loc.relativePath} is not in a category folder; move it into one (checkpoints/, loras/, …) first`);
  return modelEntryFor(loc, store.model(loc.hash), loc.category, manifest.models.find((m) => m.hash === loc.hash)?.sources);
}

/** Mappings for every reference of the workflow that resolves to `hash`, grouped by value. */
function mappingEdits(ctx: CliContext, store: IndexStore, manifest: Manifest, workflowFile: string, hash: string): ManifestEdit[] {
  const path = resolve(ctx.io.cwd, workflowFile);
  const wf = readWorkflowFile(path);
  if (wf.parsed.errors.length || !wf.parsed.format) throw new InputError(`${workflowFile} is not a readable ComfyUI workflow`);
  const relativePath = workflowRelativePath(manifestPath(ctx), path);
  const key = workflowKeyOf(manifest, relativePath);
  const byValue = new Map<string, { nodeId: string; widgetIndex?: number; inputName?: string }[]>();
  for (const r of resolveReferences(wf.parsed.references, { index: store.snapshot() })) {
    if (r.resolution.status !== 'resolved' || r.resolution.location.hash !== hash) continue;
    const { nodeId, widgetIndex, inputName, value } = r.reference;
    byValue.set(value, [...(byValue.get(value) ?? []), { nodeId, ...(widgetIndex !== undefined ? { widgetIndex } : { inputName }) }]);
  }
  return [...byValue].map(([reference, nodes]) => ({ kind: 'add-mapping', mapping: { workflow: key, workflowPath: relativePath, reference, hash, nodes } }));
}

async function add(ctx: CliContext, id: string): Promise<number> {
  // A big manifest is parsed only when the entry needs what it holds (this model's sources, a workflow
  // key); a model it does not mention is added by core/manifest/quickEdit.ts without reading it all here.
  const workflow = flag(ctx.args, 'workflow');
  const size = (await regularFileSize(manifestPath(ctx))) ?? 0;
  const parsed = size < QUICK_EDIT_FROM || workflow ? await loadManifest(ctx) : undefined;
  const manifestFor = async (hash: string) => parsed ?? ((await fileIncludes(manifestPath(ctx), hash)) ? loadManifest(ctx) : readManifest(''));
  const table: ModelTable = hasFlag(ctx.args, 'optional') ? 'optional' : 'required';
  return withSyncedIndex(ctx, async (store) => {
    const found = findModels(store, id);
    if (!found.size) {
      throw new InputError(/^https?:\/\//i.test(id)
        ? `no indexed model has the source ${id}; download it first (comfy-models download ${id})`
        : `no indexed model matches '${id}'`);
    }
    if (found.size > 1) {
      const list = [...found.values()].map((ls) => `  ${ls[0].hash}  ${ls[0].relativePath}`).join('\n');
      throw new InputError(`'${id}' matches ${found.size} models; give the hash:\n${list}`);
    }
    const [locations] = found.values();
    const manifest = await manifestFor(locations[0].hash);
    const entry = entryFor(store, locations, manifest);
    const mappings = workflow ? mappingEdits(ctx, store, manifest, workflow, entry.hash) : [];
    await editManifest(ctx, [{ kind: 'add-model', table, model: entry }, ...mappings]);
    const result = { hash: entry.hash, table, filename: entry.filename, relativePath: entry.relativePath, mappings: mappings.length };
    output(ctx, result, () => `Added ${table} model ${entry.filename} [${entry.hash}]${mappings.length ? ` and ${mappings.length} mapping(s)` : ''} to ${manifestPath(ctx)}\n`);
    return EXIT_OK;
  });
}

async function remove(ctx: CliContext, id: string): Promise<number> {
  const manifest = await loadManifest(ctx);
  const matches = [...new Set(manifest.models.filter((m) => m.hash.startsWith(id.toLowerCase())).map((m) => m.hash))];
  if (!matches.length) throw new InputError(`model ${id} is not in ${manifestPath(ctx)}`);
  if (matches.length > 1) throw new InputError(`'${id}' matches several models in the manifest: ${matches.join(', ')}`);
  const [hash] = matches;
  const mappings: ManifestEdit[] = [];
  for (const wf of manifest.workflows.values()) {
    for (const m of wf.mappings.values()) if (m.hash === hash) mappings.push({ kind: 'remove-mapping', workflow: wf.key, reference: m.reference });
  }
  await editManifest(ctx, [{ kind: 'remove-model', hash }, ...mappings]);
  output(ctx, { hash, mappings: mappings.length }, () => `Removed model ${hash}${mappings.length ? ` and ${mappings.length} mapping(s)` : ''}\n`);
  return EXIT_OK;
}

async function list(ctx: CliContext): Promise<number> {
  const manifest = await loadManifest(ctx);
  return withSyncedIndex(ctx, async (store) => {
    const status = manifestModelStatus(manifest, store.snapshot());
    const local = new Map(status.models.map((s) => [s.model, s.local]));
    const result: Record<ModelTable, ListedModel[]> = { required: [], optional: [] };
    for (const m of manifest.models) {
      result[m.table].push({
        hash: m.hash, filename: m.filename ?? null, category: m.category ?? null, relativePath: m.relativePath ?? null, size: m.size ?? null,
        local: local.get(m) ?? false, sources: m.sources, ...(m.safe ? {} : { unsafe: true as const }),
      });
    }
    output(ctx, result, () => listText(result));
    for (const p of manifest.problems) ctx.io.stderr(`warning: ${manifestPath(ctx)}: ${p.message}\n`);
    return EXIT_OK;
  });
}

function listText(result: Record<ModelTable, ListedModel[]>): string {
  const lines: string[] = [];
  for (const table of ['required', 'optional'] as const) {
    if (!result[table].length) continue;
    lines.push(`${table === 'required' ? 'Required' : 'Optional'} models:`);
    for (const m of result[table]) {
      const mark = m.unsafe ? '!' : m.local ? '✓' : '✗';
      lines.push(`  ${mark} ${m.relativePath ?? m.filename ?? '?'} [${m.hash}]${m.unsafe ? ' (invalid entry, ignored)' : ''}`);
      if (!m.local && !m.unsafe) lines.push(...(m.sources.length ? m.sources.map((s) => `      download: ${s.url}`) : ['      no download source known']));
    }
  }
  return lines.length ? lines.join('\n') + '\n' : 'No models in the manifest.\n';
}

export const modelCommand: CliCommand = {
  usage: 'model add <hash|name|url> [--optional] [--workflow FILE] | model remove <hash> | model list',
  async run(ctx: CliContext): Promise<number> {
    const [, sub, id, ...extra] = ctx.args.positionals;
    if (sub === 'list' ? id !== undefined : !id || extra.length) throw new UsageError('usage: model add <hash|name|url> | model remove <hash> | model list');
    if (sub === 'add') return add(ctx, id);
    if (sub === 'remove') return remove(ctx, id);
    if (sub === 'list') return list(ctx);
    throw new UsageError('model needs add, remove or list');
  },
};
