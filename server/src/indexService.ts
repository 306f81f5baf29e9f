// Owns the model index inside the server process: opens it, keeps it in sync with the roots and
// answers the client's status requests. (The index engine itself lives in core/.)
import type { Logger } from './core/log';
import type { StatusResult, SyncResult } from './protocol';
import type { Settings } from './settings';

export interface IndexServiceOptions {
  version: string;
  /** Index file used when `comfyModels.indexPath` is empty. */
  defaultIndexPath: string;
  log: Logger;
  /** Called whenever the index content or state changed. */
  onChanged(status: StatusResult): void;
}

export class IndexService {
  private settings: Settings | undefined;

  constructor(private readonly options: IndexServiceOptions) {}

  get indexPath(): string {
    return this.settings?.indexPath || this.options.defaultIndexPath;
  }

  status(): StatusResult {
    return {
      version: this.options.version,
      state: 'idle',
      indexPath: this.indexPath,
      models: 0,
      locations: 0,
      roots: this.settings?.modelDirectories ?? [],
    };
  }

  async configure(settings: Settings): Promise<void> {
    this.settings = settings;
    this.options.onChanged(this.status());
  }

  async sync(): Promise<SyncResult> {
    return { scanned: 0, hashed: 0, unchanged: 0, removed: 0, models: 0, seconds: 0 };
  }

  dispose(): void {}
}
