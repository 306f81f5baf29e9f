// What the outer harness tells the in-host suite: a folder for results and handshakes (env
// COMFY_E2E_DIR, inherited by the extension host from code-server) and the generated fixture.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ComfyModelsApi } from '../../../client/src/extension';
import { StatusRequest, type StatusResult } from '../../../server/src/protocol';

export const RESULTS_FILE = 'results.json';
/** Written by the outer harness once its UI checks are done; the suite ends (and VS Code stops the extension host) after it. */
export const UI_DONE_FILE = 'ui-done';
export const FIXTURE_FILE = 'fixture.json';
export const EXTENSION_ID = 'comfy-models.comfy-models';

export function e2eDir(): string {
  const dir = process.env.COMFY_E2E_DIR;
  if (!dir) throw new Error('COMFY_E2E_DIR is not set: run the e2e suite through test/e2e/run.mjs');
  return dir;
}

/** The generated test workspace, as described by test/e2e/workspace.mjs. */
export interface Fixture {
  folder: string;
  modelsDir: string;
  /** A second, empty model root. */
  secondModelsDir: string;
  indexPath: string;
  workflows: Record<string, string>;
  models: Record<string, { relativePath: string; size: number; quickHash: string }>;
  /** The loopback download stand-ins (test/e2e/run.mjs). */
  downloads: { civitaiBaseUrl: string; huggingFaceEndpoint: string; urls: { vae: string; clip: string }; vaeSha256: string; vaeSize: number; clipSize: number };
}

export function fixture(): Fixture {
  return JSON.parse(fs.readFileSync(path.join(e2eDir(), FIXTURE_FILE), 'utf8')) as Fixture;
}

/** Activates the extension under test (idempotent) and returns the API its activate() returned. */
export async function activateExtension(): Promise<ComfyModelsApi> {
  const ext = vscode.extensions.getExtension<ComfyModelsApi>(EXTENSION_ID);
  if (!ext) throw new Error(`Extension ${EXTENSION_ID} is not loaded in this host`);
  return ext.activate();
}

/** The first index status that satisfies `accept`: the current one, or the next the server announces. */
export async function statusWhere(api: ComfyModelsApi, accept: (s: StatusResult) => boolean): Promise<StatusResult> {
  await api.ready;
  return new Promise<StatusResult>((resolve, reject) => {
    const sub = api.onDidChangeStatus((s) => {
      if (accept(s)) {
        sub.dispose();
        resolve(s);
      }
    });
    api.ctx.client.sendRequest(StatusRequest.type).then((s) => {
      if (accept(s)) {
        sub.dispose();
        resolve(s);
      }
    }, (err) => {
      sub.dispose();
      reject(err);
    });
  });
}

export const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);

/** The diagnostics of `uri` once they satisfy `accept` (now, or at a later change) — no timers. */
export function diagnosticsWhere(uri: vscode.Uri, accept: (d: readonly vscode.Diagnostic[]) => boolean): Promise<readonly vscode.Diagnostic[]> {
  const current = vscode.languages.getDiagnostics(uri);
  if (accept(current)) return Promise.resolve(current);
  return new Promise((resolve) => {
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const now = vscode.languages.getDiagnostics(uri);
      if (accept(now)) {
        sub.dispose();
        resolve(now);
      }
    });
  });
}
