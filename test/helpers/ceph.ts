// A real S3 endpoint for the store tests: a one-node Ceph cluster (mon + osd + radosgw) in a short temp
// folder, every daemon on 127.0.0.1, started from nothing in a few seconds and stopped by the pids we
// recorded. Readiness is awaited on events (a daemon's log line, the gateway's first answer), never by
// sleeping. Debian's packages are installed when missing and we are root (CI runs on a fresh machine).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, watch, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

export const CEPH_PACKAGES = ['ceph-mon', 'ceph-osd', 'radosgw', 'ceph-common'];
const BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph-authtool', 'monmaptool', 'ceph'];

export interface CephUser {
  uid: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface CephCluster {
  /** http://127.0.0.1:<port> of the RADOS Gateway. */
  endpoint: string;
  /** A user with full rights (owner of the buckets the tests create). */
  admin: CephUser;
  /** Creates another gateway user (for read-only bucket policies). */
  addUser(uid: string): CephUser;
  dir: string;
  stop(): Promise<void>;
}

function installed(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

/** The Ceph daemons and tools, installed with apt-get when missing (root only; otherwise a clear error). */
export function ensureCephInstalled(): void {
  const missing = BINARIES.filter((b) => !installed(b));
  if (!missing.length) return;
  if (process.getuid?.() !== 0) throw new Error(`Ceph is not installed (missing ${missing.join(', ')}): sudo apt-get install -y --no-install-recommends ${CEPH_PACKAGES.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...CEPH_PACKAGES]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status})`);
  }
}

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves when `file` contains a match of `pattern` (checked whenever the folder changes). */
function waitForLog(file: string, pattern: RegExp, what: string, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let offset = 0;
    let text = '';
    const check = () => {
      if (!existsSync(file)) return false;
      const fd = openSync(file, 'r');
      try {
        const buf = Buffer.alloc(64 * 1024);
        for (let n; (n = readSync(fd, buf, 0, buf.length, offset)) > 0; ) {
          offset += n;
          text = (text + buf.subarray(0, n).toString('utf8')).slice(-256 * 1024);
        }
      } finally {
        closeSync(fd);
      }
      return pattern.test(text);
    };
    const done = (err?: Error) => {
      watcher.close();
      clearTimeout(timer);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    const onExit = (code: number | null) => done(new Error(`${what} exited (${code}) before it was ready; see ${file}`));
    const watcher = watch(join(file, '..'), () => {
      if (check()) done();
    });
    const timer = setTimeout(() => done(new Error(`${what} was not ready after ${timeoutMs / 1000} s; see ${file}`)), timeoutMs);
    child.once('exit', onExit);
    if (check()) done();
  });
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** An anonymous GET / answered by the gateway (it listens once its log says the frontend started). */
async function gatewayAnswers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    http.get(endpoint, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false));
  });
}

