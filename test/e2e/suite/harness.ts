// The in-host test runner: tests register with `test(name, fn)` and run one after another inside the
// VS Code extension host. Results go to a JSON file the outer harness (test/e2e/run.mjs) reads; it is
// rewritten after every test so that a hang still tells which test was running.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { e2eDir, RESULTS_FILE } from './context';

export interface TestResult {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

/** What the suite writes: `done` once every test ran, `running` while one is in progress. */
export interface ResultsFile {
  done: boolean;
  running?: string;
  results: TestResult[];
}

type TestFn = () => Promise<void> | void;
const registered: { name: string; fn: TestFn }[] = [];

/** Registers an in-host test. Tests run in registration order (file name order, then source order). */
export function test(name: string, fn: TestFn): void {
  registered.push({ name, fn });
}

function write(file: ResultsFile): void {
  const target = path.join(e2eDir(), RESULTS_FILE);
  fs.writeFileSync(`${target}.tmp`, JSON.stringify(file, null, 2));
  fs.renameSync(`${target}.tmp`, target);
}

/** Runs every registered test; returns the number that failed. */
export async function runRegistered(): Promise<number> {
  const results: TestResult[] = [];
  for (const { name, fn } of registered) {
    write({ done: false, running: name, results });
    const started = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - started });
    } catch (err) {
      const error = err instanceof Error ? err.stack ?? err.message : String(err);
      results.push({ name, ok: false, error, ms: Date.now() - started });
    }
  }
  write({ done: true, results });
  return results.filter((r) => !r.ok).length;
}
