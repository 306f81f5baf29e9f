// `comfy-models store …`: team stores on S3-compatible object stores. add/remove/list edit the CLI's
// store configuration; ls lists a store's catalogue; push sends local models (by path, quick hash,
// SHA-256, name, or everything a manifest lists) HEAD-first and records the store as their source; pull
// fetches by SHA-256 or a manifest's missing models through the download engine; verify heads every
// object. Exit 1 when any model failed, 2 for bad usage or input (DESIGN §12's codes).
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDownloadError } from '../../core/download/errors';
import { recordDownload } from '../../core/download/record';
import type { IndexStore } from '../../core/index/store';
import type { IndexedLocation } from '../../core/index/snapshot';
import { editManifestFile, readManifestText } from '../../core/manifest/file';
import { readManifest } from '../../core/manifest/read';
import type { ModelRoot } from '../../core/roots';
import { listStore, verifyStore, type VerifyReport } from '../../core/store/catalogue';
import type { StoredModel } from '../../core/store/metadata';
import type { StoreClient } from '../../core/store/client';
import { isSha256, StoreConfigError, validateStore, type StoreConfig } from '../../core/store/config';
import { localModel } from '../../core/store/localModel';
import { pullFromStores } from '../../core/store/fetchOrder';
import { pushModel, type PushResult } from '../../core/store/push';
import { downloadAll } from '../../core/share/downloadAll';
import { importReport } from '../../core/share/importReport';
import { formatSize } from '../../protocol/format';
import { flag, hasFlag } from '../args';
import type { CliCommand } from '../command';
import { output, type CliContext } from '../context';
import { cliDownloadEnvironment } from '../downloadEnvironment';
import { EXIT_FAILED, EXIT_OK, InputError, UsageError } from '../errors';
import { withSyncedIndex } from '../indexContext';
import { readStores, withStores, writeStores } from '../stores';

const USAGE = 'store add <name> <s3://bucket/prefix> [--endpoint URL] [--region R] [--path-style] [--auto-push] | store remove <name> | store list | store ls [name] | store push <model|hash|manifest>… [--store name] | store pull <sha256>… | --manifest [pyproject.toml] [--store name] | store verify [name]';

export const storeCommand: CliCommand = {
  usage: USAGE,
  async run(ctx) {
    const [, sub, ...rest] = ctx.args.positionals;
    switch (sub) {
      case 'add':
        return add(ctx, rest);
      case 'remove':
        return remove(ctx, rest);
      case 'list':
        return list(ctx);
      case 'ls':
        return ls(ctx, rest);
      case 'push':
        return push(ctx, rest);
      case 'pull':
        return pull(ctx, rest);
      case 'verify':
        return verify(ctx, rest);
      default:
        throw new UsageError(`store needs one of: ${USAGE}`);
    }
  },
};

async function add(ctx: CliContext, [name, url, extra]: string[]): Promise<number> {
  if (!name || !url || extra !== undefined) throw new UsageError('store add needs <name> <s3://bucket/prefix>');
  let config: StoreConfig;
  try {
    config = validateStore({ name, url, endpoint: flag(ctx.args, 'endpoint'), region: flag(ctx.args, 'region'), pathStyle: hasFlag(ctx.args, 'path-style') || undefined, autoPush: hasFlag(ctx.args, 'auto-push') || undefined });
  } catch (err) {
    if (err instanceof StoreConfigError) throw new InputError(err.message);
    throw err;
  }
  const stores = (await readStores(ctx)).filter((s) => s.name !== name);
  stores.push(config);
  await writeStores(ctx, stores);
  output(ctx, stores, () => `Added store '${name}' (${config.url}${config.endpoint ? ` at ${config.endpoint}` : ''})\n`);
  return EXIT_OK;
}

async function remove(ctx: CliContext, [name]: string[]): Promise<number> {
  if (!name) throw new UsageError('store remove needs a store name');
  const stores = await readStores(ctx);
  if (!stores.some((s) => s.name === name)) throw new InputError(`no store named '${name}' (see store list)`);
  const left = stores.filter((s) => s.name !== name);
  await writeStores(ctx, left);
  output(ctx, left, () => `Removed store '${name}'\n`);
  return EXIT_OK;
}

async function list(ctx: CliContext): Promise<number> {
  const stores = await readStores(ctx);
  output(ctx, stores, () => (stores.length ? stores.map((s) => `${s.name}  ${s.url}${s.endpoint ? `  ${s.endpoint}` : ''}${s.autoPush ? '  (auto-push)' : ''}\n`).join('') : 'No stores configured (store add <name> <s3://bucket/prefix>)\n'));
  return EXIT_OK;
}