export async function startCeph(): Promise<CephCluster> {
  ensureCephInstalled();
  const dir = mkdtempSync('/tmp/cph-'); // short: admin sockets are Unix sockets (path ≤ 107 bytes)
  const monPort = await freePort();
  const rgwPort = await freePort();
  const fsid = randomUUID();
  const osdUuid = randomUUID();
  const conf = join(dir, 'ceph.conf');
  const keyring = join(dir, 'keyring');
  writeFileSync(
    conf,
    `[global]
fsid = ${fsid}
mon_host = [v2:127.0.0.1:${monPort}]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv6 = false
ms_bind_msgr1 = false
ms_bind_msgr2 = true
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
keyring = ${keyring}
run_dir = ${dir}/run
crash_dir = ${dir}/crash
log_file = ${dir}/log/$name.log
admin_socket = ${dir}/run/$name.asok
mon_cluster_log_file = ${dir}/log/cluster.log
mon_data = ${dir}/mon/$id
osd_data = ${dir}/osd/$id
rgw_data = ${dir}/rgw/$id
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
osd_crush_chooseleaf_type = 0
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_warn_on_pool_no_redundancy = false
mon_max_pg_per_osd = 1000
mon_data_avail_crit = 1
mon_data_avail_warn = 2
paxos_propose_interval = 0.1
bluestore_block_create = true
bluestore_block_size = ${8 * 1024 ** 3}
bluestore_fsck_on_mkfs = false
bluestore_fsck_on_mount = false
osd_memory_target = ${1024 ** 3}
rgw_gc_obj_min_wait = 60
rgw_gc_processor_period = 60
[osd]
osd_op_num_shards = 2
debug_osd = 1/5
[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:${rgwPort}
`,
  );
  for (const sub of ['run', 'crash', 'log', 'mon/a', 'osd/0', 'rgw/a']) spawnSync('mkdir', ['-p', join(dir, sub)]);
  run('ceph-authtool', ['--create-keyring', keyring, '--gen-key', '-n', 'mon.', '--cap', 'mon', 'allow *']);
  run('ceph-authtool', [keyring, '--gen-key', '-n', 'client.admin', '--cap', 'mon', 'allow *', '--cap', 'osd', 'allow *', '--cap', 'mgr', 'allow *', '--cap', 'mds', 'allow *']);
  run('ceph-authtool', [keyring, '--gen-key', '-n', 'osd.0', '--cap', 'mon', 'allow profile osd', '--cap', 'mgr', 'allow profile osd', '--cap', 'osd', 'allow *']);
  run('ceph-authtool', [keyring, '--gen-key', '-n', 'client.rgw.a', '--cap', 'mon', 'allow rw', '--cap', 'osd', 'allow rwx']);
  run('monmaptool', ['--create', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, join(dir, 'monmap')]);
  run('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', join(dir, 'monmap'), '--keyring', keyring]);

  const children: ChildProcess[] = [];
  const daemon = (cmd: string, args: string[]) => {
    const child = spawn(cmd, ['-c', conf, '-f', ...args], { stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const stop = async () => {
    // Gateway, OSD, then monitor: an OSD stopped after its monitor waits for it.
    for (const child of [...children].reverse()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await waitExit(child);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    daemon('ceph-mon', ['-i', 'a']);
    const mkfs = spawn('ceph-osd', ['-c', conf, '--mkfs', '-i', '0', '--osd-uuid', osdUuid], { stdio: ['ignore', 'ignore', 'pipe'] });
    let mkfsErr = '';
    mkfs.stderr.on('data', (d: Buffer) => (mkfsErr += d.toString()));
    const mkfsExit = new Promise<number | null>((resolve) => mkfs.on('exit', resolve));
    const pools = ['.rgw.root', 'default.rgw.control', 'default.rgw.meta', 'default.rgw.log', 'default.rgw.buckets.index', 'default.rgw.buckets.data', 'default.rgw.buckets.non-ec'];
    const commands = [`osd new ${osdUuid} 0`, ...pools.flatMap((p) => [`osd pool create ${p} 8 8`, `osd pool application enable ${p} rgw`])];
    await new Promise<void>((resolve, reject) => {
      const ceph = spawn('ceph', ['-c', conf], { stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      ceph.stderr.on('data', (d: Buffer) => (err += d.toString()));
      ceph.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ceph commands failed (${code}): ${err}`))));
      ceph.stdin.end(commands.join('\n') + '\n');
    });
    const mkfsCode = await mkfsExit;
    if (mkfsCode !== 0) throw new Error(`ceph-osd --mkfs failed (${mkfsCode}): ${mkfsErr}`);
    const osd = daemon('ceph-osd', ['-i', '0']);
    await waitForLog(join(dir, 'log', 'osd.0.log'), /state: booting -> active/, 'ceph-osd', osd);
    const rgw = daemon('radosgw', ['-n', 'client.rgw.a']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await waitForLog(join(dir, 'log', 'client.rgw.a.log'), /frontend|starting handler/i, 'radosgw', rgw);
    // The log line comes as the listener opens; each further log write is another chance to be answered.
    await new Promise<void>((resolve, reject) => {
      let trying = false;
      const attempt = async () => {
        if (trying) return;
        trying = true;
        const ok = await gatewayAnswers(endpoint);
        trying = false;
        if (ok) {
          watcher.close();
          clearTimeout(timer);
          resolve();
        }
      };
      const watcher = watch(join(dir, 'log'), () => void attempt());
      const timer = setTimeout(() => {
        watcher.close();
        reject(new Error(`radosgw at ${endpoint} did not answer`));
      }, 60_000);
      void attempt();
    });
    const addUser = (uid: string): CephUser => {
      const user: CephUser = { uid, accessKeyId: `AK${uid.toUpperCase().replace(/[^A-Z0-9]/g, '')}${randomUUID().slice(0, 8)}`, secretAccessKey: randomUUID() + randomUUID() };
      run('radosgw-admin', ['-c', conf, 'user', 'create', `--uid=${uid}`, `--display-name=${uid}`, `--access-key=${user.accessKeyId}`, `--secret-key=${user.secretAccessKey}`]);
      return user;
    };
    return { endpoint, admin: addUser('tester'), addUser, dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
