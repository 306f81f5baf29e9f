// Loads the AWS SDK on first use: from the separate bundle beside server.js/cli.js when packaged, from the
// compiled module next to this one otherwise (tests, tsc builds). The require target is computed so that
// esbuild leaves it alone instead of pulling the SDK into every bundle.
import { join } from 'node:path';
import type * as Sdk from './sdk';

export type S3Sdk = typeof Sdk;

let loaded: S3Sdk | undefined;

export function loadSdk(): S3Sdk {
  if (loaded) return loaded;
  // The SDK warns on Node < 22 about its releases after January 2027; the version pinned here supports
  // Node 20, and the warning would land in every CLI run's stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const candidates = [join(__dirname, 's3sdk.js'), join(__dirname, 'sdk.js')];
  let lastError: unknown;
  for (const id of candidates) {
    try {
      loaded = require(id) as S3Sdk;
      return loaded;
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`the S3 client could not be loaded (${candidates.join(', ')}): ${String(lastError)}`);
}
