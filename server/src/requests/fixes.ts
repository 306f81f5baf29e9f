// `comfyModels/fixEdit`: the edit that maps a reference to (or replaces it with) an indexed model the
// user picked in the search palette, from the same view of the index as the diagnostics.
import type { Connection } from 'vscode-languageserver';
import { mapAction } from '../lsp/codeActions';
import { analyze, fixContext, type FeatureContext } from '../lsp/featureContext';
import { replaceEdit } from '../lsp/fixes';
import { runSafe } from '../lsp/runSafe';
import { FixEditRequest } from '../protocol/fixes';

export function registerFixRequests(connection: Connection, ctx: FeatureContext): void {
  connection.onRequest(FixEditRequest.type, (params, token) =>
    runSafe(ctx.log, token, 'fixEdit', null, async () => {
      const doc = ctx.documents.get(params.reference.uri);
      if (!doc) return null;
      const view = ctx.index.view();
      const analysis = await analyze(ctx, doc, view);
      const r = analysis.resolved.find((x) => x.reference.offset === params.reference.offset);
      const location = view.snapshot.byHash(params.hash)[0];
      if (!r || !location) return null;
      if (params.kind === 'replace') return replaceEdit(doc, r.reference, location.name);
      return mapAction(fixContext(ctx, view), analysis.manifest, r, location)?.edit ?? null;
    }),
  );
}
