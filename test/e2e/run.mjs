// The e2e layer (`node test/run.mjs e2e`, after the build): a real VS Code (code-server 4.100.3) in
// Debian's Chromium. Steps: package the .vsix and install it into code-server; generate a test
// workspace; open it with the working tree as development extension and the in-host suite
// (out/test/e2e/suite) as test module; print the in-host results; run the UI checks (ui/*.ui.mjs)
// on the same window; print `e2e: N passed, N failed`. A hard time limit ends everything.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser, workbenchUrl } from './browser.mjs';
import { codeServerDirs, installExtension, listExtensions, startCodeServer } from './codeServer.mjs';
import { ensureCodeServer } from './installCodeServer.mjs';
import { packageAndCheck } from './package.mjs';
import { artifactsDir, repoRoot } from './paths.mjs';
import { writeBigLibrary } from './bigLibrary.mjs';
import { writeWorkspace } from './workspace.mjs';
import { startDownloadStandIns } from './standIns.mjs';

const TIME_LIMIT_MS = Number(process.env.COMFY_E2E_TIME_LIMIT_MS || 20 * 60_000);
const UI_WAIT_BOUND_MS = 5 * 60_000;
const EXTENSION_ID = 'comfy-models.comfy-models';
const suiteEntry = join(repoRoot, 'out', 'test', 'e2e', 'suite', 'index.js');
const plainSuiteEntry = join(repoRoot, 'out', 'test', 'e2e', 'suite', 'plain', 'index.js');
const uiDir = join(repoRoot, 'test', 'e2e', 'ui');
// File names shared with test/e2e/suite/context.ts.
const RESULTS_FILE = 'results.json';
const UI_DONE_FILE = 'ui-done';
const FIXTURE_FILE = 'fixture.json';

const results = [];
const cleanups = [];
let page;

function report(name, ok, error, ms) {
  results.push({ name, ok, error });
  console.log(`${ok ? '  ✔' : '  ✖'} ${name}${ms === undefined ? '' : ` (${ms} ms)`}`);
  if (!ok) console.log(String(error).replace(/^/gm, '      '));
}

async function screenshot(name) {
  if (!page || page.isClosed()) return;
  mkdirSync(artifactsDir, { recursive: true });
  const file = join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-').slice(0, 80)}.png`);
  try {
    await page.screenshot({ path: file });
    console.log(`      screenshot: ${file}`);
    // The screenshot stays on the machine that ran the check; what the sidebar rendered goes to the log too.
    const rows = await page.locator('.sidebar .monaco-list-row').evaluateAll((els) => els.map((e) => `${e.getAttribute('aria-expanded') === 'true' ? 'v' : '>'} ${e.textContent}`));
    if (rows.length) console.log(`      sidebar rows:\n${rows.map((r) => `        ${r}`).join('\n')}`);
  } catch (err) {
    console.log(`      (no screenshot: ${err.message})`);
  }
}

/** Runs one harness-level check; failures are reported with a screenshot, never thrown. */
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    report(name, true, undefined, Date.now() - started);
  } catch (err) {
    report(name, false, err?.stack ?? err, Date.now() - started);
    await screenshot(name);
  }
}

