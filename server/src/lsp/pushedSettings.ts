// Settings of a client without `workspace/configuration` (Neovim without lspconfig, ALE, …): the
// `comfyModels` section it sends in `initializationOptions` (as `{ settings: { comfyModels } }` or
// `{ comfyModels }`) and then in every `workspace/didChangeConfiguration` (`settings.comfyModels`).
// Same keys and meaning as the pulled section; they apply to every document.
import { DEFAULT_SETTINGS, normalizeSettings, type Settings } from '../settings';

const SECTION = 'comfyModels';

const objectOr = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** The `comfyModels` section of a settings object, or undefined when it has none. */
export function sectionOf(settings: unknown): unknown {
  return objectOr(settings)?.[SECTION];
}

export class PushedSettings {
  private current: Settings = DEFAULT_SETTINGS;

  /** Takes the section from `initialize`'s `initializationOptions`. */
  initialize(initializationOptions: unknown): void {
    const init = objectOr(initializationOptions);
    const section = sectionOf(init?.settings) ?? sectionOf(init);
    if (section !== undefined) this.current = normalizeSettings(section);
  }

  get(): Settings {
    return this.current;
  }

  /**
   * Takes the section from `didChangeConfiguration`'s `settings`; false when it carries none (a client
   * that sends every server's settings, or `null` as a bare "something changed"): nothing changes then.
   */
  update(settings: unknown): boolean {
    const section = sectionOf(settings);
    if (section === undefined) return false;
    this.current = normalizeSettings(section);
    return true;
  }
}
