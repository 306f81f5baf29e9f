// Linking a ComfyUI install on disk (CLI `link`/`unlink`, the editor's Link ComfyUI Install): its
// extra_model_paths.yaml read like a manifest (regular UTF-8 file, BOM kept), our block written or
// removed by linkComfyui.ts, the file replaced through the manifest gateway (under its lock, over the
// text the block was computed from, link and mode kept) — and removed when nothing else was in it.
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readManifestText, rewriteManifestFile } from '../manifest/file';
import type { ModelRoot } from '../roots';
import { linkText, unlinkText } from './linkComfyui';

/** Write our block listing `roots` into the yaml at `path`; whether the file changed. */
export async function linkFile(path: string, roots: readonly ModelRoot[]): Promise<boolean> {
  const { replaced } = await rewriteManifestFile(path, ({ text }) => Promise.resolve({ text: linkText(text, roots, dirname(path)), result: undefined }));
  return replaced;
}

/** Remove our block from the yaml at `path`; whether there was one. */
export async function unlinkFile(path: string): Promise<boolean> {
  const { text, exists } = await readManifestText(path);
  const next = exists ? unlinkText(text) : undefined;
  if (next === undefined) return false;
  if (next.trim() === '') await rm(path);
  else await rewriteManifestFile(path, (current) => Promise.resolve({ text: unlinkText(current.text) ?? current.text, result: undefined }));
  return true;
}
