// Which reference (or manifest hash) sits under the cursor.
import type { Manifest, ManifestModel } from '../core/manifest/types';
import type { ResolvedReference } from '../core/resolve';
import type { WorkflowAnalysis } from './analysis';

/** The reference whose value span contains `offset` (both ends included, so a cursor after the last letter counts). */
export function referenceAt(analysis: WorkflowAnalysis, offset: number): ResolvedReference | undefined {
  return analysis.resolved.find((r) => offset >= r.reference.offset && offset <= r.reference.offset + r.reference.length);
}

/** The manifest model whose hash key contains `offset`, or whose hash a mapping at `offset` names. */
export function manifestHashAt(manifest: Manifest, offset: number): { hash: string; model?: ManifestModel } | undefined {
  const inside = (s: { offset: number; length: number }) => offset >= s.offset && offset <= s.offset + s.length;
  const model = manifest.models.find((m) => inside(m.keySpan));
  if (model) return { hash: model.hash, model };
  for (const workflow of manifest.workflows.values()) {
    for (const mapping of workflow.mappings.values()) {
      if (inside(mapping.hashSpan)) return { hash: mapping.hash, model: manifest.models.find((m) => m.hash === mapping.hash) };
    }
  }
  return undefined;
}
