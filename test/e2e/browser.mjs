// Debian's Chromium driven by playwright-core, opening the code-server workbench. With a test
// payload the workbench loads the working tree as a development extension and runs the in-host
// suite, then calls window.codeAutomationExit(code) when the suite's run() settles.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './paths.mjs';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A fresh headless Chromium profile; returns its page and close(), which also removes the profile. */
export async function launchBrowser({ viewport = { width: 1280, height: 800 }, deviceScaleFactor = 1 } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'comfy-chromium-'));
  // Crashpad writes under XDG_CONFIG_HOME whatever --user-data-dir says: keep it in the profile too.
  const env = { ...process.env, XDG_CONFIG_HOME: join(userDataDir, 'xdg-config'), XDG_CACHE_HOME: join(userDataDir, 'xdg-cache') };
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless: true, args: ARGS, viewport, deviceScaleFactor, env });
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { page, close };
}

/**
 * The workbench URL for `folder`; with `tests`, the payload that loads a development extension and its
 * test module; with `openFile`, the file the workbench opens at start.
 */
export function workbenchUrl(server, folder, tests, { openFile } = {}) {
  const url = new URL(server.url);
  url.searchParams.set('folder', folder);
  const remote = (p) => `vscode-remote://${server.host}${p}`;
  const payload = [];
  if (tests) payload.push(['extensionDevelopmentPath', remote(tests.extensionDevelopmentPath)], ['extensionTestsPath', remote(tests.extensionTestsPath)]);
  if (openFile) payload.push(['openFile', remote(openFile)]);
  if (payload.length) url.searchParams.set('payload', JSON.stringify(payload));
  return url.href;
}
