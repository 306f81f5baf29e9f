// The product version, read from the manifest at build time (esbuild inlines the JSON).
import manifest from '../../package.json';

export const VERSION: string = manifest.version;
