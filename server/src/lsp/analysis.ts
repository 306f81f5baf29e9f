// One workflow document, analysed: its references, the manifest that belongs to it, the saved
// mappings, and every reference resolved against the index. Cached per document version, index
// generation and parsed manifest, so diagnostics, lenses, hovers and completion share one computation.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { IndexSnapshot } from '../core/index/snapshot';
import { workflowRelativePath } from '../core/manifest/discover';
import { workflowKeyOf, workflowMappings } from '../core/manifest/query';
import { readManifest } from '../core/manifest/read';
import type { Manifest } from '../core/manifest/types';
import { resolveReferencesCancellable, workflowBaseModelMismatches, type BaseModelMismatch, type FuzzyCache, type ResolvedReference } from '../core/resolve';
import { buildLoaderTable, looksLikeWorkflow, parseWorkflowCancellable, type ParsedWorkflow } from '../core/workflow';
import type { Settings } from '../settings';
import { uriToPath, type WorkspaceFiles } from './workspaceFiles';

export interface ManifestContext {
  /** Absolute path of the manifest that belongs to the workflow (it may not exist yet). */
  path: string;
  exists: boolean;
  text: string;
  manifest: Manifest;
  /** Key of this workflow in the manifest (existing entry, else the key a first mapping would use). */
  workflowKey: string;
  /** The workflow's path relative to the manifest folder. */
  workflowPath: string;
}

export interface WorkflowAnalysis {
  uri: string;
  parsed: ParsedWorkflow;
  /** True when the text is meant to be a workflow (also when it is broken). */
  isWorkflow: boolean;
  manifest: ManifestContext;
  resolved: ResolvedReference[];
  /** LoRAs / ControlNets / IP-Adapters whose base model differs from the model feeding them. */
  mismatches: BaseModelMismatch[];
}

const SNIFF_ABOVE = 256 * 1024;
const NOT_A_WORKFLOW: ParsedWorkflow = { format: null, references: [], errors: [] };

export class WorkflowAnalyzer {
  /**
   * Per document: what its analysis was computed from. The manifest is compared by the parsed object
   * (readManifest hands out the same one while the text is unchanged), never by its text: a key holding
   * a 30 MB manifest would be built and compared on every hover and keystroke.
   */
  private readonly cache = new Map<string, { version: number; manifest: Manifest; manifestPath: string; loaders: string; index: IndexSnapshot; analysis: WorkflowAnalysis }>();
  /** Parsed manifests by path, reused while their text is unchanged (a big manifest takes a while to scan). */
  private readonly manifests = new Map<string, { text: string; manifest: Manifest }>();

  constructor(private readonly files: WorkspaceFiles) {}

  /**
   * `fuzzy` keeps the candidates of missing references per location list (the engine's cache). A big
   * workflow is parsed and resolved in slices with turns of the event loop between them; `signal`
   * stops it there.
   */
  async analyze(doc: TextDocument, index: IndexSnapshot, settings: Settings, fuzzy?: FuzzyCache, signal?: AbortSignal): Promise<WorkflowAnalysis> {
    const workflowFile = uriToPath(doc.uri);
    const manifest = this.manifestFor(workflowFile);
    const loaders = JSON.stringify(settings.loaders);
    const hit = this.cache.get(doc.uri);
    if (hit && hit.version === doc.version && hit.manifest === manifest.manifest && hit.manifestPath === manifest.path && hit.loaders === loaders && hit.index === index) {
      return hit.analysis;
    }

    const text = doc.getText();
    // Every JSON file in the workspace comes through here: big ones that do not look like a workflow
    // are not parsed on each keystroke.
    const parsed = text.length > SNIFF_ABOVE && !looksLikeWorkflow(text) ? NOT_A_WORKFLOW : await parseWorkflowCancellable(text, { loaders: buildLoaderTable(settings.loaders) }, signal);
    const isWorkflow = parsed.format !== null || (parsed.errors.length > 0 && looksLikeWorkflow(text));
    const mappings = workflowMappings(manifest.manifest, manifest.workflowKey);
    const resolved = parsed.format ? await resolveReferencesCancellable(parsed.references, { index, mappings, fuzzy }, signal) : [];
    const mismatches = parsed.format && !parsed.errors.length ? workflowBaseModelMismatches(text, resolved) : [];
    const analysis: WorkflowAnalysis = { uri: doc.uri, parsed, isWorkflow, manifest, resolved, mismatches };
    this.cache.set(doc.uri, { version: doc.version, manifest: manifest.manifest, manifestPath: manifest.path, loaders, index, analysis });
    return analysis;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  /** A manifest's text, parsed (reused while the text is unchanged). */
  readManifest(path: string, text: string): Manifest {
    const hit = this.manifests.get(path);
    if (hit && hit.text === text) return hit.manifest;
    const manifest = readManifest(text);
    this.manifests.set(path, { text, manifest });
    return manifest;
  }

  /** The manifest that belongs to a workflow file, read as the user sees it. */
  manifestFor(workflowFile: string): ManifestContext {
    const location = this.files.manifestOf(workflowFile);
    const text = this.files.read(location.path) ?? '';
    const exists = location.exists || this.files.openDocument(location.path) !== undefined;
    const manifest = this.readManifest(location.path, text);
    const workflowPath = workflowRelativePath(location.path, workflowFile);
    return {
      path: location.path,
      exists,
      text,
      manifest,
      workflowKey: workflowKeyOf(manifest, workflowPath),
      workflowPath,
    };
  }
}
