// What a model file says about itself, for hovers: base model, kind, title, trained words, and a
// preview (an image beside the file, else the thumbnail embedded in its header).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findPreview } from '../core/modelInfo/previews';
import { baseModelLabel } from '../core/modelInfo/types';
import { modelKindLabel } from '../protocol/format';
import type { ModelInfo } from '../core/types';

/** Width the preview is shown at in a hover (VS Code's `|width=` image suffix). */
const PREVIEW_WIDTH = 256;

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const escape = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

/** The preview image file beside the model's first location in scope, if any. */
export async function previewOf(model: ModelInfo | undefined): Promise<string | undefined> {
  const first = model?.locations[0];
  return first ? findPreview(join(first.root, first.relativePath)) : undefined;
}

/** The preview as an image URI: the file beside the model, else the header's embedded thumbnail. */
export async function previewUri(model: ModelInfo | undefined): Promise<string | undefined> {
  const file = await previewOf(model);
  return file ? pathToFileURL(file).href : model?.header?.thumbnail;
}

/** Markdown lines about the model's header and preview (a file from previewOf); none when nothing is known. */
export function headerLines(model: ModelInfo, preview: string | undefined): string[] {
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
  const src = preview ? pathToFileURL(preview).href : h?.thumbnail;
  if (src) lines.push(`![preview](${src}|width=${PREVIEW_WIDTH})`, '');
  return lines;
}
