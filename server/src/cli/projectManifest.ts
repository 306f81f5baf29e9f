// The project's pyproject.toml as the read-only commands (check, plan, health) take it: read once per
// command, absent when the project has none.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../core/manifest/read';
import type { Manifest } from '../core/manifest/types';
import type { CliContext } from './context';

export function projectManifest(ctx: CliContext): { path: string; manifest: Manifest } | undefined {
  const path = join(ctx.projectDir, 'pyproject.toml');
  return existsSync(path) ? { path, manifest: readManifest(readFileSync(path, 'utf8')) } : undefined;
}
