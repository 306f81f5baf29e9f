// Sharing an environment (issue 14): export a manifest, resolve one made elsewhere, a workflow's install
// plan, library health, linking a ComfyUI install, deleting a duplicate copy, and the workflow embedded
// in a ComfyUI output (shown as a `comfy-embedded:` document). Result shapes are the engine's (core/share).
import { RequestType, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { ExportedModel } from '../core/share/export';
import type { HealthReport } from '../core/share/health';
import type { ImportReport } from '../core/share/importReport';
import type { InstallPlan } from '../core/share/installPlan';
import type { EmbeddedContainer } from '../core/workflow/embedded';

export const ShareCommands = {
  exportManifest: 'comfyModels.exportManifest',
  resolveManifest: 'comfyModels.resolveManifest',
  showInstallPlan: 'comfyModels.showInstallPlan',
  openEmbeddedWorkflow: 'comfyModels.openEmbeddedWorkflow',
  libraryHealth: 'comfyModels.libraryHealth',
  linkComfyui: 'comfyModels.linkComfyui',
  unlinkComfyui: 'comfyModels.unlinkComfyui',
  /** Rows of the manifest report (context menus only). */
  revealModel: 'comfyModels.report.reveal',
  downloadModel: 'comfyModels.report.download',
  useLocalFile: 'comfyModels.report.useLocalFile',
  searchModel: 'comfyModels.report.search',
  downloadAll: 'comfyModels.report.downloadAll',
  deleteDuplicateCopy: 'comfyModels.deleteDuplicateCopy',
} as const;

export const ShareViews = {
  manifestReport: 'comfyModels.manifestReport',
} as const;

/**
 * The scheme of a workflow embedded in an image/audio/video file: the URI path is the file's path plus
 * EMBEDDED_SUFFIX, so the document sits in the file's real folder (its manifest is found from there)
 * and is JSON by its extension.
 */
export const EMBEDDED_SCHEME = 'comfy-embedded';
export const EMBEDDED_SUFFIX = '.workflow.json';

export interface ExportParams {
  /** URI of the project's pyproject.toml. */
  manifestUri: string;
  /** Read files to compute the full hashes the index lacks. */
  computeFullHashes: boolean;
}

export interface ExportResult {
  manifestPath: string;
  changed: boolean;
  /** The manifest is open in an editor: the client applies this edit (the server wrote nothing). */
  edit?: WorkspaceEdit;
  /** The manifest was not open: the server wrote it atomically. */
  written: boolean;
  models: ExportedModel[];
  /** File names (or hashes) of the models without any known source. */
  withoutSource: string[];
  warnings: string[];
}

/** `comfyModels/exportManifest`: fill full hashes and sources; work-done progress, cancellable. */
export namespace ExportManifestRequest {
  export const method = 'comfyModels/exportManifest' as const;
  export const type = new RequestType<ExportParams, ExportResult, void>(method);
}

export interface ResolveManifestResult extends Omit<ImportReport, 'indexOps'> {
  manifestPath: string;
}

/** `comfyModels/resolveManifest`: the import report of a manifest against this machine's index. */
export namespace ResolveManifestRequest {
  export const method = 'comfyModels/resolveManifest' as const;
  export const type = new RequestType<{ manifestUri: string }, ResolveManifestResult, void>(method);
}

export interface UseLocalFileParams {
  manifestUri: string;
  /** Hash of the manifest model. */
  hash: string;
  /** Absolute path of the local file with the same name, confirmed by the user. */
  path: string;
}

/** `comfyModels/useLocalFile`: the manifest edit that maps a name-matched model to the local file. */
export namespace UseLocalFileRequest {
  export const method = 'comfyModels/useLocalFile' as const;
  export const type = new RequestType<UseLocalFileParams, WorkspaceEdit | null, void>(method);
}

export interface InstallPlanResult extends InstallPlan {
  /** The workflow's file (for an embedded workflow: the image). */
  path: string;
}

/** `comfyModels/installPlan`: the install plan of a workflow document (file or `comfy-embedded:`). */
export namespace InstallPlanRequest {
  export const method = 'comfyModels/installPlan' as const;
  export const type = new RequestType<{ uri: string }, InstallPlanResult, void>(method);
}

export interface HealthResult extends HealthReport {
  project: string;
  workflows: number;
}

/** `comfyModels/health`: the library health report; the project folder decides what is "unused". */
export namespace HealthRequest {
  export const method = 'comfyModels/health' as const;
  export const type = new RequestType<{ projectDir: string }, HealthResult, void>(method);
}

/** `comfyModels/deleteDuplicateCopy`: delete one copy of a model while another stays on disk. */
export namespace DeleteDuplicateRequest {
  export const method = 'comfyModels/deleteDuplicateCopy' as const;
  export const type = new RequestType<{ path: string }, { deleted: string }, void>(method);
}

export interface LinkParams {
  /** The ComfyUI folder (holding extra_model_paths.yaml). */
  comfyuiDir: string;
  unlink: boolean;
}

/** `comfyModels/linkComfyui`: add/update (or remove) our block of the install's extra_model_paths.yaml. */
export namespace LinkComfyuiRequest {
  export const method = 'comfyModels/linkComfyui' as const;
  export const type = new RequestType<LinkParams, { path: string; changed: boolean; roots: number }, void>(method);
}

export interface EmbeddedWorkflowResult {
  container: EmbeddedContainer;
  key: 'workflow' | 'prompt';
  text: string;
}

/** `comfyModels/embeddedWorkflow`: the workflow JSON embedded in a PNG/WebP/FLAC/MP4 (null: none). */
export namespace EmbeddedWorkflowRequest {
  export const method = 'comfyModels/embeddedWorkflow' as const;
  export const type = new RequestType<{ path: string }, EmbeddedWorkflowResult | null, void>(method);
}
