// Debian packages the e2e layer needs, installed with apt-get when running as root and missing.
import { spawnSync } from 'node:child_process';

/** Runs a command with inherited output; throws with the command line when it fails. */
export function sh(cmd, args, options = {}) {
  console.log(`$ ${[cmd, ...args].join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options, env: { ...process.env, ...options.env } });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} failed with exit code ${r.status}`);
}

function isInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Makes sure the Debian packages are installed; apt-get installs the missing ones when we are root. */
export function ensureDebianPackages(packages) {
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    console.log(`Not a Debian-based system: assuming these are present: ${packages.join(' ')}`);
    return;
  }
  const missing = packages.filter((p) => !isInstalled(p));
  if (!missing.length) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing Debian packages: ${missing.join(' ')}\nInstall them first:  sudo apt-get install -y ${missing.join(' ')}`);
  }
  console.log(`Installing missing Debian packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  sh('apt-get', ['update'], { env });
  sh('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

/** What Chromium needs to run headless (the browser itself and fonts for readable screenshots). */
export const BROWSER_PACKAGES = ['chromium', 'fonts-dejavu-core'];
/** What code-server 4.100's native modules need to build, and the ripgrep its search uses. */
export const CODE_SERVER_BUILD_PACKAGES = [
  'ripgrep', 'build-essential', 'python3', 'pkg-config',
  'libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev',
];
