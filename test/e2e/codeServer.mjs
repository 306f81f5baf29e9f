// Starts and stops code-server (VS Code server + web workbench) for tests and `npm start`. Always
// passes --config, --user-data-dir and --extensions-dir so nothing is written to the home folder.
// Startup is detected from its "HTTP server listening on" line; it is stopped by its process group.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { codeServerEntry } from './installCodeServer.mjs';

/** User settings for a quiet, reproducible workbench: no welcome page, tips or telemetry. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'telemetry.telemetryLevel': 'off',
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
};

/** Private state folders for one code-server: config, user data (with USER_SETTINGS), extensions. */
export function codeServerDirs(base = mkdtempSync(join(tmpdir(), 'comfy-code-server-'))) {
  const dirs = { base, config: join(base, 'config.yaml'), userData: join(base, 'user-data'), extensions: join(base, 'extensions') };
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  mkdirSync(dirs.extensions, { recursive: true });
  writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), `${JSON.stringify(USER_SETTINGS, null, 2)}\n`);
  return dirs;
}

function stateArgs(dirs) {
  return ['--config', dirs.config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
}

/** code-server writes its own logs under XDG_DATA_HOME whatever the flags say: keep them in our folder too. */
function stateEnv(dirs) {
  return { XDG_DATA_HOME: join(dirs.base, 'xdg-data'), XDG_CONFIG_HOME: join(dirs.base, 'xdg-config') };
}

/** Runs the code-server CLI once (install/list extensions) with the given state folders. */
export function codeServerCli(dirs, args) {
  const r = spawnSync(process.execPath, [codeServerEntry, ...stateArgs(dirs), ...args], { encoding: 'utf8', env: { ...process.env, ...stateEnv(dirs) } });
  if (r.status !== 0) throw new Error(`code-server ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export function installExtension(dirs, vsix) {
  return codeServerCli(dirs, ['--install-extension', vsix, '--force']);
}

export function listExtensions(dirs) {
  return codeServerCli(dirs, ['--list-extensions', '--show-versions']).split('\n').map((l) => l.trim()).filter(Boolean);
}

/**
 * Starts code-server opening `folder`, with state in `dirs` (from codeServerDirs; the caller removes
 * them). Resolves once it listens, with its URL and a stop() that ends the whole process group
 * (server, extension hosts, language servers). `env` is added to the server's environment, which its
 * extension hosts inherit. `onLine` sees every output line.
 */
export function startCodeServer({ folder, dirs, port = 0, env = {}, onLine = () => {} }) {
  const args = [
    codeServerEntry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, ...stateArgs(dirs),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    folder,
  ];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...stateEnv(dirs), ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const tail = [];
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    await exited;
  };

  return new Promise((resolve, reject) => {
    const onOutput = (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      onLine(line);
      const m = /HTTP server listening on (http:\/\/[^\s]+?)\/?\s*$/.exec(line);
      if (m) {
        const url = new URL(m[1]);
        resolve({ url: `${url.origin}/`, host: url.host, port: Number(url.port), pid: child.pid, stop, exited });
      }
    };
    createInterface({ input: child.stdout }).on('line', onOutput);
    createInterface({ input: child.stderr }).on('line', onOutput);
    child.once('error', reject);
    exited.then((code) => reject(new Error(`code-server exited (${code}) before listening:\n${tail.join('\n')}`)));
  });
}
