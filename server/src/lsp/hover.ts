// Hovers: what the index knows about a reference or a manifest hash — status, path(s), size, hashes,
// sources, duplicates, and the workflows of the manifest that use it.
import type { Manifest } from '../core/manifest/types';
import type { ResolvedReference } from '../core/resolve';
import type { ModelInfo } from '../core/types';
import { formatSize } from '../protocol/format';
import { analyze, isManifest, openManifest, type FeatureContext } from './featureContext';
import { headerLines, previewOf, type PreviewFile } from './modelHover';
import { manifestHashAt, referenceAt } from './referenceAt';
import { runSafe } from './runSafe';

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

function modelLines(model: ModelInfo | undefined, hash: string, preview: PreviewFile | undefined): string[] {
  if (!model) return [`Quick hash ${code(hash)} · not in the model index`];
  const lines = [`**Size** ${formatSize(model.size)} · **quick hash** ${code(model.hash)}`];
  if (model.sha256) lines.push(`**SHA-256** ${code(model.sha256)}`);
  if (model.blake3) lines.push(`**BLAKE3** ${code(model.blake3)}`);
  if (model.locations.length) {
    lines.push(model.locations.length > 1 ? `**Files** (${model.locations.length} copies — duplicates):` : '**File**');
    for (const l of model.locations.slice(0, 8)) lines.push(`- ${code(`${l.root}/${l.relativePath}`)}`);
  } else lines.push('**No file** of this model is present any more.');
  if (model.sources.length) lines.push(`**Sources** ${model.sources.map((s) => `[${s.type}](${s.url})`).join(' · ')}`);
  return [...headerLines(model, preview), ...lines];
}

function usedBy(manifest: Manifest | undefined, hash: string): string[] {
  if (!manifest) return [];
  const uses = [...manifest.workflows.values()].filter((w) => [...w.mappings.values()].some((m) => m.hash === hash)).map((w) => code(w.key));
  return uses.length ? [`**Mapped in workflows** ${uses.join(', ')}`] : [];
}

const STATUS: Record<string, string> = {
  mapping: 'resolved through the pyproject.toml mapping',
  exact: 'found',
  'case-insensitive': 'found (different letter case)',
  filename: 'found in another subfolder',
  hash: 'found by its embedded hash',
};

/** `model` is the resolved model as this window sees it, `preview` its preview image file. */
export function referenceHover(r: ResolvedReference, model: ModelInfo | undefined, manifest: Manifest, preview?: PreviewFile): string {
  const { reference: ref, resolution: res } = r;
  const head = `**${ref.category ?? 'model'}** ${code(ref.value)} — ${ref.nodeType} (node ${ref.nodeId})`;
  const lines = [head, ''];
  switch (res.status) {
    case 'resolved': {
      const flags = res.flags.length ? ` — ⚠ ${res.flags.join(', ')}` : '';
      lines.push(`✔ ${STATUS[res.via]}: ${code(res.location.name)}${flags}`, '');
      lines.push(...modelLines(model, res.location.hash, preview), ...usedBy(manifest, res.location.hash));
      break;
    }
    case 'missing': {
      lines.push(res.reason === 'mapped-model-gone' ? `✖ mapped to ${code(res.hash ?? '')}, which has no file any more` : '✖ not found in the model index');
      if (res.candidates.length) {
        lines.push('', '**Closest indexed models**');
        for (const c of res.candidates) lines.push(`- ${code(c.location.name)} — ${Math.round(c.score * 100)}% (${c.confidence})`);
      }
      if (res.downloadUrls.length) lines.push('', `**Download** ${res.downloadUrls.map((u) => `<${u}>`).join(' · ')}`);
      break;
    }
    case 'ambiguous':
      lines.push('⚠ several files match by name:');
      for (const c of res.candidates) lines.push(`- ${code(c.location.name)}`);
      break;
    case 'inactive':
      lines.push('○ the node is muted or bypassed: not checked');
      break;
  }
  return lines.join('\n');
}

export function manifestHashHover(hash: string, filename: string | undefined, model: ModelInfo | undefined, manifest: Manifest, preview?: PreviewFile): string {
  return [`**${filename ?? 'model'}** ${code(hash)}`, '', ...modelLines(model, hash, preview), ...usedBy(manifest, hash)].join('\n');
}

/** Hovers over workflow references and manifest hashes, from this window's view of the index. */
export function registerHover(ctx: FeatureContext): void {
  ctx.connection.onHover((params, token) =>
    runSafe(ctx.log, token, 'hover', null, async () => {
      const doc = ctx.documents.get(params.textDocument.uri);
      if (!doc) return null;
      const offset = doc.offsetAt(params.position);
      const view = ctx.index.view();
      if (isManifest(doc.uri)) {
        const manifest = openManifest(ctx, doc);
        const at = manifestHashAt(manifest, offset);
        if (!at) return null;
        const model = view.model(at.hash);
        return { contents: { kind: 'markdown' as const, value: manifestHashHover(at.hash, at.model?.filename, model, manifest, await previewOf(model)) } };
      }
      const analysis = await analyze(ctx, doc, view, token);
      const r = referenceAt(analysis, offset);
      if (!r) return null;
      const model = r.resolution.status === 'resolved' ? view.model(r.resolution.location.hash) : undefined;
      return { contents: { kind: 'markdown' as const, value: referenceHover(r, model, analysis.manifest.manifest, await previewOf(model)) } };
    }),
  );
}