async function ls(ctx: CliContext, [name]: string[]): Promise<number> {
  return withStores(ctx, name, async (clients) => {
    const listing: { store: string; url: string; models: StoredModel[] }[] = [];
    for (const c of clients) {
      const models = await listStore(c);
      listing.push({ store: c.config.name, url: c.config.url, models });
    }
    output(ctx, listing, () =>
      listing
        .map((l) => `${l.store} (${l.url}): ${l.models.length} models, ${formatSize(l.models.reduce((n, m) => n + m.size, 0))}\n` +
          l.models.map((m) => `  ${m.sha256.slice(0, 16)}  ${m.category ?? '?'}/${m.subfolder ? `${m.subfolder}/` : ''}${m.filename}  ${formatSize(m.size)}\n`).join(''))
        .join(''),
    );
    return EXIT_OK;
  });
}

/** The local location an operand names: a file path, a quick hash, a SHA-256 or a model name. */
function findLocal(ctx: CliContext, index: IndexStore, operand: string): IndexedLocation {
  const locations = index.snapshot().locations;
  const path = resolve(ctx.io.cwd, operand);
  const hit = existsSync(path) && statSync(path).isFile()
    ? locations.find((l) => join(l.root, ...l.relativePath.split('/')) === path)
    : /^[0-9a-f]{16}$/i.test(operand)
      ? locations.find((l) => l.hash === operand.toLowerCase())
      : isSha256(operand.toLowerCase())
        ? locations.find((l) => l.sha256 === operand.toLowerCase())
        : locations.find((l) => l.name === operand || l.filename === operand);
  if (!hit) throw new InputError(`${operand}: no such model in the model folders (is its folder added with dir add or --models-dir?)`);
  return hit;
}

interface PushRow extends Partial<PushResult> {
  operand: string;
  store: string;
  filename?: string;
  error?: { code: string; message: string };
}

async function push(ctx: CliContext, operands: string[]): Promise<number> {
  if (!operands.length) throw new UsageError('store push needs models (path, hash or name) or a manifest');
  const storeName = flag(ctx.args, 'store');
  return withSyncedIndex(ctx, (index) =>
    withStores(ctx, storeName, async (clients) => {
      if (!clients.length) throw new InputError('no store is configured (store add <name> <s3://bucket/prefix>)');
      const target = clients[0];
      const rows: PushRow[] = [];
      for (const operand of operands) {
        const manifestPath = resolve(ctx.io.cwd, operand);
        const isManifest = operand.endsWith('.toml') && existsSync(manifestPath);
        const wanted: { operand: string; loc?: IndexedLocation; manifestHash?: string }[] = [];
        if (isManifest) {
          const manifest = readManifest((await readManifestText(manifestPath)).text);
          if (manifest.malformed) throw new InputError(`${manifestPath}: ${manifest.problems[0].message}`);
          for (const m of manifest.models) wanted.push({ operand: m.filename ?? m.hash, loc: index.snapshot().byHash(m.hash)[0] as IndexedLocation | undefined, manifestHash: m.hash });
        } else wanted.push({ operand, loc: findLocal(ctx, index, operand) });
        for (const w of wanted) {
          const row: PushRow = { operand: w.operand, store: target.config.name };
          rows.push(row);
          try {
            if (!w.loc) throw new InputError(`${w.operand} is not in the model folders here`);
            const local = await localModel(w.loc);
            row.filename = local.model.filename;
            if (local.ops.length) index.apply(local.ops);
            Object.assign(row, await pushModel(target, local.path, local.model, { onProgress: progress(ctx, local.model.filename) }));
            index.apply([{ op: 'source', hash: local.quickHash, source: { type: 's3', url: row.url!, metadata: { store: target.config.name } }, addedAt: Date.now() }]);
            await index.save();
            if (isManifest && w.manifestHash) await editManifestFile(manifestPath, [{ kind: 'add-source', hash: w.manifestHash, source: { type: 's3', url: row.url!, store: target.config.name } }]);
          } catch (err) {
            if (isDownloadError(err) && err.code !== 'cancelled') row.error = { code: err.code, message: err.message };
            else if (err instanceof InputError) row.error = { code: 'not-found', message: err.message };
            else throw err;
          }
        }
      }
      output(ctx, rows, () =>
        rows.map((r) => (r.error ? `  ✖ ${r.operand}: ${r.error.message} (${r.error.code})\n` : `  ${r.alreadyInStore ? '=' : '⇡'} ${r.filename} → ${r.url}${r.alreadyInStore ? '  (already in the store)' : r.resumedBytes ? `  (continued an earlier push: ${formatSize(r.resumedBytes)} were stored)` : ''}\n`)).join(''),
      );
      return rows.some((r) => r.error) ? EXIT_FAILED : EXIT_OK;
    }),
  );
}

