// The `comfyModels.*` settings as the server uses them: pulled per resource with
// `workspace/configuration`, normalised by one function, never kept in globals.

export interface LoaderInputSetting {
  index?: number;
  input?: string;
  category: string;
}

export interface Settings {
  modelDirectories: string[];
  comfyuiPath: string;
  extraModelPathsFiles: string[];
  indexPath: string;
  loaders: Record<string, LoaderInputSetting[]>;
  civitaiBaseUrl: string;
  huggingfaceEndpoint: string;
  /** The Hugging Face cache folder to index read-only: '' finds it (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub), 'off' skips it. */
  huggingfaceCachePath: string;
  downloadsConcurrency: number;
  /** Bandwidth cap shared by every download, bytes per second ('' none; K/M/G suffixes). */
  downloadsLimitRate: string;
}

export const DEFAULT_SETTINGS: Settings = {
  modelDirectories: [],
  comfyuiPath: '',
  extraModelPathsFiles: [],
  indexPath: '',
  loaders: {},
  civitaiBaseUrl: 'https://civitai.com',
  huggingfaceEndpoint: 'https://huggingface.co',
  huggingfaceCachePath: '',
  downloadsConcurrency: 2,
  downloadsLimitRate: '',
};

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : []);
const string = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);

function loaders(v: unknown): Record<string, LoaderInputSetting[]> {
  const out: Record<string, LoaderInputSetting[]> = {};
  if (!v || typeof v !== 'object') return out;
  for (const [nodeType, inputs] of Object.entries(v as Record<string, unknown>)) {
    if (!Array.isArray(inputs)) continue;
    const ok = inputs.filter(
      (i): i is LoaderInputSetting =>
        !!i && typeof i === 'object' && typeof (i as LoaderInputSetting).category === 'string' &&
        (typeof (i as LoaderInputSetting).index === 'number' || typeof (i as LoaderInputSetting).input === 'string'),
    );
    if (ok.length) out[nodeType] = ok.map((i) => ({ index: i.index, input: i.input, category: i.category }));
  }
  return out;
}

/** Turn the raw `comfyModels` section (anything the user typed) into typed settings. */
export function normalizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, any>;
  const concurrency = Number(r.downloads?.concurrency);
  return {
    modelDirectories: strings(r.modelDirectories),
    comfyuiPath: string(r.comfyuiPath, ''),
    extraModelPathsFiles: strings(r.extraModelPathsFiles),
    indexPath: string(r.indexPath, ''),
    loaders: loaders(r.loaders),
    civitaiBaseUrl: string(r.civitai?.baseUrl, DEFAULT_SETTINGS.civitaiBaseUrl),
    huggingfaceEndpoint: string(r.huggingface?.endpoint, DEFAULT_SETTINGS.huggingfaceEndpoint),
    huggingfaceCachePath: string(r.huggingface?.cachePath, ''),
    downloadsLimitRate: string(r.downloads?.limitRate, ''),
    downloadsConcurrency: Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 8 ? concurrency : DEFAULT_SETTINGS.downloadsConcurrency,
  };
}
