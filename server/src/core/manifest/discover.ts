// Which pyproject.toml belongs to a workflow, and under which key the workflow is recorded (DESIGN.md §7).
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

export interface ManifestLocation {
  /** Absolute path of the manifest. */
  path: string;
  /** False when no pyproject.toml exists yet: the first write creates this file. */
  exists: boolean;
}

export const MANIFEST_NAME = 'pyproject.toml';

/** Where a workflow's manifest may be, nearest first: pyproject.toml in its folder and each one above, up to the workspace folder. */
export function manifestCandidates(workflowPath: string, workspaceFolder: string): string[] {
  const folder = resolve(workspaceFolder);
  let dir = dirname(resolve(workflowPath));
  const inside = (d: string) => d === folder || d.startsWith(folder.endsWith(sep) ? folder : folder + sep);
  const candidates: string[] = [];
  while (inside(dir)) {
    candidates.push(join(dir, MANIFEST_NAME));
    if (dir === folder) break;
    dir = dirname(dir);
  }
  return candidates;
}

/**
 * The nearest pyproject.toml at or above the workflow's folder, not above the workspace folder; else
 * `<folder>/pyproject.toml` (to be created). A workflow outside the folder gets the folder's manifest.
 * `exists` answers for each candidate (the server passes a cache: no disk access per request).
 */
export function findManifest(workflowPath: string, workspaceFolder: string, exists: (path: string) => boolean = existsSync): ManifestLocation {
  const found = manifestCandidates(workflowPath, workspaceFolder).find(exists);
  return found ? { path: found, exists: true } : { path: join(resolve(workspaceFolder), MANIFEST_NAME), exists: false };
}

/** A workflow path relative to the manifest's folder, `/` separators (how `path = …` records it). */
export function workflowRelativePath(manifestPath: string, workflowPath: string): string {
  return relative(dirname(resolve(manifestPath)), resolve(workflowPath)).split(sep).join('/');
}

const stem = (p: string): string => basename(p).replace(/\.json$/i, '');

/**
 * The key of a workflow: its file stem, or its relative path without `.json` when another workflow of the
 * same manifest has the same stem. `others` are the relative paths of the other workflows (the manifest's
 * recorded `path`s and/or the workspace's workflow files).
 */
export function workflowKey(relativePath: string, others: Iterable<string>): string {
  const own = relativePath.replace(/\\/g, '/');
  const collides = [...others].some((o) => o.replace(/\\/g, '/') !== own && stem(o) === stem(own));
  return collides ? own.replace(/\.json$/i, '') : stem(own);
}
