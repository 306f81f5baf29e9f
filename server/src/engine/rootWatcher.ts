// Watches the model roots (recursively) and the index file's folder (other processes, e.g. the CLI,
// save the index): reports which root changed, or that the index file did.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../core/log';
import { rootKey, type ModelRoot } from '../core/roots';

export interface RootWatcherEvents {
  /** A file under this root (by rootKey) appeared, changed or went away. */
  onRootChanged(key: string): void;
  /** The index file was written (possibly by another process). */
  onIndexFileChanged(): void;
}

export class RootWatcher {
  private watchers: FSWatcher[] = [];

  constructor(private readonly log: Logger, private readonly events: RootWatcherEvents) {}

  /** Watch these roots and this index file instead of the previous ones. */
  watch(roots: readonly ModelRoot[], indexPath: string): void {
    this.dispose();
    for (const root of roots) {
      const key = rootKey(root);
      this.tryWatch(root.path, true, (file) => {
        const name = file ? basename(file) : '';
        if (name.startsWith('.') || name.endsWith('.part')) return; // hidden files and downloads in progress
        this.events.onRootChanged(key);
      });
    }
    const indexName = basename(indexPath);
    this.tryWatch(dirname(indexPath), false, (file) => {
      if (file === indexName) this.events.onIndexFileChanged();
    });
  }

  dispose(): void {
    this.watchers.forEach((w) => w.close());
    this.watchers = [];
  }

  private tryWatch(path: string, recursive: boolean, onEvent: (file: string | null) => void): void {
    try {
      const w = watch(path, { recursive }, (_event, file) => onEvent(file ? String(file) : null));
      w.on('error', (err) => this.log.warn(`stopped watching ${path}: ${err.message}`));
      this.watchers.push(w);
    } catch (err) {
      this.log.warn(`cannot watch ${path} for changes: ${err instanceof Error ? err.message : err}`);
    }
  }
}
