// Which indexed models a project's workflows use (library health "unused"): every workflow JSON under
// the project folder, its references resolved against the index, plus every hash the manifest maps.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { workflowRelativePath } from '../manifest/discover';
import { workflowMappings } from '../manifest/query';
import type { Manifest } from '../manifest/types';
import { resolveReferences } from '../resolve';
import type { IndexQuery } from '../types';
import { looksLikeWorkflow, parseWorkflow } from '../workflow';

/** Workflow JSON files under `dir` (dot folders and node_modules skipped), sorted. */
export async function projectWorkflowFiles(dir: string, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    signal?.throwIfAborted();
    const entries = await fsp.readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.json')) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

export async function usedModelHashes(projectDir: string, index: IndexQuery, manifest: { path: string; manifest: Manifest } | undefined, signal?: AbortSignal): Promise<{ hashes: Set<string>; workflows: number }> {
  const hashes = new Set<string>();
  let workflows = 0;
  for (const m of manifest?.manifest.workflows.values() ?? []) for (const mapping of m.mappings.values()) hashes.add(mapping.hash);
  for (const file of await projectWorkflowFiles(projectDir, signal)) {
    const text = await fsp.readFile(file, 'utf8').catch(() => '');
    if (!looksLikeWorkflow(text)) continue;
    const parsed = parseWorkflow(text);
    if (!parsed.format) continue;
    workflows++;
    const mappings = manifest ? workflowMappings(manifest.manifest, workflowRelativePath(manifest.path, file)) : undefined;
    for (const r of resolveReferences(parsed.references, { index, mappings })) {
      if (r.resolution.status === 'resolved') hashes.add(r.resolution.location.hash);
      else if (r.resolution.status === 'ambiguous') for (const c of r.resolution.candidates) hashes.add(c.location.hash);
    }
  }
  return { hashes, workflows };
}
