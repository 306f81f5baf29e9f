// Workflows inside ComfyUI's outputs (images, audio, video): people share those files instead of JSON.
// The container is recognised by its magic bytes; the text returned is the embedded workflow JSON (UI
// format preferred, else the API prompt). Reference offsets of a parse of `text` are relative to it.
import { constants as fsConstants, promises as fsp } from 'node:fs';
import { readFlacTexts, isFlac } from './embedded/flac';
import { readMp4Texts, isMp4 } from './embedded/mp4';
import { PNG_SIGNATURE, readPngTexts } from './embedded/png';
import { EmbeddedFormatError, withFileSource, type ByteSource, type EmbeddedTexts } from './embedded/source';
import { isWebp, readWebpTexts } from './embedded/webp';

export { EmbeddedFormatError };

export type EmbeddedContainer = 'png' | 'webp' | 'flac' | 'mp4';

export interface EmbeddedWorkflow {
  container: EmbeddedContainer;
  /** Which metadata entry the text came from. */
  key: 'workflow' | 'prompt';
  /** The workflow JSON as stored. */
  text: string;
}

const READERS: Record<EmbeddedContainer, (source: ByteSource) => Promise<EmbeddedTexts>> = {
  png: readPngTexts,
  webp: readWebpTexts,
  flac: readFlacTexts,
  mp4: readMp4Texts,
};

/** The container of a file from its first 16 bytes, or undefined for anything else (JSON included). */
export function containerOf(head: Buffer): EmbeddedContainer | undefined {
  if (head.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (isWebp(head)) return 'webp';
  if (isFlac(head)) return 'flac';
  if (isMp4(head)) return 'mp4';
  return undefined;
}

export async function fileContainer(path: string): Promise<EmbeddedContainer | undefined> {
  // Non-blocking, and only regular files: a FIFO would otherwise wait for a writer forever.
  const fd = await fsp.open(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  try {
    if (!(await fd.stat()).isFile()) return undefined;
    const head = Buffer.alloc(16);
    const { bytesRead } = await fd.read(head, 0, 16, 0);
    return containerOf(head.subarray(0, bytesRead));
  } finally {
    await fd.close();
  }
}

/** Choose the workflow (else the prompt) among a container's texts; blank values do not count. */
export function pickWorkflow(container: EmbeddedContainer, texts: EmbeddedTexts): EmbeddedWorkflow | undefined {
  for (const key of ['workflow', 'prompt'] as const) {
    const text = texts.get(key);
    if (text?.trim()) return { container, key, text };
  }
  return undefined;
}

/**
 * The workflow embedded in a PNG / WebP / FLAC / MP4 file: undefined when the file is such a container
 * without one, or not such a container at all. Throws EmbeddedFormatError for a damaged container.
 */
export async function readEmbeddedWorkflow(path: string): Promise<EmbeddedWorkflow | undefined> {
  const container = await fileContainer(path);
  if (!container) return undefined;
  return withFileSource(path, async (source) => pickWorkflow(container, await READERS[container](source)));
}
