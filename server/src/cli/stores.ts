// The CLI's team stores: their configuration in a JSON file of the user's (COMFY_MODELS_STORES, else
// $XDG_CONFIG_HOME/comfy-models/stores.json), their credentials from the standard AWS chain as the
// environment gives it — AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE,
// ~/.aws/credentials — and never written anywhere by us.
import { promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/manifest/file';
import { createStoreClient, type StoreAccess, type StoreClient } from '../core/store/client';
import { validateStores, type StoreConfig } from '../core/store/config';
import type { CliContext } from './context';
import { InputError } from './errors';

export function storesFile(env: Record<string, string | undefined>): string {
  if (env.COMFY_MODELS_STORES) return env.COMFY_MODELS_STORES;
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'comfy-models', 'stores.json');
}

export async function readStores(ctx: CliContext): Promise<StoreConfig[]> {
  const path = storesFile(ctx.io.env);
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path} is not valid JSON (${(err as Error).message}); fix or remove it`);
  }
  const { stores, problems } = validateStores((raw as { stores?: unknown })?.stores);
  for (const p of problems) ctx.io.stderr(`warning: ${path}: ${p}\n`);
  return stores;
}

export async function writeStores(ctx: CliContext, stores: readonly StoreConfig[]): Promise<void> {
  const path = storesFile(ctx.io.env);
  await fsp.mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, JSON.stringify({ stores }, null, 2) + '\n');
}

/** The credential chain as this process's environment sets it, and how to name it in errors. */
export function cliStoreAccess(env: Record<string, string | undefined>): StoreAccess {
  const files = { credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE, configFile: env.AWS_CONFIG_FILE };
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      ...files,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined },
      source: 'the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)',
    };
  }
  const file = env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials';
  if (env.AWS_PROFILE) return { ...files, profile: env.AWS_PROFILE, source: `profile '${env.AWS_PROFILE}' (${file})` };
  return { ...files, profile: 'default', source: `the default profile of ${file} (no AWS_ACCESS_KEY_ID / AWS_PROFILE set)` };
}

/** Clients for the configured stores (all, or the one named); each must be destroyed by the caller. */
export async function storeClients(ctx: CliContext, name?: string): Promise<StoreClient[]> {
  const stores = await readStores(ctx);
  const chosen = name ? stores.filter((s) => s.name === name) : stores;
  if (name && !chosen.length) throw new InputError(`no store named '${name}' (see store list)`);
  const access = cliStoreAccess(ctx.io.env);
  return chosen.map((s) => createStoreClient(s, access));
}

export async function withStores<T>(ctx: CliContext, name: string | undefined, work: (clients: StoreClient[]) => Promise<T>): Promise<T> {
  const clients = await storeClients(ctx, name);
  try {
    return await work(clients);
  } finally {
    for (const c of clients) c.destroy();
  }
}
