// After a download that came from a workflow's metadata or a manifest source: the source goes into the
// manifest entry of the downloaded model, when the manifest lists it (a splice; never a rewrite). An open
// manifest is edited through the client (workspace/applyEdit), a closed one on disk (editManifestFile).
import { promises as fsp } from 'node:fs';
import { TextDocumentEdit, TextEdit } from 'vscode-languageserver';
import { manifestSourceEdit, manifestSourceSplices } from '../core/download/record';
import { ManifestEditError } from '../core/manifest/edit';
import { editManifestFile } from '../core/manifest/file';
import type { SourceType } from '../core/types';
import { rangeOf } from './diagnostics';
import { analyze, type FeatureContext } from './featureContext';
import { workflowDownloads } from './downloadItems';
import { pathToUri } from './workspaceFiles';

export async function recordSourceInManifest(ctx: FeatureContext, manifestPath: string, quickHash: string, source: { type: string; url: string }): Promise<void> {
  const open = ctx.files.openDocument(manifestPath);
  const text = open ? open.getText() : await fsp.readFile(manifestPath, 'utf8');
  const manifest = ctx.analyzer.readManifest(manifestPath, text);
  const entry = manifest.models.find((m) => m.hash === quickHash);
  if (!entry || entry.sources.some((s) => s.url === source.url)) return;
  const type = source.type as SourceType;
  try {
    if (open) {
      const splices = manifestSourceSplices(text, quickHash, { type, url: source.url });
      const edit = TextDocumentEdit.create({ uri: pathToUri(manifestPath), version: open.version }, splices.map((s) => TextEdit.replace(rangeOf(open, s), s.text)));
      await ctx.connection.workspace.applyEdit({ label: 'Record the download source', edit: { documentChanges: [edit] } });
    } else {
      // On disk through the one manifest writer: lock, re-read, re-apply, atomic write, mode and BOM kept.
      await editManifestFile(manifestPath, [manifestSourceEdit(quickHash, { type, url: source.url })]);
      ctx.files.manifests.drop(manifestPath);
    }
  } catch (err) {
    if (err instanceof ManifestEditError) return ctx.log.info(`No source added to ${manifestPath}: ${err.message}`);
    throw err;
  }
}

/** The downloadable missing models of an open workflow (undefined when it is not open). */
export async function openWorkflowDownloads(ctx: FeatureContext, uri: string) {
  const doc = ctx.documents.get(uri);
  if (!doc) return undefined;
  const { downloads, withoutSource } = workflowDownloads(await analyze(ctx, doc));
  return { downloads: downloads.map((d) => ({ reference: d.reference.reference.value, item: d.item })), withoutSource };
}
