// Wiring the download engine to the stand-ins for tests: a clock whose sleeps return at once (recording
// the delays asked for), a logger that keeps every line, and a model root in a temp folder.
import { join } from 'node:path';
import { createProviders } from '../../server/src/core/providers/describe';
import type { DownloadEnvironment } from '../../server/src/core/download/download';
import { createHttpClient } from '../../server/src/core/download/http';
import type { ProviderKind, TokenProvider } from '../../server/src/core/download/hosts';
import type { Clock, DownloadFs } from '../../server/src/core/download/ports';
import type { ModelRoot } from '../../server/src/core/roots';
import { tempDir } from './files';
import type { StandIns } from './standins';

export interface TestClock extends Clock {
  delays: number[];
}

/** Backoff without waiting: each sleep is recorded and advances the clock. */
export function instantClock(): TestClock {
  let t = 0;
  const delays: number[] = [];
  return {
    delays,
    now: () => t,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      delays.push(ms);
      t += ms;
    },
  };
}

export function tokens(map: Partial<Record<ProviderKind, string>>): TokenProvider {
  return { token: (kind) => map[kind] };
}

export interface TestEnv extends DownloadEnvironment {
  clock: TestClock;
  logs: string[];
}

export function testEnv(s: StandIns, options: { tokens?: Partial<Record<ProviderKind, string>>; fs?: DownloadFs; retries?: number } = {}): TestEnv {
  const http = createHttpClient(s.endpoints);
  const t = tokens(options.tokens ?? {});
  const logs: string[] = [];
  const line = (m: string) => void logs.push(m);
  return {
    endpoints: s.endpoints,
    http,
    tokens: t,
    providers: createProviders({ http, tokens: t }, s.endpoints),
    clock: instantClock(),
    fs: options.fs,
    retries: options.retries,
    log: { info: line, warn: line, error: line },
    logs,
  };
}

export function modelRoot(): { dir: string; models: string; roots: ModelRoot[] } {
  const dir = tempDir('cm-dl-');
  const models = join(dir, 'models');
  return { dir, models, roots: [{ path: models, category: null, origin: 'test' }] };
}