async function finish(extraFailure) {
  if (extraFailure) report(extraFailure.name, false, extraFailure.error);
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  const failed = results.filter((r) => !r.ok).length;
  console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

/** Resolves when `dir/name` exists and `accept(content)` holds; driven by fs.watch events. */
function whenFile(dir, name, accept = () => true) {
  return new Promise((resolve) => {
    const look = () => {
      const file = join(dir, name);
      if (!existsSync(file)) return false;
      try {
        const content = JSON.parse(readFileSync(file, 'utf8'));
        if (!accept(content)) return false;
        watcher.close();
        resolve(content);
        return true;
      } catch {
        return false; // Mid-write: the next event brings the complete file.
      }
    };
    const watcher = watch(dir, look);
    look();
  });
}

async function loadUiChecks() {
  const checks = [];
  for (const file of readdirSync(uiDir).filter((f) => f.endsWith('.ui.mjs')).sort()) {
    const mod = await import(pathToFileURL(join(uiDir, file)).href);
    checks.push(...Object.entries(mod.default));
  }
  return checks;
}

async function main() {
  ensureCodeServer();
  const e2eDir = mkdtempSync(join(tmpdir(), 'comfy-e2e-'));
  cleanups.push(async () => rmSync(e2eDir, { recursive: true, force: true }));
  const limit = setTimeout(() => {
    const running = existsSync(join(e2eDir, RESULTS_FILE)) ? JSON.parse(readFileSync(join(e2eDir, RESULTS_FILE), 'utf8')).running : undefined;
    void finish({ name: 'time limit', error: `the e2e run exceeded ${TIME_LIMIT_MS / 1000} s${running ? ` while running the in-host test "${running}"` : ''}; code-server and Chromium were stopped` });
  }, TIME_LIMIT_MS);
  limit.unref();
  rmSync(artifactsDir, { recursive: true, force: true });

  await check('the packaged .vsix installs into code-server', async () => {
    const { vsixPath } = packageAndCheck();
    const dirs = codeServerDirs();
    try {
      installExtension(dirs, vsixPath);
      const listed = listExtensions(dirs);
      if (!listed.some((l) => l.startsWith(`${EXTENSION_ID}@`))) throw new Error(`${EXTENSION_ID} not listed after install: ${listed.join(', ')}`);
    } finally {
      rmSync(dirs.base, { recursive: true, force: true });
    }
  });

  const standIns = await startDownloadStandIns();
  cleanups.push(standIns.close);
  const fixture = await writeWorkspace(join(e2eDir, 'workspace'), { downloads: standIns.downloads });
  fixture.big = await writeBigLibrary(join(e2eDir, 'big'));
  writeFileSync(join(e2eDir, FIXTURE_FILE), JSON.stringify(fixture, null, 2));
  const dirs = codeServerDirs();
  cleanups.push(async () => rmSync(dirs.base, { recursive: true, force: true }));
  const server = await startCodeServer({ folder: fixture.folder, dirs, env: { COMFY_E2E_DIR: e2eDir } });
  cleanups.push(server.stop);
  console.log(`code-server ${server.url} (pid ${server.pid})`);

  const browser = await launchBrowser();
  cleanups.push(browser.close);
  page = browser.page;
  // UI checks wait on the state they need (a row, a widget, a check mark), never on a budget of their own:
  // this one generous bound per wait only turns a state that never comes into a failure with a screenshot.
  page.setDefaultTimeout(UI_WAIT_BOUND_MS);
  const consoleErrors = [];
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  const automationExit = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve(code)));
  await page.goto(workbenchUrl(server, fixture.folder, { extensionDevelopmentPath: repoRoot, extensionTestsPath: suiteEntry }));

  // The suite writes its results, then waits for our UI checks before its run() settles.
  const inHost = await Promise.race([whenFile(e2eDir, RESULTS_FILE, (r) => r.done), automationExit.then((code) => ({ exitedEarly: code }))]);
  if ('exitedEarly' in inHost) {
    report('in-host suite', false, `the suite ended (exit code ${inHost.exitedEarly}) without writing results; workbench console:\n${consoleErrors.join('\n')}`);
    await screenshot('in-host suite');
  } else {
    for (const r of inHost.results) {
      report(r.name, r.ok, r.error, r.ms);
      if (!r.ok) await screenshot(r.name);
    }
  }

  for (const [name, fn] of await loadUiChecks()) await check(name, () => fn(page, { fixture, consoleErrors }));

  writeFileSync(join(e2eDir, UI_DONE_FILE), '');
  const exitCode = await automationExit;
  const inHostFailed = 'results' in inHost && inHost.results.some((r) => !r.ok);
  if ('results' in inHost && (exitCode !== 0) !== inHostFailed) {
    report('in-host exit code', false, `the workbench reported exit code ${exitCode}, which does not match the results`);
  }
  await plainFolder(server, e2eDir);
  await finish();
}

/**
 * A second window on a folder with nothing of ComfyUI's (plain JSON, a plain pyproject.toml): the
 * in-host suite suite/plain checks that no language server starts until a command is run.
 */
async function plainFolder(server, e2eDir) {
  const folder = join(e2eDir, 'plain');
  mkdirSync(join(folder, 'config'), { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'plain', version: '1.0.0', dependencies: {} }, null, 2));
  writeFileSync(join(folder, 'config', 'data.json'), JSON.stringify({ items: [1, 2, 3], nodes_seen: 0 }, null, 2));
  writeFileSync(join(folder, 'pyproject.toml'), '[project]\nname = "plain"\nversion = "0.1.0"\n\n[tool.ruff]\nline-length = 100\n');
  rmSync(join(e2eDir, RESULTS_FILE), { force: true });
  await page.goto(workbenchUrl(server, folder, { extensionDevelopmentPath: repoRoot, extensionTestsPath: plainSuiteEntry }));
  const results = await whenFile(e2eDir, RESULTS_FILE, (r) => r.done);
  for (const r of results.results) {
    report(`plain folder: ${r.name}`, r.ok, r.error, r.ms);
    if (!r.ok) await screenshot(r.name);
  }
  const activation = join(e2eDir, 'activation.json');
  if (existsSync(activation)) {
    const { activationMs } = JSON.parse(readFileSync(activation, 'utf8'));
    console.log(`  activation (activate() to return, plain folder): ${activationMs.toFixed(1)} ms`);
    mkdirSync(artifactsDir, { recursive: true });
    writeFileSync(join(artifactsDir, 'activation.json'), JSON.stringify({ activationMs, measured: new Date().toISOString() }));
  }
}

main().catch((err) => finish({ name: 'e2e harness', error: err?.stack ?? err }));
