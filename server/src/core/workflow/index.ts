// Public surface of the workflow parser.
export { parseWorkflow, parseWorkflowCancellable, looksLikeWorkflow, type ParsedWorkflow, type ParseOptions, type WorkflowError, type WorkflowFormat } from './parse';
export { buildLoaderTable, DEFAULT_LOADER_TABLE, type LoaderInput, type LoaderTable, type UserLoaderInput } from './loaderTable';
export { findEmbeddings, type EmbeddingMention } from './embeddings';
