// One code lens at the top of a workflow: how many models it needs, how many are missing, and a
// "Resolve…" action for the first missing one. Both commands are VS Code's (the Problems view, our
// search palette): another client gets the summary as a lens with no command to run, and no Resolve….
import { CodeLens, Command, Range } from 'vscode-languageserver';
import type { WorkflowAnalysis } from './analysis';
import { referenceTarget } from './codeActions';
import { analyze, isJson, type FeatureContext } from './featureContext';
import { runSafe } from './runSafe';

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
    resolve.command = Command.create('Resolve…', 'comfyModels.searchIndex', referenceTarget(analysis.uri, first));
    lenses.push(resolve);
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
