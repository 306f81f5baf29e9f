// Provider tokens live in SecretStorage only. The server gets them in memory (`comfyModels/setTokens`)
// when it starts and whenever one changes; they are never logged or written anywhere else.
import * as vscode from 'vscode';
import { SetTokensRequest } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';

const KEYS = { civitai: 'comfyModels.civitaiToken', huggingface: 'comfyModels.huggingfaceToken' } as const;
export type TokenKind = keyof typeof KEYS;
const LABELS: Record<TokenKind, string> = { civitai: 'CivitAI API token', huggingface: 'Hugging Face access token' };

export async function sendTokens(ctx: Ctx): Promise<void> {
  const [civitai, huggingface] = await Promise.all([ctx.extension.secrets.get(KEYS.civitai), ctx.extension.secrets.get(KEYS.huggingface)]);
  await ctx.client.sendRequest(SetTokensRequest.type, { civitai, huggingface });
}

/**
 * Keep a running server's tokens current (the secrets may also change in another window). A server not
 * started yet gets them when it starts: a request here would start it, past the lazy start's rules.
 */
export function watchTokens(ctx: Ctx): vscode.Disposable {
  return ctx.extension.secrets.onDidChange((e) => {
    if (ctx.client.isRunning() && Object.values(KEYS).includes(e.key as (typeof KEYS)[TokenKind])) void sendTokens(ctx).catch((err) => ctx.log.warn(`Cannot pass the tokens to the server: ${err instanceof Error ? err.message : err}`));
  });
}

/** Ask for a token (password input); an empty answer removes the stored one. */
export async function setToken(ctx: Ctx, kind: TokenKind): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: `Comfy Models: ${LABELS[kind]}`,
    prompt: `Stored in VS Code's secret storage and sent only to ${kind === 'civitai' ? 'CivitAI' : 'Hugging Face'}. Leave empty to remove it.`,
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  if (value.trim()) await ctx.extension.secrets.store(KEYS[kind], value.trim());
  else await ctx.extension.secrets.delete(KEYS[kind]);
  await sendTokens(ctx);
  void vscode.window.showInformationMessage(`Comfy Models: ${LABELS[kind]} ${value.trim() ? 'saved' : 'removed'}.`);
}
