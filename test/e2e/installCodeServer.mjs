// Installs code-server 4.100.3 (VS Code 1.100.3, runs on the machine's Node 20) into the git-ignored
// cache, from the npm registry and Debian only (route B of e2e.md). Its postinstall would download
// ripgrep from GitHub, so scripts are skipped, Debian's `rg` is put where @vscode/ripgrep looks for
// it, and the native modules are rebuilt from source. Idempotent: a marker file says the install is
// complete; a half-finished install (no marker) is removed and redone.
//
//   node test/e2e/installCodeServer.mjs          (or import { ensureCodeServer })
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeServerCache } from './paths.mjs';
import { BROWSER_PACKAGES, CODE_SERVER_BUILD_PACKAGES, ensureDebianPackages, sh } from './system.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
const marker = join(codeServerCache, '.complete');
const packageDir = join(codeServerCache, 'node_modules', 'code-server');

/** The code-server entry to run with `node`. */
export const codeServerEntry = packageDir;

export function isCodeServerInstalled() {
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === CODE_SERVER_VERSION;
}

/** npm settings for this throwaway cache: run native builds as root, allow install scripts, use local Node headers. */
function npmEnv() {
  const env = { npm_config_dangerously_allow_all_scripts: 'true', npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
  // node-gyp would otherwise download Node's headers from nodejs.org; Debian's nodejs ships them.
  if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  return env;
}

function link(target, path) {
  rmSync(path, { force: true, recursive: true });
  symlinkSync(target, path);
}

function install() {
  const env = npmEnv();
  const vscodeDir = join(packageDir, 'lib', 'vscode');
  rmSync(codeServerCache, { recursive: true, force: true });
  mkdirSync(codeServerCache, { recursive: true });
  writeFileSync(join(codeServerCache, 'package.json'), '{ "private": true }\n');

  sh('npm', ['install', '--prefix', codeServerCache, `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', '--no-save'], { env });
  sh('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-save'], { cwd: vscodeDir, env });
  const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  copyFileSync('/usr/bin/rg', join(rgBin, 'rg'));
  sh('npm', ['rebuild'], { cwd: vscodeDir, env });
  link('node_modules', join(vscodeDir, 'node_modules.asar'));
  link('code-linux.sh', join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  sh('npm', ['install', '--omit=dev', '--no-save'], { cwd: join(vscodeDir, 'extensions'), env });
  // argon2 is hoisted to the install root; it has no prebuilt binary for us, so build it.
  sh('npm', ['rebuild', 'argon2'], { cwd: codeServerCache, env: { ...env, npm_config_build_from_source: 'true' } });
  // Proves the native modules load; --config keeps it from writing a default config into the home folder.
  sh(process.execPath, [packageDir, '--config', join(codeServerCache, 'config.yaml'), '--version'], { env: { XDG_DATA_HOME: join(codeServerCache, 'xdg-data') } });
  writeFileSync(marker, `${CODE_SERVER_VERSION}\n`);
}

/** Installs what is missing (Debian packages, code-server) and returns the code-server entry. */
export function ensureCodeServer() {
  ensureDebianPackages(BROWSER_PACKAGES);
  if (isCodeServerInstalled()) return codeServerEntry;
  ensureDebianPackages(CODE_SERVER_BUILD_PACKAGES);
  const started = Date.now();
  console.log(`Installing code-server ${CODE_SERVER_VERSION} into ${codeServerCache} (first run only, a few minutes)…`);
  install();
  console.log(`code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  return codeServerEntry;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const entry = ensureCodeServer();
    console.log(`code-server ready: node ${entry}`);
  } catch (err) {
    console.error(`\ncode-server install failed: ${err.message}`);
    process.exit(1);
  }
}