function progress(ctx: CliContext, name: string) {
  let shown = -1;
  return (bytes: number, total: number) => {
    const pct = total ? Math.floor((bytes / total) * 10) * 10 : 100;
    if (ctx.json || pct === shown) return;
    shown = pct;
    ctx.io.stderr(`${name}: ${pct}%\n`);
  };
}

async function pull(ctx: CliContext, operands: string[]): Promise<number> {
  const storeName = flag(ctx.args, 'store');
  if (hasFlag(ctx.args, 'manifest')) return pullManifest(ctx, operands, storeName);
  if (!operands.length || operands.some((o) => !isSha256(o.toLowerCase()))) throw new UsageError('store pull needs SHA-256 hashes (64 hex) or --manifest [pyproject.toml]');
  return withSyncedIndex(ctx, (index, roots) =>
    withStores(ctx, storeName, async (clients) => {
      if (!roots.length) throw new InputError('no model folder to pull into (dir add or --models-dir)');
      const rows: { sha256: string; store?: string; path?: string; size?: number; alreadyPresent?: boolean; error?: { code: string; message: string } }[] = [];
      for (const sha256 of operands.map((o) => o.toLowerCase())) {
        const local = index.snapshot().locations.find((l) => l.sha256 === sha256);
        if (local) {
          rows.push({ sha256, path: join(local.root, ...local.relativePath.split('/')), size: local.size, alreadyPresent: true });
          continue;
        }
        try {
          const got = await pullFromStores(clients, { sha256, sourceUrls: [] }, roots, cliDownloadEnvironment(ctx));
          if (!got.outcome) throw got.errors[0] ?? new InputError(`no configured store has ${sha256}`);
          await recordDownload(index, roots, got.outcome, got.outcome.source);
          rows.push({ sha256, store: got.store!.config.name, path: got.outcome.path, size: got.outcome.size, alreadyPresent: got.outcome.alreadyPresent });
        } catch (err) {
          if (isDownloadError(err) && err.code !== 'cancelled') rows.push({ sha256, error: { code: err.code, message: err.message } });
          else if (err instanceof InputError) rows.push({ sha256, error: { code: 'not-found', message: err.message } });
          else throw err;
        }
      }
      output(ctx, rows, () => rows.map((r) => (r.error ? `  ✖ ${r.sha256}: ${r.error.message} (${r.error.code})\n` : `  ⇣ ${r.path}${r.store ? `  (from store '${r.store}')` : '  (already here)'}\n`)).join(''));
      return rows.some((r) => r.error) ? EXIT_FAILED : EXIT_OK;
    }),
  );
}

async function pullManifest(ctx: CliContext, [file]: string[], storeName: string | undefined): Promise<number> {
  const path = file ? resolve(ctx.io.cwd, file) : join(ctx.projectDir, 'pyproject.toml');
  const { text, exists } = await readManifestText(path);
  if (!exists) throw new InputError(`${path} does not exist`);
  const manifest = readManifest(text);
  if (manifest.malformed) throw new InputError(`${path}: ${manifest.problems[0].message}`);
  return withSyncedIndex(ctx, (index, roots: ModelRoot[]) =>
    withStores(ctx, storeName, async (clients) => {
      const report = await importReport(manifest, index, roots, {});
      // Only the stores: a manifest's public sources are `import --download`'s business.
      const stored = report.rows.filter((r) => r.source?.type === 's3');
      const { downloaded, errors } = await downloadAll(manifest, stored, roots, cliDownloadEnvironment(ctx), index, { stores: clients });
      output(ctx, { manifest: path, downloaded, errors }, () =>
        downloaded.map((d) => `  ⇣ ${d.filename ?? d.hash} → ${d.path}\n`).join('') + errors.map((e) => `  ✖ ${e.filename ?? e.hash}: ${e.message} (${e.code})\n`).join('') || 'Nothing to pull\n',
      );
      return errors.length ? EXIT_FAILED : EXIT_OK;
    }),
  );
}

async function verify(ctx: CliContext, [name]: string[]): Promise<number> {
  return withStores(ctx, name, async (clients: StoreClient[]) => {
    const reports: ({ store: string } & VerifyReport)[] = [];
    for (const c of clients) reports.push({ store: c.config.name, ...(await verifyStore(c)) });
    output(ctx, reports, () =>
      reports.map((r) => `${r.store}: ${r.objects} objects, ${formatSize(r.bytes)}, ${r.problems.length ? `${r.problems.length} problems` : 'all consistent'}\n` + r.problems.map((p) => `  ✖ ${p.key}: ${p.problem}\n`).join('')).join(''),
    );
    return reports.some((r) => r.problems.length) ? EXIT_FAILED : EXIT_OK;
  });
}
