// Wiring the download engine to the stand-ins for tests: a clock whose sleeps return at once (recording
// the delays asked for), a logger that keeps every line, and a model root in a temp folder.
import { join } from 'node:path';
import { createDownloadEnvironment, type DownloadEnvironment } from '../../server/src/core/download/download';
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
  const logs: string[] = [];
  const line = (m: string) => void logs.push(m);
  const clock = instantClock();
  const env = createDownloadEnvironment(s.endpoints, tokens(options.tokens ?? {}), { clock, fs: options.fs, retries: options.retries, log: { info: line, warn: line, error: line } });
  return { ...env, clock, logs };
}

export function modelRoot(): { dir: string; models: string; roots: ModelRoot[] } {
  const dir = tempDir('cm-dl-');
  const models = join(dir, 'models');
  return { dir, models, roots: [{ path: models, category: null, origin: 'test' }] };
}
