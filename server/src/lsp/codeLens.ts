// One code lens at the top of a workflow: how many models it needs, how many are missing, a
// "Resolve…" action for the first missing one, and (VS Code client) "Download k…" for the missing
// models with a known URL, which opens the plan of "Download Missing Models" (sizes come from it:
// asking the providers per lens would put network calls on every keystroke).
import { CodeLens, Command, Range } from 'vscode-languageserver';
import type { WorkflowAnalysis } from './analysis';
import { referenceTarget } from './codeActions';
import { analyze, isJson, type FeatureContext } from './featureContext';
import { runSafe } from './runSafe';
import { workflowDownloads } from './downloadItems';
import { DownloadCommands } from '../protocol/downloads';
import { ShareCommands } from '../protocol/share';

export function workflowLenses(analysis: WorkflowAnalysis, vscodeClient: boolean): CodeLens[] {
  if (!analysis.parsed.format) return [];
  const active = analysis.resolved.filter((r) => r.resolution.status !== 'inactive');
  const models = new Set(active.map((r) => `${r.reference.category ?? ''}\u0000${r.reference.value}`)).size;
  const missing = active.filter((r) => r.resolution.status === 'missing');
  const attention = active.filter((r) => r.resolution.status === 'ambiguous' || (r.resolution.status === 'resolved' && r.resolution.flags.length > 0));
  const parts = [`${models} model${models === 1 ? '' : 's'}`, `${missing.length} missing`];
  if (attention.length) parts.push(`${attention.length} to check`);
  const top = Range.create(0, 0, 0, 0);
  const lenses = [CodeLens.create(top)];
  lenses[0].command = Command.create(parts.join(' · '), vscodeClient ? 'workbench.actions.view.problems' : '');
  const first = missing[0] ?? attention[0];
  if (first && vscodeClient) {
    const resolve = CodeLens.create(top);
    resolve.command = Command.create('Resolve…', 'comfyModels.searchIndex', referenceTarget(analysis.uri, first, analysis.resolved));
    lenses.push(resolve);
  }
  const downloadable = vscodeClient ? workflowDownloads(analysis).downloads.length : 0;
  if (downloadable) {
    const download = CodeLens.create(top);
    download.command = Command.create(`Download ${downloadable}…`, DownloadCommands.downloadMissing, analysis.uri);
    lenses.push(download);
  }
  if (missing.length && vscodeClient) {
    // The VS Code client's "Show Install Plan".
    const plan = CodeLens.create(top);
    plan.command = Command.create('Install plan', ShareCommands.showInstallPlan, analysis.uri);
    lenses.push(plan);
  }
  return lenses;
}

/** The per-workflow summary lens. */
export function registerCodeLens(ctx: FeatureContext): void {
  ctx.connection.onCodeLens((params, token) =>
    runSafe(ctx.log, token, 'code lens', [], async () => {
      const doc = ctx.documents.get(params.textDocument.uri);
      return doc && isJson(doc) ? workflowLenses(await analyze(ctx, doc, undefined, token), ctx.client.vscodeClient) : [];
    }),
  );
}
