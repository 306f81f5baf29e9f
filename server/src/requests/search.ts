// `comfyModels/searchModels`: the search palette's ranked query over this window's view of the index.
import type { Connection } from 'vscode-languageserver';
import type { Logger } from '../core/log';
import type { IndexSource } from '../lsp/featureContext';
import { runSafe } from '../lsp/runSafe';
import { searchModels } from '../lsp/search';
import { SearchModelsRequest } from '../protocol/search';

export interface SearchDeps {
  index: IndexSource;
  log: Logger;
}

export function registerSearchRequests(connection: Connection, { index, log }: SearchDeps): void {
  connection.onRequest(SearchModelsRequest.type, (params, token) =>
    runSafe(log, token, 'search', [], () => {
      const view = index.view();
      return searchModels(view.snapshot, params, view.fuzzy);
    }),
  );
}
