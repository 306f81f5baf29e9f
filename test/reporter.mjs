// node:test reporter: one line per test, failure details, and the closing
// "<layer>: N passed, N failed" line that CI reads. Only leaf tests are counted (suites and the
// per-file wrappers of the runner are not tests of their own).
import { inspect } from 'node:util';

export default async function* reporter(source) {
  const layer = process.env.COMFY_TEST_LAYER || 'tests';
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let previousNesting = -1;
  const failures = [];
  for await (const event of source) {
    if (event.type === 'test:diagnostic' && event.data.nesting === 0 && /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(event.data.message)) continue;
    if (event.type === 'test:diagnostic') {
      yield `# ${event.data.message}\n`;
      continue;
    }
    if (event.type === 'test:stderr' || event.type === 'test:stdout') {
      yield event.data.message;
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { nesting, name, details, skip, todo } = event.data;
    const leaf = details?.type !== 'suite' && previousNesting <= nesting;
    previousNesting = nesting;
    if (!leaf) continue;
    const indent = '  '.repeat(nesting);
    if (skip || todo) {
      skipped++;
      yield `${indent}- ${name} (skipped)\n`;
    } else if (event.type === 'test:pass') {
      passed++;
      yield `${indent}✔ ${name} (${Math.round(details?.duration_ms ?? 0)} ms)\n`;
    } else {
      failed++;
      const error = details?.error;
      const cause = error?.cause ?? error;
      const text = cause instanceof Error ? cause.stack ?? cause.message : inspect(cause, { depth: 4 });
      failures.push(`✖ ${name}${event.data.file ? ` (${event.data.file})` : ''}\n${text}\n`);
      yield `${indent}✖ ${name}\n`;
    }
  }
  if (failures.length) yield `\nFailures:\n${failures.join('\n')}\n`;
  yield `${layer}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
