// "Use this file" in the resolve report (issue 14): a manifest model that only matched a local file by
// name is taken to be that file, once the user confirmed it. The local file joins the manifest as a model
// and every mapping to the old hash is moved to it; the old entry stays (its hashes and sources still say
// what the other machine had).
import type { ManifestEdit } from '../manifest/edit';
import { modelEntryFor } from '../manifest/entry';
import type { Manifest } from '../manifest/types';
import type { ModelInfo, ModelLocation } from '../types';

export function useLocalFileEdits(manifest: Manifest, fromHash: string, location: ModelLocation, model: ModelInfo | undefined, category: string): ManifestEdit[] {
  const edits: ManifestEdit[] = [];
  if (!manifest.models.some((m) => m.hash === location.hash)) {
    edits.push({ kind: 'add-model', table: 'required', model: modelEntryFor(location, model, location.category ?? category) });
  }
  for (const wf of manifest.workflows.values()) {
    for (const m of wf.mappings.values()) {
      if (m.hash !== fromHash || !m.safe) continue;
      edits.push({ kind: 'remove-mapping', workflow: wf.key, reference: m.reference });
      edits.push({ kind: 'add-mapping', mapping: { workflow: wf.key, workflowPath: wf.path, reference: m.reference, hash: location.hash, nodes: m.nodes } });
    }
  }
  return edits;
}
