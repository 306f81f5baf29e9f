// Preview images beside a model file, under the names ComfyUI and the model managers write
// (reference/peers.md): `<stem>.preview.<ext>` (ComfyUI-Manager, Stability Matrix, Civitai Helper,
// LoRA Manager), `<stem>.<ext>` (A1111 and ComfyUI's own model previews), `<stem>.thumb.<ext>`.
import { promises as fsp } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif'];
const INFIXES = ['.preview', '', '.thumb'];

/** The candidate preview paths for a model, in the order they are preferred. */
export function previewCandidates(modelPath: string): string[] {
  const file = basename(modelPath);
  const stem = join(dirname(modelPath), file.slice(0, file.length - extname(file).length));
  return INFIXES.flatMap((infix) => IMAGE_EXTENSIONS.map((ext) => `${stem}${infix}${ext}`));
}

/** The first preview image that exists beside `modelPath` (a regular file), or undefined. Asynchronous: hovers ask it. */
export async function findPreview(modelPath: string): Promise<string | undefined> {
  for (const candidate of previewCandidates(modelPath)) {
    try {
      if ((await fsp.stat(candidate)).isFile()) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}
