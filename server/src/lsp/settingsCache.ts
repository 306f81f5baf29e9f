// Per-resource settings pulled with workspace/configuration, cached per URI and cleared on change
// (never kept as server globals: a folder may extend the loader table differently from another).
// A client without workspace/configuration pushes its settings instead (pushedSettings.ts).
import type { Connection } from 'vscode-languageserver';
import { SETTINGS_SECTION } from '../protocol/status';
import { DEFAULT_SETTINGS, normalizeSettings, type Settings } from '../settings';
import type { PushedSettings } from './pushedSettings';

export class SettingsCache {
  private readonly byResource = new Map<string, Promise<Settings>>();

  constructor(
    private readonly connection: Connection,
    private readonly supported: () => boolean,
    private readonly pushed?: PushedSettings,
  ) {}

  /** Settings for a document (scopeUri), or the window-level settings when `uri` is undefined. */
  get(uri?: string): Promise<Settings> {
    if (!this.supported()) return Promise.resolve(this.pushed?.get() ?? DEFAULT_SETTINGS);
    const key = uri ?? '';
    let cached = this.byResource.get(key);
    if (!cached) {
      cached = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then(normalizeSettings, () => DEFAULT_SETTINGS);
      this.byResource.set(key, cached);
    }
    return cached;
  }

  clear(): void {
    this.byResource.clear();
  }
}
