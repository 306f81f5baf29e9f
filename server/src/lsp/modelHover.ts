// What a model file says about itself, for hovers: base model, kind, title, trained words, and a
// preview (an image beside the file, else the thumbnail embedded in its header).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { displaySize, imageFileSize, imageSize, type ImageSize } from '../core/modelInfo/imageSize';
import { findPreview } from '../core/modelInfo/previews';
import { baseModelLabel } from '../core/modelInfo/types';
import { modelKindLabel } from '../protocol/format';
import type { ModelInfo } from '../core/types';

/** Width the preview is shown at in a hover (VS Code's `|width=` image suffix). */
const PREVIEW_WIDTH = 256;

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const escape = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

/** A preview image file, with its pixel size when its header tells. */
export interface PreviewFile {
  path: string;
  size?: ImageSize;
}

/** The preview image file beside the model's first location in scope, if any. */
export async function previewOf(model: ModelInfo | undefined): Promise<PreviewFile | undefined> {
  const first = model?.locations[0];
  const path = first ? await findPreview(join(first.root, first.relativePath)) : undefined;
  if (!path) return undefined;
  const size = await imageFileSize(path);
  return size ? { path, size } : { path };
}

/** The header thumbnail's size, from its data: URI. */
function thumbnailSize(uri: string): ImageSize | undefined {
  const m = /^data:image\/[a-z]+;base64,(.*)$/i.exec(uri);
  return m ? imageSize(Buffer.from(m[1].slice(0, 90_000), 'base64')) : undefined;
}

/** The preview as an image URI: the file beside the model, else the header's embedded thumbnail. */
export async function previewUri(model: ModelInfo | undefined): Promise<string | undefined> {
  const file = await previewOf(model);
  return file ? pathToFileURL(file.path).href : model?.header?.thumbnail;
}

/** Markdown lines about the model's header and preview (a file from previewOf); none when nothing is known. */
export function headerLines(model: ModelInfo, preview: PreviewFile | undefined): string[] {
  const h = model.header;
  const lines: string[] = [];
  const facts = [
    h?.baseModel ? `**Base model** ${baseModelLabel(h.baseModel)}` : '',
    h?.kind ? `**Kind** ${modelKindLabel(h.kind)}` : '',
    h?.title ? `**Title** ${escape(h.title)}` : '',
  ].filter(Boolean);
  // Each fact its own paragraph: Markdown would join adjacent lines into one.
  if (facts.length) lines.push(facts.join(' · '), '');
  if (h?.trainedWords?.length) lines.push(`**Trained words** ${h.trainedWords.map(code).join(', ')}`, '');
  const src = preview ? pathToFileURL(preview.path).href : h?.thumbnail;
  const size = preview ? preview.size : h?.thumbnail ? thumbnailSize(h.thumbnail) : undefined;
  // With its height the hover has its final size before the picture loads (else it grows past the top of the editor).
  const shown = size && displaySize(size, PREVIEW_WIDTH);
  if (src) lines.push(`![preview](${src}|${shown ? `width=${shown.width},height=${shown.height}` : `width=${PREVIEW_WIDTH}`})`, '');
  return lines;
}
