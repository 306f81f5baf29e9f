// What manifest discovery reads from disk, read once: whether a folder holds a pyproject.toml and the
// text of each manifest file. Requests load what they need asynchronously first (load), then walk up
// the folders in memory; the server drops an entry when the file changes on disk (watched-file
// events) or its editor closes.
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { findManifest, manifestCandidates, type ManifestLocation } from '../core/manifest/discover';
import { readRegularFile } from '../core/manifest/file';

export class ManifestCache {
  /** pyproject.toml path → whether it exists on disk. */
  private readonly present = new Map<string, boolean>();
  /** pyproject.toml path → its text on disk (undefined: unreadable or absent). */
  private readonly texts = new Map<string, string | undefined>();

  /**
   * Read, without blocking, what find() and diskText() will need for this workflow: each candidate
   * folder's pyproject.toml up to the first one that exists, and its text.
   */
  async load(workflowFile: string, workspaceFolder: string): Promise<void> {
    for (const candidate of manifestCandidates(workflowFile, workspaceFolder)) {
      if (this.present.get(candidate) === false) continue;
      if (!this.texts.has(candidate)) {
        const text = await readDiskText(candidate);
        this.texts.set(candidate, text);
        this.present.set(candidate, text !== undefined);
      }
      if (this.present.get(candidate)) return;
    }
  }

  /** The manifest that belongs to a workflow (core/manifest/discover's rule), from cached facts (read now if missing). */
  find(workflowFile: string, workspaceFolder: string): ManifestLocation {
    return findManifest(workflowFile, workspaceFolder, (path) => this.exists(path));
  }

  /** A manifest's text on disk, read once until dropped. */
  diskText(path: string): string | undefined {
    if (this.texts.has(path)) return this.texts.get(path);
    const text = readDiskTextSync(path);
    this.texts.set(path, text);
    return text;
  }

  /** Forget what was read of this file (it changed, appeared or went away). */
  drop(path: string): void {
    this.present.delete(path);
    this.texts.delete(path);
  }

  /** Forget everything (e.g. a watched-file event without a usable path). */
  clear(): void {
    this.present.clear();
    this.texts.clear();
  }

  private exists(path: string): boolean {
    let hit = this.present.get(path);
    if (hit === undefined) this.present.set(path, (hit = existsSync(path)));
    return hit;
  }
}

// Reading a manifest for the language features: only a regular file is read (a FIFO or device at
// pyproject.toml would block the read, and with it the server, forever), and a byte order mark is
// hidden as the editor hides it. Unreadable: undefined, the same as absent.
const withoutBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

async function readDiskText(path: string): Promise<string | undefined> {
  const bytes = await readRegularFile(path).catch(() => undefined);
  return bytes && withoutBom(bytes.toString('utf8'));
}

function readDiskTextSync(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)); // O_NONBLOCK: a FIFO must not block the open
    return fstatSync(fd).isFile() ? withoutBom(readFileSync(fd, 'utf8')) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
